package powercut

import "fmt"

// Stats says what a power-cut file system held, made durable and threw
// away. Byte counts are bytes written (a rewrite counts again) plus bytes
// that a truncation cut off or added.
type Stats struct {
	HeldBytes    int64 // held now: written since their file's last fsync
	HeldFiles    int   // files that differ from the disk now
	FileSyncs    int   // fsync and fdatasync calls on files
	SyncedBytes  int64 // held bytes that fsync, fdatasync or Close wrote to the disk
	DroppedBytes int64 // held bytes that Cut threw away
	DroppedFiles int   // files whose held changes Cut threw away
	DirOps       int   // create, mkdir, mknod, symlink, link, unlink, rmdir and rename
	DirSyncs     int   // fsync calls on directories
	DirCommitted int   // directory operations made durable by a directory fsync, or by Close
	DirPending   int   // directory operations not durable now
	DirUndone    int   // directory operations that Cut undid
}

// String is a line for a test log.
func (s Stats) String() string {
	return fmt.Sprintf("held %d B in %d files; %d file fsyncs synced %d B; cut dropped %d B in %d files; "+
		"%d directory ops: %d committed by %d directory fsyncs, %d pending, %d undone",
		s.HeldBytes, s.HeldFiles, s.FileSyncs, s.SyncedBytes, s.DroppedBytes, s.DroppedFiles,
		s.DirOps, s.DirCommitted, s.DirSyncs, s.DirPending, s.DirUndone)
}

// Stats returns what the file system held, synced and dropped so far.
func (f *FS) Stats() Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.stats
	s.DirPending = len(f.log)
	for _, fl := range f.files {
		if _, held, dirty := fl.state(); dirty {
			s.HeldBytes += held
			s.HeldFiles++
		}
	}
	return s
}
