package powercut

import (
	"context"
	"fmt"
	"os"

	"github.com/hanwen/go-fuse/v2/fuse"
	"golang.org/x/sys/unix"
)

// The helpers below run with FS.mu held, unless they say otherwise.

// dirFD returns the O_PATH descriptor of directory n, opening it the
// first time. It follows the directory wherever it is renamed or moved.
func (f *FS) dirFD(n *node) (int, error) {
	ino := n.ino()
	if fd, ok := f.dirfds[ino]; ok {
		return fd, nil
	}
	flags := unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC
	if !n.IsRoot() {
		flags |= unix.O_NOFOLLOW
	}
	fd, err := unix.Open(n.diskPath(), flags, 0)
	if err != nil {
		return -1, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Ino != ino {
		unix.Close(fd)
		return -1, unix.ESTALE
	}
	f.dirfds[ino] = fd
	return fd, nil
}

// stat returns the disk's attributes of n.
func (f *FS) stat(n *node) (unix.Stat_t, error) {
	var st unix.Stat_t
	if n.IsDir() {
		fd, err := f.dirFD(n)
		if err != nil {
			return st, err
		}
		return st, unix.Fstat(fd, &st)
	}
	if fl := f.files[n.ino()]; fl != nil {
		return st, unix.Fstat(fl.fd, &st)
	}
	return st, unix.Lstat(n.diskPath(), &st)
}

// fillAttr fills a from st, with the size of what a file holds.
func (f *FS) fillAttr(st *unix.Stat_t, a *fuse.Attr) {
	*a = fuse.Attr{
		Ino: st.Ino, Size: uint64(st.Size), Blocks: uint64(st.Blocks),
		Atime: uint64(st.Atim.Sec), Atimensec: uint32(st.Atim.Nsec),
		Mtime: uint64(st.Mtim.Sec), Mtimensec: uint32(st.Mtim.Nsec),
		Ctime: uint64(st.Ctim.Sec), Ctimensec: uint32(st.Ctim.Nsec),
		Mode: st.Mode, Nlink: uint32(st.Nlink),
		Owner: fuse.Owner{Uid: st.Uid, Gid: st.Gid},
		Rdev:  uint32(st.Rdev), Blksize: uint32(st.Blksize),
	}
	if fl := f.files[st.Ino]; fl != nil && st.Mode&unix.S_IFMT == unix.S_IFREG {
		size, _, _ := fl.state()
		a.Size = uint64(size)
		a.Blocks = max(a.Blocks, (a.Size+511)/512)
	}
}

// setMeta applies mode, owner and times to the disk.
func (f *FS) setMeta(n *node, in *fuse.SetAttrIn) error {
	path, nofollow := n.diskPath(), unix.AT_SYMLINK_NOFOLLOW
	if fl := f.files[n.ino()]; fl != nil {
		path, nofollow = fmt.Sprintf("/proc/self/fd/%d", fl.fd), 0 // works for an unlinked file too
	}
	if m, ok := in.GetMode(); ok {
		if err := unix.Fchmodat(unix.AT_FDCWD, path, m, 0); err != nil {
			return err
		}
	}
	uid, uok := in.GetUID()
	gid, gok := in.GetGID()
	if uok || gok {
		u, g := -1, -1
		if uok {
			u = int(uid)
		}
		if gok {
			g = int(gid)
		}
		if err := unix.Fchownat(unix.AT_FDCWD, path, u, g, nofollow); err != nil {
			return err
		}
	}
	mtime, mok := in.GetMTime()
	atime, aok := in.GetATime()
	if !mok && !aok {
		return nil
	}
	ts := []unix.Timespec{{Nsec: unix.UTIME_OMIT}, {Nsec: unix.UTIME_OMIT}}
	if aok {
		ts[0] = unix.NsecToTimespec(atime.UnixNano())
	}
	if mok {
		ts[1] = unix.NsecToTimespec(mtime.UnixNano())
	}
	return unix.UtimesNanoAt(unix.AT_FDCWD, path, ts, nofollow)
}

// chown gives a new entry to the caller, as the kernel would, when we
// are root (otherwise it is ours anyway).
func (f *FS) chown(ctx context.Context, dirfd int, name string) {
	if os.Geteuid() != 0 {
		return
	}
	if c, ok := fuse.FromContext(ctx); ok {
		_ = unix.Fchownat(dirfd, name, int(c.Uid), int(c.Gid), unix.AT_SYMLINK_NOFOLLOW)
	}
}

// acquire returns the file of regular file n, opening the disk file if
// nothing has it open; release it after. Call without FS.mu.
func (f *FS) acquire(n *node) (*file, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if fl := f.files[n.ino()]; fl != nil {
		fl.refs++
		return fl, nil
	}
	const flags = unix.O_CLOEXEC | unix.O_NOFOLLOW
	fd, err := unix.Open(n.diskPath(), unix.O_RDWR|flags, 0)
	if err == unix.EACCES || err == unix.EROFS || err == unix.ETXTBSY {
		fd, err = unix.Open(n.diskPath(), unix.O_RDONLY|flags, 0)
	}
	if err != nil {
		return nil, err
	}
	return f.adopt(fd, n.ino())
}

// adopt makes fd, a new descriptor of inode ino, the inode's file, or
// closes it if the inode has a file already. Either way it takes a
// reference.
func (f *FS) adopt(fd int, ino uint64) (*file, error) {
	if fl := f.files[ino]; fl != nil {
		unix.Close(fd)
		fl.refs++
		return fl, nil
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Ino != ino {
		unix.Close(fd)
		return nil, unix.ESTALE
	}
	fl := newFile(ino, fd, st.Size)
	fl.refs = 1
	f.files[ino] = fl
	return fl, nil
}

// release drops a reference; a file that nobody has open and that holds
// nothing is closed. Call without FS.mu.
func (f *FS) release(fl *file) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl.refs--
	if _, _, dirty := fl.state(); fl.refs == 0 && !dirty {
		unix.Close(fl.fd)
		delete(f.files, fl.ino)
	}
}

// syncDir makes the logged operations on directory n durable, and
// fsyncs the disk directory too. Call without FS.mu.
func (f *FS) syncDir(n *node) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	dirfd, err := f.dirFD(n)
	if err != nil {
		return err
	}
	f.commit(n.ino())
	f.stats.DirSyncs++
	fd, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", dirfd), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return unix.Fsync(fd)
}
