package edge_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
)

// milk is a product on promotion now, with a price rise coming.
func milk() *pos.Product {
	return &pos.Product{
		SKU: "MILK-1", Name: "Молоко 1 л", NameEn: "Milk 1 l", Barcodes: []string{"4006381333931"},
		Category: "dairy", Unit: pos.UnitPiece, VATRate: 10, Currency: "RUB",
		Prices: []pos.PricePoint{
			{Amount: 8990, EffectiveFrom: now.Add(-48 * time.Hour)},
			{Amount: 9990, EffectiveFrom: now.Add(72 * time.Hour)},
		},
		Promotions: []pos.Promotion{{ID: "P1", Kind: pos.PromoPercent, Value: 10, From: now.Add(-time.Hour), To: now.Add(24 * time.Hour)}},
		Stock:      pos.Stock{OnHand: 12, Reserved: 2, Available: 10},
	}
}

func TestGetProduct(t *testing.T) {
	s := newServer(t)
	s.Catalog.FindProductBySKUFn = func(_ context.Context, sku string) (*pos.Product, error) {
		if sku != "MILK-1" {
			return nil, pos.Errorf(pos.CodeNotFound, "no product %s", sku)
		}
		return milk(), nil
	}
	t.Run("OK", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/products/MILK-1", "")
		var got map[string]any
		wantJSON(t, res, body, http.StatusOK, &got)
		want := `{"barcodes":["4006381333931"],"category":"dairy","description":"","images":[],` +
			`"name":"Молоко 1 л","name_en":"Milk 1 l","next_price_change":"2025-03-02T10:00:00Z",` +
			`"price":{"amount":8990,"currency":"RUB"},"price_unit":"piece",` +
			`"promo_price":{"amount":8091,"currency":"RUB"},` +
			`"promotion":{"from":"2025-03-01T09:00:00Z","kind":"percent","to":"2025-03-02T10:00:00Z","value":10},` +
			`"sku":"MILK-1","specs":[],"stock":{"available":10,"on_hand":12,"reserved":2},` +
			`"stock_elsewhere":[],"unit":"piece","vat_rate":10}`
		if g := mustMarshal(t, got); g != want {
			t.Fatalf("product=%s\nwant    %s", g, want)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/products/NOPE", "")
		wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
	})
	t.Run("ErrInvalidSKU", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/products/bad%20sku", "")
		wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "sku")
	})
	t.Run("ErrUnauthorized", func(t *testing.T) {
		r := newRequest("GET", "/api/v1/products/MILK-1", "")
		r.Header.Del("Authorization")
		res, body := s.send(t, r)
		wantProblem(t, res, body, http.StatusUnauthorized, pos.CodeUnauthorized, "")
	})
}

func TestGetProduct_NoPriceYet(t *testing.T) {
	s := newServer(t)
	s.Catalog.FindProductBySKUFn = func(context.Context, string) (*pos.Product, error) {
		p := milk()
		p.Prices, p.Promotions = p.Prices[1:], nil
		return p, nil
	}
	res, body := s.do(t, "GET", "/api/v1/products/MILK-1", "")
	var got map[string]any
	wantJSON(t, res, body, http.StatusOK, &got)
	if got["price"] != nil || got["promo_price"] != nil || got["promotion"] != nil {
		t.Fatalf("price=%v promo_price=%v promotion=%v, want null", got["price"], got["promo_price"], got["promotion"])
	}
}

func TestGetBarcode(t *testing.T) {
	s := newServer(t)
	s.Catalog.FindProductByBarcodeFn = func(_ context.Context, ean string) (*pos.Product, error) {
		if ean != "4006381333931" {
			return nil, pos.Errorf(pos.CodeNotFound, "no product with barcode %s", ean)
		}
		return milk(), nil
	}
	t.Run("OK", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/barcodes/4006381333931", "")
		var got struct{ SKU string }
		wantJSON(t, res, body, http.StatusOK, &got)
		if got.SKU != "MILK-1" {
			t.Fatalf("sku=%q", got.SKU)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/barcodes/4006381333932", "")
		wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
	})
	for _, ean := range []string{"40063813339a1", "123456789012345", "%2012"} {
		t.Run("ErrInvalid"+ean, func(t *testing.T) {
			res, body := s.do(t, "GET", "/api/v1/barcodes/"+ean, "")
			wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "ean")
		})
	}
}

func TestListProducts(t *testing.T) {
	s := newServer(t)
	var gotFilter pos.ProductFilter
	s.Catalog.FindProductsFn = func(_ context.Context, f pos.ProductFilter) ([]*pos.Product, string, error) {
		gotFilter = f
		if f.Cursor == "end" {
			return nil, "", nil
		}
		return []*pos.Product{milk()}, "c2", nil
	}
	t.Run("OK", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/products?q=%D0%BC%D0%BE%D0%BB&limit=10&cursor=c1", "")
		var got struct {
			Items      []struct{ SKU string }
			NextCursor string `json:"next_cursor"`
		}
		wantJSON(t, res, body, http.StatusOK, &got)
		if len(got.Items) != 1 || got.Items[0].SKU != "MILK-1" || got.NextCursor != "c2" {
			t.Fatalf("list=%s", body)
		}
		if want := (pos.ProductFilter{Query: "мол", Limit: 10, Cursor: "c1"}); gotFilter != want {
			t.Fatalf("filter=%+v, want %+v", gotFilter, want)
		}
	})
	t.Run("DefaultLimitEmptyPage", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/products?cursor=end", "")
		wantJSON(t, res, body, http.StatusOK, nil)
		if got, want := string(body), `{"items":[],"next_cursor":""}`; got != want {
			t.Fatalf("body=%s, want %s", got, want)
		}
		if got, want := gotFilter.Limit, 50; got != want {
			t.Fatalf("limit=%d, want %d", got, want)
		}
	})
	for _, limit := range []string{"0", "501", "x", "-1", "1.5"} {
		t.Run("ErrLimit"+limit, func(t *testing.T) {
			res, body := s.do(t, "GET", "/api/v1/products?limit="+limit, "")
			wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "limit")
		})
	}
}

func mustMarshal(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
