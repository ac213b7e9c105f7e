package edge_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
)

const reservationCode = "Rk3x9QpL2mZ7vB4nT8wY"

func TestCreateReservation(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		s := newShopServer(t)
		rec := s.recordReservations()
		res, body := s.shop(t, "POST", "/api/v1/reservations", `{"sku":"TV-55","qty":2,"phone":"8 916 123 45 67"}`)
		var got map[string]any
		wantJSON(t, res, body, http.StatusCreated, &got)
		want := `{"code":"Rk3x9QpL2mZ7vB4nT8wY","created_at":"2025-03-01T10:00:00Z","expires_at":"2025-03-02T10:00:00Z",` +
			`"name":"Телевизор 55\"","pickup_qr_url":"/api/v1/reservations/Rk3x9QpL2mZ7vB4nT8wY/qr.png",` +
			`"qty":2,"short_code":"K7M2","sku":"TV-55","status":"active"}`
		if g := mustMarshal(t, got); g != want {
			t.Fatalf("reservation=%s\nwant        %s", g, want)
		}
		if got, want := res.Header.Get("Location"), "/api/v1/reservations/"+reservationCode; got != want {
			t.Fatalf("Location=%q, want %q", got, want)
		}
		if got := rec.all(); len(got) != 1 || got[0] != (pos.ReservationRequest{SKU: "TV-55", Qty: 2, Phone: "+79161234567"}) {
			t.Fatalf("CreateReservation got %+v", got)
		}
	})
	t.Run("IdentifiedNoPhone", func(t *testing.T) {
		s := newShopServer(t)
		rec := s.recordReservations()
		r := shopRequest("POST", "/api/v1/reservations", `{"sku":"TV-55","qty":1}`)
		r.Header.Set("Authorization", "Customer "+customerToken())
		res, body := s.send(t, r)
		wantJSON(t, res, body, http.StatusCreated, nil)
		if got := rec.all(); len(got) != 1 || got[0].Phone != "+79161234567" {
			t.Fatalf("CreateReservation got %+v, want the token's phone", got)
		}
	})
	tests := []struct {
		name, body, field string
	}{
		{"ErrNoPhone", `{"sku":"TV-55","qty":1}`, "phone"},
		{"ErrBadPhone", `{"sku":"TV-55","qty":1,"phone":"12345"}`, "phone"},
		{"ErrPhoneType", `{"sku":"TV-55","qty":1,"phone":79161234567}`, "phone"},
		{"ErrNoSKU", `{"qty":1,"phone":"+79161234567"}`, "sku"},
		{"ErrQty", `{"sku":"TV-55","qty":0,"phone":"+79161234567"}`, "qty"},
		{"ErrUnknownField", `{"sku":"TV-55","qty":1,"phone":"+79161234567","price":1}`, "price"},
		{"ErrMalformed", `{"sku":`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newShopServer(t)
			rec := s.recordReservations()
			res, body := s.shop(t, "POST", "/api/v1/reservations", tc.body)
			wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, tc.field)
			if len(rec.all()) != 0 {
				t.Fatal("the service was called")
			}
		})
	}
	t.Run("ErrForgedTokenNoPhone", func(t *testing.T) {
		s := newShopServer(t)
		s.recordReservations()
		r := shopRequest("POST", "/api/v1/reservations", `{"sku":"TV-55","qty":1}`)
		r.Header.Set("Authorization", "Customer forged.token")
		res, body := s.send(t, r)
		wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "phone")
	})
	t.Run("ErrInsufficientStock", func(t *testing.T) {
		s := newShopServer(t)
		s.Reservations.CreateReservationFn = func(context.Context, *pos.ReservationRequest) (*pos.Reservation, error) {
			return nil, pos.Errorf(pos.CodeInsufficientStock, "only 0 available")
		}
		res, body := s.shop(t, "POST", "/api/v1/reservations", `{"sku":"TV-55","qty":1,"phone":"+79161234567"}`)
		wantProblem(t, res, body, http.StatusConflict, pos.CodeInsufficientStock, "")
	})
	t.Run("ErrMediaType", func(t *testing.T) {
		s := newShopServer(t)
		r := shopRequest("POST", "/api/v1/reservations", `{"sku":"TV-55","qty":1,"phone":"+79161234567"}`)
		r.Header.Set("Content-Type", "text/plain")
		res, body := s.send(t, r)
		wantProblem(t, res, body, http.StatusUnsupportedMediaType, "unsupported_media_type", "")
	})
}

// withReservation makes the mock know one reservation by its code.
func (s *shopServer) withReservation() {
	r := reservation(&pos.ReservationRequest{SKU: "TV-55", Qty: 1, Phone: "+79161234567"})
	find := func(_ context.Context, code string) (*pos.Reservation, error) {
		if code != r.Code {
			return nil, pos.Errorf(pos.CodeNotFound, "no such reservation")
		}
		cp := *r
		return &cp, nil
	}
	s.Reservations.FindReservationFn = find
	s.Reservations.CancelReservationFn = func(ctx context.Context, code string) (*pos.Reservation, error) {
		r, err := find(ctx, code)
		if err == nil {
			r.Status, r.ClosedAt = pos.ReservationCancelled, now
		}
		return r, err
	}
}

func TestGetReservation(t *testing.T) {
	s := newShopServer(t)
	s.withReservation()
	t.Run("Shopper", func(t *testing.T) {
		res, body := s.shop(t, "GET", "/api/v1/reservations/"+reservationCode, "")
		var got map[string]any
		wantJSON(t, res, body, http.StatusOK, &got)
		if got["code"] != reservationCode || got["status"] != "active" || got["phone"] != nil {
			t.Fatalf("reservation %s, want it without the phone", body)
		}
	})
	t.Run("Staff", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/reservations/"+reservationCode, "")
		var got map[string]any
		wantJSON(t, res, body, http.StatusOK, &got)
		if got["phone"] != "+79161234567" {
			t.Fatalf("staff see %s, want the phone", body)
		}
	})
	t.Run("ExpiredNotSwept", func(t *testing.T) {
		s := newShopServer(t)
		s.withReservation()
		s.Now = func() time.Time { return now.Add(25 * time.Hour) }
		res, body := s.shop(t, "GET", "/api/v1/reservations/"+reservationCode, "")
		var got map[string]any
		wantJSON(t, res, body, http.StatusOK, &got)
		if got["status"] != "expired" {
			t.Fatalf("status=%v, want expired", got["status"])
		}
	})
	t.Run("ErrBadBearer", func(t *testing.T) {
		r := shopRequest("GET", "/api/v1/reservations/"+reservationCode, "")
		r.Header.Set("Authorization", "Bearer stolen")
		res, body := s.send(t, r)
		wantProblem(t, res, body, http.StatusUnauthorized, pos.CodeUnauthorized, "")
	})
	for _, code := range []string{"WRONGCODE", "bad%20code", strings.Repeat("a", 129)} {
		t.Run("ErrNotFound/"+code[:min(len(code), 12)], func(t *testing.T) {
			res, body := s.shop(t, "GET", "/api/v1/reservations/"+code, "")
			wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
		})
	}
}

func TestCancelReservation(t *testing.T) {
	s := newShopServer(t)
	s.withReservation()
	for name, send := range map[string]func() (*http.Response, []byte){
		"Shopper": func() (*http.Response, []byte) {
			return s.shop(t, "DELETE", "/api/v1/reservations/"+reservationCode, "")
		},
		"Staff": func() (*http.Response, []byte) { return s.do(t, "DELETE", "/api/v1/reservations/"+reservationCode, "") },
	} {
		t.Run(name, func(t *testing.T) {
			res, body := send()
			var got map[string]any
			wantJSON(t, res, body, http.StatusOK, &got)
			if got["status"] != "cancelled" || got["closed_at"] != "2025-03-01T10:00:00Z" {
				t.Fatalf("cancelled %s", body)
			}
		})
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		res, body := s.shop(t, "DELETE", "/api/v1/reservations/WRONG", "")
		wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
	})
	t.Run("ErrConflict", func(t *testing.T) {
		s := newShopServer(t)
		s.Reservations.CancelReservationFn = func(context.Context, string) (*pos.Reservation, error) {
			return nil, pos.Errorf(pos.CodeConflict, "the reservation is no longer active")
		}
		res, body := s.shop(t, "DELETE", "/api/v1/reservations/"+reservationCode, "")
		wantProblem(t, res, body, http.StatusConflict, pos.CodeConflict, "")
	})
}

func TestReservationQR(t *testing.T) {
	s := newShopServer(t)
	s.withReservation()
	res, body := s.shop(t, "GET", "/api/v1/reservations/"+reservationCode+"/qr.png", "")
	if got, want := res.StatusCode, http.StatusOK; got != want {
		t.Fatalf("status=%d, want %d: %s", got, want, body)
	}
	if got, want := res.Header.Get("Content-Type"), "image/png"; got != want {
		t.Fatalf("Content-Type=%q, want %q", got, want)
	}
	if got, want := string(body), "\x89PNG qr "+reservationCode; got != want {
		t.Fatalf("QR holds %q, want %q", got, want)
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		res, body := s.shop(t, "GET", "/api/v1/reservations/WRONG/qr.png", "")
		wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
	})
}

func TestCreateOrder(t *testing.T) {
	s := newShopServer(t)
	rec := &recorder[pos.OrderRequest]{}
	s.Reservations.CreateOrderFn = func(_ context.Context, req *pos.OrderRequest) (*pos.Order, error) {
		rec.add(*req)
		return &pos.Order{ID: "O1", SKU: req.SKU, Name: "Телевизор", Qty: req.Qty, Phone: req.Phone, CreatedAt: now}, nil
	}
	res, body := s.shop(t, "POST", "/api/v1/orders", `{"sku":"TV-55","qty":1,"phone":"+79161234567"}`)
	var got map[string]any
	wantJSON(t, res, body, http.StatusCreated, &got)
	if got["id"] != "O1" || got["sku"] != "TV-55" {
		t.Fatalf("order %s", body)
	}
	if got := rec.all(); len(got) != 1 || got[0].Phone != "+79161234567" {
		t.Fatalf("CreateOrder got %+v", got)
	}
	t.Run("ErrNoPhone", func(t *testing.T) {
		res, body := s.shop(t, "POST", "/api/v1/orders", `{"sku":"TV-55","qty":1}`)
		wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "phone")
	})
}

func TestGetReservation_ShortCode(t *testing.T) {
	s := newShopServer(t)
	s.withReservation()
	var asked []string
	s.Reservations.FindActiveReservationByShortCodeFn = func(_ context.Context, short string) (*pos.Reservation, error) {
		asked = append(asked, short)
		if short != "123456" {
			return nil, pos.Errorf(pos.CodeNotFound, "no such reservation")
		}
		return s.Reservations.FindReservationFn(context.Background(), reservationCode)
	}
	t.Run("Staff", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/reservations/123456", "")
		var got struct {
			Code, Status string
			Items        []struct {
				SKU, Name, Unit string
				Qty             int64
			}
		}
		wantJSON(t, res, body, http.StatusOK, &got)
		if got.Code != reservationCode || got.Status != "active" || len(got.Items) != 1 ||
			got.Items[0].SKU != "TV-55" || got.Items[0].Qty != 1 || got.Items[0].Unit != "piece" {
			t.Fatalf("staff see %s", body)
		}
	})
	t.Run("StaffFullCodeHasItems", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/reservations/"+reservationCode, "")
		wantJSON(t, res, body, http.StatusOK, nil)
		if !strings.Contains(string(body), `"items":[{"sku":"TV-55"`) {
			t.Fatalf("staff see %s, want items", body)
		}
	})
	t.Run("ErrStaffUnknown", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/reservations/654321", "")
		wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
	})
	t.Run("ErrShopperShortCode", func(t *testing.T) {
		n := len(asked)
		res, body := s.shop(t, "GET", "/api/v1/reservations/123456", "")
		wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
		if len(asked) != n {
			t.Fatal("a shopper's short code was looked up")
		}
	})
	t.Run("ShopperNoItems", func(t *testing.T) {
		res, body := s.shop(t, "GET", "/api/v1/reservations/"+reservationCode, "")
		wantJSON(t, res, body, http.StatusOK, nil)
		if strings.Contains(string(body), `"items"`) {
			t.Fatalf("a shopper sees %s", body)
		}
	})
}
