package bolt_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	"go.etcd.io/bbolt"
)

func importItems(n int, prefix string) []pos.ProductImport {
	items := make([]pos.ProductImport, n)
	for i := range items {
		items[i] = pos.ProductImport{Product: pos.Product{SKU: fmt.Sprintf("%s-%04d", prefix, i), Name: "Товар",
			Unit: pos.UnitPiece, VATRate: 22, Prices: []pos.PricePoint{{Amount: int64(1000 + i)}}},
			StockSet: true, OnHand: int64(i)}
	}
	return items
}

func countProducts(tb testing.TB, db *bolt.DB) int {
	tb.Helper()
	n := 0
	err := db.Bolt().View(func(tx *bbolt.Tx) error {
		n = tx.Bucket([]byte("products")).Stats().KeyN
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestCatalogService_ImportCatalog(t *testing.T) {
	db := MustOpenDB(t)
	s := bolt.NewCatalogService(db)
	res, err := s.ImportCatalog(context.Background(), importItems(25, "A"), 10)
	if err != nil || res.Created != 25 || res.Updated != 0 {
		t.Fatalf("res=%+v err=%v", res, err)
	}
	p, err := s.FindProductBySKU(context.Background(), "A-0007")
	if err != nil || p.Stock.OnHand != 7 {
		t.Fatalf("A-0007 = %+v, %v: stock set by the import, through the staging", p, err)
	}
	res, err = s.ImportCatalog(context.Background(), importItems(12, "A"), 5)
	if err != nil || res.Updated != 12 || res.Created != 0 {
		t.Fatalf("again: res=%+v err=%v", res, err)
	}
}

// TestCatalogService_ImportCatalogConflicts finds barcode conflicts before
// writing anything, with putProduct's order: a barcode another SKU owns is
// refused unless an earlier item of the import released it.
func TestCatalogService_ImportCatalogConflicts(t *testing.T) {
	db := MustOpenDB(t)
	s := bolt.NewCatalogService(db)
	ctx := context.Background()
	base := importItems(2, "B")
	base[0].Barcodes, base[1].Barcodes = []string{"4600000000008"}, []string{"4600000000015"}
	if _, err := s.ImportCatalog(ctx, base, 0); err != nil {
		t.Fatal(err)
	}
	steal := importItems(3, "C")
	steal[2].Barcodes = []string{"4600000000008"} // B-0000 keeps it
	if _, err := s.ImportCatalog(ctx, steal, 1); pos.ErrorCode(err) != pos.CodeConflict || pos.ErrorField(err) != "products[2].barcodes[0]" {
		t.Fatalf("err=%v field %q, want a conflict at products[2].barcodes[0]", err, pos.ErrorField(err))
	}
	if got := countProducts(t, db); got != 2 {
		t.Fatalf("%d products after a refused import, want 2: nothing written", got)
	}
	moved := importItems(2, "B") // B-0000 lets go of its barcode, then B-0001 takes it
	moved[0].Barcodes, moved[1].Barcodes = nil, []string{"4600000000008"}
	if _, err := s.ImportCatalog(ctx, moved, 1); err != nil {
		t.Fatalf("a barcode released earlier in the import: %v", err)
	}
	backwards := importItems(2, "B") // B-0000 takes it back before B-0001 lets go: refused
	backwards[0].Barcodes, backwards[1].Barcodes = []string{"4600000000008"}, nil
	if _, err := s.ImportCatalog(ctx, backwards, 1); pos.ErrorCode(err) != pos.CodeConflict {
		t.Fatalf("err=%v, want a conflict (order matters, as item by item)", err)
	}
}

// TestCatalogService_ImportFinishedAtOpen stops in the middle of applying
// a staged import, as a power cut would: the next Open finishes it. A
// staged import never marked ready is dropped instead.
func TestCatalogService_ImportFinishedAtOpen(t *testing.T) {
	db := MustOpenDB(t)
	s := bolt.NewCatalogService(db)
	if _, err := s.ImportCatalog(context.Background(), importItems(30, "D"), 10); err != nil {
		t.Fatal(err)
	}
	// Put the database back to "staged, ready, one chunk applied": stage
	// 20 more products and mark them ready, by hand.
	err := db.Bolt().Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte("import_staging"))
		for i, it := range importItems(20, "E") {
			v := fmt.Sprintf(`{"product":{"sku":%q,"name":"x","unit":"piece","vat_rate":22,"currency":"RUB","prices":[{"amount":100,"effective_from":"2020-01-01T00:00:00Z"}],"barcodes":[]},"stock_set":true,"on_hand":3}`, it.SKU)
			if err := b.Put([]byte{0, 0, 0, 0, 0, 0, 0, byte(i)}, []byte(v)); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("import_ready"), []byte("2026-12-05T09:00:00Z"))
	})
	if err != nil {
		t.Fatal(err)
	}
	db = reopen(t, db)
	if got := countProducts(t, db); got != 50 {
		t.Fatalf("%d products after reopening, want 50: the ready import finished", got)
	}
	err = db.Bolt().Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte("import_staging")).Put([]byte{0, 0, 0, 0, 0, 0, 0, 1}, []byte(`{"product":{"sku":"F-1"}}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	db = reopen(t, db)
	if got := countProducts(t, db); got != 50 {
		t.Fatalf("%d products, want 50: a staging never marked ready is dropped", got)
	}
}
