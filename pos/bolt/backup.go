package bolt

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the whole database to w from one read
// transaction, while sales go on (bbolt's Tx.WriteTo). If before is not nil
// it is called first, in the same transaction, with the copy's exact size.
func (db *DB) Backup(w io.Writer, before func(size int64) error) (int64, error) {
	var n int64
	err := db.bolt.View(func(tx *bbolt.Tx) (err error) {
		if before != nil {
			if err := before(tx.Size()); err != nil {
				return err
			}
		}
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// WriteFileAtomic copies r into path (mode 0600) through a temporary file
// that is fsynced, renamed over path and its directory fsynced, so after a
// power cut path is either the old file or the whole new one.
func WriteFileAtomic(path string, r io.Reader) (int64, error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return 0, fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(f.Name()) // no-op after the rename
	n, err := io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o600)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	return n, syncDir(dir)
}
