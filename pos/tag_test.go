package pos_test

import (
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
)

func TestNewTagLabel(t *testing.T) {
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	p := &pos.Product{SKU: "A", Name: "Сыр", Unit: pos.UnitGram, Currency: "RUB", Barcodes: []string{"4600000000008"},
		Prices:     []pos.PricePoint{{Amount: 89900}, {Amount: 99900, EffectiveFrom: at.Add(time.Hour)}},
		Promotions: []pos.Promotion{{Kind: pos.PromoPercent, Value: 10, From: at.Add(-time.Hour), To: at.Add(30 * time.Minute)}}}

	l, ok := pos.NewTagLabel(p, "code", "https://shop/t/code", at)
	if !ok || l.Price.Amount != 80910 || l.OldPrice == nil || l.OldPrice.Amount != 89900 || l.PriceUnit != "kg" || l.Barcode != "4600000000008" {
		t.Fatalf("label=%+v", l)
	}
	if got := l.PrintedTag(); got.Price != 89900 || got.PromoPrice != 80910 {
		t.Fatalf("printed=%+v", got)
	}
	later, _ := pos.NewTagLabel(p, "code", "u", at.Add(2*time.Hour))
	if later.Price.Amount != 99900 || later.OldPrice != nil || later.PriceVersion == l.PriceVersion {
		t.Fatalf("later=%+v (version %s vs %s)", later, later.PriceVersion, l.PriceVersion)
	}
	if got := later.PrintedTag(); got.Price != 99900 || got.PromoPrice != 0 {
		t.Fatalf("printed=%+v", got)
	}
	if _, ok := pos.NewTagLabel(&pos.Product{Prices: []pos.PricePoint{{Amount: 1, EffectiveFrom: at.Add(time.Hour)}}}, "", "", at); ok {
		t.Fatal("a product with no price in force got a label")
	}
}
