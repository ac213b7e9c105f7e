package edge_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

func TestPriceCheck(t *testing.T) {
	s := newShopServer(t)
	t.Run("OK", func(t *testing.T) {
		res, body := s.shop(t, "GET", "/api/v1/price-check/4006381333931", "")
		wantJSON(t, res, body, http.StatusOK, nil)
		// The exact bytes: the handler writes them by hand.
		want := `{"sku":"MILK-1","name":"Молоко 1 л","name_en":"Milk 1 l",` +
			`"price":{"amount":8990,"currency":"RUB"},"promo_price":{"amount":8091,"currency":"RUB"},` +
			`"promotion":{"kind":"percent","value":10,"from":"2025-03-01T09:00:00Z","to":"2025-03-02T10:00:00Z"},` +
			`"unit":"piece","price_unit":"piece","stock_here":"in_stock","available":true}`
		if got := string(body); got != want {
			t.Fatalf("price check=%s\nwant        %s", got, want)
		}
	})
	t.Run("Weighed", func(t *testing.T) {
		res, body := s.shop(t, "GET", "/api/v1/price-check/2000000000015", "")
		wantJSON(t, res, body, http.StatusOK, nil)
		want := `{"sku":"APPLE","name":"Яблоки","name_en":"","price":{"amount":14990,"currency":"RUB"},` +
			`"promo_price":null,"promotion":null,"unit":"gram","price_unit":"kg","stock_here":"few","available":true}`
		if got := string(body); got != want {
			t.Fatalf("price check=%s\nwant        %s", got, want)
		}
	})
	t.Run("NoStockNoPrice", func(t *testing.T) {
		s := newShopServer(t)
		s.Catalog.FindProductByBarcodeFn = func(context.Context, string) (*pos.Product, error) {
			p := milk()
			p.Prices, p.Promotions, p.Stock = p.Prices[1:], nil, pos.Stock{OnHand: 2, Reserved: 2}
			return p, nil
		}
		res, body := s.shop(t, "GET", "/api/v1/price-check/4006381333931", "")
		var got map[string]any
		wantJSON(t, res, body, http.StatusOK, &got)
		if got["price"] != nil || got["stock_here"] != "none" || got["available"] != false {
			t.Fatalf("price check %s", body)
		}
	})
	t.Run("NoExactStock", func(t *testing.T) {
		s := newShopServer(t)
		s.Catalog.FindProductByBarcodeFn = func(context.Context, string) (*pos.Product, error) { return tv(), nil }
		_, body := s.shop(t, "GET", "/api/v1/price-check/4006381333931", "")
		mustNotContain(t, string(body), stockNumbers...)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		res, body := s.shop(t, "GET", "/api/v1/price-check/4000000000006", "")
		wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
	})
	for _, bc := range []string{"abc", "123456789012345", "12%2034"} {
		t.Run("ErrBarcode/"+bc, func(t *testing.T) {
			res, body := s.shop(t, "GET", "/api/v1/price-check/"+bc, "")
			wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "barcode")
		})
	}
}

func BenchmarkPriceCheck(b *testing.B) {
	s := newShopServer(b)
	p := milk()
	s.Catalog.FindProductByBarcodeFn = func(context.Context, string) (*pos.Product, error) { return p, nil }
	app := s.App()
	b.ReportAllocs()
	for b.Loop() {
		res, err := app.Test(shopRequest("GET", "/api/v1/price-check/4006381333931", ""))
		if err != nil || res.StatusCode != http.StatusOK {
			b.Fatal(err, res.StatusCode)
		}
		res.Body.Close()
	}
}
