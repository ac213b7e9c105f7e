package bolt_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	"go.etcd.io/bbolt"
)

// bloatedShop returns a closed database that once held 1,500 large
// products, all deleted since, and a few sales; and its epoch and next seq.
func bloatedShop(t *testing.T) (dir, epoch string, nextSeq uint64) {
	t.Helper()
	db := MustOpenDB(t)
	ctx := seed(t, db)
	var items []pos.ProductImport
	var deletes []any
	for i := range 1500 {
		sku := fmt.Sprint("BIG", i)
		items = append(items, pos.ProductImport{Product: pos.Product{SKU: sku, Name: sku, Unit: pos.UnitPiece,
			Description: strings.Repeat("x", 8<<10), Prices: []pos.PricePoint{{Amount: 100}}}})
		deletes = append(deletes, pos.CatalogItem{Product: pos.Product{SKU: sku}, Deleted: true})
	}
	if _, err := bolt.NewCatalogService(db).ImportProducts(ctx, items); err != nil {
		t.Fatal(err)
	}
	mustApply(t, bolt.NewDownlinkService(db), msg(t, pos.StreamCatalog, 1, deletes...), 1500)
	sellN(t, db, ctx, "s", 3)
	st := mustStatus(t, bolt.NewOutboxService(db))
	MustCloseDB(t, db)
	return db.Dir, db.Epoch(), st.NextSeq
}

// openCopy opens the database in dir and checks it kept what matters.
func openCopy(t *testing.T, dir, epoch string, nextSeq uint64) {
	t.Helper()
	db := bolt.NewDB(dir)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer MustCloseDB(t, db)
	st := mustStatus(t, bolt.NewOutboxService(db))
	if db.Epoch() != epoch || st.NextSeq != nextSeq || st.PendingEvents != int(nextSeq-1) || db.Checked() {
		t.Fatalf("epoch=%s next=%d pending=%d checked=%v", db.Epoch(), st.NextSeq, st.PendingEvents, db.Checked())
	}
	if n, _ := bolt.NewCatalogService(db).CountProducts(context.Background()); n != 3 {
		t.Fatalf("%d products, want 3", n)
	}
	if all, _, _ := bolt.NewSaleService(db).FindSales(context.Background(), pos.SaleFilter{}); len(all) != 3 {
		t.Fatalf("%d sales, want 3", len(all))
	}
}

func TestCompact(t *testing.T) {
	t.Run("ToNewFile", func(t *testing.T) {
		dir, epoch, next := bloatedShop(t)
		before := bolt.NewDB(dir).FileSize()
		dst := filepath.Join(t.TempDir(), bolt.FileName)
		if err := bolt.Compact(dir, dst); err != nil {
			t.Fatal(err)
		}
		after := bolt.NewDB(filepath.Dir(dst)).FileSize()
		t.Logf("compacted %d → %d bytes", before, after)
		if after*4 > before {
			t.Fatalf("compacted %d → %d bytes", before, after)
		}
		openCopy(t, filepath.Dir(dst), epoch, next)
		openCopy(t, dir, epoch, next) // the source is untouched
	})
	t.Run("InPlace", func(t *testing.T) {
		dir, epoch, next := bloatedShop(t)
		before := bolt.NewDB(dir).FileSize()
		if err := bolt.Compact(dir, ""); err != nil {
			t.Fatal(err)
		}
		if after := bolt.NewDB(dir).FileSize(); after*4 > before {
			t.Fatalf("compacted %d → %d bytes", before, after)
		}
		if tmp, _ := filepath.Glob(filepath.Join(dir, ".storeedge-*")); len(tmp) != 0 {
			t.Fatalf("left behind %v", tmp)
		}
		openCopy(t, dir, epoch, next)
	})
	t.Run("ErrLocked", func(t *testing.T) {
		db := MustOpenDB(t)
		err := bolt.Compact(db.Dir, "")
		if !errors.Is(err, bolt.ErrLocked) {
			t.Fatalf("err=%v, want ErrLocked", err)
		}
	})
	t.Run("ErrNoDatabase", func(t *testing.T) {
		if err := bolt.Compact(t.TempDir(), ""); err == nil {
			t.Fatal("compacted nothing")
		}
	})
}

// TestDB_MigrateV2 opens a schema v1 file: the sync buckets are created and
// the data is kept.
func TestDB_MigrateV2(t *testing.T) {
	db := MustOpenDB(t)
	seed(t, db)
	MustCloseDB(t, db)
	b, err := bbolt.Open(db.Path(), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bbolt.Tx) error {
		for _, name := range []string{"item_versions", "pending_prices", "customers", "customers_by_phone",
			"customers_by_card", "stock_elsewhere", "pickups", "downlink_versions", "downlink_cursors",
			"deadletters", "shift_close_seqs", "outbox_prev"} {
			if err := tx.DeleteBucket([]byte(name)); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte{0, 0, 0, 0, 0, 0, 0, 1})
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
	if again.Epoch() != db.Epoch() || bolt.SchemaVersion < 2 {
		t.Fatalf("epoch %s → %s, schema %d", db.Epoch(), again.Epoch(), bolt.SchemaVersion)
	}
	s := bolt.NewDownlinkService(again)
	mustApply(t, s, msg(t, pos.StreamCustomers, 1, pos.Customer{ID: "c1", Card: "C1"}), 1)
	if err := s.AddDeadLetter(context.Background(), &pos.DeadLetter{Reason: "x"}); err != nil {
		t.Fatal(err)
	}
	if p := product(t, again, "MILK"); p == nil || p.Stock.OnHand != 100 {
		t.Fatalf("MILK=%+v", p)
	}
}
