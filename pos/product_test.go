package pos_test

import (
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
)

func TestProduct_PriceAt(t *testing.T) {
	tests := []struct {
		name string
		at   time.Time
		want int64
		ok   bool
	}{
		{"BeforeFirstPrice", jan1.Add(-time.Nanosecond), 0, false},
		{"AtFirstPrice", jan1, 8990, true},
		{"NanosecondBeforeRise", milkRise.Add(-time.Nanosecond), 8990, true},
		{"AtRise", milkRise, 9490, true},
		{"NanosecondAfterRise", milkRise.Add(time.Nanosecond), 9490, true},
		{"YearsLater", milkRise.AddDate(10, 0, 0), 9490, true},
		{"RiseInAnotherZone", milkRise.In(time.FixedZone("MSK", 3*3600)), 9490, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := milk().PriceAt(tt.at)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("PriceAt(%v)=%d,%v, want %d,%v", tt.at, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// A price list that was never normalized (newest first) still yields the
// price in force, not whichever point happens to come last.
func TestProduct_PriceAt_Unsorted(t *testing.T) {
	p := milk()
	p.Prices[0], p.Prices[1] = p.Prices[1], p.Prices[0]
	for _, tt := range []struct {
		at   time.Time
		want int64
	}{{milkRise.Add(-time.Nanosecond), 8990}, {milkRise, 9490}} {
		if got, ok := p.PriceAt(tt.at); got != tt.want || !ok {
			t.Fatalf("PriceAt(%v)=%d,%v, want %d,true", tt.at, got, ok, tt.want)
		}
	}
}

func TestProduct_PromoAt(t *testing.T) {
	ns := time.Nanosecond
	tests := []struct {
		name   string
		at     time.Time
		promo  string
		amount int64
	}{
		{"BeforeAny", day(1).Add(-ns), "", 12990},
		{"PercentFromInclusive", day(1), "p10", 11691}, // 12990 − 1299
		{"PercentOnly", day(5).Add(-ns), "p10", 11691},
		{"OverlapBestWins", day(5), "f1500", 11490}, // 12990 − 1500 < 11691
		{"OverlapLastInstant", day(8).Add(-ns), "f1500", 11490},
		{"PercentToExclusive", day(8), "f1500", 11490},
		{"FixedOnly", day(10).Add(-ns), "f1500", 11490},
		{"FixedToExclusive", day(10), "", 12990},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			promo, amount := soap().PromoAt(tt.at, 12990)
			id := ""
			if promo != nil {
				id = promo.ID
			}
			if id != tt.promo || amount != tt.amount {
				t.Fatalf("PromoAt(%v)=%q,%d, want %q,%d", tt.at, id, amount, tt.promo, tt.amount)
			}
		})
	}
}

func TestPromotion_Apply(t *testing.T) {
	tests := []struct {
		name    string
		kind    string
		value   int64
		regular int64
		want    int64
	}{
		{"Percent10", pos.PromoPercent, 10, 12990, 11691},
		{"Percent15HalfKopeck", pos.PromoPercent, 15, 18990, 16141}, // 2848.5 off rounds to 2849
		{"Percent50OfOneKopeck", pos.PromoPercent, 50, 1, 0},        // 0.5 off rounds to 1
		{"Percent99", pos.PromoPercent, 99, 100, 1},
		{"PercentOfZero", pos.PromoPercent, 30, 0, 0},
		{"Fixed", pos.PromoFixed, 1500, 12990, 11490},
		{"FixedEqualToPrice", pos.PromoFixed, 500, 500, 0},
		{"FixedAbovePriceNeverNegative", pos.PromoFixed, 800, 500, 0},
		{"PercentOver100NeverNegative", pos.PromoPercent, 150, 100, 0},
		{"NegativePercentNeverAboveRegular", pos.PromoPercent, -10, 100, 100},
		{"NegativeFixedNeverAboveRegular", pos.PromoFixed, -10, 100, 100},
		{"UnknownKind", "bogo", 1, 100, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pos.Promotion{Kind: tt.kind, Value: tt.value}
			if got := p.Apply(tt.regular); got != tt.want {
				t.Fatalf("Apply(%d)=%d, want %d", tt.regular, got, tt.want)
			}
		})
	}
}

func TestPromotion_ActiveAt(t *testing.T) {
	p := pos.Promotion{From: day(1), To: day(8)}
	tests := []struct {
		at   time.Time
		want bool
	}{
		{day(1).Add(-time.Nanosecond), false},
		{day(1), true},
		{day(8).Add(-time.Nanosecond), true},
		{day(8), false},
	}
	for _, tt := range tests {
		if got := p.ActiveAt(tt.at); got != tt.want {
			t.Fatalf("ActiveAt(%v)=%v, want %v", tt.at, got, tt.want)
		}
	}
}

func TestProduct_NextPriceChange(t *testing.T) {
	p := soap()
	p.Prices = append(p.Prices, pos.PricePoint{Amount: 13990, EffectiveFrom: day(20)})
	tests := []struct{ at, want time.Time }{
		{saleTime, day(5)},
		{day(5), day(8)},
		{day(8), day(10)},
		{day(10), day(20)},
		{day(20), time.Time{}},
	}
	for _, tt := range tests {
		if got := p.NextPriceChange(tt.at); !got.Equal(tt.want) {
			t.Fatalf("NextPriceChange(%v)=%v, want %v", tt.at, got, tt.want)
		}
	}
}

func TestUnit(t *testing.T) {
	tests := []struct {
		unit      pos.Unit
		divisor   int64
		priceUnit string
		valid     bool
	}{
		{pos.UnitPiece, 1, "piece", true},
		{pos.UnitGram, 1000, "kg", true},
		{"litre", 1, "piece", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.unit), func(t *testing.T) {
			if got := tt.unit.PriceDivisor(); got != tt.divisor {
				t.Fatalf("PriceDivisor=%d, want %d", got, tt.divisor)
			}
			if got := tt.unit.PriceUnit(); got != tt.priceUnit {
				t.Fatalf("PriceUnit=%q, want %q", got, tt.priceUnit)
			}
			if got := tt.unit.Valid(); got != tt.valid {
				t.Fatalf("Valid=%v, want %v", got, tt.valid)
			}
		})
	}
}

func TestProduct_Normalize(t *testing.T) {
	msk := time.FixedZone("MSK", 3*3600)
	p := &pos.Product{SKU: " MILK ", Name: " Milk ", Prices: []pos.PricePoint{
		{Amount: 9490, EffectiveFrom: milkRise.In(msk)}, {Amount: 8990, EffectiveFrom: jan1},
	}}
	p.Normalize()
	if p.SKU != "MILK" || p.Name != "Milk" || p.Unit != pos.UnitPiece {
		t.Fatalf("Normalize: SKU=%q Name=%q Unit=%q", p.SKU, p.Name, p.Unit)
	}
	if got, want := p.Prices[0].Amount, int64(8990); got != want {
		t.Fatalf("Prices[0].Amount=%d, want %d", got, want)
	}
	if got := p.Prices[1].EffectiveFrom.Location(); got != time.UTC {
		t.Fatalf("Prices[1].EffectiveFrom in %v, want UTC", got)
	}
}

func TestProduct_Validate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(p *pos.Product)
		field string
	}{
		{"OK", func(p *pos.Product) {}, ""},
		{"OKWithBarcodes", func(p *pos.Product) { p.Barcodes = []string{"4006381333931", "96385074"} }, ""},
		{"BadSKU", func(p *pos.Product) { p.SKU = "a b" }, "sku"},
		{"NoName", func(p *pos.Product) { p.Name = "" }, "name"},
		{"LongName", func(p *pos.Product) { p.Name = strings.Repeat("я", 201) }, "name"},
		{"BadUnit", func(p *pos.Product) { p.Unit = "litre" }, "unit"},
		{"NegativeVAT", func(p *pos.Product) { p.VATRate = -1 }, "vat_rate"},
		{"BadCurrency", func(p *pos.Product) { p.Currency = "rub" }, "currency"},
		{"NoPrices", func(p *pos.Product) { p.Prices = nil }, "prices"},
		{"BadBarcode", func(p *pos.Product) { p.Barcodes = []string{"96385074", "96385075"} }, "barcodes[1]"},
		{"NegativePrice", func(p *pos.Product) { p.Prices[1].Amount = -1 }, "prices[1].amount"},
		{"PriceTooLarge", func(p *pos.Product) { p.Prices[0].Amount = pos.MaxAmount + 1 }, "prices[0].amount"},
		{"SameMoment", func(p *pos.Product) { p.Prices[1].EffectiveFrom = jan1 }, "prices[1].effective_from"},
		{"PromoKind", func(p *pos.Product) { p.Promotions[1].Kind = "bogo" }, "promotions[1].kind"},
		{"PromoPercent100", func(p *pos.Product) { p.Promotions[0].Value = 100 }, "promotions[0].value"},
		{"PromoFixedZero", func(p *pos.Product) { p.Promotions[1].Value = 0 }, "promotions[1].value"},
		{"PromoEmptyWindow", func(p *pos.Product) { p.Promotions[0].To = p.Promotions[0].From }, "promotions[0].to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := soap()
			p.Prices = append(p.Prices, pos.PricePoint{Amount: 13990, EffectiveFrom: day(20)})
			tt.edit(p)
			err := p.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			wantError(t, err, pos.CodeValidationFailed, tt.field)
		})
	}
}
