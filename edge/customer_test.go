package edge_test

import (
	"context"
	"net/http"
	"testing"
	"time"

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
				`"discount_percent":5,"loyalty_points":1250,"points_balance":1250,"offline_points_cap":0}`
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

func TestLookupCustomer_Points(t *testing.T) {
	s := newServer(t)
	s.CustomerService = &mock.CustomerService{}
	s.LoyaltyService = &mock.LoyaltyService{FindAccountFn: func(_ context.Context, phone, card string) (*pos.CustomerAccount, error) {
		c := maria
		c.Tier = "Золото"
		return &pos.CustomerAccount{Customer: c, PointsBalance: 1300, OfflinePointsCap: 300, PointValue: 100, MaxRedeemPct: 50}, nil
	}}
	res, body := s.do(t, "GET", "/api/v1/customers/lookup?card=LC-0042", "")
	wantJSON(t, res, body, http.StatusOK, nil)
	want := `{"id":"cu-7","name":"Maria","phone":"+79161234567","card":"LC-0042","tier":"Золото",` +
		`"discount_percent":5,"loyalty_points":1250,"points_balance":1300,"offline_points_cap":300,` +
		`"point_value":100,"max_redeem_pct":50}`
	if got := string(body); got != want {
		t.Fatalf("body=%s\nwant %s", got, want)
	}
}

func TestRegisterCustomer(t *testing.T) {
	s := newServer(t)
	var got *pos.CustomerRegistration
	s.LoyaltyService = &mock.LoyaltyService{RegisterCustomerFn: func(_ context.Context, req *pos.CustomerRegistration) (*pos.CustomerAccount, error) {
		if req.Phone == "+79160000000" {
			return nil, &pos.Error{Code: pos.CodeConflict, Field: "phone", Message: "taken"}
		}
		got = req
		return &pos.CustomerAccount{Customer: pos.Customer{ID: "c-1", Phone: req.Phone, Name: req.Name}}, nil
	}}
	res, body := s.do(t, "POST", "/api/v1/customers", `{"phone":"8 916 555-01-02","name":"Ольга","consent_messages":true}`)
	wantJSON(t, res, body, http.StatusCreated, nil)
	if got == nil || got.Phone != "+79165550102" || !got.Consent {
		t.Fatalf("registered %+v", got)
	}
	if loc := res.Header.Get("Location"); loc != "/api/v1/customers/lookup?phone=%2B79165550102" {
		t.Fatalf("Location %q", loc)
	}
	for _, tt := range []struct {
		name, body string
		status     int
		code       string
		field      string
	}{
		{"ErrTaken", `{"phone":"+79160000000","name":"A"}`, http.StatusConflict, pos.CodeConflict, "phone"},
		{"ErrPhone", `{"phone":"call me","name":"A"}`, http.StatusBadRequest, pos.CodeValidationFailed, "phone"},
		{"ErrName", `{"phone":"+79165550103","name":""}`, http.StatusBadRequest, pos.CodeValidationFailed, "name"},
		{"ErrLanguage", `{"phone":"+79165550103","name":"A","language":"de"}`, http.StatusBadRequest, pos.CodeValidationFailed, "language"},
		{"ErrUnknownField", `{"phone":"+79165550103","name":"A","points":1000}`, http.StatusBadRequest, pos.CodeValidationFailed, "points"},
		{"ErrJSON", `{"phone":`, http.StatusBadRequest, pos.CodeValidationFailed, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got = nil
			res, body := s.do(t, "POST", "/api/v1/customers", tt.body)
			wantProblem(t, res, body, tt.status, tt.code, tt.field)
			if got != nil {
				t.Fatal("a bad registration reached the service")
			}
		})
	}
}

func TestLookupCustomer_AppToken(t *testing.T) {
	s := newServer(t)
	s.CustomerTokenKey = []byte("chain-key")
	s.CustomerService = &mock.CustomerService{FindCustomerFn: func(_ context.Context, phone, card string) (*pos.Customer, error) {
		if phone == maria.Phone {
			c := maria
			return &c, nil
		}
		return nil, pos.Errorf(pos.CodeNotFound, "no")
	}}
	tok := pos.SignCustomerToken(s.CustomerTokenKey, maria.ID, maria.Phone, s.Now().Add(time.Hour))
	res, body := s.do(t, "GET", "/api/v1/customers/lookup?token="+tok, "")
	wantJSON(t, res, body, http.StatusOK, nil)
	for _, tt := range []struct{ name, query string }{
		{"ErrForged", "token=" + pos.SignCustomerToken([]byte("other"), maria.ID, maria.Phone, s.Now().Add(time.Hour))},
		{"ErrExpired", "token=" + pos.SignCustomerToken(s.CustomerTokenKey, maria.ID, maria.Phone, s.Now().Add(-time.Hour))},
		{"ErrNoPhone", "token=" + pos.SignCustomerToken(s.CustomerTokenKey, maria.ID, "", s.Now().Add(time.Hour))},
		{"ErrGarbage", "token=abc"},
		{"ErrAndPhone", "token=" + tok + "&phone=%2B79161234567"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, body := s.do(t, "GET", "/api/v1/customers/lookup?"+tt.query, "")
			wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "token")
		})
	}
}
