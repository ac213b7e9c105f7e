package bolt_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// msg builds a downlink message with items marshalled to JSON.
func msg(tb testing.TB, stream string, version uint64, items ...any) *pos.Downlink {
	tb.Helper()
	d := &pos.Downlink{Stream: stream, Version: version, Items: []json.RawMessage{}}
	for _, it := range items {
		b, err := json.Marshal(it)
		if err != nil {
			tb.Fatal(err)
		}
		d.Items = append(d.Items, b)
	}
	return d
}

// mustApply applies d and checks the number of items applied.
func mustApply(tb testing.TB, s *bolt.DownlinkService, d *pos.Downlink, want int) {
	tb.Helper()
	got, err := s.ApplyDownlink(context.Background(), d)
	if err != nil {
		tb.Fatalf("apply %s v%d: %v", d.Stream, d.Version, err)
	}
	if got != want {
		tb.Fatalf("apply %s v%d: applied=%d, want %d", d.Stream, d.Version, got, want)
	}
}

// product returns a catalog product; it is not found when p is nil.
func product(tb testing.TB, db *bolt.DB, sku string) *pos.Product {
	tb.Helper()
	p, err := bolt.NewCatalogService(db).FindProductBySKU(context.Background(), sku)
	if pos.ErrorCode(err) == pos.CodeNotFound {
		return nil
	} else if err != nil {
		tb.Fatal(err)
	}
	return p
}

func catalogItem(sku, name string, price int64, barcodes ...string) pos.CatalogItem {
	return pos.CatalogItem{Product: pos.Product{SKU: sku, Name: name, Barcodes: barcodes, Unit: pos.UnitPiece,
		VATRate: 22, Currency: "RUB", Prices: []pos.PricePoint{{Amount: price}}}}
}

func TestDownlinkService_Catalog(t *testing.T) {
	db := MustOpenDB(t)
	seed(t, db) // MILK (100 in stock, barcode 4600000000008), TV, APPLE
	s := bolt.NewDownlinkService(db)
	cat := bolt.NewCatalogService(db)
	ctx := context.Background()

	t.Run("Upsert", func(t *testing.T) {
		item := catalogItem("BREAD", "Хлеб бородинский", 5500, "4601234567893")
		item.Stock = pos.Stock{OnHand: 999} // never taken from central
		mustApply(t, s, msg(t, pos.StreamCatalog, 2, item, catalogItem("MILK", "Молоко 2,5%", 7990, "4600000000008")), 2)
		p, err := cat.FindProductByBarcode(ctx, "4601234567893")
		if err != nil || p.SKU != "BREAD" || p.Stock.OnHand != 0 {
			t.Fatalf("p=%+v err=%v", p, err)
		}
		if m := product(t, db, "MILK"); m.Name != "Молоко 2,5%" || m.Stock.OnHand != 100 {
			t.Fatalf("MILK=%q on hand %d: the shop's stock must stay", m.Name, m.Stock.OnHand)
		}
		items, _, _ := cat.FindProducts(ctx, pos.ProductFilter{Query: "бородин"})
		if len(items) != 1 || items[0].SKU != "BREAD" {
			t.Fatalf("search found %d", len(items))
		}
	})
	t.Run("Replay", func(t *testing.T) {
		mustApply(t, s, msg(t, pos.StreamCatalog, 2, catalogItem("MILK", "Молоко 2,5%", 7990, "4600000000008")), 0)
	})
	t.Run("OlderIgnored", func(t *testing.T) {
		mustApply(t, s, msg(t, pos.StreamCatalog, 1, catalogItem("MILK", "Old milk", 1)), 0)
		if m := product(t, db, "MILK"); m.Name != "Молоко 2,5%" {
			t.Fatalf("an older version overwrote MILK: %q", m.Name)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		mustApply(t, s, msg(t, pos.StreamCatalog, 3, pos.CatalogItem{Product: pos.Product{SKU: "MILK"}, Deleted: true}), 1)
		if product(t, db, "MILK") != nil {
			t.Fatal("MILK still in the catalog")
		}
		if _, err := cat.FindProductByBarcode(ctx, "4600000000008"); pos.ErrorCode(err) != pos.CodeNotFound {
			t.Fatalf("barcode err=%v", err)
		}
		if items, _, _ := cat.FindProducts(ctx, pos.ProductFilter{Query: "молоко"}); len(items) != 0 {
			t.Fatalf("search still finds %d", len(items))
		}
		mustApply(t, s, msg(t, pos.StreamCatalog, 2, catalogItem("MILK", "Молоко 2,5%", 7990)), 0)
		mustApply(t, s, msg(t, pos.StreamCatalog, 4, catalogItem("MILK", "Молоко", 7990, "4600000000008")), 1)
		if m := product(t, db, "MILK"); m.Stock.OnHand != 100 {
			t.Fatalf("a product back in the catalog lost its stock: %d", m.Stock.OnHand)
		}
	})
	t.Run("ErrBarcodeOfAnother", func(t *testing.T) {
		_, err := s.ApplyDownlink(ctx, msg(t, pos.StreamCatalog, 5,
			catalogItem("JAM", "Джем", 100), catalogItem("TV2", "TV", 100, "4006381333931")))
		if pos.ErrorCode(err) != pos.CodeValidationFailed || pos.ErrorField(err) != "items[1].barcodes[0]" {
			t.Fatalf("err=%v", err)
		}
		if product(t, db, "JAM") != nil {
			t.Fatal("a refused message changed the catalog")
		}
		// The same version, fixed, still applies: nothing of it was recorded.
		mustApply(t, s, msg(t, pos.StreamCatalog, 5, catalogItem("JAM", "Джем", 100)), 1)
	})
	t.Run("BarcodeMoves", func(t *testing.T) {
		// The new owner comes first in the message, the old one gives it up after.
		mustApply(t, s, msg(t, pos.StreamCatalog, 6,
			catalogItem("TV2", "TV 2", 100, "4006381333931"), catalogItem("TV", "TV", 100)), 2)
		if p, err := cat.FindProductByBarcode(ctx, "4006381333931"); err != nil || p.SKU != "TV2" {
			t.Fatalf("p=%v err=%v", p, err)
		}
	})
	t.Run("LastOfDuplicatesWins", func(t *testing.T) {
		mustApply(t, s, msg(t, pos.StreamCatalog, 7, catalogItem("JAM", "first", 1), catalogItem("JAM", "second", 2)), 1)
		if p := product(t, db, "JAM"); p.Name != "second" {
			t.Fatalf("name=%q", p.Name)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		usd := catalogItem("GUM", "Gum", 100)
		usd.Currency = "USD"
		for _, d := range []*pos.Downlink{
			msg(t, pos.StreamCatalog, 8, usd),
			msg(t, pos.StreamCatalog, 8, map[string]any{"sku": "GUM", "name": "Gum", "unknown": 1}),
			msg(t, pos.StreamCatalog, 8, catalogItem("GUM", "", 100)),
			msg(t, "weather", 8),
			msg(t, pos.StreamCatalog, 0, catalogItem("GUM", "Gum", 100)),
			nil,
		} {
			if _, err := s.ApplyDownlink(ctx, d); pos.ErrorCode(err) != pos.CodeValidationFailed {
				t.Fatalf("err=%v, want validation_failed", err)
			}
		}
		if product(t, db, "GUM") != nil {
			t.Fatal("a refused message changed the catalog")
		}
	})
	if st := mustStatus(t, bolt.NewOutboxService(db)); st.DownlinkVersions[pos.StreamCatalog] != 7 {
		t.Fatalf("versions=%v", st.DownlinkVersions)
	}
}

func priceItem(sku string, prices ...pos.PricePoint) pos.PriceItem {
	return pos.PriceItem{SKU: sku, Prices: prices}
}

func TestDownlinkService_Prices(t *testing.T) {
	db := MustOpenDB(t)
	seed(t, db)
	s := bolt.NewDownlinkService(db)
	promo := pos.Promotion{ID: "p1", Kind: pos.PromoPercent, Value: 10, From: t0, To: t0.Add(24 * time.Hour)}

	t.Run("OK", func(t *testing.T) {
		it := priceItem("MILK", pos.PricePoint{Amount: 9990, EffectiveFrom: t0}, pos.PricePoint{Amount: 8990})
		it.Promotions = []pos.Promotion{promo}
		mustApply(t, s, msg(t, pos.StreamPrices, 3, it), 1)
		p := product(t, db, "MILK")
		if len(p.Prices) != 2 || p.Prices[1].Amount != 9990 || len(p.Promotions) != 1 || p.Stock.OnHand != 100 {
			t.Fatalf("prices=%+v promos=%+v stock=%d", p.Prices, p.Promotions, p.Stock.OnHand)
		}
	})
	t.Run("ReplayAndOlder", func(t *testing.T) {
		mustApply(t, s, msg(t, pos.StreamPrices, 3, priceItem("MILK", pos.PricePoint{Amount: 1})), 0)
		mustApply(t, s, msg(t, pos.StreamPrices, 2, priceItem("MILK", pos.PricePoint{Amount: 1})), 0)
		if p := product(t, db, "MILK"); len(p.Prices) != 2 {
			t.Fatalf("prices=%+v", p.Prices)
		}
	})
	t.Run("CatalogKeepsStreamPrices", func(t *testing.T) {
		mustApply(t, s, msg(t, pos.StreamCatalog, 50, catalogItem("MILK", "Молоко", 1)), 1)
		if p := product(t, db, "MILK"); len(p.Prices) != 2 || len(p.Promotions) != 1 || p.Name != "Молоко" {
			t.Fatalf("the catalog overwrote the prices stream: %+v", p.Prices)
		}
	})
	t.Run("UnknownSKUWaits", func(t *testing.T) {
		mustApply(t, s, msg(t, pos.StreamPrices, 4, priceItem("LATER", pos.PricePoint{Amount: 4200})), 1)
		if product(t, db, "LATER") != nil {
			t.Fatal("a price item created a product")
		}
		mustApply(t, s, msg(t, pos.StreamCatalog, 51, catalogItem("LATER", "Later", 1)), 1)
		if p := product(t, db, "LATER"); len(p.Prices) != 1 || p.Prices[0].Amount != 4200 {
			t.Fatalf("prices=%+v, want the waiting 4200", p.Prices)
		}
	})
	t.Run("DeletedProductKeepsStreamPrices", func(t *testing.T) {
		mustApply(t, s, msg(t, pos.StreamCatalog, 52, pos.CatalogItem{Product: pos.Product{SKU: "LATER"}, Deleted: true}), 1)
		mustApply(t, s, msg(t, pos.StreamCatalog, 53, catalogItem("LATER", "Later", 1)), 1)
		if p := product(t, db, "LATER"); p.Prices[0].Amount != 4200 {
			t.Fatalf("prices=%+v, want 4200", p.Prices)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := s.ApplyDownlink(context.Background(), msg(t, pos.StreamPrices, 9,
			priceItem("MILK", pos.PricePoint{Amount: 1}), priceItem("TV", pos.PricePoint{Amount: -5})))
		if pos.ErrorCode(err) != pos.CodeValidationFailed || pos.ErrorField(err) != "items[1].prices[0].amount" {
			t.Fatalf("err=%v", err)
		}
	})
}

// TestDownlinkService_FuturePrice is the acceptance test: a price
// change sent ahead of its effective time is charged from then on, and not
// a moment before.
func TestDownlinkService_FuturePrice(t *testing.T) {
	db := MustOpenDB(t)
	now := t0
	db.Now = func() time.Time { return now }
	ctx := seed(t, db) // MILK at 89.90 since forever
	from := t0.Add(2 * time.Hour)
	mustApply(t, bolt.NewDownlinkService(db), msg(t, pos.StreamPrices, 1,
		priceItem("MILK", pos.PricePoint{Amount: 8990}, pos.PricePoint{Amount: 9490, EffectiveFrom: from})), 1)
	sales := bolt.NewSaleService(db)
	for i, tt := range []struct {
		at   time.Time
		want int64
	}{
		{t0, 8990},
		{from.Add(-time.Nanosecond), 8990},
		{from, 9490},
		{from.Add(time.Hour), 9490},
	} {
		now = tt.at
		sale, _, err := sales.CreateSale(ctx, fmt.Sprint("fp", i), cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 2}))
		if err != nil {
			t.Fatal(err)
		}
		if got := sale.Lines[0].UnitPrice.Amount; got != tt.want || sale.Total.Amount != 2*tt.want {
			t.Fatalf("at %v: unit price %d total %d, want %d", tt.at, got, sale.Total.Amount, tt.want)
		}
	}
}
