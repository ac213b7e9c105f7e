package pos_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
)

func TestPriceSale_PriceInForce(t *testing.T) {
	ns := time.Nanosecond
	tests := []struct {
		name string
		at   time.Time
		want int64
	}{
		{"NanosecondBefore", milkRise.Add(-ns), 8990},
		{"At", milkRise, 9490},
		{"NanosecondAfter", milkRise.Add(ns), 9490},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustPriceSale(t, sale([]pos.SaleLineRequest{line("MILK", 2)}, cash(20000)), tt.at)
			l := s.Lines[0]
			if got, want := l.UnitPrice, pos.M(tt.want, rub); got != want {
				t.Fatalf("UnitPrice=%v, want %v", got, want)
			}
			if got, want := l.Total, pos.M(2*tt.want, rub); got != want {
				t.Fatalf("Total=%v, want %v", got, want)
			}
			if !s.CreatedAt.Equal(tt.at) {
				t.Fatalf("CreatedAt=%v, want %v", s.CreatedAt, tt.at)
			}
		})
	}
}

func TestPriceSale_Promotions(t *testing.T) {
	ns := time.Nanosecond
	tests := []struct {
		name           string
		at             time.Time
		promo          string
		unit, discount int64 // for 3 pieces at a regular 129.90
	}{
		{"BeforeAny", day(1).Add(-ns), "", 12990, 0},
		{"PercentFromInclusive", day(1), "p10", 11691, 3 * 1299},
		{"PercentLastNanosecondAlone", day(5).Add(-ns), "p10", 11691, 3 * 1299},
		{"OverlapBestIsFixed", day(5), "f1500", 11490, 3 * 1500},
		{"PercentToExclusive", day(8), "f1500", 11490, 3 * 1500},
		{"FixedLastNanosecond", day(10).Add(-ns), "f1500", 11490, 3 * 1500},
		{"FixedToExclusive", day(10), "", 12990, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustPriceSale(t, sale([]pos.SaleLineRequest{line("SOAP", 3)}, cash(50000)), tt.at)
			l := s.Lines[0]
			if l.PromotionID != tt.promo {
				t.Fatalf("PromotionID=%q, want %q", l.PromotionID, tt.promo)
			}
			if got, want := l.UnitPrice.Amount, tt.unit; got != want {
				t.Fatalf("UnitPrice=%d, want %d", got, want)
			}
			if got, want := l.RegularPrice.Amount, int64(12990); got != want {
				t.Fatalf("RegularPrice=%d, want %d", got, want)
			}
			if got, want := l.Total.Amount, 3*tt.unit; got != want {
				t.Fatalf("Total=%d, want %d", got, want)
			}
			if got, want := l.Discount.Amount, tt.discount; got != want {
				t.Fatalf("Discount=%d, want %d", got, want)
			}
			if got, want := s.Discount, pos.M(tt.discount, rub); got != want {
				t.Fatalf("sale Discount=%v, want %v", got, want)
			}
		})
	}
}

// A fixed promotion larger than the price makes the line free, not negative.
func TestPriceSale_PromotionNeverBelowZero(t *testing.T) {
	gift := &pos.Product{SKU: "GIFT", Name: "Gift", Unit: pos.UnitPiece, VATRate: 22, Currency: rub,
		Prices:     []pos.PricePoint{{Amount: 500, EffectiveFrom: jan1}},
		Promotions: []pos.Promotion{{ID: "free", Kind: pos.PromoFixed, Value: 800, From: jan1, To: day(31)}}}
	s, err := pos.PriceSale(sale([]pos.SaleLineRequest{line("GIFT", 2)}, cash(100)), lookupOf(gift), saleTime, rub)
	if err != nil {
		t.Fatal(err)
	}
	l := s.Lines[0]
	if l.UnitPrice.Amount != 0 || l.Total.Amount != 0 || l.VAT.Amount != 0 {
		t.Fatalf("UnitPrice=%v Total=%v VAT=%v, want all 0", l.UnitPrice, l.Total, l.VAT)
	}
	if got, want := l.Discount.Amount, int64(1000); got != want { // 2 × 5.00 regular
		t.Fatalf("Discount=%d, want %d", got, want)
	}
	if got, want := s.Change.Amount, int64(100); got != want {
		t.Fatalf("Change=%d, want %d", got, want)
	}
}

func TestPriceSale_Weighed(t *testing.T) {
	tests := []struct {
		grams, total, vat int64
	}{
		{1, 19, 2},          // 18.99 → 19; VAT 1.73 → 2
		{2, 38, 3},          // 37.98 → 38; VAT 3.45 → 3
		{26, 494, 45},       // 493.74 → 494; VAT 44.91 → 45
		{50, 950, 86},       // 949.5 exactly half → 950; VAT 86.36 → 86
		{347, 6590, 599},    // 6589.53 → 6590; VAT 599.09 → 599
		{1000, 18990, 1726}, // one kg; VAT 1726.36 → 1726
		{1500, 28485, 2590}, // 28485 exact; VAT 2589.55 → 2590
	}
	for _, tt := range tests {
		t.Run(time.Duration(tt.grams).String(), func(t *testing.T) {
			s := mustPriceSale(t, sale([]pos.SaleLineRequest{line("CHEESE", tt.grams)}, cash(50000)), saleTime)
			l := s.Lines[0]
			if l.Unit != pos.UnitGram || l.Qty != tt.grams {
				t.Fatalf("Unit=%q Qty=%d, want gram %d", l.Unit, l.Qty, tt.grams)
			}
			if got, want := l.UnitPrice.Amount, int64(18990); got != want { // per kg
				t.Fatalf("UnitPrice=%d, want %d", got, want)
			}
			if got := l.Total.Amount; got != tt.total {
				t.Fatalf("Total=%d, want %d", got, tt.total)
			}
			if got := l.VAT.Amount; got != tt.vat {
				t.Fatalf("VAT=%d, want %d", got, tt.vat)
			}
			if got := l.Discount.Amount; got != 0 {
				t.Fatalf("Discount=%d, want 0", got)
			}
		})
	}
}

// A weighed product on promotion: the per-kg price is discounted first, then
// the grams are priced, and the discount is regular line total − line total.
func TestPriceSale_WeighedPromotion(t *testing.T) {
	p := cheese()
	p.Promotions = []pos.Promotion{{ID: "c20", Kind: pos.PromoPercent, Value: 20, From: jan1, To: day(31)}}
	s, err := pos.PriceSale(sale([]pos.SaleLineRequest{line("CHEESE", 347)}, cash(10000)), lookupOf(p), saleTime, rub)
	if err != nil {
		t.Fatal(err)
	}
	l := s.Lines[0]
	for _, c := range []struct {
		name      string
		got, want int64
	}{
		{"UnitPrice", l.UnitPrice.Amount, 15192}, // 18990 − 3798 per kg
		{"Total", l.Total.Amount, 5272},          // 15192 × 347 / 1000 = 5271.624
		{"Discount", l.Discount.Amount, 1318},    // 6590 − 5272
		{"VAT", l.VAT.Amount, 479},               // 5272 × 10 / 110 = 479.27
		{"Change", s.Change.Amount, 4728},        // 10000 − 5272
	} {
		if c.got != c.want {
			t.Fatalf("%s=%d, want %d", c.name, c.got, c.want)
		}
	}
}

// A cart over VAT rates 0, 10 and 22 at saleTime (soap 10 % off).
func TestPriceSale_VAT(t *testing.T) {
	req := sale([]pos.SaleLineRequest{line("MILK", 2), line("CHEESE", 347), line("SOAP", 3), line("BOOK", 1)}, card(119543))
	s := mustPriceSale(t, req, saleTime)
	wantLines := []struct {
		sku                  string
		total, vat, discount int64
		rate                 int64
	}{
		{"MILK", 17980, 1635, 0, 10},    // 2 × 8990; VAT 1634.55
		{"CHEESE", 6590, 599, 0, 10},    // 347 g; VAT 599.09
		{"SOAP", 35073, 6325, 3897, 22}, // 3 × 11691; VAT 771606 / 122 = 6324.64
		{"BOOK", 59900, 0, 0, 0},
	}
	for i, w := range wantLines {
		l := s.Lines[i]
		if l.No != i+1 || l.SKU != w.sku || l.Total.Amount != w.total || l.VAT.Amount != w.vat ||
			l.Discount.Amount != w.discount || l.VATRate != w.rate {
			t.Fatalf("Lines[%d]=%+v, want %+v", i, l, w)
		}
	}
	if got, want := s.Total, pos.M(119543, rub); got != want {
		t.Fatalf("Total=%v, want %v", got, want)
	}
	if got, want := s.Discount, pos.M(3897, rub); got != want {
		t.Fatalf("Discount=%v, want %v", got, want)
	}
	wantVAT := []pos.VATAmount{
		{Rate: 0, Gross: pos.M(59900, rub), VAT: pos.M(0, rub)},
		{Rate: 10, Gross: pos.M(24570, rub), VAT: pos.M(2234, rub)}, // 245700 / 110 = 2233.64
		{Rate: 22, Gross: pos.M(35073, rub), VAT: pos.M(6325, rub)},
	}
	if !reflect.DeepEqual(s.VAT, wantVAT) {
		t.Fatalf("VAT=%+v, want %+v", s.VAT, wantVAT)
	}
	if got, want := s.Change, pos.M(0, rub); got != want {
		t.Fatalf("Change=%v, want %v", got, want)
	}
}

func TestVATIncluded(t *testing.T) {
	tests := []struct{ gross, rate, want int64 }{
		{12200, 22, 2200}, // exact
		{11000, 10, 1000}, // exact
		{10000, 22, 1803}, // 1803.28
		{10000, 10, 909},  // 909.09
		{1005, 10, 91},    // 91.36
		{3, 22, 1},        // 0.54
		{1, 22, 0},        // 0.18
		{0, 22, 0},
		{10000, 0, 0},
		{-12200, 22, -2200},
		{-10000, 22, -1803},
	}
	for _, tt := range tests {
		if got := pos.VATIncluded(tt.gross, tt.rate); got != tt.want {
			t.Fatalf("VATIncluded(%d, %d)=%d, want %d", tt.gross, tt.rate, got, tt.want)
		}
	}
}

// VATBreakdown rounds once per rate, so its VAT can differ from the sum of
// the line VATs, and sorts rates ascending whatever the line order.
func TestVATBreakdown(t *testing.T) {
	lines := []pos.SaleLine{
		{Total: pos.M(1005, rub), VATRate: 10},  // line VAT 91.36 → 91
		{Total: pos.M(12200, rub), VATRate: 22}, // 2200
		{Total: pos.M(500, rub), VATRate: 0},
		{Total: pos.M(1005, rub), VATRate: 10}, // line VAT 91
	}
	want := []pos.VATAmount{
		{Rate: 0, Gross: pos.M(500, rub), VAT: pos.M(0, rub)},
		{Rate: 10, Gross: pos.M(2010, rub), VAT: pos.M(183, rub)}, // 182.73 → 183, not 91 + 91
		{Rate: 22, Gross: pos.M(12200, rub), VAT: pos.M(2200, rub)},
	}
	if got := pos.VATBreakdown(lines, rub); !reflect.DeepEqual(got, want) {
		t.Fatalf("VATBreakdown=%+v, want %+v", got, want)
	}
	if got := pos.VATBreakdown(nil, rub); len(got) != 0 {
		t.Fatalf("VATBreakdown(nil)=%+v, want empty", got)
	}
}

func TestPriceSale_Errors(t *testing.T) {
	storageErr := errors.New("disk on fire")
	sentinel := &pos.Error{Code: pos.CodeNotFound, Message: "product not found"}
	future := &pos.Product{SKU: "FUTURE", Name: "Not yet", Unit: pos.UnitPiece, Currency: rub,
		Prices: []pos.PricePoint{{Amount: 100, EffectiveFrom: day(20)}}}
	usd := &pos.Product{SKU: "USD", Name: "Imported", Unit: pos.UnitPiece, Currency: "USD",
		Prices: []pos.PricePoint{{Amount: 100, EffectiveFrom: jan1}}}
	huge := &pos.Product{SKU: "HUGE", Name: "Yacht", Unit: pos.UnitPiece, Currency: rub,
		Prices: []pos.PricePoint{{Amount: pos.MaxAmount, EffectiveFrom: jan1}}}
	base := shop()
	lookup := func(sku string) (*pos.Product, error) {
		switch sku {
		case "BROKEN":
			return nil, storageErr
		case "GONE":
			return nil, sentinel
		case "FUTURE":
			return future, nil
		case "USD":
			return usd, nil
		case "HUGE":
			return huge, nil
		}
		return base(sku)
	}
	tests := []struct {
		name        string
		lines       []pos.SaleLineRequest
		pay         []pos.PaymentRequest
		code, field string
	}{
		{"UnknownSKU", []pos.SaleLineRequest{line("MILK", 1), line("NOPE", 1)}, nil, pos.CodeUnknownSKU, "lines[1].sku"},
		{"NoPriceYet", []pos.SaleLineRequest{line("FUTURE", 1)}, nil, pos.CodeUnknownSKU, "lines[0].sku"},
		{"LookupNotFound", []pos.SaleLineRequest{line("MILK", 1), line("BREAD", 1), line("GONE", 1)}, nil, pos.CodeUnknownSKU, "lines[2].sku"},
		{"ProductInOtherCurrency", []pos.SaleLineRequest{line("USD", 1)}, nil, pos.CodeValidationFailed, "lines[0].sku"},
		{"LineTotalTooLarge", []pos.SaleLineRequest{line("HUGE", 2)}, nil, pos.CodeValidationFailed, "lines[0].qty"},
		{"SaleTotalTooLarge", []pos.SaleLineRequest{line("MILK", 1), line("HUGE", 1)}, nil, pos.CodeValidationFailed, "lines[1].qty"},
		{"PaymentInOtherCurrency", []pos.SaleLineRequest{line("MILK", 1)},
			[]pos.PaymentRequest{cash(10000), {Method: pos.PaymentCash, Amount: pos.M(100, "USD")}},
			pos.CodeValidationFailed, "payments[1].amount.currency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pay := tt.pay
			if pay == nil {
				pay = []pos.PaymentRequest{cash(pos.MaxAmount)}
			}
			s, err := pos.PriceSale(sale(tt.lines, pay...), lookup, saleTime, rub)
			if s != nil {
				t.Fatalf("sale=%+v, want nil", s)
			}
			wantError(t, err, tt.code, tt.field)
		})
	}
	t.Run("StorageErrorPassesThrough", func(t *testing.T) {
		_, err := pos.PriceSale(sale([]pos.SaleLineRequest{line("BROKEN", 1)}, cash(100)), lookup, saleTime, rub)
		if !errors.Is(err, storageErr) {
			t.Fatalf("err=%v, want %v", err, storageErr)
		}
		if got, want := pos.ErrorCode(err), pos.CodeInternal; got != want {
			t.Fatalf("ErrorCode=%q, want %q", got, want)
		}
	})
	// A lookup may hand back one shared *Error; pricing must not write the
	// field of this request into it (a data race and a wrong field later).
	if sentinel.Field != "" || sentinel.Code != pos.CodeNotFound {
		t.Fatalf("shared error was modified: %+v", sentinel)
	}
}

func TestPriceSale_Customer(t *testing.T) {
	req := sale([]pos.SaleLineRequest{line("BREAD", 1)}, cash(4500))
	req.Customer = &pos.CustomerRef{Phone: "8 916 123-45-67"}
	s := mustPriceSale(t, req, saleTime)
	if s.Customer == nil || s.Customer.Phone != "+79161234567" {
		t.Fatalf("Customer=%+v, want phone +79161234567", s.Customer)
	}
}
