package powercut

import (
	"io"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// pageSize is the unit in which held writes are kept.
const pageSize = 4096

// file is the state of one regular file (one inode of the disk) that is
// open, or that holds writes: what the process sees is the disk file as
// of the file's last fsync, with the held pages laid over it.
//
// Invariants: base <= size and base <= the disk file's size; bytes of the
// disk file at or past base are not part of the file; the bytes of a page
// at or past size are zero.
type file struct {
	ino  uint64
	fd   int // O_RDWR (O_RDONLY if refused) on the disk inode; it follows renames and the stash
	refs int // open handles, and callers between acquire and release; under FS.mu

	mu    sync.Mutex
	size  int64            // the file's size as the process sees it
	base  int64            // the disk file's bytes below base are still the file's
	pages map[int64][]byte // page index → pageSize bytes written since the last fsync
	dirty bool             // size, base or pages differ from the disk
	held  int64            // bytes written (or cut off by truncation) since the last fsync
}

func newFile(ino uint64, fd int, size int64) *file {
	return &file{ino: ino, fd: fd, size: size, base: size}
}

// read fills dest from off and returns how many bytes it filled: fewer
// than len(dest) only at the end of the file.
func (f *file) read(dest []byte, off int64) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if off >= f.size {
		return 0, nil
	}
	buf := dest[:min(int64(len(dest)), f.size-off)]
	end := off + int64(len(buf))
	var fromDisk int
	if off < f.base {
		n, err := preadFull(f.fd, buf[:min(end, f.base)-off], off)
		if err != nil {
			return 0, err
		}
		fromDisk = n
	}
	clear(buf[fromDisk:])
	for idx := off / pageSize; idx*pageSize < end; idx++ {
		if p := f.pages[idx]; p != nil {
			pageOff := idx * pageSize
			lo, hi := max(off, pageOff), min(end, pageOff+pageSize)
			copy(buf[lo-off:hi-off], p[lo-pageOff:hi-pageOff])
		}
	}
	return len(buf), nil
}

// write holds data at off.
func (f *file) write(data []byte, off int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	end := off + int64(len(data))
	for idx := off / pageSize; idx*pageSize < end; idx++ {
		p, err := f.page(idx)
		if err != nil {
			return err
		}
		pageOff := idx * pageSize
		lo, hi := max(off, pageOff), min(end, pageOff+pageSize)
		copy(p[lo-pageOff:hi-pageOff], data[lo-off:hi-off])
	}
	f.size = max(f.size, end)
	f.held += int64(len(data))
	f.dirty = true
	return nil
}

// page returns held page idx, first copying it from what the file holds
// there now. Call with mu held.
func (f *file) page(idx int64) ([]byte, error) {
	if p := f.pages[idx]; p != nil {
		return p, nil
	}
	p := make([]byte, pageSize)
	pageOff := idx * pageSize
	if pageOff < f.base {
		if _, err := preadFull(f.fd, p[:min(pageSize, f.base-pageOff)], pageOff); err != nil {
			return nil, err
		}
	}
	if f.pages == nil {
		f.pages = make(map[int64][]byte)
	}
	f.pages[idx] = p
	return p, nil
}

// truncate sets the file's size; nothing reaches the disk.
func (f *file) truncate(size int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resize(size)
}

// grow extends the file to size if it is shorter.
func (f *file) grow(size int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if size > f.size {
		f.resize(size)
	}
}

// resize sets the size. Call with mu held.
func (f *file) resize(size int64) {
	if size == f.size {
		return
	}
	if size < f.size {
		for idx, p := range f.pages {
			switch pageOff := idx * pageSize; {
			case pageOff >= size:
				delete(f.pages, idx)
			case pageOff+pageSize > size:
				clear(p[size-pageOff:])
			}
		}
		f.base = min(f.base, size)
	}
	f.held += abs(f.size - size)
	f.size = size
	f.dirty = true
}

// zero holds zeros over [off, off+n) without changing the size.
func (f *file) zero(off, n int64) error {
	f.mu.Lock()
	size := f.size
	f.mu.Unlock()
	end := min(off+n, size)
	for ; off < end; off += pageSize {
		chunk := min(end-off, pageSize-off%pageSize)
		if err := f.write(make([]byte, chunk), off); err != nil {
			return err
		}
	}
	return nil
}

// sync writes what the file holds to the disk file and fsyncs it there
// (fdatasync when datasync). It returns how many held bytes became
// durable.
func (f *file) sync(datasync bool) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dirty {
		if err := f.writeBack(); err != nil {
			return 0, err
		}
	}
	sync := unix.Fsync
	if datasync {
		sync = unix.Fdatasync
	}
	if err := sync(f.fd); err != nil {
		return 0, err
	}
	n := f.held
	f.pages, f.base, f.dirty, f.held = nil, f.size, false, 0
	return n, nil
}

// writeBack makes the disk file what the process sees: the bytes past
// base go, the file takes its size, and the held pages are written over
// it. Call with mu held.
func (f *file) writeBack() error {
	if err := unix.Ftruncate(f.fd, f.base); err != nil {
		return err
	}
	if err := unix.Ftruncate(f.fd, f.size); err != nil {
		return err
	}
	for idx, p := range f.pages {
		pageOff := idx * pageSize
		if n := min(pageSize, f.size-pageOff); n > 0 {
			if err := pwriteFull(f.fd, p[:n], pageOff); err != nil {
				return err
			}
		}
	}
	return nil
}

// drop throws away what the file holds and returns how many bytes that
// was, and whether the file differed from the disk at all.
func (f *file) drop() (int64, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, dirty := f.held, f.dirty
	f.pages, f.dirty, f.held = nil, false, 0
	return n, dirty
}

// state returns the size, the bytes held and whether anything is held.
func (f *file) state() (size, held int64, dirty bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.size, f.held, f.dirty
}

func preadFull(fd int, buf []byte, off int64) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := syscall.Pread(fd, buf[n:], off+int64(n))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return n, err
		}
		if m == 0 {
			break // the disk file is shorter: the rest reads as zeros
		}
		n += m
	}
	return n, nil
}

func pwriteFull(fd int, buf []byte, off int64) error {
	for len(buf) > 0 {
		m, err := syscall.Pwrite(fd, buf, off)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		if m == 0 {
			return io.ErrShortWrite
		}
		buf, off = buf[m:], off+int64(m)
	}
	return nil
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
