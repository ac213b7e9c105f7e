package powercut

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

type opKind int

const (
	opCreate   opKind = iota // a new name: create, mkdir, mknod, symlink, link
	opRemove                 // unlink, rmdir: the entry went to the stash
	opRename                 // rename, perhaps over a victim that went to the stash
	opExchange               // rename with RENAME_EXCHANGE
)

// dirOp is a directory operation that is on the disk but not yet
// durable: Cut undoes it. A create or remove has dir2 == dir.
type dirOp struct {
	kind        opKind
	desc        string // for messages, such as "rename a/tmp → a/f"
	dir, dir2   uint64 // the directories it changed (a rename: from, to)
	fd, fd2     int    // their O_PATH descriptors, which follow them wherever they move
	name, name2 string
	ino         uint64 // the inode it named, moved or removed
	stashed     string // stash name of what it removed or replaced, or ""
}

// errNoop is a rename of a name onto another name of the same inode,
// which POSIX says does nothing.
var errNoop = errors.New("rename onto the same inode")

// record logs an operation that was just applied. Call with FS.mu held.
func (f *FS) record(op *dirOp) {
	if op.dir2 == 0 {
		op.dir2, op.fd2 = op.dir, op.fd
	}
	f.log = append(f.log, op)
	f.stats.DirOps++
}

// commit makes durable every logged operation on directory dir and, as
// a journal writes operations in order, every earlier one that shares a
// directory with an operation made durable (a rename from a to b is one
// operation: an fsync of either directory commits it whole). It returns
// how many it committed. Call with FS.mu held.
//
// So the operations left in the log on any one directory are always all
// those since some point in time, and Cut can undo them newest first.
func (f *FS) commit(dir uint64) int {
	dirs := map[uint64]bool{dir: true}
	done := make([]bool, len(f.log))
	n := 0
	for i := len(f.log) - 1; i >= 0; i-- {
		if op := f.log[i]; dirs[op.dir] || dirs[op.dir2] {
			dirs[op.dir], dirs[op.dir2], done[i] = true, true, true
			n++
		}
	}
	kept := f.log[:0]
	for i, op := range f.log {
		if !done[i] {
			kept = append(kept, op)
		}
	}
	clear(f.log[len(kept):])
	f.log = kept
	f.stats.DirCommitted += n
	return n
}

// undoAll undoes every logged operation, newest first, and returns what
// could not be undone. Call with FS.mu held, after the end.
func (f *FS) undoAll() []error {
	var errs []error
	for i := len(f.log) - 1; i >= 0; i-- {
		if err := f.undo(f.log[i]); err != nil {
			errs = append(errs, fmt.Errorf("undo %s: %w", f.log[i].desc, err))
			continue
		}
		f.stats.DirUndone++
	}
	f.log = nil
	return errs
}

func (f *FS) undo(op *dirOp) error {
	switch op.kind {
	case opCreate:
		if err := expect(op.fd, op.name, op.ino); err != nil {
			return err
		}
		_, err := f.toStash(op.fd, op.name)
		return err
	case opRemove:
		return unix.Renameat2(f.stashfd, op.stashed, op.fd, op.name, unix.RENAME_NOREPLACE)
	case opRename:
		if err := expect(op.fd2, op.name2, op.ino); err != nil {
			return err
		}
		if err := unix.Renameat2(op.fd2, op.name2, op.fd, op.name, unix.RENAME_NOREPLACE); err != nil {
			return err
		}
		if op.stashed == "" {
			return nil
		}
		return unix.Renameat2(f.stashfd, op.stashed, op.fd2, op.name2, unix.RENAME_NOREPLACE)
	case opExchange:
		return unix.Renameat2(op.fd, op.name, op.fd2, op.name2, unix.RENAME_EXCHANGE)
	}
	return fmt.Errorf("unknown operation %d", op.kind)
}

// expect checks that name in dirfd is inode ino: the log's invariant
// says it is, and undoing anything else would break the disk.
func expect(dirfd int, name string, ino uint64) error {
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return err
	}
	if st.Ino != ino {
		return fmt.Errorf("%s is inode %d, not %d", name, st.Ino, ino)
	}
	return nil
}

// toStash moves name out of dirfd into the stash, where it keeps its
// inode (and open files keep working) until the end, and returns its
// name there. Call with FS.mu held.
func (f *FS) toStash(dirfd int, name string) (string, error) {
	f.stashSeq++
	s := strconv.Itoa(f.stashSeq)
	if err := unix.Renameat2(dirfd, name, f.stashfd, s, unix.RENAME_NOREPLACE); err != nil {
		return "", err
	}
	return s, nil
}

// renameOver applies a plain rename (no flags) of op.name in op.fd to
// op.name2 in op.fd2. A victim, the entry the rename replaces, goes to
// the stash first, so that Cut can bring it back; the checks that the
// kernel would make against the victim are made here. Call with FS.mu held.
func (f *FS) renameOver(op *dirOp) error {
	var src, dst unix.Stat_t
	if err := unix.Fstatat(op.fd, op.name, &src, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return err
	}
	err := unix.Fstatat(op.fd2, op.name2, &dst, unix.AT_SYMLINK_NOFOLLOW)
	if err == unix.ENOENT {
		return unix.Renameat2(op.fd, op.name, op.fd2, op.name2, unix.RENAME_NOREPLACE)
	}
	if err != nil {
		return err
	}
	if src.Ino == dst.Ino {
		return errNoop
	}
	if err := replaceable(&src, &dst, op.fd2, op.name2); err != nil {
		return err
	}
	stashed, err := f.toStash(op.fd2, op.name2)
	if err != nil {
		return err
	}
	if err := unix.Renameat2(op.fd, op.name, op.fd2, op.name2, unix.RENAME_NOREPLACE); err != nil {
		_ = unix.Renameat2(f.stashfd, stashed, op.fd2, op.name2, unix.RENAME_NOREPLACE)
		return err
	}
	op.stashed = stashed
	return nil
}

// replaceable says why rename(2) would refuse to replace dst with src.
func replaceable(src, dst *unix.Stat_t, dirfd int, name string) error {
	srcDir, dstDir := isDir(src), isDir(dst)
	switch {
	case srcDir && !dstDir:
		return unix.ENOTDIR
	case !srcDir && dstDir:
		return unix.EISDIR
	case dstDir:
		return emptyDir(dirfd, name)
	}
	return nil
}

// emptyDir returns ENOTEMPTY unless directory name in dirfd is empty.
func emptyDir(dirfd int, name string) error {
	fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
	if err != nil {
		return err
	}
	d := os.NewFile(uintptr(fd), name)
	defer d.Close()
	if _, err := d.Readdirnames(1); err != io.EOF {
		if err != nil {
			return err
		}
		return unix.ENOTEMPTY
	}
	return nil
}

func isDir(st *unix.Stat_t) bool { return st.Mode&unix.S_IFMT == unix.S_IFDIR }
