package bolt_test

import (
	"context"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

func TestSaleService_CreateReturn(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db)
	s, catalog := bolt.NewSaleService(db), bolt.NewCatalogService(db)
	req := &pos.SaleRequest{
		Lines: []pos.SaleLineRequest{{SKU: "MILK", Qty: 3}},
		Payments: []pos.PaymentRequest{{Method: "card", Amount: pos.M(10000, "RUB")},
			{Method: "cash", Amount: pos.M(20000, "RUB")}},
	}
	sale, _, err := s.CreateSale(ctx, "s1", req)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("Partial", func(t *testing.T) {
		ret, created, err := s.CreateReturn(ctx, sale.ID, "r1", &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{{SKU: "MILK", Qty: 2}}})
		if err != nil || !created {
			t.Fatal(err)
		}
		// 2 of 3 × 89.90 = 179.80, of which the card paid 100.00: card first.
		if ret.Total.Amount != 17980 || ret.RefundCard() != 10000 || ret.RefundCash() != 7980 {
			t.Fatalf("total=%d card=%d cash=%d", ret.Total.Amount, ret.RefundCard(), ret.RefundCash())
		}
		if ret.ReceiptNo != 2 || ret.StoreSeq != sale.StoreSeq+1 {
			t.Fatalf("receipt=%d seq=%d", ret.ReceiptNo, ret.StoreSeq)
		}
		p, _ := catalog.FindProductBySKU(ctx, "MILK")
		if p.Stock.OnHand != 99 {
			t.Fatalf("OnHand=%d, want 99", p.Stock.OnHand)
		}
	})
	t.Run("Replay", func(t *testing.T) {
		first, _ := s.FindSaleByID(ctx, sale.ID)
		_, created, err := s.CreateReturn(ctx, sale.ID, "r1", &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{{SKU: "MILK", Qty: 2}}})
		if err != nil || created {
			t.Fatalf("created=%v err=%v", created, err)
		}
		wantUnchanged(t, s, catalog, first, 99)
	})
	t.Run("ErrKeyReused", func(t *testing.T) {
		first, _ := s.FindSaleByID(ctx, sale.ID)
		_, _, err := s.CreateReturn(ctx, sale.ID, "r1", &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{{SKU: "MILK", Qty: 1}}})
		if got, want := pos.ErrorCode(err), pos.CodeIdempotencyKey; got != want {
			t.Fatalf("code=%q (%v), want %q", got, err, want)
		}
		wantUnchanged(t, s, catalog, first, 99)
	})
	t.Run("ErrNoKey", func(t *testing.T) {
		first, _ := s.FindSaleByID(ctx, sale.ID)
		_, _, err := s.CreateReturn(ctx, sale.ID, "", &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{{SKU: "MILK", Qty: 1}}})
		if pos.ErrorCode(err) != pos.CodeValidationFailed || pos.ErrorField(err) != pos.FieldIdempotencyKey {
			t.Fatalf("err=%v, want validation_failed on %s", err, pos.FieldIdempotencyKey)
		}
		wantUnchanged(t, s, catalog, first, 99)
	})
	t.Run("ErrOverReturn", func(t *testing.T) {
		_, _, err := s.CreateReturn(ctx, sale.ID, "r-over", &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{{SKU: "MILK", Qty: 2}}})
		if pos.ErrorCode(err) != pos.CodeOverReturn || pos.ErrorField(err) != "lines[0].qty" {
			t.Fatalf("err=%v", err)
		}
	})
	t.Run("Rest", func(t *testing.T) {
		ret, _, err := s.CreateReturn(ctx, sale.ID, "r-rest", &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{{SKU: "MILK", Qty: 1}}})
		if err != nil || ret.Total.Amount != 8990 || ret.RefundCash() != 8990 {
			t.Fatalf("ret=%+v err=%v", ret, err)
		}
		got, _ := s.FindSaleByID(ctx, sale.ID)
		if got.Lines[0].ReturnedQty != 3 || got.Lines[0].ReturnedAmount != sale.Total.Amount {
			t.Fatalf("returned=%d amount=%d", got.Lines[0].ReturnedQty, got.Lines[0].ReturnedAmount)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, _, err := s.CreateReturn(ctx, "nope", "r-nope", &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{{SKU: "MILK", Qty: 1}}})
		if got, want := pos.ErrorCode(err), pos.CodeNotFound; got != want {
			t.Fatalf("code=%q, want %q", got, want)
		}
	})
	t.Run("NoReceipt", func(t *testing.T) {
		if _, err := bolt.NewAuthService(db).CreateCashier(ctx, "Boss", "9999", pos.RoleManager); err != nil {
			t.Fatal(err)
		}
		req := &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{{SKU: "MILK", Qty: 1}}}
		if _, _, err := s.CreateReturn(ctx, "", "r-norcpt", req); pos.ErrorCode(err) != pos.CodeForbidden {
			t.Fatalf("without approval: %v", err)
		}
		req.Approval = &pos.Approval{Cashier: "boss", PIN: "9999"}
		ret, _, err := s.CreateReturn(ctx, "", "r-norcpt", req)
		if err != nil || ret.ApprovedBy == "" || ret.SaleID != "" || ret.Total.Amount != 8990 {
			t.Fatalf("ret=%+v err=%v", ret, err)
		}
		again, created, err := s.CreateReturn(ctx, "", "r-norcpt", req)
		if err != nil || created || again.ID != ret.ID {
			t.Fatalf("replay: %+v created=%v err=%v, want return %s again", again, created, err, ret.ID)
		}
		if p, _ := catalog.FindProductBySKU(ctx, "MILK"); p.Stock.OnHand != 101 {
			t.Fatalf("OnHand=%d, want 101: a replayed return put stock back twice", p.Stock.OnHand)
		}
		// The approval is no part of the idempotency hash (no PIN is
		// hashed): another manager's replay is the same return.
		if _, err := bolt.NewAuthService(db).CreateCashier(ctx, "Vera", "8888", pos.RoleManager); err != nil {
			t.Fatal(err)
		}
		req.Approval = &pos.Approval{Cashier: "vera", PIN: "8888"}
		if again, created, err := s.CreateReturn(ctx, "", "r-norcpt", req); err != nil || created || again.ID != ret.ID {
			t.Fatalf("replay by another manager: %+v created=%v err=%v", again, created, err)
		}
	})
}

// wantUnchanged checks that a refused or replayed return changed neither
// the sale's returned quantities nor the stock.
func wantUnchanged(t *testing.T, s *bolt.SaleService, catalog *bolt.CatalogService, before *pos.Sale, onHand int64) {
	t.Helper()
	ctx := context.Background()
	after, err := s.FindSaleByID(ctx, before.ID)
	if err != nil || after.Lines[0].ReturnedQty != before.Lines[0].ReturnedQty {
		t.Fatalf("returned %d → %d (%v)", before.Lines[0].ReturnedQty, after.Lines[0].ReturnedQty, err)
	}
	if p, _ := catalog.FindProductBySKU(ctx, "MILK"); p.Stock.OnHand != onHand {
		t.Fatalf("OnHand=%d, want %d", p.Stock.OnHand, onHand)
	}
}
