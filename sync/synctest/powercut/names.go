package powercut

import (
	"context"
	"syscall"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
	"golang.org/x/sys/unix"
)

// The operations on names apply to the disk at once (relative to the
// directories' O_PATH descriptors) and are logged until a directory
// fsync makes them durable. They run one at a time, under FS.mu.

// Mkdir makes a directory.
func (n *node) Mkdir(ctx context.Context, name string, mode uint32, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	return n.create(ctx, "mkdir", name, out, func(dirfd int) error {
		return unix.Mkdirat(dirfd, name, mode)
	})
}

// Mknod makes a device, fifo or socket.
func (n *node) Mknod(ctx context.Context, name string, mode, dev uint32, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	return n.create(ctx, "mknod", name, out, func(dirfd int) error {
		return unix.Mknodat(dirfd, name, mode, int(dev))
	})
}

// Symlink makes a symbolic link; its target is part of the new name.
func (n *node) Symlink(ctx context.Context, target, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	return n.create(ctx, "symlink", name, out, func(dirfd int) error {
		return unix.Symlinkat(target, dirfd, name)
	})
}

// Link gives an inode another name.
func (n *node) Link(ctx context.Context, target fs.InodeEmbedder, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	tn, ok := target.(*node)
	if !ok {
		return nil, syscall.EXDEV
	}
	return n.create(ctx, "link", name, out, func(dirfd int) error {
		if fl := n.pc.files[tn.ino()]; fl != nil {
			return unix.Linkat(fl.fd, "", dirfd, name, unix.AT_EMPTY_PATH)
		}
		return unix.Linkat(unix.AT_FDCWD, tn.diskPath(), dirfd, name, 0)
	})
}

// create runs mk, which makes name in the directory, and logs it.
func (n *node) create(ctx context.Context, verb, name string, out *fuse.EntryOut, mk func(dirfd int) error) (*fs.Inode, syscall.Errno) {
	pc := n.pc
	if !pc.enter() {
		return nil, syscall.EIO
	}
	defer pc.leave()
	pc.mu.Lock()
	defer pc.mu.Unlock()
	dirfd, err := pc.dirFD(n)
	if err != nil {
		return nil, errno(err)
	}
	if err := mk(dirfd); err != nil {
		return nil, errno(err)
	}
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return nil, errno(err)
	}
	if verb != "link" {
		pc.chown(ctx, dirfd, name)
	}
	pc.record(&dirOp{kind: opCreate, desc: verb + " " + n.rel(name), dir: n.ino(), fd: dirfd, name: name, ino: st.Ino})
	pc.fillAttr(&st, &out.Attr)
	return n.child(ctx, &st), 0
}

// Unlink removes a name that is not a directory.
func (n *node) Unlink(ctx context.Context, name string) syscall.Errno {
	return n.remove("unlink", name)
}

// Rmdir removes an empty directory.
func (n *node) Rmdir(ctx context.Context, name string) syscall.Errno { return n.remove("rmdir", name) }

// remove moves name into the stash, whence Cut can bring it back with
// its inode (and, for a file, its last fsynced data).
func (n *node) remove(verb, name string) syscall.Errno {
	pc := n.pc
	if !pc.enter() {
		return syscall.EIO
	}
	defer pc.leave()
	pc.mu.Lock()
	defer pc.mu.Unlock()
	dirfd, err := pc.dirFD(n)
	if err != nil {
		return errno(err)
	}
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return errno(err)
	}
	switch rmdir := verb == "rmdir"; {
	case rmdir && !isDir(&st):
		return syscall.ENOTDIR
	case !rmdir && isDir(&st):
		return syscall.EISDIR
	case rmdir:
		if err := emptyDir(dirfd, name); err != nil {
			return errno(err)
		}
	}
	stashed, err := pc.toStash(dirfd, name)
	if err != nil {
		return errno(err)
	}
	pc.record(&dirOp{kind: opRemove, desc: verb + " " + n.rel(name), dir: n.ino(), fd: dirfd, name: name, ino: st.Ino, stashed: stashed})
	return 0
}

// Rename renames, with RENAME_NOREPLACE and RENAME_EXCHANGE too.
func (n *node) Rename(ctx context.Context, name string, newParent fs.InodeEmbedder, newName string, flags uint32) syscall.Errno {
	np, ok := newParent.(*node)
	if !ok {
		return syscall.EXDEV
	}
	pc := n.pc
	if !pc.enter() {
		return syscall.EIO
	}
	defer pc.leave()
	pc.mu.Lock()
	defer pc.mu.Unlock()
	op := &dirOp{kind: opRename, desc: "rename " + n.rel(name) + " → " + np.rel(newName),
		dir: n.ino(), dir2: np.ino(), name: name, name2: newName}
	var err error
	if op.fd, err = pc.dirFD(n); err != nil {
		return errno(err)
	}
	if op.fd2, err = pc.dirFD(np); err != nil {
		return errno(err)
	}
	switch flags {
	case 0:
		err = pc.renameOver(op)
	case unix.RENAME_NOREPLACE:
		err = unix.Renameat2(op.fd, name, op.fd2, newName, unix.RENAME_NOREPLACE)
	case unix.RENAME_EXCHANGE:
		op.kind, op.desc = opExchange, "exchange "+n.rel(name)+" ↔ "+np.rel(newName)
		err = unix.Renameat2(op.fd, name, op.fd2, newName, unix.RENAME_EXCHANGE)
	default:
		return syscall.EINVAL
	}
	if err == errNoop {
		return 0
	}
	if err != nil {
		return errno(err)
	}
	var st unix.Stat_t
	if err := unix.Fstatat(op.fd2, newName, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return errno(err)
	}
	op.ino = st.Ino
	pc.record(op)
	return 0
}
