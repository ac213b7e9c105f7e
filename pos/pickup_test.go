package pos_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

const (
	received, picking = pos.PickupReceived, pos.PickupPicking
	ready, collected  = pos.PickupReady, pos.PickupCollected
	noShow, cancelled = pos.PickupNoShow, pos.PickupCancelled
)

func TestCheckPickupTransition(t *testing.T) {
	for _, tt := range []struct {
		from, to string
		noop     bool
		code     string
	}{
		{received, picking, false, ""},
		{pos.PickupPending, picking, false, ""}, // an order stored before issue 10
		{picking, picking, true, ""},
		{picking, ready, false, ""},
		{received, ready, false, ""}, // picked in one go
		{ready, ready, true, ""},
		{ready, picking, false, pos.CodeConflict},
		{ready, collected, false, ""},
		{received, collected, false, pos.CodePickupNotReady},
		{pos.PickupPending, collected, false, pos.CodePickupNotReady},
		{picking, collected, false, pos.CodePickupNotReady},
		{collected, collected, false, pos.CodePickupNotReady},
		{cancelled, collected, false, pos.CodePickupNotReady},
		{noShow, collected, false, pos.CodePickupNotReady},
		{ready, noShow, false, ""},
		{received, noShow, false, pos.CodeConflict},
		{picking, noShow, false, pos.CodeConflict},
		{received, cancelled, false, ""},
		{picking, cancelled, false, ""},
		{ready, cancelled, false, ""},
		{cancelled, cancelled, false, pos.CodeConflict},
		{collected, cancelled, false, pos.CodeConflict},
		{noShow, cancelled, false, pos.CodeConflict},
		{collected, ready, false, pos.CodeConflict},
		{cancelled, picking, false, pos.CodeConflict},
		{"lost", ready, false, pos.CodeConflict},
		{received, received, false, pos.CodeValidationFailed},
		{received, pos.PickupPending, false, pos.CodeValidationFailed},
	} {
		t.Run(tt.from+"->"+tt.to, func(t *testing.T) {
			noop, err := pos.CheckPickupTransition(tt.from, tt.to)
			if got, want := pos.ErrorCode(err), tt.code; got != want {
				t.Fatalf("code=%q (%v), want %q", got, err, want)
			}
			if got, want := noop, tt.noop; got != want {
				t.Fatalf("noop=%v, want %v", got, want)
			}
		})
	}
}

func TestMergePickupStatus(t *testing.T) {
	for _, tt := range []struct{ remote, local, want string }{
		{received, "", received},
		{pos.PickupPending, "", received}, // old messages and records
		{ready, "", ready},
		{cancelled, "", cancelled},
		{received, picking, picking}, // central has not heard of picking yet
		{received, ready, ready},
		{pos.PickupPending, ready, ready},
		{picking, ready, ready},
		{ready, picking, ready}, // central knows the order is further on
		{received, collected, collected},
		{ready, collected, collected},
		{received, noShow, noShow},
		{received, cancelled, cancelled}, // a manager cancelled it here
		{collected, ready, collected},    // central knows better
		{cancelled, ready, cancelled},    // cancelled before the shopper came
		{cancelled, picking, cancelled},
		{cancelled, collected, collected}, // the goods are gone: central settles it
		{cancelled, noShow, noShow},       // released either way
	} {
		t.Run(tt.remote+"+"+tt.local, func(t *testing.T) {
			if got := pos.MergePickupStatus(tt.remote, tt.local); got != tt.want {
				t.Fatalf("MergePickupStatus(%q, %q)=%q, want %q", tt.remote, tt.local, got, tt.want)
			}
		})
	}
}

func TestPickupStatus_Kinds(t *testing.T) {
	for _, tt := range []struct {
		s                string
		valid, open, fin bool
		normalizedAsSelf bool
	}{
		{received, true, true, false, true},
		{picking, true, true, false, true},
		{ready, true, true, false, true},
		{collected, true, false, true, true},
		{noShow, true, false, true, true},
		{cancelled, true, false, true, true},
		{pos.PickupPending, false, false, false, false},
		{"", false, false, false, true},
		{"Ready", false, false, false, true},
	} {
		if got := pos.ValidPickupStatus(tt.s); got != tt.valid {
			t.Errorf("ValidPickupStatus(%q)=%v, want %v", tt.s, got, tt.valid)
		}
		if got := pos.PickupOpen(tt.s); got != tt.open {
			t.Errorf("PickupOpen(%q)=%v, want %v", tt.s, got, tt.open)
		}
		if got := pos.PickupFinal(tt.s); got != tt.fin {
			t.Errorf("PickupFinal(%q)=%v, want %v", tt.s, got, tt.fin)
		}
		if got := pos.NormalizePickupStatus(tt.s) == tt.s; got != tt.normalizedAsSelf {
			t.Errorf("NormalizePickupStatus(%q)=%q", tt.s, pos.NormalizePickupStatus(tt.s))
		}
	}
}

// order is a two-line order: 2 × milk at 179.80 and 347 g of cheese at
// 65.90, 245.70 in all.
func order(paid bool) *pos.Pickup {
	return &pos.Pickup{ID: "o1", OrderNo: "A-1", Phone: "+79123456789", Paid: paid, Status: ready,
		Lines: []pos.PickupLine{
			{SKU: "MILK", Name: "Milk", Qty: 2, Amount: pos.M(17980, rub)},
			{SKU: "CHEESE", Name: "Cheese", Qty: 347, Amount: pos.M(6590, rub)},
		}, Total: pos.M(24570, rub)}
}

func TestPickupSale(t *testing.T) {
	t.Run("Prepaid", func(t *testing.T) {
		s, err := pos.PickupSale(order(true), shop(), saleTime, rub, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := s.Total, pos.M(24570, rub); got != want {
			t.Fatalf("Total=%v, want %v", got, want)
		}
		if got, want := len(s.Payments), 1; got != want {
			t.Fatalf("payments=%d, want %d", got, want)
		}
		if got, want := s.Payments[0], (pos.Payment{Method: pos.PaymentOnline, Amount: pos.M(24570, rub)}); got != want {
			t.Fatalf("payment=%+v, want %+v", got, want)
		}
		if got, want := s.CashPaid(), int64(0); got != want {
			t.Fatalf("CashPaid=%d, want %d: online money is not in the drawer", got, want)
		}
		if got, want := s.PickupID, "o1"; got != want {
			t.Fatalf("PickupID=%q, want %q", got, want)
		}
		// The order's price, not the shelf's (milk is 89.90 a piece).
		l := s.Lines[1]
		if l.SKU != "CHEESE" || l.Unit != pos.UnitGram || l.Total != pos.M(6590, rub) || l.UnitPrice != pos.M(18991, rub) {
			t.Fatalf("cheese line=%+v", l)
		}
		if got, want := s.VAT[0].VAT, pos.M(pos.VATIncluded(24570, 10), rub); got != want {
			t.Fatalf("VAT=%v, want %v", got, want)
		}
	})
	t.Run("PayAtPickup", func(t *testing.T) {
		s, err := pos.PickupSale(order(false), shop(), saleTime, rub, []pos.PaymentRequest{card(20000), cash(5000)})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := s.Change, pos.M(430, rub); got != want {
			t.Fatalf("Change=%v, want %v", got, want)
		}
		if got, want := s.CashPaid(), int64(4570); got != want {
			t.Fatalf("CashPaid=%d, want %d", got, want)
		}
	})
	for _, tt := range []struct {
		name   string
		edit   func(p *pos.Pickup)
		pay    []pos.PaymentRequest
		code   string
		field  string
		errHas string
	}{
		{"Short", func(p *pos.Pickup) { p.Paid = false }, []pos.PaymentRequest{cash(24000)}, pos.CodeValidationFailed, "payments", ""},
		{"UnknownSKU", func(p *pos.Pickup) { p.Lines[1].SKU = "GONE" }, nil, pos.CodeUnknownSKU, "lines[1].sku", ""},
		{"TotalMismatch", func(p *pos.Pickup) { p.Total.Amount++ }, nil, pos.CodeConflict, "", "add up"},
		{"OtherCurrency", func(p *pos.Pickup) { p.Total.Currency = "USD" }, nil, pos.CodeConflict, "", "USD"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := order(true)
			tt.edit(p)
			_, err := pos.PickupSale(p, shop(), saleTime, rub, tt.pay)
			wantError(t, err, tt.code, tt.field)
			if !strings.Contains(pos.ErrorMessage(err), tt.errHas) {
				t.Fatalf("message %q does not say %q", pos.ErrorMessage(err), tt.errHas)
			}
		})
	}
}

func TestPickupCollectRequest_Validate(t *testing.T) {
	points := pos.PaymentRequest{Method: pos.PaymentPoints, Amount: pos.M(100, rub)}
	online := pos.PaymentRequest{Method: pos.PaymentOnline, Amount: pos.M(24570, rub)}
	for _, tt := range []struct {
		name  string
		paid  bool
		phone string
		pay   []pos.PaymentRequest
		field string
	}{
		{"Prepaid", true, "+7912", nil, ""},
		{"PrepaidWithPayment", true, "+7912", []pos.PaymentRequest{cash(100)}, "payments"},
		{"PayAtPickup", false, "+7912", []pos.PaymentRequest{cash(30000)}, ""},
		{"PayAtPickupNoPayments", false, "+7912", nil, "payments"},
		{"Points", false, "+7912", []pos.PaymentRequest{points, cash(30000)}, ""},
		{"PointsNoCustomer", false, "", []pos.PaymentRequest{points}, "payments[0].method"},
		{"OnlineFromTill", false, "+7912", []pos.PaymentRequest{online}, "payments[0].method"},
		{"BadCurrency", false, "+7912", []pos.PaymentRequest{{Method: pos.PaymentCash, Amount: pos.M(1, "USD")}}, "payments[0].amount.currency"},
		{"ControlChar", false, "+7912", []pos.PaymentRequest{{Method: pos.PaymentCard, Amount: pos.M(1, rub), Reference: "a\x00"}}, "payments[0].reference"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := order(tt.paid)
			p.Phone = tt.phone
			err := (&pos.PickupCollectRequest{Payments: tt.pay}).Validate(p, rub)
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantError(t, err, pos.CodeValidationFailed, tt.field)
		})
	}
}

func TestPickupCloseRequest_Validate(t *testing.T) {
	for _, tt := range []struct {
		reason, field string
	}{
		{"", ""}, {"customer called", ""}, {strings.Repeat("я", 200), ""},
		{strings.Repeat("я", 201), "reason"}, {"line\nbreak", ""}, {"bell\a", "reason"},
	} {
		err := (&pos.PickupCloseRequest{Reason: tt.reason}).Validate()
		if tt.field == "" {
			if err != nil {
				t.Fatalf("reason %q: %v", tt.reason, err)
			}
			continue
		}
		wantError(t, err, pos.CodeValidationFailed, tt.field)
	}
}

func TestShiftTotals_Online(t *testing.T) {
	s, err := pos.PickupSale(order(true), shop(), saleTime, rub, nil)
	if err != nil {
		t.Fatal(err)
	}
	sh := &pos.Shift{OpeningFloat: pos.M(500000, rub)}
	sh.Totals.AddSale(s)
	r := sh.Report()
	if got, want := r.Sales.Online, pos.M(24570, rub); got != want {
		t.Fatalf("Online=%v, want %v", got, want)
	}
	if got, want := r.Sales.Cash, pos.M(0, rub); got != want {
		t.Fatalf("Cash=%v, want %v", got, want)
	}
	if got, want := r.ExpectedCash, pos.M(500000, rub); got != want {
		t.Fatalf("ExpectedCash=%v, want %v: online money never reaches the drawer", got, want)
	}
}

// TestPlanReturn_Online checks that returning goods of a prepaid order
// owes the money back to the online payment, never out of the drawer.
func TestPlanReturn_Online(t *testing.T) {
	s, err := pos.PickupSale(order(true), shop(), saleTime, rub, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := mustPlanReturn(t, s, pos.ReturnLineRequest{SKU: "MILK", Qty: 1})
	if got, want := fmt.Sprint(r.Refunds), fmt.Sprint([]pos.Payment{{Method: pos.PaymentOnline, Amount: pos.M(8990, rub)}}); got != want {
		t.Fatalf("refunds=%s, want %s", got, want)
	}
	if r.RefundCash() != 0 || s.RefundedOnline != 8990 {
		t.Fatalf("cash=%d refunded online=%d", r.RefundCash(), s.RefundedOnline)
	}
	var tot pos.ShiftTotals
	tot.AddReturn(r)
	if tot.RefundsOnline != 8990 || tot.RefundsCash != 0 {
		t.Fatalf("totals=%+v", tot)
	}
}
