package pos_test

import (
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
)

func rules() *pos.LoyaltyRules {
	return &pos.LoyaltyRules{ID: "rules", PointValue: 100, EarnBP: 500, MaxRedeemPct: 50, OfflineDailyCap: 1000,
		CategoryEarnBP: map[string]int64{"milk": 1000}}
}

func TestLoyaltyRules_Validate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		f     func(*pos.LoyaltyRules)
		field string
	}{
		{"OK", func(*pos.LoyaltyRules) {}, ""},
		{"ID", func(r *pos.LoyaltyRules) { r.ID = "x" }, "id"},
		{"PointValue", func(r *pos.LoyaltyRules) { r.PointValue = 0 }, "point_value"},
		{"EarnBP", func(r *pos.LoyaltyRules) { r.EarnBP = 10_001 }, "earn_bp"},
		{"MaxRedeem", func(r *pos.LoyaltyRules) { r.MaxRedeemPct = 101 }, "max_redeem_pct"},
		{"Cap", func(r *pos.LoyaltyRules) { r.OfflineDailyCap = -1 }, "offline_daily_cap"},
		{"Category", func(r *pos.LoyaltyRules) { r.CategoryEarnBP["x"] = -5 }, "category_earn_bp"},
		{"Deleted", func(r *pos.LoyaltyRules) { r.Deleted, r.PointValue = true, 0 }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rules()
			tc.f(r)
			if got := pos.ErrorField(r.Validate()); got != tc.field {
				t.Fatalf("field %q, want %q", got, tc.field)
			}
		})
	}
}

func TestLoyaltyRules_Money(t *testing.T) {
	r := rules()
	if p, ok := r.PointsFor(2550); ok {
		t.Fatalf("25.50 as points: %d, want refused (not whole points)", p)
	}
	if p, ok := r.PointsFor(3000); !ok || p != 30 {
		t.Fatalf("30.00 = %d points", p)
	}
	for _, tc := range []struct{ total, want int64 }{{10000, 5000}, {10099, 5000}, {10199, 5000}, {10200, 5100}, {0, 0}} {
		if got := r.MaxRedeem(tc.total); got != tc.want {
			t.Fatalf("MaxRedeem(%d) = %d, want %d", tc.total, got, tc.want)
		}
	}
}

func TestLoyaltyRules_Earned(t *testing.T) {
	r := rules()
	cat := func(sku string) string {
		if sku == "MILK" {
			return "milk"
		}
		return ""
	}
	sale := &pos.Sale{Total: pos.M(30000, "RUB"), Lines: []pos.SaleLine{
		{SKU: "MILK", Total: pos.M(10000, "RUB")},  // 10% of 100.00 = 10.00
		{SKU: "BREAD", Total: pos.M(20000, "RUB")}, // 5% of 200.00 = 10.00
	}}
	if got := r.Earned(sale, 0, cat); got != 20 {
		t.Fatalf("earned %d points, want 20 (20.00 at 1.00 a point)", got)
	}
	if got := r.Earned(sale, 150, cat); got != 10 { // half of the receipt paid with points: half earns
		t.Fatalf("earned %d points with half paid by points, want 10", got)
	}
	if got := r.Earned(sale, 300, cat); got != 0 {
		t.Fatalf("earned %d points on a receipt paid all with points", got)
	}
	big := &pos.Sale{Total: pos.M(pos.MaxAmount, "RUB"), Lines: []pos.SaleLine{{SKU: "X", Total: pos.M(pos.MaxAmount, "RUB")}}}
	if got := r.Earned(big, 0, cat); got <= 0 {
		t.Fatalf("no overflow on the largest sale: %d", got)
	}
}

func TestReturnedShare(t *testing.T) {
	// 7 points over a total of 300, returned in three parts: 2 + 3 + 2.
	var given int64
	for _, returned := range []int64{100, 200, 300} {
		n := pos.ReturnedShare(7, returned, 300) - given
		given += n
	}
	if given != 7 {
		t.Fatalf("gave back %d of 7 points over the whole return", given)
	}
	if got := pos.ReturnedShare(7, 400, 300); got != 7 {
		t.Fatalf("never more than n: %d", got)
	}
}

// TestPlanReturn_Points returns a sale paid partly with points in two
// parts: the points given back and the earned points taken back add up to
// what the sale paid and earned, and the money goes back card first.
func TestPlanReturn_Points(t *testing.T) {
	sale := &pos.Sale{ID: "s1", Total: pos.M(30000, "RUB"), CustomerID: "c1", PointValue: 100, PointsPaid: 100, PointsEarned: 11,
		Lines: []pos.SaleLine{
			{No: 1, SKU: "A", Qty: 2, Total: pos.M(20000, "RUB")},
			{No: 2, SKU: "B", Qty: 1, Total: pos.M(10000, "RUB")},
		},
		Payments: []pos.Payment{{Method: pos.PaymentPoints, Amount: pos.M(10000, "RUB")}, {Method: pos.PaymentCard, Amount: pos.M(20000, "RUB")}}}
	r1, err := pos.PlanReturn(sale, &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{{SKU: "A", Qty: 1}}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if r1.PointsRefunded != 33 || r1.PointsReversed != 4 || r1.CustomerID != "c1" {
		t.Fatalf("first part: %+v", r1)
	}
	if got := r1.Refunds; len(got) != 2 || got[0].Method != pos.PaymentPoints || got[0].Amount.Amount != 3300 || got[1].Amount.Amount != 6700 {
		t.Fatalf("first part's refunds %+v, want 33 points (33.00) then 67.00 to the card", got)
	}
	r2, err := pos.PlanReturn(sale, &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{{SKU: "A", Qty: 1}, {SKU: "B", Qty: 1}}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if r1.PointsRefunded+r2.PointsRefunded != 100 || r1.PointsReversed+r2.PointsReversed != 11 {
		t.Fatalf("all returned: gave back %d of 100, took back %d of 11", r1.PointsRefunded+r2.PointsRefunded, r1.PointsReversed+r2.PointsReversed)
	}
	if sale.RefundedCard != 20000 {
		t.Fatalf("card refunded %d, want 20000", sale.RefundedCard)
	}
}

func TestSettle_Points(t *testing.T) {
	lookup := func(string) (*pos.Product, error) {
		return &pos.Product{SKU: "A", Name: "A", Unit: pos.UnitPiece, Prices: []pos.PricePoint{{Amount: 10000}}}, nil
	}
	req := func(points, cash int64) *pos.SaleRequest {
		return &pos.SaleRequest{Lines: []pos.SaleLineRequest{{SKU: "A", Qty: 1}}, Customer: &pos.CustomerRef{Phone: "+79161234567"},
			Payments: []pos.PaymentRequest{{Method: pos.PaymentPoints, Amount: pos.M(points, "RUB")}, {Method: pos.PaymentCash, Amount: pos.M(cash, "RUB")}}}
	}
	s, err := pos.PriceSale(req(4000, 10000), lookup, time.Now(), "RUB")
	if err != nil || s.Change.Amount != 4000 || s.CashPaid() != 6000 || s.PaidWith(pos.PaymentPoints) != 4000 {
		t.Fatalf("sale %+v err %v", s, err)
	}
	if _, err := pos.PriceSale(req(12000, 1000), lookup, time.Now(), "RUB"); pos.ErrorField(err) != "payments" {
		t.Fatalf("points over the total: %v", err)
	}
	noCustomer := req(4000, 10000)
	noCustomer.Customer = nil
	if _, err := pos.PriceSale(noCustomer, lookup, time.Now(), "RUB"); pos.ErrorField(err) != "payments[0].method" {
		t.Fatalf("points without a customer: %v", err)
	}
}
