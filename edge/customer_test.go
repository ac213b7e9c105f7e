package edge_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/mock"
)

// maria is the loyalty customer the lookup tests find.
var maria = pos.Customer{ID: "cu-7", Phone: "+79161234567", Card: "LC-0042", Name: "Maria",
	DiscountPercent: 5, LoyaltyPoints: 1250}

func TestLookupCustomer(t *testing.T) {
	s := newServer(t)
	var gotPhone, gotCard string
	s.CustomerService = &mock.CustomerService{FindCustomerFn: func(_ context.Context, phone, card string) (*pos.Customer, error) {
		gotPhone, gotCard = phone, card
		switch {
		case phone == maria.Phone || card == maria.Card:
			c := maria
			return &c, nil
		case card == "LC-GONE":
			c := maria
			c.Deleted = true
			return &c, nil
		}
		return nil, pos.Errorf(pos.CodeNotFound, "No customer with that phone or card.")
	}}
	for _, tt := range []struct{ name, query, phone, card string }{
		{"Phone", "phone=%2B79161234567", "+79161234567", ""},
		{"PhoneAsTyped", "phone=8+(916)+123-45-67", "+79161234567", ""},
		{"Card", "card=LC-0042", "", "LC-0042"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, body := s.do(t, "GET", "/api/v1/customers/lookup?"+tt.query, "")
			wantJSON(t, res, body, http.StatusOK, nil)
			want := `{"id":"cu-7","name":"Maria","phone":"+79161234567","card":"LC-0042",` +
				`"discount_percent":5,"loyalty_points":1250}`
			if got := string(body); got != want {
				t.Fatalf("body=%s\nwant %s", got, want)
			}
			if gotPhone != tt.phone || gotCard != tt.card {
				t.Fatalf("looked up phone=%q card=%q, want %q %q", gotPhone, gotCard, tt.phone, tt.card)
			}
		})
	}
	for _, tt := range []struct{ name, query string }{
		{"ErrNotFound", "phone=%2B79160000000"},
		{"ErrDeleted", "card=LC-GONE"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, body := s.do(t, "GET", "/api/v1/customers/lookup?"+tt.query, "")
			wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
		})
	}
	for _, tt := range []struct{ name, query, field string }{
		{"ErrNeither", "", "phone"},
		{"ErrBlank", "phone=+&card=", "phone"},
		{"ErrBoth", "phone=%2B79161234567&card=LC-0042", "phone"},
		{"ErrBadPhone", "phone=call-me", "phone"},
		{"ErrBadCard", "card=LC%2000%0A42", "card"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, body := s.do(t, "GET", "/api/v1/customers/lookup?"+tt.query, "")
			wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, tt.field)
		})
	}
	t.Run("ErrUnauthorized", func(t *testing.T) {
		r := newRequest("GET", "/api/v1/customers/lookup?card=LC-0042", "")
		r.Header.Del("Authorization")
		res, body := s.send(t, r)
		wantProblem(t, res, body, http.StatusUnauthorized, pos.CodeUnauthorized, "")
	})
}

func TestLookupCustomer_NotConfigured(t *testing.T) {
	s := newServer(t)
	res, body := s.do(t, "GET", "/api/v1/customers/lookup?card=LC-0042", "")
	wantProblem(t, res, body, http.StatusServiceUnavailable, "unavailable", "")
}
