package bolt_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

func TestCatalogService(t *testing.T) {
	db := MustOpenDB(t)
	seed(t, db)
	c := bolt.NewCatalogService(db)
	ctx := context.Background()

	for _, tt := range []struct {
		q    string
		want []string
	}{
		{"молоко", []string{"MILK"}},
		{"МОЛ", []string{"MILK"}},
		{"apples", []string{"APPLE"}},
		{"tv", []string{"TV"}},
		{"4006381333931", []string{"TV"}},
		{"", []string{"APPLE", "MILK", "TV"}},
		{"zzz", nil},
	} {
		t.Run("Search/"+tt.q, func(t *testing.T) {
			items, _, err := c.FindProducts(ctx, pos.ProductFilter{Query: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range items {
				got = append(got, p.SKU)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("Barcode", func(t *testing.T) {
		p, err := c.FindProductByBarcode(ctx, "4006381333931")
		if err != nil || p.SKU != "TV" || p.Stock.OnHand != 1 {
			t.Fatalf("p=%+v err=%v", p, err)
		}
		if _, err := c.FindProductByBarcode(ctx, "96385074"); pos.ErrorCode(err) != pos.CodeNotFound {
			t.Fatalf("err=%v", err)
		}
	})
	t.Run("ErrBarcodeTaken", func(t *testing.T) {
		_, err := c.ImportProducts(ctx, []pos.ProductImport{{Product: pos.Product{SKU: "X", Name: "x",
			Barcodes: []string{"4006381333931"}, Prices: []pos.PricePoint{{Amount: 1}}}}})
		if pos.ErrorCode(err) != pos.CodeConflict || pos.ErrorField(err) != "products[0].barcodes[0]" {
			t.Fatalf("err=%v", err)
		}
	})
	t.Run("Update keeps stock", func(t *testing.T) {
		res, err := c.ImportProducts(ctx, []pos.ProductImport{{Product: pos.Product{SKU: "TV", Name: "ТВ",
			Prices: []pos.PricePoint{{Amount: 5}}}}})
		if err != nil || res.Updated != 1 {
			t.Fatalf("res=%+v err=%v", res, err)
		}
		p, _ := c.FindProductBySKU(ctx, "TV")
		if p.Stock.OnHand != 1 || len(p.Barcodes) != 0 {
			t.Fatalf("p=%+v", p)
		}
		if _, err := c.FindProductByBarcode(ctx, "4006381333931"); pos.ErrorCode(err) != pos.CodeNotFound {
			t.Fatal("old barcode still indexed")
		}
	})
	t.Run("Paging", func(t *testing.T) {
		items, next, err := c.FindProducts(ctx, pos.ProductFilter{Limit: 2})
		if err != nil || len(items) != 2 || next == "" {
			t.Fatalf("items=%d next=%q err=%v", len(items), next, err)
		}
		items, next, err = c.FindProducts(ctx, pos.ProductFilter{Limit: 2, Cursor: next})
		if err != nil || len(items) != 1 || next != "" || items[0].SKU != "TV" {
			t.Fatalf("items=%d next=%q err=%v", len(items), next, err)
		}
		if _, _, err := c.FindProducts(ctx, pos.ProductFilter{Cursor: "!!"}); pos.ErrorField(err) != "cursor" {
			t.Fatalf("err=%v", err)
		}
	})
}

// BenchmarkFindProducts measures a substring search over 50,000 products.
func BenchmarkFindProducts(b *testing.B) {
	db := MustOpenDB(b)
	c := bolt.NewCatalogService(db)
	items := make([]pos.ProductImport, 50000)
	for i := range items {
		items[i] = pos.ProductImport{Product: pos.Product{SKU: fmt.Sprintf("SKU%06d", i),
			Name: fmt.Sprintf("Товар номер %d", i), Prices: []pos.PricePoint{{Amount: 100}}}}
	}
	if _, err := c.ImportProducts(context.Background(), items); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := c.FindProducts(context.Background(), pos.ProductFilter{Query: "номер 4999", Limit: 20}); err != nil {
			b.Fatal(err)
		}
	}
}
