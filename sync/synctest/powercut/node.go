package powercut

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
	"golang.org/x/sys/unix"
)

// node is an inode of the mount: a file, directory or other entry of the
// disk, known by its disk inode number. Every operation that the kernel
// may send is implemented here or deliberately left out: copy_file_range,
// ioctl, locks forwarded to the file system, O_TMPFILE and extended
// attributes are refused, so nothing can reach the disk around the
// held state.
type node struct {
	fs.Inode
	pc *FS
}

// handle is an open file; every handle of an inode shares its file.
type handle struct{ file *file }

var (
	_ fs.NodeLookuper   = (*node)(nil)
	_ fs.NodeGetattrer  = (*node)(nil)
	_ fs.NodeSetattrer  = (*node)(nil)
	_ fs.NodeOpener     = (*node)(nil)
	_ fs.NodeCreater    = (*node)(nil)
	_ fs.NodeReader     = (*node)(nil)
	_ fs.NodeWritever   = (*node)(nil)
	_ fs.NodeFsyncer    = (*node)(nil)
	_ fs.NodeFlusher    = (*node)(nil)
	_ fs.NodeReleaser   = (*node)(nil)
	_ fs.NodeAllocater  = (*node)(nil)
	_ fs.NodeMkdirer    = (*node)(nil)
	_ fs.NodeMknoder    = (*node)(nil)
	_ fs.NodeSymlinker  = (*node)(nil)
	_ fs.NodeLinker     = (*node)(nil)
	_ fs.NodeUnlinker   = (*node)(nil)
	_ fs.NodeRmdirer    = (*node)(nil)
	_ fs.NodeRenamer    = (*node)(nil)
	_ fs.NodeReadlinker = (*node)(nil)
	_ fs.NodeReaddirer  = (*node)(nil)
	_ fs.NodeStatfser   = (*node)(nil)
)

func (n *node) ino() uint64 { return n.StableAttr().Ino }

// rel is the node's path in the mount, or that of its child name.
func (n *node) rel(name string) string { return filepath.Join(n.Path(n.Root()), name) }

// diskPath is the node's path on the disk. An orphaned node gets a path
// that does not exist.
func (n *node) diskPath() string { return filepath.Join(n.pc.disk, n.Path(n.Root())) }

func (n *node) child(ctx context.Context, st *unix.Stat_t) *fs.Inode {
	return n.NewInode(ctx, &node{pc: n.pc}, fs.StableAttr{Mode: st.Mode & unix.S_IFMT, Ino: st.Ino})
}

func errno(err error) syscall.Errno { return fs.ToErrno(err) }

// Lookup finds a child on the disk; a file's size is what it holds.
func (n *node) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
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
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return nil, errno(err)
	}
	pc.fillAttr(&st, &out.Attr)
	return n.child(ctx, &st), 0
}

// Getattr returns the disk's attributes, with the held size of a file.
func (n *node) Getattr(ctx context.Context, fh fs.FileHandle, out *fuse.AttrOut) syscall.Errno {
	pc := n.pc
	if !pc.enter() {
		return syscall.EIO
	}
	defer pc.leave()
	pc.mu.Lock()
	defer pc.mu.Unlock()
	st, err := pc.stat(n)
	if err != nil {
		return errno(err)
	}
	pc.fillAttr(&st, &out.Attr)
	return 0
}

// Setattr holds a size change; mode, owner and times go to the disk at
// once (metadata is not modelled).
func (n *node) Setattr(ctx context.Context, fh fs.FileHandle, in *fuse.SetAttrIn, out *fuse.AttrOut) syscall.Errno {
	pc := n.pc
	if !pc.enter() {
		return syscall.EIO
	}
	defer pc.leave()
	if size, ok := in.GetSize(); ok {
		if err := n.truncate(int64(size)); err != nil {
			return errno(err)
		}
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if err := pc.setMeta(n, in); err != nil {
		return errno(err)
	}
	st, err := pc.stat(n)
	if err != nil {
		return errno(err)
	}
	pc.fillAttr(&st, &out.Attr)
	return 0
}

func (n *node) truncate(size int64) error {
	if n.IsDir() {
		return syscall.EISDIR
	}
	fl, err := n.pc.acquire(n)
	if err != nil {
		return err
	}
	fl.truncate(size)
	n.pc.release(fl)
	return nil
}

// Open opens the disk file once per inode; what the process writes is
// held in it. No FOPEN_DIRECT_IO (it would break shared mmap) and no
// FOPEN_KEEP_CACHE: the kernel drops its page cache of the file on open.
func (n *node) Open(ctx context.Context, flags uint32) (fs.FileHandle, uint32, syscall.Errno) {
	pc := n.pc
	if !pc.enter() {
		return nil, 0, syscall.EIO
	}
	defer pc.leave()
	fl, err := pc.acquire(n)
	if err != nil {
		return nil, 0, errno(err)
	}
	if flags&syscall.O_TRUNC != 0 {
		fl.truncate(0)
	}
	return &handle{fl}, 0, 0
}

// Create creates the file on the disk at once and logs the new name.
func (n *node) Create(ctx context.Context, name string, flags, mode uint32, out *fuse.EntryOut) (*fs.Inode, fs.FileHandle, uint32, syscall.Errno) {
	pc := n.pc
	if !pc.enter() {
		return nil, nil, 0, syscall.EIO
	}
	defer pc.leave()
	pc.mu.Lock()
	defer pc.mu.Unlock()
	dirfd, err := pc.dirFD(n)
	if err != nil {
		return nil, nil, 0, errno(err)
	}
	const open = unix.O_RDWR | unix.O_CLOEXEC | unix.O_NOFOLLOW
	fd, err := unix.Openat(dirfd, name, open|unix.O_CREAT|unix.O_EXCL, mode)
	created := err == nil
	if err == unix.EEXIST && flags&syscall.O_EXCL == 0 {
		fd, err = unix.Openat(dirfd, name, open, 0)
	}
	if err != nil {
		return nil, nil, 0, errno(err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, nil, 0, errno(err)
	}
	fl, err := pc.adopt(fd, st.Ino)
	if err != nil {
		return nil, nil, 0, errno(err)
	}
	if created {
		pc.chown(ctx, dirfd, name)
		pc.record(&dirOp{kind: opCreate, desc: "create " + n.rel(name), dir: n.ino(), fd: dirfd, name: name, ino: st.Ino})
	} else if flags&syscall.O_TRUNC != 0 {
		fl.truncate(0)
	}
	pc.fillAttr(&st, &out.Attr)
	return n.child(ctx, &st), &handle{fl}, 0, 0
}

// Read reads the held file: the disk file with the held pages over it.
func (n *node) Read(ctx context.Context, fh fs.FileHandle, dest []byte, off int64) (fuse.ReadResult, syscall.Errno) {
	h, ok := fh.(*handle)
	if !ok {
		return nil, syscall.EBADF
	}
	if !n.pc.enter() {
		return nil, syscall.EIO
	}
	defer n.pc.leave()
	k, err := h.file.read(dest, off)
	if err != nil {
		return nil, errno(err)
	}
	return fuse.ReadResultData(dest[:k]), 0
}

// Writev holds what is written; nothing reaches the disk.
func (n *node) Writev(ctx context.Context, fh fs.FileHandle, data [][]byte, off int64) (uint32, syscall.Errno) {
	h, ok := fh.(*handle)
	if !ok {
		return 0, syscall.EBADF
	}
	if !n.pc.enter() {
		return 0, syscall.EIO
	}
	defer n.pc.leave()
	var written uint32
	for _, d := range data {
		if err := h.file.write(d, off); err != nil {
			return written, errno(err)
		}
		off += int64(len(d))
		written += uint32(len(d))
	}
	return written, 0
}

// Fsync of a file writes what it holds to the disk file and fsyncs it
// there; fsync of a directory makes its logged operations durable.
func (n *node) Fsync(ctx context.Context, fh fs.FileHandle, flags uint32) syscall.Errno {
	pc := n.pc
	if !pc.enter() {
		return syscall.EIO
	}
	defer pc.leave()
	if n.IsDir() {
		return errno(pc.syncDir(n))
	}
	h, ok := fh.(*handle)
	if !ok {
		return 0
	}
	synced, err := h.file.sync(flags&1 != 0) // FUSE_FSYNC_FDATASYNC
	if err != nil {
		return errno(err)
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.stats.FileSyncs++
	pc.stats.SyncedBytes += synced
	return 0
}

// Flush (close) persists nothing.
func (n *node) Flush(ctx context.Context, fh fs.FileHandle) syscall.Errno { return 0 }

// Release lets go of a handle; a file that holds nothing is closed.
func (n *node) Release(ctx context.Context, fh fs.FileHandle) syscall.Errno {
	h, ok := fh.(*handle)
	if !ok || !n.pc.enter() {
		return 0
	}
	defer n.pc.leave()
	n.pc.release(h.file)
	return 0
}

// Allocate models fallocate's effect on the content: sizes and zeros.
// Reserving space is not modelled.
func (n *node) Allocate(ctx context.Context, fh fs.FileHandle, off, size uint64, mode uint32) syscall.Errno {
	h, ok := fh.(*handle)
	if !ok {
		return syscall.EBADF
	}
	if !n.pc.enter() {
		return syscall.EIO
	}
	defer n.pc.leave()
	switch mode &^ unix.FALLOC_FL_KEEP_SIZE {
	case 0:
	case unix.FALLOC_FL_PUNCH_HOLE, unix.FALLOC_FL_ZERO_RANGE:
		if err := h.file.zero(int64(off), int64(size)); err != nil {
			return errno(err)
		}
	default:
		return syscall.EOPNOTSUPP
	}
	if mode&unix.FALLOC_FL_KEEP_SIZE == 0 {
		h.file.grow(int64(off + size))
	}
	return 0
}

// Readlink reads a symbolic link on the disk.
func (n *node) Readlink(ctx context.Context) ([]byte, syscall.Errno) {
	if !n.pc.enter() {
		return nil, syscall.EIO
	}
	defer n.pc.leave()
	buf := make([]byte, unix.PathMax)
	k, err := unix.Readlink(n.diskPath(), buf)
	if err != nil {
		return nil, errno(err)
	}
	return buf[:k], 0
}

// Readdir lists the directory on the disk.
func (n *node) Readdir(ctx context.Context) (fs.DirStream, syscall.Errno) {
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
	fd, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", dirfd), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, errno(err)
	}
	return fs.NewLoopbackDirStreamFd(fd)
}

// Statfs reports the disk's file system.
func (n *node) Statfs(ctx context.Context, out *fuse.StatfsOut) syscall.Errno {
	var s syscall.Statfs_t
	if err := syscall.Statfs(n.pc.disk, &s); err != nil {
		return errno(err)
	}
	out.FromStatfsT(&s)
	return 0
}
