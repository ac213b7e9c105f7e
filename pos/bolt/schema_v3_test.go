package bolt_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	"go.etcd.io/bbolt"
)

// TestDB_MigrateV3 opens a schema v2 file: the reservation and tag buckets
// are created and the data is kept.
func TestDB_MigrateV3(t *testing.T) {
	db := MustOpenDB(t)
	seed(t, db)
	MustCloseDB(t, db)
	b, err := bbolt.Open(db.Path(), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bbolt.Tx) error {
		for _, name := range []string{"reservations", "reservations_by_phone", "reservation_expiry",
			"reservation_short_codes", "tag_codes", "tag_skus", "printed_tags"} {
			if err := tx.DeleteBucket([]byte(name)); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte{0, 0, 0, 0, 0, 0, 0, 2})
	})
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	again := bolt.NewDB(db.Dir)
	if err := again.Open(); err != nil {
		t.Fatal(err)
	}
	defer MustCloseDB(t, again)
	if got, want := bolt.SchemaVersion, uint64(3); got < want {
		t.Fatalf("SchemaVersion=%d, want at least %d", got, want)
	}
	mustReserve(t, bolt.NewReservationService(again), "MILK", 1, phoneA)
	if _, err := bolt.NewTagService(again).TagCode(context.Background(), "MILK"); err != nil {
		t.Fatal(err)
	}
	if p := product(t, again, "MILK"); p == nil || p.Stock != (pos.Stock{OnHand: 100, Reserved: 1, Available: 99}) {
		t.Fatalf("MILK=%+v", p)
	}
}
