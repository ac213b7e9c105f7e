package bolt_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	"go.etcd.io/bbolt"
)

// Moments of the tag tests: SOAP's price rises at rise, a 10 % promotion
// runs from promoFrom to promoTo.
var (
	rise      = t0.Add(time.Hour)
	promoFrom = t0.Add(2 * time.Hour)
	promoTo   = t0.Add(3 * time.Hour)
)

// seedTags adds SOAP to the seeded shop: 100.00 until rise, 120.00 from
// then on, 10 % off during [promoFrom, promoTo).
func seedTags(tb testing.TB, db *bolt.DB) context.Context {
	tb.Helper()
	ctx := seed(tb, db)
	soap := pos.ProductImport{Product: pos.Product{SKU: "SOAP", Name: "Мыло", Unit: pos.UnitPiece, VATRate: 22,
		Prices:     []pos.PricePoint{{Amount: 10000, EffectiveFrom: t0.Add(-24 * time.Hour)}, {Amount: 12000, EffectiveFrom: rise}},
		Promotions: []pos.Promotion{{ID: "p10", Kind: pos.PromoPercent, Value: 10, From: promoFrom, To: promoTo}},
	}, StockSet: true, OnHand: 1000}
	if _, err := bolt.NewCatalogService(db).ImportProducts(context.Background(), []pos.ProductImport{soap}); err != nil {
		tb.Fatal(err)
	}
	return ctx
}

// printFromTill records tags showing what the till charges now for each
// SKU, read off a real sale's lines: so "not stale" means "the tag and the
// till agree".
func printFromTill(tb testing.TB, db *bolt.DB, ctx context.Context, skus ...string) {
	tb.Helper()
	var tags []pos.PrintedTag
	for _, sku := range skus {
		sale, _, err := bolt.NewSaleService(db).CreateSale(ctx, fmt.Sprint("tag-", sku, db.Now().UnixNano()),
			cashSale(pos.SaleLineRequest{SKU: sku, Qty: 1}))
		if err != nil {
			tb.Fatal(err)
		}
		l := sale.Lines[0]
		tag := pos.PrintedTag{SKU: sku, Price: l.RegularPrice.Amount}
		if l.PromotionID != "" {
			tag.PromoPrice = l.UnitPrice.Amount
		}
		tags = append(tags, tag)
	}
	if err := bolt.NewTagService(db).MarkPrinted(context.Background(), tags); err != nil {
		tb.Fatal(err)
	}
}

func mustStale(tb testing.TB, s *bolt.TagService, want ...string) {
	tb.Helper()
	got, err := s.StaleTags(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	if want == nil {
		want = []string{}
	}
	if !slices.Equal(got, want) {
		tb.Fatalf("stale=%v, want %v", got, want)
	}
}

// TestTagService_StaleTags moves a fake clock across every boundary of
// SOAP's price list: a tag is stale exactly from the moment the till
// charges another price, and fresh again once printed anew.
func TestTagService_StaleTags(t *testing.T) {
	db := MustOpenDB(t)
	clock := newTestClock(db, t0)
	ctx := seedTags(t, db)
	s := bolt.NewTagService(db)
	mustStale(t, s) // nothing printed yet
	printFromTill(t, db, ctx, "SOAP", "MILK")
	ns := time.Nanosecond
	steps := []struct {
		name string
		at   time.Time
		want []string
	}{
		{"Printed", t0, nil},
		{"NanosecondBeforeRise", rise.Add(-ns), nil},
		{"PriceRose", rise, []string{"SOAP"}},
		{"PromotionBegins", promoFrom, []string{"SOAP"}},
		{"PromotionLastNanosecond", promoTo.Add(-ns), nil},
		{"PromotionEnded", promoTo, []string{"SOAP"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clock.Set(st.at)
			mustStale(t, s, st.want...)
			if len(st.want) > 0 {
				printFromTill(t, db, ctx, st.want...)
				mustStale(t, s)
			}
		})
	}
	t.Run("DownlinkPriceChange", func(t *testing.T) {
		clock.Set(promoTo.Add(time.Hour))
		mustApply(t, bolt.NewDownlinkService(db), msg(t, pos.StreamPrices, 1,
			pos.PriceItem{SKU: "MILK", Prices: []pos.PricePoint{{Amount: 9490, EffectiveFrom: t0}}}), 1)
		mustStale(t, s, "MILK")
		printFromTill(t, db, ctx, "MILK")
		mustStale(t, s)
	})
	t.Run("GoneFromCatalog", func(t *testing.T) {
		mustApply(t, bolt.NewDownlinkService(db), msg(t, pos.StreamPrices, 2,
			pos.PriceItem{SKU: "MILK", Prices: []pos.PricePoint{{Amount: 9990, EffectiveFrom: t0}}}), 1)
		mustApply(t, bolt.NewDownlinkService(db), msg(t, pos.StreamCatalog, 1, pos.CatalogItem{Product: pos.Product{SKU: "MILK"}, Deleted: true}), 1)
		mustStale(t, s) // not sold any more: nothing to print
	})
}

func TestTagService_TagCode(t *testing.T) {
	db := MustOpenDB(t)
	seed(t, db)
	s := bolt.NewTagService(db)
	ctx := context.Background()
	code, err := s.TagCode(ctx, "MILK")
	if err != nil || code == "" {
		t.Fatalf("code=%q err=%v", code, err)
	}

	t.Run("Stable", func(t *testing.T) {
		if again, err := s.TagCode(ctx, "MILK"); err != nil || again != code {
			t.Fatalf("again=%q err=%v, want %q", again, err, code)
		}
		other, err := s.TagCode(ctx, "TV")
		if err != nil || other == code {
			t.Fatalf("TV code=%q err=%v", other, err)
		}
	})
	t.Run("Find", func(t *testing.T) {
		if sku, err := s.FindSKUByTag(ctx, code); err != nil || sku != "MILK" {
			t.Fatalf("sku=%q err=%v", sku, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, sku := range []string{"NOPE", "bad sku", ""} {
			_, err := s.TagCode(ctx, sku)
			wantErr(t, err, pos.CodeNotFound, "")
		}
		garbled := []byte(code)
		garbled[0] ^= 1
		for _, c := range []string{"", string(garbled), code + "x", string(make([]byte, 100))} {
			_, err := s.FindSKUByTag(ctx, c)
			wantErr(t, err, pos.CodeNotFound, "")
		}
	})
	t.Run("InvalidCodeNeverLooksUp", func(t *testing.T) {
		db.ValidTagCode = func(string) bool { return false }
		defer func() { db.ValidTagCode = nil }()
		_, err := s.FindSKUByTag(ctx, code)
		wantErr(t, err, pos.CodeNotFound, "")
	})
	t.Run("KeptAcrossDeletion", func(t *testing.T) {
		d := bolt.NewDownlinkService(db)
		mustApply(t, d, msg(t, pos.StreamCatalog, 1, pos.CatalogItem{Product: pos.Product{SKU: "MILK"}, Deleted: true}), 1)
		_, err := s.FindSKUByTag(ctx, code)
		wantErr(t, err, pos.CodeNotFound, "")
		_, err = s.TagCode(ctx, "MILK")
		wantErr(t, err, pos.CodeNotFound, "")
		mustApply(t, d, msg(t, pos.StreamCatalog, 2, catalogItem("MILK", "Молоко", 8990)), 1)
		if again, err := s.TagCode(ctx, "MILK"); err != nil || again != code {
			t.Fatalf("after re-adding: code=%q err=%v, want %q", again, err, code)
		}
		if sku, err := s.FindSKUByTag(ctx, code); err != nil || sku != "MILK" {
			t.Fatalf("sku=%q err=%v", sku, err)
		}
	})
}

// TestTagService_Generator: the configured generator is used, a collision
// is drawn again, and a generator whose codes do not validate is an error
// rather than a tag that would never scan.
func TestTagService_Generator(t *testing.T) {
	db := MustOpenDB(t)
	seed(t, db)
	s := bolt.NewTagService(db)
	ctx := context.Background()
	codes := []string{"qdup", "qdup", "qnew", "bad"}
	db.NewTagCode = func() string { c := codes[0]; codes = codes[1:]; return c }
	db.ValidTagCode = func(c string) bool { return c[0] == 'q' }
	if c, err := s.TagCode(ctx, "MILK"); err != nil || c != "qdup" {
		t.Fatalf("MILK code=%q err=%v", c, err)
	}
	if c, err := s.TagCode(ctx, "TV"); err != nil || c != "qnew" {
		t.Fatalf("TV code=%q err=%v, want the collision drawn again", c, err)
	}
	if _, err := s.TagCode(ctx, "APPLE"); pos.ErrorCode(err) != pos.CodeInternal {
		t.Fatalf("err=%v, want an internal error", err)
	}
}

func TestTagService_TagCodeConcurrent(t *testing.T) {
	db := MustOpenDB(t)
	seed(t, db)
	s := bolt.NewTagService(db)
	got := make([]string, 20)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := s.TagCode(context.Background(), "MILK")
			if err != nil {
				t.Error(err)
			}
			got[i] = c
		}()
	}
	wg.Wait()
	for _, c := range got {
		if c != got[0] {
			t.Fatalf("codes=%v, want one code", got)
		}
	}
}

func TestTagService_MarkPrinted(t *testing.T) {
	db := MustOpenDB(t)
	newTestClock(db, t0)
	seed(t, db)
	s := bolt.NewTagService(db)
	ctx := context.Background()
	code, err := s.TagCode(ctx, "MILK")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MarkPrinted(ctx, []pos.PrintedTag{{SKU: "MILK", Price: 8990}}); err != nil {
		t.Fatal(err)
	}
	var tag pos.PrintedTag
	err = db.Bolt().View(func(tx *bbolt.Tx) error {
		return json.Unmarshal(tx.Bucket([]byte("printed_tags")).Get([]byte("MILK")), &tag)
	})
	if err != nil || tag.Code != code || !tag.PrintedAt.Equal(t0) || tag.Price != 8990 {
		t.Fatalf("tag=%+v err=%v", tag, err)
	}
	tests := []struct {
		name  string
		tag   pos.PrintedTag
		field string
	}{
		{"ErrSKU", pos.PrintedTag{SKU: "bad sku"}, "tags[1].sku"},
		{"ErrPrice", pos.PrintedTag{SKU: "TV", Price: -1}, "tags[1].price"},
		{"ErrPromoPrice", pos.PrintedTag{SKU: "TV", PromoPrice: pos.MaxAmount + 1}, "tags[1].promo_price"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.MarkPrinted(ctx, []pos.PrintedTag{{SKU: "MILK", Price: 1}, tt.tag})
			wantErr(t, err, pos.CodeValidationFailed, tt.field)
		})
	}
	mustStale(t, s) // the refused batches changed nothing
}
