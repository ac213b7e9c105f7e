package bolt_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	"go.etcd.io/bbolt"
)

// MustOpenDB opens a database in a temp dir; cleanup runs bbolt's
// consistency check before closing.
func MustOpenDB(tb testing.TB) *bolt.DB {
	tb.Helper()
	db := bolt.NewDB(tb.TempDir())
	db.InitialMmapSize = 64 << 20
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { MustCloseDB(tb, db) })
	return db
}

// MustCloseDB checks and closes db (closing twice is fine).
func MustCloseDB(tb testing.TB, db *bolt.DB) {
	tb.Helper()
	if db.Bolt() == nil {
		return
	}
	err := db.Bolt().View(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("check: %v", err)
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
}

func TestDB_Open(t *testing.T) {
	db := MustOpenDB(t)
	fi, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fi.Mode().Perm(), os.FileMode(0o600); got != want {
		t.Fatalf("mode=%v, want %v", got, want)
	}
	if len(db.Epoch()) != 32 || !db.Created() {
		t.Fatalf("epoch=%q created=%v", db.Epoch(), db.Created())
	}

	t.Run("ErrLocked", func(t *testing.T) {
		other := bolt.NewDB(db.Dir)
		start := time.Now()
		err := other.Open()
		if !errors.Is(err, bolt.ErrLocked) {
			t.Fatalf("err=%v, want ErrLocked", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v to fail", d)
		}
	})
}

func TestDB_Reopen(t *testing.T) {
	dir := t.TempDir()
	db := bolt.NewDB(dir)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	epoch := db.Epoch()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("Clean", func(t *testing.T) {
		db := bolt.NewDB(dir)
		if err := db.Open(); err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if db.Epoch() != epoch || db.Created() || db.Checked() {
			t.Fatalf("epoch=%q created=%v checked=%v", db.Epoch(), db.Created(), db.Checked())
		}
		// Simulate a crash: close the file without the clean mark.
		if err := db.Bolt().Close(); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Unclean", func(t *testing.T) {
		db := bolt.NewDB(dir)
		if err := db.Open(); err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if !db.Checked() {
			t.Fatal("unclean stop was not checked")
		}
	})
	t.Run("Corrupt", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), bolt.FileName)
		if err := os.WriteFile(path, []byte("not a database at all, just text"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := bolt.NewDB(filepath.Dir(path)).Open(); err == nil {
			t.Fatal("opened a corrupt file")
		}
	})
}

// ctxAs returns a context carrying a session for terminal/cashier.
func ctxAs(terminal, cashier, role string) context.Context {
	return pos.NewContextWithSession(context.Background(), &pos.Session{
		TerminalID: terminal, CashierID: cashier, CashierName: cashier, Role: role,
		ExpiresAt: time.Now().Add(time.Hour)})
}
