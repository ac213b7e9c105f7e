package powercut_test

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storeedge/storeedge/sync/synctest/powercut"
)

// The bbolt test runs bbolt in a child process: bbolt reads its file
// through a read-only MAP_SHARED mmap, and the process that serves the
// mount must not fault on a mapping of it (see the package doc).

const (
	keysPerTx    = 50
	committedTxs = 20
	unsyncedTxs  = 5
)

var bucket = []byte("sales")

// bbolt commits transactions (each fsynced), then commits more with
// NoSync, overwrites committed keys, and finally scribbles over both
// meta pages with a raw pwrite; none of that is fsynced. After the cut
// the file on the disk holds exactly the committed transactions and
// passes tx.Check.
func TestCut_Bbolt(t *testing.T) {
	disk := t.TempDir()
	pc := powercut.Mount(t, disk)
	if got := runChild(t, "bbolt", pc.Dir()); strings.Join(got, "\n") != "ok" {
		t.Fatalf("child: %q", got)
	}
	pc.Cut()
	s := pc.Stats()
	t.Log(s)
	if s.DroppedBytes == 0 || s.FileSyncs < 2*committedTxs {
		t.Fatalf("stats: %v, want %d+ fsyncs and unsynced bytes dropped", s, 2*committedTxs)
	}
	db := openDisk(t, filepath.Join(disk, "shop.db"))
	counts, err := countValues(db)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"committed": committedTxs * keysPerTx}; !maps.Equal(counts, want) {
		t.Fatalf("after the cut the DB holds %v, want %v", counts, want)
	}
}

// bbolt.Open never fsyncs the directory that it creates its file in: a
// new DB whose every transaction was committed is gone after a cut
// unless its opener fsyncs the directory.
func TestCut_BboltWithoutDirFsync(t *testing.T) {
	disk := t.TempDir()
	pc := powercut.Mount(t, disk)
	if got := runChild(t, "bbolt-nodirsync", pc.Dir()); strings.Join(got, "\n") != "ok" {
		t.Fatalf("child: %q", got)
	}
	pc.Cut()
	t.Log(pc.Stats())
	wantGone(t, filepath.Join(disk, "shop.db"))
}

// A bbolt writer that says which transactions committed, with a reader
// beside it, is killed with SIGKILL at a random point; after the cut
// every transaction it acknowledged is there.
func TestCut_KilledBboltWriter(t *testing.T) {
	disk := t.TempDir()
	pc := powercut.Mount(t, disk)
	cmd, out := child(t, "bbolt-writer", pc.Dir())
	acked, deadline := -1, time.Now().Add(3*time.Second)
	for acked < 150 && time.Now().Before(deadline) && out.Scan() {
		acked = mustAtoi(t, out.Text())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for out.Scan() { // what it printed before it died was acknowledged
		acked = mustAtoi(t, out.Text())
	}
	_ = cmd.Wait()
	pc.Cut()
	t.Log(pc.Stats())
	db := openDisk(t, filepath.Join(disk, "shop.db"))
	counts, err := countValues(db)
	if err != nil {
		t.Fatal(err)
	}
	if got := counts["tx"]; got < (acked+1)*keysPerTx || got > (acked+2)*keysPerTx {
		t.Fatalf("after the cut the DB holds %d keys, want those of the %d acknowledged transactions (and perhaps one more)", got, acked+1)
	}
	t.Logf("%d transactions acknowledged, %d keys after the cut", acked+1, counts["tx"])
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("writer said %q", s)
	}
	return n
}

// openDisk opens a DB on the disk (not the mount) and checks it at
// cleanup.
func openDisk(t *testing.T, path string) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := check(db); err != nil {
		t.Fatal(err)
	}
	return db
}

// check runs tx.Check.
func check(db *bolt.DB) error {
	return db.View(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	})
}

// countValues counts the bucket's values by their label.
func countValues(db *bolt.DB) (map[string]int, error) {
	counts := map[string]int{}
	err := db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			label, _, ok := strings.Cut(string(v), ":")
			if !ok || len(v) != 100 {
				return fmt.Errorf("key %s: value %q", k, v)
			}
			counts[label]++
			return nil
		})
	})
	return counts, err
}

// putKeys puts n keys prefix-first.. with values labelled label, in one
// transaction.
func putKeys(db *bolt.DB, prefix string, first, n int, label string) error {
	return db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucket)
		if err != nil {
			return err
		}
		for i := first; i < first+n; i++ {
			v := label + ":" + strings.Repeat("x", 99-len(label))
			if err := b.Put(fmt.Appendf(nil, "%s-%06d", prefix, i), []byte(v)); err != nil {
				return err
			}
		}
		return nil
	})
}

func roleBbolt(dir string) error {
	path := filepath.Join(dir, "shop.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return err
	}
	if err := fsyncDir(dir); err != nil { // bbolt does not: see TestCut_BboltWithoutDirFsync
		return err
	}
	for i := range committedTxs {
		if err := putKeys(db, "c", i*keysPerTx, keysPerTx, "committed"); err != nil {
			return err
		}
	}
	db.NoSync, db.NoGrowSync = true, true
	for i := range unsyncedTxs {
		if err := putKeys(db, "u", i*keysPerTx, keysPerTx, "unsynced"); err != nil {
			return err
		}
	}
	if err := putKeys(db, "c", 0, keysPerTx, "overwritten"); err != nil {
		return err
	}
	want := map[string]int{"committed": (committedTxs - 1) * keysPerTx, "overwritten": keysPerTx, "unsynced": unsyncedTxs * keysPerTx}
	if err := expectDB(db, want); err != nil { // read through the map
		return fmt.Errorf("through the map: %w", err)
	}
	if err := db.Close(); err != nil {
		return err
	}
	if err := reopen(path, want); err != nil {
		return fmt.Errorf("reopened: %w", err)
	}
	if err := scribble(path); err != nil {
		return err
	}
	if db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second}); err == nil {
		db.Close()
		return fmt.Errorf("bbolt opened the file with zeroed meta pages")
	}
	fmt.Println("ok")
	return nil
}

// reopen opens the DB again on the mount: a new mapping sees the held
// writes too.
func reopen(path string, want map[string]int) error {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return err
	}
	defer db.Close()
	return expectDB(db, want)
}

// scribble zeroes both meta pages with a raw pwrite, without fsync.
func scribble(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteAt(make([]byte, 2*os.Getpagesize()), 0)
	return err
}

func expectDB(db *bolt.DB, want map[string]int) error {
	if err := check(db); err != nil {
		return err
	}
	got, err := countValues(db)
	if err != nil {
		return err
	}
	if !maps.Equal(got, want) {
		return fmt.Errorf("holds %v, want %v", got, want)
	}
	return nil
}

func roleBboltNoDirSync(dir string) error {
	db, err := bolt.Open(filepath.Join(dir, "shop.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return err
	}
	if err := putKeys(db, "c", 0, keysPerTx, "committed"); err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	fmt.Println("ok")
	return nil
}

// roleBboltWriter commits transaction after transaction and prints the
// number of each once it has committed, while a reader reads every value.
func roleBboltWriter(dir string) error {
	db, err := bolt.Open(filepath.Join(dir, "shop.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return err
	}
	if err := fsyncDir(dir); err != nil {
		return err
	}
	var once sync.Once
	failed := make(chan error, 1)
	go func() {
		for { // tx.Check is not safe beside a writer (bbolt's doc): read every value instead
			if _, err := countValues(db); err != nil {
				once.Do(func() { failed <- err })
				return
			}
		}
	}()
	for i := 0; ; i++ {
		if err := putKeys(db, "tx", i*keysPerTx, keysPerTx, "tx"); err != nil {
			return err
		}
		select {
		case err := <-failed:
			return fmt.Errorf("reader: %w", err)
		default:
		}
		fmt.Println(i)
	}
}
