package edge_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/mock"
)

// TestStaffOrder checks the endless aisle: with a staff token POST
// /api/v1/orders is the till's order for a customer, without one it stays
// the shopper's.
func TestStaffOrder(t *testing.T) {
	s := newShopServer(t)
	orders := &mock.OrderService{}
	s.OrderService = orders
	var got *pos.StaffOrderRequest
	var gotSess *pos.Session
	orders.CreateStaffOrderFn = func(ctx context.Context, req *pos.StaffOrderRequest) (*pos.StaffOrder, error) {
		got, gotSess = req, pos.SessionFromContext(ctx)
		if req.Customer.Card == "404" {
			return nil, &pos.Error{Code: pos.CodeNotFound, Field: "customer.card", Message: "no such card"}
		}
		return &pos.StaffOrder{Order: pos.Order{ID: "O9", SKU: req.SKU, Qty: req.Qty, Phone: req.Customer.Phone, CreatedAt: now},
			Channel: pos.OrderChannelTill, TerminalID: "T1", CashierID: "C1"}, nil
	}
	s.Reservations.CreateOrderFn = func(_ context.Context, req *pos.OrderRequest) (*pos.Order, error) {
		return &pos.Order{ID: "SHOPPER", SKU: req.SKU, Qty: req.Qty, Phone: req.Phone, CreatedAt: now}, nil
	}
	t.Run("Staff", func(t *testing.T) {
		res, body := s.do(t, "POST", "/api/v1/orders", `{"sku":"TV-55","qty":2,"customer":{"phone":"8 916 123-45-67"},"name":"Иван"}`)
		var v map[string]any
		wantJSON(t, res, body, http.StatusCreated, &v)
		if v["id"] != "O9" || v["channel"] != "till" {
			t.Fatalf("order %s", body)
		}
		if got.Customer.Phone != "+79161234567" || got.Name != "Иван" || gotSess == nil || gotSess.TerminalID != "T1" {
			t.Fatalf("req=%+v session=%+v", got, gotSess)
		}
	})
	t.Run("Shopper", func(t *testing.T) {
		res, body := s.shop(t, "POST", "/api/v1/orders", `{"sku":"TV-55","qty":1,"phone":"+79161234567"}`)
		var v map[string]any
		wantJSON(t, res, body, http.StatusCreated, &v)
		if v["id"] != "SHOPPER" {
			t.Fatalf("order %s", body)
		}
	})
	for _, tt := range []struct {
		name, body string
		status     int
		code       string
		field      string
	}{
		{"ErrNoCustomer", `{"sku":"TV-55","qty":1}`, http.StatusBadRequest, pos.CodeValidationFailed, "customer"},
		{"ErrBoth", `{"sku":"TV-55","qty":1,"customer":{"phone":"+79161234567","card":"1"}}`, http.StatusBadRequest, pos.CodeValidationFailed, "customer"},
		{"ErrPhone", `{"sku":"TV-55","qty":1,"customer":{"phone":"call me"}}`, http.StatusBadRequest, pos.CodeValidationFailed, "customer.phone"},
		{"ErrQty", `{"sku":"TV-55","qty":0,"customer":{"card":"1"}}`, http.StatusBadRequest, pos.CodeValidationFailed, "qty"},
		{"ErrUnknownCard", `{"sku":"TV-55","qty":1,"customer":{"card":"404"}}`, http.StatusNotFound, pos.CodeNotFound, "customer.card"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, body := s.do(t, "POST", "/api/v1/orders", tt.body)
			wantProblem(t, res, body, tt.status, tt.code, tt.field)
		})
	}
	t.Run("ErrStaleToken", func(t *testing.T) {
		r := newRequest("POST", "/api/v1/orders", `{"sku":"TV-55","qty":1,"customer":{"card":"1"}}`)
		r.Header.Set("Authorization", "Bearer stale")
		res, body := s.send(t, r)
		wantProblem(t, res, body, http.StatusUnauthorized, pos.CodeUnauthorized, "")
	})
	t.Run("ErrNotConfigured", func(t *testing.T) {
		s.OrderService = nil
		res, body := s.do(t, "POST", "/api/v1/orders", `{"sku":"TV-55","qty":1,"customer":{"card":"1"}}`)
		wantProblem(t, res, body, http.StatusServiceUnavailable, "unavailable", "")
	})
}

// TestStaffOrder_TillOnly checks that without the shopper role a request
// without a token is refused as unauthorized, not passed to nothing.
func TestStaffOrder_TillOnly(t *testing.T) {
	s := newServer(t)
	r := newRequest("POST", "/api/v1/orders", `{"sku":"TV-55","qty":1,"phone":"+79161234567"}`)
	r.Header.Del("Authorization")
	res, body := s.send(t, r)
	wantProblem(t, res, body, http.StatusUnauthorized, pos.CodeUnauthorized, "")
}
