package edge_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/storeedge/storeedge/edge"
	"github.com/storeedge/storeedge/pos"
)

// reservation is what the mock service makes of a request.
func reservation(req *pos.ReservationRequest) *pos.Reservation {
	return &pos.Reservation{
		Code: "Rk3x9QpL2mZ7vB4nT8wY", ShortCode: "K7M2", SKU: req.SKU, Name: "Телевизор 55\"", Qty: req.Qty,
		Phone: req.Phone, Status: pos.ReservationActive, CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour),
	}
}

// recorder keeps the requests a mock service got.
type recorder[T any] struct {
	mu  sync.Mutex
	got []T
}

func (r *recorder[T]) add(v T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, v)
}

func (r *recorder[T]) all() []T {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]T(nil), r.got...)
}

// recordReservations makes the mock reserve and record every request.
func (s *shopServer) recordReservations() *recorder[pos.ReservationRequest] {
	rec := &recorder[pos.ReservationRequest]{}
	s.Reservations.CreateReservationFn = func(_ context.Context, req *pos.ReservationRequest) (*pos.Reservation, error) {
		rec.add(*req)
		return reservation(req), nil
	}
	return rec
}

// pageForm opens a tag page (with r's cookies) and returns its form token.
func (s *shopServer) pageForm(t *testing.T, target string, cookie *http.Cookie) string {
	t.Helper()
	r := shopRequest("GET", target, "")
	if cookie != nil {
		r.AddCookie(cookie)
	}
	res, body := s.send(t, r)
	return formToken(t, wantHTML(t, res, body, http.StatusOK))
}

func TestTagReserve(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		s := newShopServer(t)
		rec := s.recordReservations()
		ft := s.pageForm(t, "/t/"+tvTag, nil)
		res, body := s.shop(t, "POST", "/t/"+tvTag+"/reserve", "ft="+url.QueryEscape(ft)+"&lang=ru&phone="+url.QueryEscape("8 (916) 123-45-67"))
		page := wantHTML(t, res, body, http.StatusOK)
		mustContain(t, page, "Товар забронирован", `<p class="code" id="pickup-code">K7M2</p>`,
			`src="/api/v1/reservations/Rk3x9QpL2mZ7vB4nT8wY/qr.png"`, "Бронь действует до")
		got := rec.all()
		if len(got) != 1 || got[0] != (pos.ReservationRequest{SKU: "TV-55", Qty: 1, Phone: "+79161234567"}) {
			t.Fatalf("CreateReservation got %+v", got)
		}
	})
	t.Run("English", func(t *testing.T) {
		s := newShopServer(t)
		s.recordReservations()
		ft := s.pageForm(t, "/t/"+tvTag+"?lang=en", nil)
		res, body := s.shop(t, "POST", "/t/"+tvTag+"/reserve", "ft="+url.QueryEscape(ft)+"&lang=en&phone=%2B79161234567")
		mustContain(t, wantHTML(t, res, body, http.StatusOK), `<html lang="en">`, "Pickup code", "TV 55 inch")
	})
	t.Run("Identified", func(t *testing.T) {
		s := newShopServer(t)
		rec := s.recordReservations()
		cookie := &http.Cookie{Name: edge.CookieCustomerToken, Value: customerToken()}
		ft := s.pageForm(t, "/t/"+tvTag, cookie)
		r := shopRequest("POST", "/t/"+tvTag+"/reserve", "ft="+url.QueryEscape(ft))
		r.AddCookie(cookie)
		res, body := s.send(t, r)
		wantHTML(t, res, body, http.StatusOK)
		if got := rec.all(); len(got) != 1 || got[0].Phone != "+79161234567" {
			t.Fatalf("CreateReservation got %+v, want the token's phone", got)
		}
	})
	t.Run("ErrBadPhone", func(t *testing.T) {
		s := newShopServer(t)
		rec := s.recordReservations()
		ft := s.pageForm(t, "/t/"+tvTag, nil)
		for _, phone := range []string{"", "12345", "call me"} {
			res, body := s.shop(t, "POST", "/t/"+tvTag+"/reserve", "ft="+url.QueryEscape(ft)+"&phone="+url.QueryEscape(phone))
			page := wantHTML(t, res, body, http.StatusBadRequest)
			mustContain(t, page, `id="form-error"`, "Проверьте номер телефона", `value="`+phone+`"`, `name="ft"`, "1 234,56 ₽")
		}
		if got := rec.all(); len(got) != 0 {
			t.Fatalf("reserved with a bad phone: %+v", got)
		}
	})
	t.Run("ErrFormToken", func(t *testing.T) {
		s := newShopServer(t)
		rec := s.recordReservations()
		ft := s.pageForm(t, "/t/"+milkTag, nil) // another tag's form
		for _, tok := range []string{"", "garbage", "zz.abc", ft} {
			res, body := s.shop(t, "POST", "/t/"+tvTag+"/reserve", "ft="+url.QueryEscape(tok)+"&phone=%2B79161234567")
			mustContain(t, wantHTML(t, res, body, http.StatusForbidden), "Страница устарела", `value="&#43;79161234567"`)
		}
		if got := rec.all(); len(got) != 0 {
			t.Fatalf("reserved without a valid form token: %+v", got)
		}
	})
	t.Run("ErrFormTokenExpired", func(t *testing.T) {
		s := newShopServer(t)
		s.recordReservations()
		ft := s.pageForm(t, "/t/"+tvTag, nil)
		s.Now = func() time.Time { return now.Add(3 * time.Hour) }
		res, body := s.shop(t, "POST", "/t/"+tvTag+"/reserve", "ft="+url.QueryEscape(ft)+"&phone=%2B79161234567")
		wantHTML(t, res, body, http.StatusForbidden)
	})
	t.Run("ErrCrossSite", func(t *testing.T) {
		s := newShopServer(t)
		s.recordReservations()
		ft := s.pageForm(t, "/t/"+tvTag, nil)
		r := shopRequest("POST", "/t/"+tvTag+"/reserve", "ft="+url.QueryEscape(ft)+"&phone=%2B79161234567")
		r.Header.Set("Origin", "http://evil.example")
		res, body := s.send(t, r)
		wantProblem(t, res, body, http.StatusForbidden, pos.CodeForbidden, "")
	})
	for name, tc := range map[string]struct {
		err    error
		status int
		msg    string
	}{
		"ErrNotEnoughStock": {pos.Errorf(pos.CodeInsufficientStock, "none left"), http.StatusConflict, "недостаточно, чтобы его забронировать"},
		"ErrPhoneLimit":     {pos.Errorf(pos.CodeTooManyRequests, "3 active"), http.StatusTooManyRequests, "Слишком много броней на этот номер"},
		"ErrInternal":       {errors.New("disk on fire"), http.StatusInternalServerError, "Что-то пошло не так"},
	} {
		t.Run(name, func(t *testing.T) {
			s := newShopServer(t)
			s.Reservations.CreateReservationFn = func(context.Context, *pos.ReservationRequest) (*pos.Reservation, error) {
				return nil, tc.err
			}
			ft := s.pageForm(t, "/t/"+tvTag, nil)
			res, body := s.shop(t, "POST", "/t/"+tvTag+"/reserve", "ft="+url.QueryEscape(ft)+"&phone=%2B79161234567")
			page := wantHTML(t, res, body, tc.status)
			mustContain(t, page, tc.msg)
			mustNotContain(t, page, "disk on fire")
		})
	}
	t.Run("ErrUnknownTag", func(t *testing.T) {
		s := newShopServer(t)
		res, body := s.shop(t, "POST", "/t/NOSUCH/reserve", "ft=x&phone=%2B79161234567")
		mustContain(t, wantHTML(t, res, body, http.StatusNotFound), "Ценник не найден")
	})
}

func TestTagOrder(t *testing.T) {
	s := newShopServer(t)
	rec := &recorder[pos.OrderRequest]{}
	s.Reservations.CreateOrderFn = func(_ context.Context, req *pos.OrderRequest) (*pos.Order, error) {
		rec.add(*req)
		return &pos.Order{ID: "O1", SKU: req.SKU, Qty: req.Qty, Phone: req.Phone, CreatedAt: now}, nil
	}
	ft := s.pageForm(t, "/t/"+tvTag, nil)
	res, body := s.shop(t, "POST", "/t/"+tvTag+"/order", "ft="+url.QueryEscape(ft)+"&phone=9161234567")
	mustContain(t, wantHTML(t, res, body, http.StatusOK), "Спасибо за заказ", "Телевизор 55&#34;", `href="/t/TVTAG1?lang=ru"`)
	if got := rec.all(); len(got) != 1 || got[0] != (pos.OrderRequest{SKU: "TV-55", Qty: 1, Phone: "+79161234567"}) {
		t.Fatalf("CreateOrder got %+v", got)
	}
	t.Run("ErrBadPhone", func(t *testing.T) {
		res, body := s.shop(t, "POST", "/t/"+tvTag+"/order", "ft="+url.QueryEscape(ft)+"&phone=abc")
		mustContain(t, wantHTML(t, res, body, http.StatusBadRequest), "Проверьте номер телефона")
	})
}
