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

// withPickups wires a mock PickupService into a test server.
func withPickups(t *testing.T) (*testServer, *mock.PickupService) {
	s := newServer(t)
	m := &mock.PickupService{}
	s.PickupService = m
	return s, m
}

func TestListPickups(t *testing.T) {
	s, m := withPickups(t)
	var gotStatus string
	m.FindPickupsFn = func(_ context.Context, status string) ([]*pos.Pickup, error) {
		gotStatus = status
		if status == pos.PickupCollected {
			return nil, nil
		}
		return []*pos.Pickup{tvOrder(pos.PickupPending)}, nil
	}
	t.Run("OK", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/pickups?status=pending", "")
		wantJSON(t, res, body, http.StatusOK, nil)
		want := `{"items":[{"id":"o-1","order_no":"A-1001","phone":"+79123456789","name":"Ivan",` +
			`"lines":[{"sku":"TV-55","name":"TV 55\"","qty":1,"amount":{"amount":2999000,"currency":"RUB"}}],` +
			`"total":{"amount":2999000,"currency":"RUB"},"paid":true,"status":"pending",` +
			`"created_at":"2025-03-01T09:00:00Z"}],"next_cursor":""}`
		if got := string(body); got != want {
			t.Fatalf("body=%s\nwant %s", got, want)
		}
		if got, want := gotStatus, pos.PickupPending; got != want {
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
		if got, want := string(body), `{"items":[],"next_cursor":""}`; got != want {
			t.Fatalf("body=%s, want %s", got, want)
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
		return tvOrder(pos.PickupReady), nil
	}
	res, body := s.do(t, "GET", "/api/v1/pickups/o-1", "")
	var got struct{ Status string }
	wantJSON(t, res, body, http.StatusOK, &got)
	if got.Status != pos.PickupReady {
		t.Fatalf("status=%q", got.Status)
	}
	res, body = s.do(t, "GET", "/api/v1/pickups/o-2", "")
	wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
}

// TestMovePickup checks both status changes: the service's answer and
// its error codes pass through, and the session reaches the service.
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
	m.MarkPickupReadyFn, m.CollectPickupFn = move(pos.PickupReady), move(pos.PickupCollected)
	for _, tt := range []struct{ action, want string }{
		{"ready", pos.PickupReady},
		{"collect", pos.PickupCollected},
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
		r := newRequest("POST", "/api/v1/pickups/o-1/collect", "")
		r.Header.Set("Authorization", "Bearer stale")
		res, body := s.send(t, r)
		wantProblem(t, res, body, http.StatusUnauthorized, pos.CodeUnauthorized, "")
	})
}

// TestPickups_NotConfigured checks that a server without a PickupService
// answers 503 on every pickup route instead of crashing.
func TestPickups_NotConfigured(t *testing.T) {
	s := newServer(t)
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/v1/pickups"},
		{"GET", "/api/v1/pickups/o-1"},
		{"POST", "/api/v1/pickups/o-1/ready"},
		{"POST", "/api/v1/pickups/o-1/collect"},
	} {
		res, body := s.do(t, r.method, r.path, "")
		wantProblem(t, res, body, http.StatusServiceUnavailable, "unavailable", "")
	}
}
