package bolt_test

import (
	"fmt"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	"go.etcd.io/bbolt"
)

// TestDB_MigrateV5 opens a schema v4 file: the wrong-PIN counters get
// their bucket, and staff and their PINs are kept.
func TestDB_MigrateV5(t *testing.T) {
	f := newStaffFixture(t)
	MustCloseDB(t, f.db)
	downgrade(t, f.db.Path(), 4, "pin_failures", "anonymous_holds")
	again := bolt.NewDB(f.db.Dir)
	if err := again.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { MustCloseDB(t, again) })
	f.open(t, again)
	if got, want := bolt.SchemaVersion, uint64(5); got < want {
		t.Fatalf("SchemaVersion=%d, want at least %d", got, want)
	}
	wantCode(t, "wrong PIN", f.login("anna", "0000"), pos.CodeUnauthorized)
	if n, _, _ := bolt.PINFailures(again, "anna"); n != 1 {
		t.Fatalf("failures=%d, want 1", n)
	}
	wantCode(t, "right PIN", f.login("anna", "1111"), "")
}

// downgrade turns the file at path back into schema version by deleting
// the buckets that later versions added.
func downgrade(t *testing.T, path string, version byte, buckets ...string) {
	t.Helper()
	b, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bbolt.Tx) error {
		for _, name := range buckets {
			if err := tx.DeleteBucket([]byte(name)); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte{0, 0, 0, 0, 0, 0, 0, version})
	})
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}
