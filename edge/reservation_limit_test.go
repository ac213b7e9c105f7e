package edge_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

// TestCreateReservation_Phone: a typed phone must be a real number of the
// shop's country; it reaches the service in E.164.
func TestCreateReservation_Phone(t *testing.T) {
	for _, tc := range []struct {
		name, region, phone, want string
	}{
		{"National", "", "8 (916) 123-45-67", "+79161234567"},
		{"Ten digits", "", "916 123 45 67", "+79161234567"},
		{"International", "RU", "+7 916 123-45-67", "+79161234567"},
		{"Ukraine", "UA", "050 123 4567", "+380501234567"},
		{"ErrMadeUp", "", "12345678", ""},
		{"ErrAllZeros", "", "+7 000 000-00-00", ""},
		{"ErrForeign", "", "+1 415 555 0100", ""},
		{"ErrRussianInUkraine", "UA", "+79161234567", ""},
		{"ErrLong", "", "+7916123456789012345678901234567890", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newShopServer(t)
			s.PhoneRegion = tc.region
			rec := s.recordReservations()
			res, body := s.shop(t, "POST", "/api/v1/reservations", `{"sku":"TV-55","qty":1,"phone":"`+tc.phone+`"}`)
			if tc.want == "" {
				wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "phone")
				if len(rec.all()) != 0 {
					t.Fatal("the service was called")
				}
				return
			}
			wantJSON(t, res, body, http.StatusCreated, nil)
			if got := rec.all(); len(got) != 1 || got[0].Phone != tc.want {
				t.Fatalf("CreateReservation got %+v, want phone %s", got, tc.want)
			}
		})
	}
}

// TestCreateReservation_Anonymous: only a valid customer token makes a
// shopper identified; the storage applies the anonymous limits to the
// others.
func TestCreateReservation_Anonymous(t *testing.T) {
	s := newShopServer(t)
	rec := s.recordReservations()
	s.shop(t, "POST", "/api/v1/reservations", `{"sku":"TV-55","qty":1,"phone":"+79161234567"}`)
	r := shopRequest("POST", "/api/v1/reservations", `{"sku":"TV-55","qty":1,"phone":"+79161234567"}`)
	r.Header.Set("Authorization", "Customer forged.token")
	s.send(t, r)
	r = shopRequest("POST", "/api/v1/reservations", `{"sku":"TV-55","qty":1,"phone":"+79161234567"}`)
	r.Header.Set("Authorization", "Customer "+customerToken())
	s.send(t, r)
	// The body cannot claim to be a customer: the field is not JSON.
	res, body := s.shop(t, "POST", "/api/v1/reservations", `{"sku":"TV-55","qty":1,"phone":"+79161234567","CustomerID":"C1"}`)
	wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "CustomerID")
	got := rec.all()
	if len(got) != 3 || got[0].CustomerID != "" || got[1].CustomerID != "" || got[2].CustomerID != "C1" {
		t.Fatalf("CreateReservation got %+v, want anonymous, anonymous, C1", got)
	}
}

// TestReservationRate: thirty shoppers behind one NAT address (one client
// IP, the default shopper limit) each reserve with their own phone, while
// one phone posting in a loop is stopped after DefaultReservationRate.
func TestReservationRate(t *testing.T) {
	s := newShopServer(t)
	s.ShopperRate = 0 // the default, as in a shop
	rec := s.recordReservations()
	for i := range 30 {
		res, body := s.shop(t, "POST", "/api/v1/reservations", fmt.Sprintf(`{"sku":"TV-55","qty":1,"phone":"+791612345%02d"}`, i))
		wantJSON(t, res, body, http.StatusCreated, nil)
	}
	flood := 0
	for range 40 {
		res, body := s.shop(t, "POST", "/api/v1/reservations", `{"sku":"MILK-1","qty":1,"phone":"8 926 000-00-01"}`)
		if res.StatusCode == http.StatusCreated {
			flood++
			continue
		}
		wantProblem(t, res, body, http.StatusTooManyRequests, pos.CodeTooManyRequests, "phone")
		if n, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || n < 1 || n > 60 {
			t.Fatalf("Retry-After=%q, want 1..60 seconds", res.Header.Get("Retry-After"))
		}
	}
	if got, want := flood, 5; got != want {
		t.Fatalf("the flooding phone placed %d reservations, want %d", got, want)
	}
	if got, want := len(rec.all()), 30+5; got != want {
		t.Fatalf("service calls=%d, want %d", got, want)
	}
	t.Run("OthersStillServed", func(t *testing.T) {
		res, body := s.shop(t, "POST", "/api/v1/reservations", `{"sku":"TV-55","qty":1,"phone":"+79161234599"}`)
		wantJSON(t, res, body, http.StatusCreated, nil)
	})
	t.Run("FormsShareTheBucket", func(t *testing.T) {
		ft := s.pageForm(t, "/t/"+tvTag, nil)
		res, body := s.shop(t, "POST", "/t/"+tvTag+"/reserve", "ft="+url.QueryEscape(ft)+"&phone="+url.QueryEscape("+79260000001"))
		mustContain(t, wantHTML(t, res, body, http.StatusTooManyRequests), "Слишком много броней на этот номер")
		res, body = s.shop(t, "POST", "/api/v1/orders", `{"sku":"TV-55","qty":1,"phone":"+79260000001"}`)
		wantProblem(t, res, body, http.StatusTooManyRequests, pos.CodeTooManyRequests, "phone")
	})
}
