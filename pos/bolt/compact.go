package bolt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// compactTxSize bounds each transaction of a compaction, so a large file
// is copied without holding it all in memory.
const compactTxSize = 64 << 20

// Compact copies the database in srcDir, key by key, into a new file with
// no free pages (bbolt.Compact): bbolt files never shrink, and a drained
// outbox or a prune leaves free pages behind. The copy goes to a temporary
// file in dstPath's directory, is fsynced and renamed to dstPath, and the
// directory is fsynced, so dstPath is either untouched or the whole copy.
// dstPath "" compacts in place (dstPath = the source file). The source is
// opened read-only, which takes its lock: it fails with ErrLocked while
// `storeedge serve` runs. A source that fails its consistency check is not
// copied (ErrCorrupt). Bucket sequences, and so the outbox's storeseq
// counter, are copied too.
func Compact(srcDir, dstPath string) error {
	src := filepath.Join(srcDir, FileName)
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	if dstPath == "" {
		dstPath = src
	}
	sdb, err := bbolt.Open(src, 0o600, &bbolt.Options{ReadOnly: true, Timeout: 200 * time.Millisecond})
	if errors.Is(err, berrors.ErrTimeout) {
		return fmt.Errorf("compact %s: %w (stop `storeedge serve` first)", src, ErrLocked)
	} else if err != nil {
		return fmt.Errorf("compact %s: %w", src, err)
	}
	// Closed only after the rename: while we hold the lock, no serve can
	// open the old file and write what the rename would then throw away.
	defer sdb.Close()
	if err := checkBolt(sdb); err != nil {
		return err
	}
	return compactInto(sdb, dstPath)
}

// checkBolt runs bbolt's consistency check over a whole file.
func checkBolt(b *bbolt.DB) error {
	return b.View(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		return nil
	})
}

// compactInto copies src into a temporary file and renames it to dstPath.
func compactInto(src *bbolt.DB, dstPath string) error {
	dir := filepath.Dir(dstPath)
	f, err := os.CreateTemp(dir, ".storeedge-compact-*")
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp) // no-op after the rename
	ddb, err := bbolt.Open(tmp, 0o600, &bbolt.Options{Timeout: 200 * time.Millisecond,
		NoFreelistSync: true, FreelistType: bbolt.FreelistMapType})
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	err = bbolt.Compact(ddb, src, compactTxSize)
	if cerr := ddb.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = fsyncFile(tmp)
	}
	if err == nil {
		err = os.Rename(tmp, dstPath)
	}
	if err != nil {
		return fmt.Errorf("compact: %w", mapStorageErr(err))
	}
	return syncDir(dir)
}

// fsyncFile flushes a closed file's data and size to disk.
func fsyncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
