package powercut

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
	"golang.org/x/sys/unix"

	"github.com/storeedge/storeedge/sync/synctest"
)

// cacheTimeout is how long the kernel may keep names and attributes.
// Every change passes through the mount, so the kernel's caches never
// disagree with the held state; the timeouts only spare round trips.
const cacheTimeout = time.Second

// FS is a mounted power-cut file system over a disk directory.
type FS struct {
	tb    testing.TB
	disk  string
	mnt   string
	stash string
	srv   *fuse.Server

	gate  sync.RWMutex // every operation holds it shared; the end takes it alone
	ended bool         // under gate: after Cut or Close every operation fails with EIO

	mu       sync.Mutex // guards what follows
	files    map[uint64]*file
	dirfds   map[uint64]int // O_PATH descriptors of directories, by inode
	log      []*dirOp       // applied directory operations not yet durable, oldest first
	stashfd  int
	stashSeq int
	stats    Stats
}

// Mount mounts a power-cut file system over disk (a directory) at a new
// temporary mount point. The test fails under CI (CI set), and is
// skipped elsewhere, when FUSE cannot be used here. If the test ends
// without Cut or Close, cleanup closes it.
func Mount(tb testing.TB, disk string) *FS {
	tb.Helper()
	needFUSE(tb)
	sweepDead(tb)
	disk, err := filepath.Abs(disk)
	if err != nil {
		tb.Fatal(err)
	}
	var st unix.Stat_t
	if err := unix.Stat(disk, &st); err != nil || !isDir(&st) {
		tb.Fatalf("powercut: disk %s is not a directory (%v)", disk, err)
	}
	f := &FS{tb: tb, disk: disk, mnt: tb.TempDir(), files: map[uint64]*file{}, dirfds: map[uint64]int{}}
	if err := f.openStash(st.Dev); err != nil {
		tb.Fatal(err)
	}
	if err := f.mount(st.Ino); err != nil {
		f.closeAll()
		synctest.Missing(tb, fmt.Sprintf("powercut: mounting FUSE on %s was refused: %v "+
			"(it needs root and /dev/fuse, or fuse3's fusermount3 when not root)", f.mnt, err))
	}
	tb.Cleanup(f.Close)
	return f
}

// needFUSE ends the test when this machine cannot mount FUSE at all.
func needFUSE(tb testing.TB) {
	tb.Helper()
	if _, err := os.Stat("/dev/fuse"); err != nil {
		synctest.Missing(tb, "powercut: /dev/fuse is missing: the power-cut tests need the fuse kernel module (modprobe fuse) and root")
	}
	if os.Geteuid() == 0 {
		return // mounts directly, no fusermount needed
	}
	for _, bin := range []string{"fusermount3", "fusermount"} {
		if _, err := exec.LookPath(bin); err == nil {
			return
		}
	}
	synctest.Missing(tb, "powercut: not root and no fusermount3: run the power-cut tests as root, "+
		"or install fuse3 (sudo apt-get install -y fuse3)")
}

// openStash makes the stash: a directory beside the disk (on the same
// file system, so entries move there by rename) that holds what was
// unlinked or replaced until the end.
func (f *FS) openStash(dev uint64) error {
	stash, err := os.MkdirTemp(filepath.Dir(f.disk), "."+filepath.Base(f.disk)+".powercut-stash-")
	if err != nil {
		return fmt.Errorf("powercut: stash: %w", err)
	}
	f.stash = stash
	var st unix.Stat_t
	if err := unix.Stat(stash, &st); err != nil || st.Dev != dev {
		os.Remove(stash)
		return fmt.Errorf("powercut: the stash %s must be on the disk's file system (%v)", stash, err)
	}
	fd, err := unix.Open(stash, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		os.Remove(stash)
		return fmt.Errorf("powercut: stash: %w", err)
	}
	f.stashfd = fd
	return nil
}

func (f *FS) mount(rootIno uint64) error {
	sec := cacheTimeout
	root := &node{pc: f}
	opts := &fs.Options{
		EntryTimeout:   &sec,
		AttrTimeout:    &sec,
		RootStableAttr: &fs.StableAttr{Ino: rootIno},
		MountOptions: fuse.MountOptions{
			FsName:            "powercut:" + f.disk,
			Name:              "powercut",
			DirectMount:       true,
			DirectMountStrict: os.Geteuid() == 0,
			AllowOther:        os.Geteuid() == 0,
			Options:           []string{"default_permissions"},
			DisableXAttrs:     true,
			Debug:             os.Getenv("POWERCUT_DEBUG") != "",
		},
	}
	srv, err := fs.Mount(f.mnt, root, opts)
	if err != nil {
		return err
	}
	f.srv = srv
	return nil
}

// Dir returns the mount point: the program under test works there.
func (f *FS) Dir() string { return f.mnt }

// Cut is the power cut. The caller has already killed (SIGKILL) every
// process that used the mount. Cut stops the file system, unmounts it
// (lazily when something still holds it open), throws away every held
// write and undoes every directory operation that no directory fsync
// made durable, newest first. Afterwards the disk directory is what a
// disk would hold when the power came back, and the program can start
// again on it. Cut after Cut or Close does nothing.
func (f *FS) Cut() {
	f.tb.Helper()
	if !f.end() {
		return
	}
	f.unmount()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, fl := range f.files {
		if n, dirty := fl.drop(); dirty {
			f.stats.DroppedBytes += n
			f.stats.DroppedFiles++
		}
	}
	for _, err := range f.undoAll() {
		f.tb.Errorf("powercut: %v", err)
	}
	f.closeAll()
}

// Close is a clean unmount, not a power cut: as umount(8) syncs a file
// system, Close writes every held write to the disk and makes every
// directory operation durable, then unmounts. Close after Cut or Close
// does nothing.
func (f *FS) Close() {
	f.tb.Helper()
	if !f.end() {
		return
	}
	f.mu.Lock()
	for _, fl := range f.files {
		if n, err := fl.sync(false); err != nil {
			f.tb.Errorf("powercut: close: sync inode %d: %v", fl.ino, err)
		} else if n > 0 {
			f.stats.SyncedBytes += n
		}
	}
	f.stats.DirCommitted += len(f.log)
	f.log = nil
	f.mu.Unlock()
	f.unmount()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closeAll()
}

// end stops every operation: it waits for those under way, and every
// later one fails with EIO. It returns false if the end came before.
func (f *FS) end() bool {
	f.gate.Lock()
	defer f.gate.Unlock()
	if f.ended {
		return false
	}
	f.ended = true
	return true
}

// enter starts an operation; it returns false after the end.
func (f *FS) enter() bool {
	f.gate.RLock()
	if f.ended {
		f.gate.RUnlock()
		return false
	}
	return true
}

func (f *FS) leave() { f.gate.RUnlock() }

// unmount unmounts, lazily if the mount stays busy, so it never hangs on
// a process that still holds a file open. Call after end, without mu.
func (f *FS) unmount() {
	f.tb.Helper()
	if f.srv == nil {
		return
	}
	lazy, err := f.detach()
	if err != nil {
		f.tb.Errorf("powercut: unmount %s: %v", f.mnt, err)
		return
	}
	if lazy {
		f.tb.Logf("powercut: %s was busy: detached it lazily (something still holds a file open)", f.mnt)
		return // the connection lives on until the last file closes, answering EIO
	}
	done := make(chan struct{})
	go func() { f.srv.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		f.tb.Logf("powercut: the FUSE server of %s did not stop within 10s after unmount", f.mnt)
	}
}

// detach unmounts, retrying while a killed process is still letting go
// of its files, and detaches lazily (MNT_DETACH, fusermount -z) if the
// mount stays busy.
func (f *FS) detach() (lazy bool, err error) {
	if os.Geteuid() != 0 {
		if err := f.srv.Unmount(); err == nil {
			return false, nil
		}
		return true, detachLazily(f.mnt)
	}
	for range 40 {
		err = unix.Unmount(f.mnt, 0)
		if err != unix.EBUSY {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	switch err {
	case nil, unix.EINVAL: // EINVAL: not mounted any more
		return false, nil
	case unix.EBUSY:
		return true, detachLazily(f.mnt)
	}
	return false, err
}

func fusermount(args ...string) error {
	bin, err := exec.LookPath("fusermount3")
	if err != nil {
		bin = "fusermount"
	}
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("%s %v: %v: %s", bin, args, err, out)
	}
	return nil
}

// closeAll closes every descriptor and removes the stash. Call with mu
// held, after the end (or when the mount failed).
func (f *FS) closeAll() {
	for ino, fl := range f.files {
		syscall.Close(fl.fd)
		delete(f.files, ino)
	}
	for ino, fd := range f.dirfds {
		syscall.Close(fd)
		delete(f.dirfds, ino)
	}
	if f.stash != "" {
		syscall.Close(f.stashfd)
		if err := os.RemoveAll(f.stash); err != nil {
			f.tb.Errorf("powercut: remove the stash: %v", err)
		}
		f.stash = ""
	}
}
