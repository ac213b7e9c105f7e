package pos_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

// TestPriceSaleFor_Personal checks the personal discount on top of the
// price in force: one rounding of the unit price (half away from zero),
// then the line total from that unit price, as the shopper's page shows it.
func TestPriceSaleFor_Personal(t *testing.T) {
	tests := []struct {
		name            string
		line            pos.SaleLineRequest
		pct             int64
		unit, total     int64
		discount        int64 // regular total − total
		promo           string
		recordedPercent int64
	}{
		{"None", line("BREAD", 2), 0, 4500, 9000, 0, "", 0},
		{"Negative", line("BREAD", 2), -5, 4500, 9000, 0, "", 0},
		{"Exact", line("BREAD", 2), 5, 4275, 8550, 450, "", 5},
		{"RoundsDown", line("MILK", 1), 7, 8990 - 629, 8361, 629, "", 7},       // 629.3 off
		{"RoundsUp", line("MILK", 1), 3, 8990 - 270, 8720, 270, "", 3},         // 269.7 off
		{"HalfAwayFromZero", line("MILK", 1), 5, 8990 - 450, 8540, 450, "", 5}, // 449.5 off
		// The 10 % promotion first (129.90 → 116.91), then 10 % of that
		// (116.91 → 105.22): not 20 % of the regular price.
		{"OnTopOfPromotion", line("SOAP", 3), 10, 10522, 31566, 38970 - 31566, "p10", 10},
		// 5 % of 189.90/kg is 9.495, rounded to 9.50 off: 180.40/kg;
		// 347 g of it is 62.5988 → 62.60.
		{"Weighed", line("CHEESE", 347), 5, 18040, 6260, 6590 - 6260, "", 5},
		{"FreeAtAHundred", line("BOOK", 1), 100, 0, 0, 59900, "", 100},
		{"CappedAtAHundred", line("BOOK", 1), 150, 0, 0, 59900, "", 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := sale([]pos.SaleLineRequest{tt.line}, cash(100000))
			s, err := pos.PriceSaleFor(req, shop(), saleTime, rub, tt.pct)
			if err != nil {
				t.Fatal(err)
			}
			l := s.Lines[0]
			if got, want := l.UnitPrice.Amount, tt.unit; got != want {
				t.Fatalf("UnitPrice=%d, want %d", got, want)
			}
			if got, want := l.Total.Amount, tt.total; got != want {
				t.Fatalf("Total=%d, want %d", got, want)
			}
			if got, want := l.Discount.Amount, tt.discount; got != want {
				t.Fatalf("Discount=%d, want %d", got, want)
			}
			if got, want := l.PromotionID, tt.promo; got != want {
				t.Fatalf("PromotionID=%q, want %q", got, want)
			}
			if got, want := l.PersonalDiscount, tt.recordedPercent; got != want {
				t.Fatalf("PersonalDiscount=%d, want %d", got, want)
			}
			if got, want := s.Total.Amount, tt.total; got != want {
				t.Fatalf("sale Total=%d, want %d", got, want)
			}
		})
	}
}

// TestPriceSaleFor_SameAsPersonalPrice: the till's unit price is exactly
// what PersonalPrice gives the shopper's page, for any percent.
func TestPriceSaleFor_SameAsPersonalPrice(t *testing.T) {
	for pct := int64(0); pct <= 50; pct++ {
		s, err := pos.PriceSaleFor(sale([]pos.SaleLineRequest{line("SOAP", 1)}, cash(100000)), shop(), saleTime, rub, pct)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := s.Lines[0].UnitPrice.Amount, pos.PersonalPrice(11691, pct); got != want {
			t.Fatalf("pct %d: UnitPrice=%d, want %d", pct, got, want)
		}
	}
}

func TestPriceSale_NoPersonalDiscount(t *testing.T) {
	s := mustPriceSale(t, sale([]pos.SaleLineRequest{line("MILK", 1)}, cash(10000)), saleTime)
	buf, err := json.Marshal(s.Lines[0])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(buf), "personal_discount") {
		t.Fatalf("line without a personal discount shows one: %s", buf)
	}
	p, err := pos.PriceSaleFor(sale([]pos.SaleLineRequest{line("MILK", 1)}, cash(10000)), shop(), saleTime, rub, 5)
	if err != nil {
		t.Fatal(err)
	}
	buf, _ = json.Marshal(p.Lines[0])
	if !strings.Contains(string(buf), `"personal_discount":5`) {
		t.Fatalf("receipt line does not show the personal discount: %s", buf)
	}
}

// TestSaleRequest_Validate_ReservationOnly: a sale that collects a
// reservation may come without lines, but it cannot be priced until the
// reserved lines are in.
func TestSaleRequest_Validate_ReservationOnly(t *testing.T) {
	req := sale(nil, cash(10000))
	req.ReservationCode = "abcdefghijklmnopqrst"
	if err := req.Validate(rub); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	_, err := pos.PriceSale(req, shop(), saleTime, rub)
	wantError(t, err, pos.CodeValidationFailed, "lines")
}
