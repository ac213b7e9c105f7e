package edge_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/storeedge/storeedge/edge"
	"github.com/storeedge/storeedge/pos"
)

func TestErrorStatusCode(t *testing.T) {
	for _, tc := range []struct {
		code   string
		status int
	}{
		{pos.CodeValidationFailed, 400},
		{pos.CodeUnauthorized, 401},
		{pos.CodeForbidden, 403},
		{pos.CodeNotFound, 404},
		{"method_not_allowed", 405},
		{pos.CodeConflict, 409},
		{pos.CodeIdempotencyKey, 409},
		{pos.CodeInsufficientStock, 409},
		{pos.CodeShiftOpen, 409},
		{pos.CodeShiftNotOpen, 409},
		{pos.CodeShiftClosed, 409},
		{"payload_too_large", 413},
		{"header_too_large", 431},
		{"unsupported_media_type", 415},
		{pos.CodeUnknownSKU, 422},
		{pos.CodeOverReturn, 422},
		{pos.CodeTooManyRequests, 429},
		{pos.CodeInternal, 500},
		{"unavailable", 503},
		{pos.CodeStorageFull, 507},
		{"some_new_code", 400},
	} {
		t.Run(tc.code, func(t *testing.T) {
			if got := edge.ErrorStatusCode(tc.code); got != tc.status {
				t.Fatalf("ErrorStatusCode(%q)=%d, want %d", tc.code, got, tc.status)
			}
		})
	}
}

// TestProblem checks the exact problem+json body of a service error.
func TestProblem(t *testing.T) {
	s := newServer(t)
	s.Sales.FindSaleByIDFn = func(context.Context, string) (*pos.Sale, error) {
		return nil, &pos.Error{Code: pos.CodeNotFound, Message: "sale S9 not found", Field: "id"}
	}
	res, body := s.do(t, "GET", "/api/v1/sales/S9", "")
	wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "id")
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"type": "https://storeedge.dev/problems/not_found", "title": "Not found", "status": float64(404),
		"detail": "sale S9 not found", "code": "not_found", "field": "id", "instance": "/api/v1/sales/S9",
	}
	if g, w := fmt.Sprint(got), fmt.Sprint(want); g != w {
		t.Fatalf("problem=%s\nwant    %s", g, w)
	}
}

// TestProblem_Codes sends every service error code through a handler.
func TestProblem_Codes(t *testing.T) {
	for _, code := range []string{
		pos.CodeValidationFailed, pos.CodeForbidden, pos.CodeNotFound, pos.CodeConflict,
		pos.CodeIdempotencyKey, pos.CodeInsufficientStock, pos.CodeShiftOpen, pos.CodeShiftNotOpen,
		pos.CodeShiftClosed, pos.CodeUnknownSKU, pos.CodeOverReturn, pos.CodeTooManyRequests,
		pos.CodeStorageFull, pos.CodeUnauthorized,
	} {
		t.Run(code, func(t *testing.T) {
			s := newServer(t)
			s.Sync.SyncStatusFn = func(context.Context) (*pos.SyncStatus, error) {
				return nil, fmt.Errorf("wrapped: %w", pos.Errorf(code, "refused"))
			}
			res, body := s.do(t, "GET", "/api/v1/sync/status", "")
			p := wantProblem(t, res, body, edge.ErrorStatusCode(code), code, "")
			if got, want := p.Detail, "refused"; got != want {
				t.Fatalf("detail=%q, want %q", got, want)
			}
		})
	}
}

func TestProblem_Internal(t *testing.T) {
	s := newServer(t)
	s.Sync.SyncStatusFn = func(context.Context) (*pos.SyncStatus, error) {
		return nil, errors.New("open /var/lib/storeedge/secret.db: input/output error")
	}
	res, body := s.do(t, "GET", "/api/v1/sync/status", "")
	p := wantProblem(t, res, body, http.StatusInternalServerError, pos.CodeInternal, "")
	if strings.Contains(string(body), "secret") {
		t.Fatalf("internal error text leaks: %s", body)
	}
	logs := s.logs.String()
	if !strings.Contains(logs, p.ErrorID) || !strings.Contains(logs, "secret.db") {
		t.Fatalf("log lacks error_id %s or the cause:\n%s", p.ErrorID, logs)
	}
}

func TestProblem_Panic(t *testing.T) {
	s := newServer(t)
	s.Sync.SyncStatusFn = func(context.Context) (*pos.SyncStatus, error) {
		panic(pos.Errorf(pos.CodeNotFound, "a panic is never a 404"))
	}
	res, body := s.do(t, "GET", "/api/v1/sync/status", "")
	p := wantProblem(t, res, body, http.StatusInternalServerError, pos.CodeInternal, "")
	logs := s.logs.String()
	if !strings.Contains(logs, p.ErrorID) || !strings.Contains(logs, "goroutine") {
		t.Fatalf("log lacks error_id %s or the stack:\n%s", p.ErrorID, logs)
	}
	// The server still answers afterwards.
	res, _ = s.do(t, "GET", "/healthz", "")
	if got, want := res.StatusCode, http.StatusOK; got != want {
		t.Fatalf("status=%d, want %d", got, want)
	}
}

func TestProblem_Deadline(t *testing.T) {
	s := newServer(t)
	s.RequestTimeout = 20 * 1e6 // 20ms
	s.Sync.SyncStatusFn = func(ctx context.Context) (*pos.SyncStatus, error) {
		<-ctx.Done()
		return nil, fmt.Errorf("read outbox: %w", ctx.Err())
	}
	res, body := s.do(t, "GET", "/api/v1/sync/status", "")
	wantProblem(t, res, body, http.StatusServiceUnavailable, "unavailable", "")
}

func TestProblem_Fiber(t *testing.T) {
	s := newServer(t)
	t.Run("NotFound", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/nothing-here", "")
		p := wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
		if got, want := p.Instance, "/api/v1/nothing-here"; got != want {
			t.Fatalf("instance=%q, want %q", got, want)
		}
	})
	t.Run("MethodNotAllowed", func(t *testing.T) {
		res, body := s.do(t, "DELETE", "/api/v1/sales", "")
		wantProblem(t, res, body, http.StatusMethodNotAllowed, "method_not_allowed", "")
	})
	t.Run("PayloadTooLarge", func(t *testing.T) {
		// app.Test reports fasthttp's body error itself, so use a listener.
		s := newServer(t)
		s.BodyLimit = 1024
		mustOpen(t, s)
		r := newRequest("POST", s.URL()+"/api/v1/sales", `{"lines":[`+strings.Repeat(`{"sku":"A","qty":1},`, 100)+`{"sku":"A","qty":1}]}`)
		r.RequestURI = ""
		r.Header.Set("Idempotency-Key", "k1")
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		wantProblem(t, res, body, http.StatusRequestEntityTooLarge, "payload_too_large", "")
	})
	t.Run("UnsupportedMediaType", func(t *testing.T) {
		for _, hdr := range [][2]string{
			{"Content-Type", "text/plain"},
			{"Content-Type", "application/x-www-form-urlencoded"},
			{"Content-Type", "application/json; charset"},
			{"Content-Encoding", "gzip"},
		} {
			r := newRequest("POST", "/api/v1/shifts", `{"opening_float":{"amount":1,"currency":"RUB"}}`)
			r.Header.Set(hdr[0], hdr[1])
			res, body := s.send(t, r)
			wantProblem(t, res, body, http.StatusUnsupportedMediaType, "unsupported_media_type", "")
		}
	})
}
