package bolt_test

import (
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

func TestShiftService(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db)
	shifts, sales := bolt.NewShiftService(db), bolt.NewSaleService(db)
	sh, err := shifts.FindOpenShift(ctx, "t1")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("ErrAlreadyOpen", func(t *testing.T) {
		_, err := shifts.OpenShift(ctx, &pos.OpenShiftRequest{OpeningFloat: pos.M(0, "RUB")})
		if got, want := pos.ErrorCode(err), pos.CodeShiftOpen; got != want {
			t.Fatalf("code=%q, want %q", got, want)
		}
	})
	t.Run("ErrCurrency", func(t *testing.T) {
		_, err := shifts.OpenShift(ctxAs("t9", "c9", ""), &pos.OpenShiftRequest{OpeningFloat: pos.M(0, "USD")})
		if pos.ErrorField(err) != "opening_float.currency" {
			t.Fatalf("err=%v", err)
		}
	})
	t.Run("CashAndZReport", func(t *testing.T) {
		if _, err := shifts.MoveCash(ctx, sh.ID, &pos.CashMovementRequest{Kind: "out", Amount: pos.M(100000, "RUB")}); err != nil {
			t.Fatal(err)
		}
		req := &pos.SaleRequest{Lines: []pos.SaleLineRequest{{SKU: "MILK", Qty: 1}},
			Payments: []pos.PaymentRequest{{Method: "cash", Amount: pos.M(10000, "RUB")}}}
		if _, _, err := sales.CreateSale(ctx, "z1", req); err != nil {
			t.Fatal(err)
		}
		if _, err := shifts.CloseShift(ctxAs("t1", "other", pos.RoleCashier), sh.ID, &pos.CloseShiftRequest{CountedCash: pos.M(0, "RUB")}); pos.ErrorCode(err) != pos.CodeForbidden {
			t.Fatalf("another cashier closed the shift: %v", err)
		}
		z, err := shifts.CloseShift(ctxAs("t1", "mgr", pos.RoleManager), sh.ID, &pos.CloseShiftRequest{CountedCash: pos.M(409000, "RUB")})
		if err != nil {
			t.Fatal(err)
		}
		// 5000.00 float − 1000.00 out + 89.90 sale = 4089.90 expected; counted 4090.00.
		if z.Kind != "Z" || z.ExpectedCash.Amount != 408990 || z.Difference.Amount != 10 || z.ReceiptCount != 1 {
			t.Fatalf("kind=%s expected=%d diff=%v receipts=%d", z.Kind, z.ExpectedCash.Amount, z.Difference, z.ReceiptCount)
		}
		if _, err := shifts.FindOpenShift(ctx, "t1"); pos.ErrorCode(err) != pos.CodeShiftNotOpen {
			t.Fatalf("shift still open: %v", err)
		}
		if _, err := shifts.CloseShift(ctx, sh.ID, &pos.CloseShiftRequest{CountedCash: pos.M(0, "RUB")}); pos.ErrorCode(err) != pos.CodeShiftClosed {
			t.Fatalf("closed twice: %v", err)
		}
	})
}
