package bolt_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// allEvents counts the outbox.
func allEvents(tb testing.TB, db *bolt.DB) int {
	tb.Helper()
	raw, err := bolt.NewOutboxService(db).Events(context.Background(), 1, 100_000)
	if err != nil {
		tb.Fatal(err)
	}
	return len(raw)
}

// TestSaleService_CreateSale_TillOps: price overrides and voided lines
// are recorded with the manager who approved them, move no stock for a
// void, and add up in the shift report; bad input writes nothing.
func TestSaleService_CreateSale_TillOps(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db)
	boss := seedManager(t, db)
	sales, shifts := bolt.NewSaleService(db), bolt.NewShiftService(db)
	approval := &pos.Approval{Cashier: "boss", PIN: managerPIN}
	price := pos.M(5000, "RUB")
	req := cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 2, PriceOverride: &price, Reason: "dented"})
	req.VoidedLines = []pos.VoidedLineRequest{{SKU: "TV", Qty: 1, Reason: "changed mind"}}

	bad := map[string]struct {
		change      func(r *pos.SaleRequest)
		code, field string
	}{
		"ErrNoApproval": {func(r *pos.SaleRequest) { r.Approval = nil }, pos.CodeForbidden, "approval"},
		"ErrWrongPIN":   {func(r *pos.SaleRequest) { r.Approval = &pos.Approval{Cashier: "boss", PIN: "0000"} }, pos.CodeForbidden, ""},
		"ErrCashier":    {func(r *pos.SaleRequest) { r.Approval = &pos.Approval{Cashier: "Ann", PIN: "13572468"} }, pos.CodeForbidden, ""},
		"ErrAbovePrice": {func(r *pos.SaleRequest) { p := pos.M(8991, "RUB"); r.Lines[0].PriceOverride = &p }, pos.CodeValidationFailed, "lines[0].price_override.amount"},
		"ErrVoidUnknown": {func(r *pos.SaleRequest) { r.VoidedLines = []pos.VoidedLineRequest{{SKU: "NOPE", Qty: 1}} },
			pos.CodeUnknownSKU, "voided_lines[0].sku"},
	}
	for name, tc := range bad {
		t.Run(name, func(t *testing.T) {
			r := *req
			r.Lines = append([]pos.SaleLineRequest(nil), req.Lines...)
			r.Approval = approval
			tc.change(&r)
			n := allEvents(t, db)
			_, _, err := sales.CreateSale(ctx, "k-"+name, &r)
			wantErr(t, err, tc.code, tc.field)
			if got := allEvents(t, db); got != n {
				t.Fatalf("%d events after a refused sale, want %d", got, n)
			}
			if got, _, _ := sales.FindSales(ctx, pos.SaleFilter{}); len(got) != 0 {
				t.Fatalf("%d sales after a refused sale", len(got))
			}
		})
	}

	req.Approval = approval
	sale, _, err := sales.CreateSale(ctx, "k1", req)
	if err != nil {
		t.Fatal(err)
	}
	l := sale.Lines[0]
	if l.PriceBefore == nil || l.PriceBefore.Amount != 8990 || l.Total.Amount != 10000 || l.ApprovedBy != boss.ID || l.Reason != "dented" {
		t.Fatalf("line=%+v", l)
	}
	if sale.ApprovedBy != boss.ID || len(sale.VoidedLines) != 1 || sale.VoidedLines[0].Name != "Телевизор" {
		t.Fatalf("sale approved by %q, voids %+v", sale.ApprovedBy, sale.VoidedLines)
	}
	if st := stockOf(t, db, "TV"); st.OnHand != 1 {
		t.Fatalf("TV stock=%+v: a void moves no stock", st)
	}
	if st := stockOf(t, db, "MILK"); st.OnHand != 98 {
		t.Fatalf("MILK stock=%+v", st)
	}
	sh, err := shifts.FindShiftByID(ctx, sale.ShiftID)
	if err != nil {
		t.Fatal(err)
	}
	r := sh.Report()
	if r.PriceOverrides != (pos.OverrideTotals{Count: 1, Amount: pos.M(2*8990-10000, "RUB")}) || r.Voids.Count != 1 {
		t.Fatalf("report overrides=%+v voids=%+v", r.PriceOverrides, r.Voids)
	}
	evs := eventsOf(t, db, pos.EventSaleCompleted)
	var got pos.Sale
	if err := json.Unmarshal(evs[len(evs)-1].Data, &got); err != nil || got.Lines[0].PriceBefore == nil || len(got.VoidedLines) != 1 || got.ApprovedBy != boss.ID {
		t.Fatalf("event=%s err=%v", evs[len(evs)-1].Data, err)
	}
}
