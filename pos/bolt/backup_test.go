package bolt_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// TestDB_BackupRestore backs a live database up, restores the copy and
// checks that it starts a new epoch with the sequence from 1, keeping the
// old epoch's pending events aside.
func TestDB_BackupRestore(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db)
	if _, _, err := bolt.NewSaleService(db).CreateSale(ctx, "b1", cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 1})); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := db.Backup(&buf, nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, bolt.FileName)
	if _, err := bolt.WriteFileAtomic(path, &buf); err != nil {
		t.Fatal(err)
	}
	if err := bolt.MarkRestored(path); err != nil {
		t.Fatal(err)
	}
	restored := bolt.NewDB(dir)
	if err := restored.Open(); err != nil {
		t.Fatal(err)
	}
	defer MustCloseDB(t, restored)
	if !restored.Restored() || restored.Epoch() == db.Epoch() {
		t.Fatalf("restored=%v epoch=%s old=%s", restored.Restored(), restored.Epoch(), db.Epoch())
	}
	st, err := bolt.NewOutboxService(restored).SyncStatus(context.Background())
	if err != nil || st.PendingEvents != 0 || st.NextSeq != 1 {
		t.Fatalf("status=%+v err=%v", st, err)
	}
	sale, _, err := bolt.NewSaleService(restored).CreateSale(ctx, "b2", cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 1}))
	if err != nil || sale.StoreSeq != 1 {
		t.Fatalf("seq=%d err=%v", sale.StoreSeq, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode %v", fi.Mode().Perm())
	}
}
