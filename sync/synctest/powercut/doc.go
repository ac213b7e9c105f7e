// Package powercut is a FUSE file system for tests that forgets, at a
// power cut, what a real disk would forget: like Jepsen's LazyFS, it
// passes a real directory (the disk) through to a mount point, but holds
// back every write that was not fsynced and every directory change that
// was not made durable by an fsync of the directory.
//
//	disk := t.TempDir()
//	pc := powercut.Mount(t, disk)
//	// run the program under test with its data in pc.Dir(), then kill -9 it
//	pc.Cut()
//	t.Log(pc.Stats())
//	// start the program again on disk, and check what survived
//
// # Basics
//
// The model of durability, exactly as implemented:
//
//   - File data. What a process writes to a file since the file's last
//     fsync or fdatasync is held in memory, as pages laid over the disk
//     file, together with the file's size (so truncation and extension
//     are held too). Reads, including page faults of a shared mmap, see
//     the held state; stat sees its size. fsync and fdatasync (the same
//     here) write the file's held state to the disk file and fsync it
//     there. close(2), and so FUSE flush and release, persist nothing.
//     The held state belongs to the inode: it follows renames and hard
//     links, and survives the last close until an fsync or the cut.
//   - Directory entries. create, mkdir, mknod, symlink, link, unlink,
//     rmdir and rename (with RENAME_NOREPLACE or RENAME_EXCHANGE too) are
//     applied to the disk at once and logged. What an unlink, rmdir or
//     rename-over removes is moved into a stash directory beside the disk,
//     keeping its inode, so open files keep working and the cut can bring
//     it back. fsync of a directory makes durable every logged operation
//     on that directory and, as a journal writes operations in order,
//     every earlier logged operation that shares a directory with one
//     made durable. A rename across directories is one operation: an fsync
//     of either directory makes it durable whole, as ext4 and XFS commit a
//     rename in one transaction. So the operations still logged on any one
//     directory are always all of those since some point in time.
//   - Until the cut, the disk directory holds each file's data as of its
//     last fsync, and the directory entries as they are now.
//   - Cut. The caller has killed (SIGKILL) every process that uses the
//     mount. Cut stops the file system (every later operation fails with
//     EIO), unmounts (lazily if something still holds the mount busy, so
//     it never hangs), throws away every held write, undoes every logged
//     directory operation, newest first, and removes the stash. The disk
//     directory is then what the disk would hold when the
//     power came back: a file whose data was fsynced but whose name no
//     directory fsync committed is gone (as on ext4 with a torn
//     directory); a new directory that was not committed in its parent is
//     gone with all it holds, whatever was fsynced inside it; an unlinked
//     or replaced file whose removal was not committed is back with its
//     last fsynced data.
//   - Close is a clean unmount, as umount(8) syncs a file system: it
//     writes every held write to the disk and keeps every directory
//     operation, then unmounts. Cleanup calls Close if the test called
//     neither. A test process that dies without its cleanups (killed, or
//     by -timeout) leaves a dead mount that answers ENOTCONN; the next
//     Mount, in any test process, detaches it.
//
// The mount uses neither direct_io (which breaks shared mmap) nor the
// writeback cache: every write reaches the file system when it is made,
// so fsync means what it says and the page cache that a read-only
// MAP_SHARED mapping (bbolt's) reads is the one written through. Opens do
// not keep the page cache. Names and attributes are cached for a second,
// which is safe because every change passes through the mount.
//
// Mount needs root and /dev/fuse (it mounts without fusermount), or, when
// not root, fuse3's fusermount3. When FUSE cannot be used the test fails
// under CI (CI set) and is skipped elsewhere, saying what is missing.
//
// # Caveats
//
// What it does not model:
//
//   - Torn writes: a page is either all held or all written; a sector
//     half written at the cut does not happen. Nor does a cut during an
//     fsync.
//   - Reordering: held writes of one file reach the disk all at once, at
//     its fsync, and synced writes are never lost or reordered.
//   - Metadata: mode, owner and times go to the disk at once and survive
//     any cut; writes held in memory do not change mtime. A new entry's
//     mode passes the serving process's umask too. fallocate's sizes and
//     zeros are held, its space reservation is not modelled.
//   - Leniency: a directory fsync also commits earlier operations on
//     other directories that its own operations share a directory with
//     (see above), as a journal would; a file system that writes each
//     directory on its own could lose those. Within that rule it keeps
//     no more than POSIX promises (ext4 keeps more: any fsync commits its
//     whole journal).
//   - Refused: O_TMPFILE, copy_file_range (the kernel falls back to reads
//     and writes), ioctl, extended attributes, and locks forwarded to the
//     file system (flock and fcntl locks work, kept by the kernel).
//   - The disk must be one file system, with no mount point inside, and
//     its parent directory must be on it too (for the stash).
//
// Do not mmap a file of the mount in the process that serves it (the
// test process): a page fault waits for the FUSE server, which may wait
// for the Go runtime to stop the world, which waits for the faulting
// goroutine. Run what maps files (bbolt) in a child process; the tests
// do so by running the test binary again.
package powercut
