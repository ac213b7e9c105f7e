package bolt_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// managerPIN is long and odd so that finding it in the database file can
// only mean it was stored.
const managerPIN = "97531864"

// seedManager adds manager Boss with managerPIN and cashier Ann.
func seedManager(tb testing.TB, db *bolt.DB) *pos.Cashier {
	tb.Helper()
	auth := bolt.NewAuthService(db)
	m, err := auth.CreateCashier(context.Background(), "Boss", managerPIN, pos.RoleManager)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := auth.CreateCashier(context.Background(), "Ann", "13572468", pos.RoleCashier); err != nil {
		tb.Fatal(err)
	}
	return m
}

// TestSaleService_CreateSale_ReservedStock: a sale that would take stock
// held for a shopper is refused, unless a manager approves it.
func TestSaleService_CreateSale_ReservedStock(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db) // TV: 1 on hand
	boss := seedManager(t, db)
	rs, sales := bolt.NewReservationService(db), bolt.NewSaleService(db)
	res := mustReserve(t, rs, "TV", 1, phoneA)
	req := cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 1}, pos.SaleLineRequest{SKU: "TV", Qty: 1})

	t.Run("ErrReservedStock", func(t *testing.T) {
		_, _, err := sales.CreateSale(ctx, "k1", req)
		wantErr(t, err, pos.CodeReservedStock, "lines[1].qty")
		if got, want := pos.ErrorData(err), (pos.ReservedStockData{SKU: "TV", Unit: pos.UnitPiece, Requested: 1, Free: 0}); got != want {
			t.Fatalf("data=%+v, want %+v", got, want)
		}
		if st := stockOf(t, db, "TV"); st != (pos.Stock{OnHand: 1, Reserved: 1}) {
			t.Fatalf("stock=%+v after a refused sale", st)
		}
	})
	t.Run("ErrWrongPIN", func(t *testing.T) {
		r := *req
		r.Approval = &pos.Approval{Cashier: "Boss", PIN: "0000"}
		_, _, err := sales.CreateSale(ctx, "k1", &r)
		wantErr(t, err, pos.CodeForbidden, "")
	})
	t.Run("ErrNotManager", func(t *testing.T) {
		r := *req
		r.Approval = &pos.Approval{Cashier: "Ann", PIN: "13572468"}
		_, _, err := sales.CreateSale(ctx, "k1", &r)
		wantErr(t, err, pos.CodeForbidden, "")
	})
	var sale *pos.Sale
	t.Run("Approved", func(t *testing.T) {
		r := *req
		r.Approval = &pos.Approval{Cashier: "Boss", PIN: managerPIN}
		var err error
		sale, _, err = sales.CreateSale(ctx, "k1", &r)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := sale.ReservedOverrides, []pos.ReservedOverride{{SKU: "TV", Qty: 1}}; !reflect.DeepEqual(got, want) {
			t.Fatalf("overrides=%v, want %v", got, want)
		}
		if sale.ApprovedBy != boss.ID || sale.ApprovedByName != "Boss" {
			t.Fatalf("approved by %q %q, want %s Boss", sale.ApprovedBy, sale.ApprovedByName, boss.ID)
		}
		if st := stockOf(t, db, "TV"); st != (pos.Stock{OnHand: 0, Reserved: 1, Available: -1}) {
			t.Fatalf("stock=%+v", st)
		}
		evs := eventsOf(t, db, pos.EventSaleCompleted)
		if len(evs) != 1 || !bytes.Contains(evs[0].Data, []byte(`"reserved_overrides":[{"sku":"TV","qty":1}],"approved_by":"`+boss.ID+`","approved_by_name":"Boss"`)) {
			t.Fatalf("sale events=%s", evs[0].Data)
		}
	})
	t.Run("ReplayWithoutApproval", func(t *testing.T) {
		again, created, err := sales.CreateSale(ctx, "k1", req)
		if err != nil || created || again.ID != sale.ID {
			t.Fatalf("created=%v err=%v", created, err)
		}
	})
	t.Run("ApprovalUnusedNotRecorded", func(t *testing.T) {
		r := *cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 1})
		r.Approval = &pos.Approval{Cashier: "Boss", PIN: managerPIN}
		s, _, err := sales.CreateSale(ctx, "k2", &r)
		if err != nil || s.ApprovedBy != "" || s.ReservedOverrides != nil {
			t.Fatalf("sale=%+v err=%v", s, err)
		}
	})
	t.Run("OwnReservation", func(t *testing.T) {
		// The TV went to someone else with approval; the reservation
		// still holds one, so collecting it sells into negative stock
		// without an approval: it is the buyer's own hold.
		r := cashSale()
		r.ReservationCode = res.Code
		if _, _, err := sales.CreateSale(ctx, "k3", r); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("PINNeverStored", func(t *testing.T) {
		MustCloseDB(t, db)
		files, _ := filepath.Glob(filepath.Join(db.Dir, "*"))
		for _, f := range files {
			buf, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			if bytes.Contains(buf, []byte(managerPIN)) {
				t.Fatalf("%s holds the manager's PIN", f)
			}
		}
	})
}

// TestSaleService_CreateSale_ExpiredHold: a reservation past its hold
// holds nothing, even before the sweeper releases it.
func TestSaleService_CreateSale_ExpiredHold(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db) // TV: 1 on hand
	clock := newTestClock(db, t0)
	res := mustReserve(t, bolt.NewReservationService(db), "TV", 1, phoneA)
	sales := bolt.NewSaleService(db)
	_, _, err := sales.CreateSale(ctx, "k1", cashSale(pos.SaleLineRequest{SKU: "TV", Qty: 1}))
	wantErr(t, err, pos.CodeReservedStock, "lines[0].qty")
	clock.Set(res.ExpiresAt)
	if _, _, err := sales.CreateSale(ctx, "k2", cashSale(pos.SaleLineRequest{SKU: "TV", Qty: 1})); err != nil {
		t.Fatalf("after the hold: %v", err)
	}
}
