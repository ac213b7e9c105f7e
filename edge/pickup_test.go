package edge_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/mock"
)

// tvOrder is a paid click & collect order in a status.
func tvOrder(status string) *pos.Pickup {
	return &pos.Pickup{
		ID: "o-1", OrderNo: "A-1001", Phone: "+79123456789", Name: "Ivan", Status: status, Paid: true,
		Lines: []pos.PickupLine{{SKU: "TV-55", Name: "TV 55\"", Qty: 1, Amount: pos.M(2999000, "RUB")}},
		Total: pos.M(2999000, "RUB"), CreatedAt: now.Add(-time.Hour),
	}
}

// withPickups wires a mock PickupService into a test server; the catalog
// knows TV-55 as a piece.
func withPickups(t *testing.T) (*testServer, *mock.PickupService) {
	s := newServer(t)
	m := &mock.PickupService{}
	s.PickupService = m
	s.Catalog.FindProductBySKUFn = func(_ context.Context, sku string) (*pos.Product, error) {
		if sku != "TV-55" {
			return nil, pos.Errorf(pos.CodeNotFound, "no %s", sku)
		}
		return &pos.Product{SKU: sku, Unit: pos.UnitPiece}, nil
	}
	return s, m
}

func TestListPickups(t *testing.T) {
	s, m := withPickups(t)
	var gotStatus string
	m.FindPickupsFn = func(_ context.Context, status string) (*pos.PickupList, error) {
		gotStatus = status
		counts := pos.NewPickupCounts()
		counts[pos.PickupReceived] = 1
		if status == pos.PickupCollected {
			return &pos.PickupList{Counts: counts}, nil
		}
		return &pos.PickupList{Items: []*pos.Pickup{tvOrder(pos.PickupReceived)}, Counts: counts}, nil
	}
	t.Run("OK", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/pickups?status=received", "")
		wantJSON(t, res, body, http.StatusOK, nil)
		want := `{"items":[{"id":"o-1","order_no":"A-1001","status":"received",` +
			`"customer":{"name":"Ivan","phone":"+79123456789"},` +
			`"items":[{"sku":"TV-55","name":"TV 55\"","qty":1,"unit":"piece","price":{"amount":2999000,"currency":"RUB"},` +
			`"amount":{"amount":2999000,"currency":"RUB"}}],` +
			`"total":{"amount":2999000,"currency":"RUB"},"prepaid":true,"paid_online":{"amount":2999000,"currency":"RUB"},` +
			`"created_at":"2025-03-01T09:00:00Z","phone":"+79123456789","name":"Ivan",` +
			`"lines":[{"sku":"TV-55","name":"TV 55\"","qty":1,"amount":{"amount":2999000,"currency":"RUB"}}],"paid":true}],` +
			`"next_cursor":"","counts":{"cancelled":0,"collected":0,"no_show":0,"picking":0,"ready":0,"received":1}}`
		if got := string(body); got != want {
			t.Fatalf("body=%s\nwant %s", got, want)
		}
		if got, want := gotStatus, pos.PickupReceived; got != want {
			t.Fatalf("status=%q, want %q", got, want)
		}
	})
	t.Run("PendingIsReceived", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/pickups?status=pending", "")
		wantJSON(t, res, body, http.StatusOK, nil)
		if got, want := gotStatus, pos.PickupReceived; got != want {
			t.Fatalf("status=%q, want %q", got, want)
		}
	})
	t.Run("AllEmpty", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/pickups", "")
		wantJSON(t, res, body, http.StatusOK, nil)
		if got, want := gotStatus, ""; got != want {
			t.Fatalf("status=%q, want %q", got, want)
		}
		res, body = s.do(t, "GET", "/api/v1/pickups?status=collected", "")
		wantJSON(t, res, body, http.StatusOK, nil)
		if got := string(body); !strings.HasPrefix(got, `{"items":[],"next_cursor":"","counts":{`) {
			t.Fatalf("body=%s", got)
		}
	})
	t.Run("ErrStatus", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/pickups?status=lost", "")
		wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "status")
	})
	t.Run("ErrUnauthorized", func(t *testing.T) {
		r := newRequest("GET", "/api/v1/pickups", "")
		r.Header.Del("Authorization")
		res, body := s.send(t, r)
		wantProblem(t, res, body, http.StatusUnauthorized, pos.CodeUnauthorized, "")
	})
}

func TestGetPickup(t *testing.T) {
	s, m := withPickups(t)
	m.FindPickupByIDFn = func(_ context.Context, id string) (*pos.Pickup, error) {
		if id != "o-1" {
			return nil, pos.Errorf(pos.CodeNotFound, "No pickup order %q.", id)
		}
		p := tvOrder(pos.PickupReady)
		at := now
		p.ReadyAt, p.Paid = &at, false
		p.Lines = append(p.Lines, pos.PickupLine{SKU: "GONE", Name: "Gone", Qty: 3, Amount: pos.M(1000, "RUB")})
		return p, nil
	}
	res, body := s.do(t, "GET", "/api/v1/pickups/o-1", "")
	var got struct {
		Status     string
		ReadyAt    *time.Time `json:"ready_at"`
		PaidOnline pos.Money  `json:"paid_online"`
		Items      []struct {
			Unit  pos.Unit
			Price pos.Money
		}
	}
	wantJSON(t, res, body, http.StatusOK, &got)
	if got.Status != pos.PickupReady || got.ReadyAt == nil || !got.ReadyAt.Equal(now) || got.PaidOnline != pos.M(0, "RUB") {
		t.Fatalf("got %+v", got)
	}
	if len(got.Items) != 2 || got.Items[1].Unit != pos.UnitPiece || got.Items[1].Price != pos.M(333, "RUB") {
		t.Fatalf("items=%+v", got.Items)
	}
	res, body = s.do(t, "GET", "/api/v1/pickups/o-2", "")
	wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
}

// TestMovePickup checks the moves without a body: the service's answer
// and its error codes pass through, and the session reaches the service.
func TestMovePickup(t *testing.T) {
	s, m := withPickups(t)
	move := func(to string) func(ctx context.Context, id string) (*pos.Pickup, error) {
		return func(ctx context.Context, id string) (*pos.Pickup, error) {
			if sess := pos.SessionFromContext(ctx); sess == nil || sess.TerminalID != "T1" {
				t.Errorf("session=%+v, want till T1's", sess)
			}
			switch id {
			case "o-1":
				return tvOrder(to), nil
			case "o-cancelled":
				return nil, pos.Errorf(pos.CodeConflict, "The order was cancelled.")
			}
			return nil, pos.Errorf(pos.CodeNotFound, "No pickup order %q.", id)
		}
	}
	m.StartPickingFn, m.MarkPickupReadyFn = move(pos.PickupPicking), move(pos.PickupReady)
	for _, tt := range []struct{ action, want string }{
		{"picking", pos.PickupPicking},
		{"ready", pos.PickupReady},
	} {
		t.Run(tt.action, func(t *testing.T) {
			res, body := s.do(t, "POST", "/api/v1/pickups/o-1/"+tt.action, "")
			var got struct{ ID, Status string }
			wantJSON(t, res, body, http.StatusOK, &got)
			if got.ID != "o-1" || got.Status != tt.want {
				t.Fatalf("got %+v, want status %q", got, tt.want)
			}
			res, body = s.do(t, "POST", "/api/v1/pickups/o-cancelled/"+tt.action, "")
			wantProblem(t, res, body, http.StatusConflict, pos.CodeConflict, "")
			res, body = s.do(t, "POST", "/api/v1/pickups/o-9/"+tt.action, "")
			wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
		})
	}
	t.Run("ErrLongID", func(t *testing.T) {
		res, body := s.do(t, "POST", "/api/v1/pickups/"+strings.Repeat("x", 65)+"/ready", "")
		wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "id")
	})
	t.Run("ErrUnauthorized", func(t *testing.T) {
		r := newRequest("POST", "/api/v1/pickups/o-1/picking", "")
		r.Header.Set("Authorization", "Bearer stale")
		res, body := s.send(t, r)
		wantProblem(t, res, body, http.StatusUnauthorized, pos.CodeUnauthorized, "")
	})
}

func TestCollectPickup(t *testing.T) {
	s, m := withPickups(t)
	var gotKey string
	var gotReq *pos.PickupCollectRequest
	m.CollectPickupFn = func(_ context.Context, id, key string, req *pos.PickupCollectRequest) (*pos.Pickup, *pos.Sale, bool, error) {
		gotKey, gotReq = key, req
		switch id {
		case "o-received":
			return nil, nil, false, &pos.Error{Code: pos.CodePickupNotReady, Field: "status", Message: "not ready"}
		case "o-1":
			p := tvOrder(pos.PickupCollected)
			p.SaleID = "s-1"
			sale := &pos.Sale{ID: "s-1", ReceiptNo: 7, PickupID: "o-1", Total: p.Total,
				Payments: []pos.Payment{{Method: pos.PaymentOnline, Amount: p.Total}}}
			return p, sale, key == "k-1", nil
		}
		return nil, nil, false, pos.Errorf(pos.CodeNotFound, "no order")
	}
	collect := func(id, key, body string) (*http.Response, []byte) {
		r := newRequest("POST", "/api/v1/pickups/"+id+"/collect", body)
		if key != "" {
			r.Header.Set("Idempotency-Key", key)
		}
		return s.send(t, r)
	}
	t.Run("Created", func(t *testing.T) {
		res, body := collect("o-1", "k-1", "")
		var got struct {
			ID        string
			ReceiptNo int64 `json:"receipt_no"`
			Payments  []pos.Payment
			Pickup    struct{ Status, SaleID string } `json:"pickup"`
		}
		wantJSON(t, res, body, http.StatusCreated, &got)
		if got.ID != "s-1" || got.ReceiptNo != 7 || got.Payments[0].Method != "online" || got.Pickup.Status != pos.PickupCollected {
			t.Fatalf("got %+v", got)
		}
		if loc := res.Header.Get("Location"); loc != "/api/v1/sales/s-1" {
			t.Fatalf("Location=%q", loc)
		}
		if gotKey != "k-1" || gotReq == nil || len(gotReq.Payments) != 0 {
			t.Fatalf("key=%q req=%+v", gotKey, gotReq)
		}
	})
	t.Run("Replay", func(t *testing.T) {
		res, body := collect("o-1", "k-2", "")
		wantJSON(t, res, body, http.StatusOK, nil)
	})
	t.Run("Payments", func(t *testing.T) {
		res, body := collect("o-1", "k-1", `{"payments":[{"method":"cash","amount":{"amount":3000000,"currency":"RUB"}}]}`)
		wantJSON(t, res, body, http.StatusCreated, nil)
		if len(gotReq.Payments) != 1 || gotReq.Payments[0].Amount.Amount != 3000000 {
			t.Fatalf("req=%+v", gotReq)
		}
	})
	t.Run("ErrNotReady", func(t *testing.T) {
		res, body := collect("o-received", "k-3", "")
		wantProblem(t, res, body, http.StatusConflict, pos.CodePickupNotReady, "status")
	})
	t.Run("ErrNoKey", func(t *testing.T) {
		res, body := collect("o-1", "", "")
		wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "Idempotency-Key")
	})
	t.Run("ErrBody", func(t *testing.T) {
		res, body := collect("o-1", "k-4", `{"payments":"cash"}`)
		wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "payments")
	})
	t.Run("ErrUnknownField", func(t *testing.T) {
		res, body := collect("o-1", "k-4", `{"pay":[]}`)
		wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "pay")
	})
}

func TestClosePickup(t *testing.T) {
	s, m := withPickups(t)
	var got *pos.PickupCloseRequest
	closeFn := func(to string) func(context.Context, string, *pos.PickupCloseRequest) (*pos.Pickup, error) {
		return func(_ context.Context, id string, req *pos.PickupCloseRequest) (*pos.Pickup, error) {
			got = req
			if req.Approval == nil || req.Approval.PIN != "4321" {
				return nil, pos.Errorf(pos.CodeForbidden, "A manager's approval is needed.")
			}
			return tvOrder(to), nil
		}
	}
	m.CancelPickupFn, m.MarkNoShowFn = closeFn(pos.PickupCancelled), closeFn(pos.PickupNoShow)
	for _, tt := range []struct{ action, want string }{
		{"cancel", pos.PickupCancelled},
		{"no-show", pos.PickupNoShow},
	} {
		t.Run(tt.action, func(t *testing.T) {
			res, body := s.do(t, "POST", "/api/v1/pickups/o-1/"+tt.action,
				`{"approval":{"cashier":"Olga","pin":"4321"},"reason":"called"}`)
			var v struct{ Status string }
			wantJSON(t, res, body, http.StatusOK, &v)
			if v.Status != tt.want || got.Reason != "called" || got.Approval.Cashier != "Olga" {
				t.Fatalf("status=%q req=%+v", v.Status, got)
			}
			res, body = s.do(t, "POST", "/api/v1/pickups/o-1/"+tt.action, "")
			wantProblem(t, res, body, http.StatusForbidden, pos.CodeForbidden, "")
			res, body = s.do(t, "POST", "/api/v1/pickups/o-1/"+tt.action, `{"reason":"`+strings.Repeat("x", 201)+`"}`)
			wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "reason")
		})
	}
}

// TestPickups_NotConfigured checks that a server without a PickupService
// answers 503 on every pickup route instead of crashing.
func TestPickups_NotConfigured(t *testing.T) {
	s := newServer(t)
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/v1/pickups"},
		{"GET", "/api/v1/pickups/o-1"},
		{"POST", "/api/v1/pickups/o-1/picking"},
		{"POST", "/api/v1/pickups/o-1/ready"},
		{"POST", "/api/v1/pickups/o-1/collect"},
		{"POST", "/api/v1/pickups/o-1/cancel"},
		{"POST", "/api/v1/pickups/o-1/no-show"},
	} {
		res, body := s.do(t, r.method, r.path, "")
		wantProblem(t, res, body, http.StatusServiceUnavailable, "unavailable", "")
	}
}
