package bolt_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

const day = 24 * time.Hour

// oldShop records, 40 days before t0, a shift with 5 sales (seqs 2..6),
// a return of the first (7) and the shift's close (8); then at t0 a new
// shift (9) with 3 sales (10..12). It returns the old shift and its sales.
func oldShop(tb testing.TB, db *bolt.DB, now *time.Time) (context.Context, string, []*pos.Sale) {
	tb.Helper()
	*now = t0.Add(-40 * day)
	ctx := seed(tb, db)
	shifts, sales := bolt.NewShiftService(db), bolt.NewSaleService(db)
	sh, _ := shifts.FindOpenShift(ctx, "t1")
	var old []*pos.Sale
	for i := range 5 {
		s, _, err := sales.CreateSale(ctx, fmt.Sprint("old", i), cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 1}))
		if err != nil {
			tb.Fatal(err)
		}
		old = append(old, s)
	}
	if _, _, err := sales.CreateReturn(ctx, old[0].ID, "ret0", &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{{SKU: "MILK", Qty: 1}}}); err != nil {
		tb.Fatal(err)
	}
	if _, err := shifts.CloseShift(ctx, sh.ID, &pos.CloseShiftRequest{CountedCash: pos.M(0, "RUB")}); err != nil {
		tb.Fatal(err)
	}
	*now = t0
	if _, err := shifts.OpenShift(ctx, &pos.OpenShiftRequest{OpeningFloat: pos.M(0, "RUB")}); err != nil {
		tb.Fatal(err)
	}
	if got := sellN(tb, db, ctx, "new", 3); got != 12 {
		tb.Fatalf("last seq %d, want 12", got)
	}
	return ctx, sh.ID, old
}

func mustPrune(tb testing.TB, db *bolt.DB, olderThan time.Time, want bolt.PruneResult) {
	tb.Helper()
	got, err := db.Prune(context.Background(), olderThan)
	if err != nil {
		tb.Fatal(err)
	}
	if got != want {
		tb.Fatalf("pruned %+v, want %+v", got, want)
	}
}

func TestDB_Prune(t *testing.T) {
	db := MustOpenDB(t)
	var now time.Time
	db.Now = func() time.Time { return now }
	ctx, shiftID, old := oldShop(t, db, &now)
	sales, shifts := bolt.NewSaleService(db), bolt.NewShiftService(db)
	out := bolt.NewOutboxService(db)
	cutoff := t0.Add(-30 * day)

	t.Run("NothingAcked", func(t *testing.T) {
		mustPrune(t, db, t0.Add(365*day), bolt.PruneResult{})
	})
	t.Run("OnlyAcked", func(t *testing.T) {
		mustAck(t, out, db.Epoch(), 4) // old sales 0..2
		mustPrune(t, db, cutoff, bolt.PruneResult{Sales: 3})
		for i, s := range old {
			_, err := sales.FindSaleByID(ctx, s.ID)
			if gone := pos.ErrorCode(err) == pos.CodeNotFound; gone != (i < 3) {
				t.Fatalf("sale %d (seq %d): err=%v", i, s.StoreSeq, err)
			}
		}
		left, _, _ := sales.FindSales(ctx, pos.SaleFilter{ShiftID: shiftID})
		all, _, _ := sales.FindSales(ctx, pos.SaleFilter{})
		if len(left) != 2 || len(all) != 5 {
			t.Fatalf("shift lists %d sales, all %d", len(left), len(all))
		}
		if _, err := shifts.FindShiftByID(ctx, shiftID); err != nil {
			t.Fatalf("the shift went with sales left: %v", err)
		}
	})
	t.Run("NotOlder", func(t *testing.T) {
		mustAck(t, out, db.Epoch(), 12)
		mustPrune(t, db, t0.Add(-41*day), bolt.PruneResult{})
	})
	t.Run("AllAcked", func(t *testing.T) {
		mustPrune(t, db, cutoff, bolt.PruneResult{Sales: 2, Returns: 1, Shifts: 1})
		if _, err := shifts.FindShiftByID(ctx, shiftID); pos.ErrorCode(err) != pos.CodeNotFound {
			t.Fatalf("err=%v", err)
		}
		if sh, err := shifts.FindOpenShift(ctx, "t1"); err != nil || sh.ID == shiftID {
			t.Fatalf("open shift: %v", err)
		}
		if all, _, _ := sales.FindSales(ctx, pos.SaleFilter{}); len(all) != 3 {
			t.Fatalf("%d sales left, want today's 3", len(all))
		}
		mustPrune(t, db, cutoff, bolt.PruneResult{})
	})
}

// TestDB_PruneBatches prunes in transactions of 2 records while tills
// sell: every acked old sale goes, nothing else does.
func TestDB_PruneBatches(t *testing.T) {
	defer bolt.SetPruneBatch(2)()
	db := MustOpenDB(t)
	var mu sync.Mutex
	now := t0.Add(-40 * day)
	db.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	ctx := seed(t, db)
	last := sellN(t, db, ctx, "a", 11) // seqs 2..12
	mustAck(t, bolt.NewOutboxService(db), db.Epoch(), last-1)
	mu.Lock()
	now = t0
	mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 20 {
			if _, _, err := bolt.NewSaleService(db).CreateSale(ctx, fmt.Sprint("b", i), cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 1})); err != nil {
				t.Error(err)
			}
		}
	}()
	mustPrune(t, db, t0.Add(-30*day), bolt.PruneResult{Sales: 10})
	<-done
	if all, _, _ := bolt.NewSaleService(db).FindSales(ctx, pos.SaleFilter{Limit: 500}); len(all) != 21 {
		t.Fatalf("%d sales left, want 21", len(all))
	}
}

// TestDB_PruneOldEpoch keeps a restored backup's sales whose events wait
// under the old epoch, and prunes them once central acks that epoch.
func TestDB_PruneOldEpoch(t *testing.T) {
	db := MustOpenDB(t)
	now := t0.Add(-40 * day)
	db.Now = func() time.Time { return now }
	ctx := seed(t, db)
	sellN(t, db, ctx, "o", 3) // seqs 2..4
	mustAck(t, bolt.NewOutboxService(db), db.Epoch(), 2)
	restored := restoreCopy(t, db)
	now = t0
	sellN(t, restored, ctx, "n", 5) // new epoch: seqs 1..5, today
	s := bolt.NewOutboxService(restored)
	mustAck(t, s, restored.Epoch(), 5)
	mustPrune(t, restored, t0.Add(-30*day), bolt.PruneResult{Sales: 1}) // old seq 2 only
	mustAck(t, s, db.Epoch(), 4)
	mustPrune(t, restored, t0.Add(-30*day), bolt.PruneResult{Sales: 2})
}
