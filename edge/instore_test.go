package edge_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/edge"
	"github.com/storeedge/storeedge/pos"
)

func TestInstoreTag(t *testing.T) {
	s := newShopServer(t)
	const actions = `"actions":{"order":"/api/v1/orders","reserve":"/api/v1/reservations"}`
	const nearby = `"nearby":[{"availability":"in_stock","store":"S2","store_name":"ТЦ Север"},` +
		`{"availability":"few","store":"S3","store_name":"S3"},{"availability":"none","store":"S4","store_name":"Юг"}]`
	t.Run("OK", func(t *testing.T) {
		res, body := s.shop(t, "GET", "/api/v1/instore/tags/"+milkTag, "")
		var got map[string]any
		wantJSON(t, res, body, http.StatusOK, &got)
		want := `{` + actions + `,"code":"MILKTAG","identified":false,` + nearby + `,"personal_price":null,` +
			`"product":{"description":"","images":[],"name":"Молоко 1 л","name_en":"Milk 1 l",` +
			`"price":{"amount":8990,"currency":"RUB"},"price_unit":"piece",` +
			`"promo_price":{"amount":8091,"currency":"RUB"},` +
			`"promotion":{"from":"2025-03-01T09:00:00Z","kind":"percent","to":"2025-03-02T10:00:00Z","value":10},` +
			`"rating":0,"review_count":0,"reviews":[],"sku":"MILK-1","specs":[],"unit":"piece"},` +
			`"stock_here":"in_stock"}`
		if g := mustMarshal(t, got); g != want {
			t.Fatalf("instore=%s\nwant    %s", g, want)
		}
		if got, want := res.Header.Get("Cache-Control"), "no-store"; got != want {
			t.Fatalf("Cache-Control=%q, want %q", got, want)
		}
	})
	t.Run("Full", func(t *testing.T) {
		res, body := s.shop(t, "GET", "/api/v1/instore/tags/"+tvTag, "")
		var got struct {
			Product struct {
				Images      []string
				Specs       []pos.Spec
				Reviews     []pos.Review
				Rating      int64
				ReviewCount int64 `json:"review_count"`
			}
		}
		wantJSON(t, res, body, http.StatusOK, &got)
		p := got.Product
		if len(p.Images) != 3 || len(p.Specs) != 2 || len(p.Reviews) != 4 || p.Rating != 43 || p.ReviewCount != 12 {
			t.Fatalf("product %s", body)
		}
		mustNotContain(t, string(body), stockNumbers...)
		mustNotContain(t, string(body), `"stock"`, "on_hand", `"phone"`)
	})
	t.Run("PersonalPrice", func(t *testing.T) {
		for name, set := range map[string]func(r *http.Request){
			"Authorization": func(r *http.Request) { r.Header.Set("Authorization", "Customer "+customerToken()) },
			"Cookie": func(r *http.Request) {
				r.AddCookie(&http.Cookie{Name: edge.CookieCustomerToken, Value: customerToken()})
			},
			"Query": func(*http.Request) {},
		} {
			t.Run(name, func(t *testing.T) {
				target := "/api/v1/instore/tags/" + tvTag
				if name == "Query" {
					target += "?ct=" + url.QueryEscape(customerToken())
				}
				r := shopRequest("GET", target, "")
				set(r)
				res, body := s.send(t, r)
				var got struct {
					Identified    bool       `json:"identified"`
					PersonalPrice *pos.Money `json:"personal_price"`
				}
				wantJSON(t, res, body, http.StatusOK, &got)
				if !got.Identified || got.PersonalPrice == nil || *got.PersonalPrice != pos.M(117283, "RUB") {
					t.Fatalf("identified=%v personal_price=%v, want 117283 RUB", got.Identified, got.PersonalPrice)
				}
			})
		}
	})
	t.Run("ExpiredToken", func(t *testing.T) {
		r := shopRequest("GET", "/api/v1/instore/tags/"+tvTag, "")
		r.Header.Set("Authorization", "Customer "+pos.SignCustomerToken(customerKey, "C1", "+79161234567", now.Add(-time.Minute)))
		res, body := s.send(t, r)
		wantJSON(t, res, body, http.StatusOK, nil)
		if !strings.Contains(string(body), `"personal_price":null`) || !strings.Contains(string(body), `"identified":false`) {
			t.Fatalf("an expired token identified the shopper: %s", body)
		}
	})
	t.Run("NoDiscount", func(t *testing.T) {
		s := newShopServer(t)
		s.Customers.FindCustomerFn = func(_ context.Context, phone, _ string) (*pos.Customer, error) {
			return &pos.Customer{ID: "C1", Phone: phone}, nil
		}
		r := shopRequest("GET", "/api/v1/instore/tags/"+tvTag, "")
		r.Header.Set("Authorization", "Customer "+customerToken())
		res, body := s.send(t, r)
		wantJSON(t, res, body, http.StatusOK, nil)
		if !strings.Contains(string(body), `"personal_price":null`) || !strings.Contains(string(body), `"identified":true`) {
			t.Fatalf("no discount: %s", body)
		}
	})
}
