package edge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/edge"
	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/mock"
)

// now is the fixed clock of every test server.
var now = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

const goodToken = "good-token"

// session is the session goodToken authenticates to.
var session = pos.Session{
	TerminalID: "T1", TerminalName: "Till 1", CashierID: "C1", CashierName: "Anna",
	Role: pos.RoleCashier, ExpiresAt: now.Add(8 * time.Hour),
}

// testServer is an edge.Server wired to mocks, with a captured log.
type testServer struct {
	*edge.Server
	Auth    mock.AuthService
	Catalog mock.CatalogService
	Sales   mock.SaleService
	Shifts  mock.ShiftService
	Sync    mock.SyncStatusService
	logs    *syncBuffer
}

// newServer returns a server whose AuthService accepts goodToken only.
func newServer(tb testing.TB) *testServer {
	tb.Helper()
	s := &testServer{Server: edge.NewServer(), logs: &syncBuffer{}}
	s.Logger = slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s.Now = func() time.Time { return now }
	s.AuthService, s.CatalogService, s.SaleService = &s.Auth, &s.Catalog, &s.Sales
	s.ShiftService, s.SyncStatusService = &s.Shifts, &s.Sync
	s.Auth.AuthenticateFn = func(_ context.Context, token string) (*pos.Session, error) {
		if token != goodToken {
			return nil, pos.Errorf(pos.CodeUnauthorized, "session expired")
		}
		sess := session
		return &sess, nil
	}
	return s
}

// mustOpen opens s on a free loopback port and closes it after the test.
func mustOpen(tb testing.TB, s *testServer) {
	tb.Helper()
	s.Addr = "127.0.0.1:0"
	if err := s.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Error(err)
		}
	})
}

// newRequest builds a request with goodToken and, for a body, a JSON
// Content-Type.
func newRequest(method, target, body string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("Authorization", "Bearer "+goodToken)
	return r
}

// send runs r through the app and returns the response and its body.
func (s *testServer) send(tb testing.TB, r *http.Request) (*http.Response, []byte) {
	tb.Helper()
	res, err := s.App().Test(r, fiber.TestConfig{Timeout: 5 * time.Second, FailOnTimeout: true})
	if err != nil {
		tb.Fatalf("%s %s: %v", r.Method, r.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return res, body
}

// do is send(newRequest(...)).
func (s *testServer) do(tb testing.TB, method, target, body string) (*http.Response, []byte) {
	tb.Helper()
	return s.send(tb, newRequest(method, target, body))
}

// wantJSON checks a JSON response's status and decodes its body into v.
func wantJSON(tb testing.TB, res *http.Response, body []byte, status int, v any) {
	tb.Helper()
	if got := res.StatusCode; got != status {
		tb.Fatalf("status=%d, want %d; body=%s", got, status, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		tb.Fatalf("Content-Type=%q, want application/json", ct)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			tb.Fatalf("decode %s: %v", body, err)
		}
	}
}

// wantProblem checks that the response is a problem+json of the status, code
// and field, and that its shape is consistent.
func wantProblem(tb testing.TB, res *http.Response, body []byte, status int, code, field string) edge.Problem {
	tb.Helper()
	if got := res.StatusCode; got != status {
		tb.Fatalf("status=%d, want %d; body=%s", got, status, body)
	}
	if got, want := res.Header.Get("Content-Type"), "application/problem+json"; got != want {
		tb.Fatalf("Content-Type=%q, want %q", got, want)
	}
	var p edge.Problem
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		tb.Fatalf("decode problem %s: %v", body, err)
	}
	if p.Code != code || p.Field != field || p.Status != status {
		tb.Fatalf("problem code=%q field=%q status=%d, want %q %q %d; body=%s", p.Code, p.Field, p.Status, code, field, status, body)
	}
	if got, want := p.Type, "https://storeedge.dev/problems/"+code; got != want {
		tb.Fatalf("type=%q, want %q", got, want)
	}
	if p.Title == "" || p.Detail == "" || p.Instance == "" {
		tb.Fatalf("problem lacks title, detail or instance: %s", body)
	}
	if (p.ErrorID != "") != (code == pos.CodeInternal) {
		tb.Fatalf("error_id=%q for code %q", p.ErrorID, code)
	}
	return p
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestServer_OpenClose(t *testing.T) {
	s := newServer(t)
	s.Addr = "127.0.0.1:0"
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	if got := s.URL(); !strings.HasPrefix(got, "http://127.0.0.1:") || strings.HasSuffix(got, ":0") {
		t.Fatalf("URL=%q, want the bound port on 127.0.0.1", got)
	}
	res, err := http.Get(s.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got, want := res.StatusCode, http.StatusOK; got != want {
		t.Fatalf("status=%d, want %d", got, want)
	}
	url := s.URL()
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Close took %v with an idle keep-alive connection", d)
	}
	http.DefaultClient.CloseIdleConnections()
	if res, err := http.Get(url + "/healthz"); err == nil {
		res.Body.Close()
		t.Fatal("server still answers after Close")
	}
	if got := s.URL(); got != "" {
		t.Fatalf("URL after Close=%q, want \"\"", got)
	}
}

func TestServer_Open(t *testing.T) {
	t.Run("ErrMissingService", func(t *testing.T) {
		s := newServer(t)
		s.Addr, s.SaleService = "127.0.0.1:0", nil
		if err := s.Open(); err == nil {
			s.Close()
			t.Fatal("Open without SaleService succeeded")
		}
	})
	t.Run("ErrAddrInUse", func(t *testing.T) {
		a := newServer(t)
		a.Addr = "127.0.0.1:0"
		if err := a.Open(); err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		b := newServer(t)
		b.Addr = strings.TrimPrefix(a.URL(), "http://")
		if err := b.Open(); err == nil {
			b.Close()
			t.Fatal("second Open on the same address succeeded")
		}
	})
	t.Run("CloseUnopened", func(t *testing.T) {
		if err := newServer(t).Close(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestHealth(t *testing.T) {
	s := newServer(t)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/healthz"}, {"HEAD", "/healthz"}, {"GET", "/readyz"}, {"HEAD", "/readyz"},
	} {
		t.Run(tc.method+tc.path, func(t *testing.T) {
			res, _ := s.do(t, tc.method, tc.path, "")
			if got, want := res.StatusCode, http.StatusOK; got != want {
				t.Fatalf("status=%d, want %d", got, want)
			}
		})
	}
	t.Run("Body", func(t *testing.T) {
		res, body := s.do(t, "GET", "/healthz", "")
		var v map[string]string
		wantJSON(t, res, body, http.StatusOK, &v)
		if got, want := v["status"], "ok"; got != want {
			t.Fatalf("status=%q, want %q", got, want)
		}
	})
}

func TestReadyz_NotReady(t *testing.T) {
	s := newServer(t)
	s.Ready = func(context.Context) error { return errors.New("bolt: migrations pending at /secret/path") }
	res, body := s.do(t, "GET", "/readyz", "")
	p := wantProblem(t, res, body, http.StatusServiceUnavailable, "unavailable", "")
	if strings.Contains(string(body), "secret") {
		t.Fatalf("readyz leaks the cause: %s", body)
	}
	if got, want := p.Instance, "/readyz"; got != want {
		t.Fatalf("instance=%q, want %q", got, want)
	}
	if !strings.Contains(s.logs.String(), "migrations pending") {
		t.Fatal("the cause is not logged")
	}
	res, _ = s.do(t, "HEAD", "/readyz", "")
	if got, want := res.StatusCode, http.StatusServiceUnavailable; got != want {
		t.Fatalf("HEAD status=%d, want %d", got, want)
	}
}

// TestAssets checks the cashier screen through the public API; the exact
// bytes of the embedded index are compared in assets_internal_test.go (the
// file on disk may be newer than the binary under test).
func TestAssets(t *testing.T) {
	s := newServer(t)
	for _, path := range []string{"/pos/", "/pos/index.html"} {
		t.Run("Index"+path, func(t *testing.T) {
			res, body := s.do(t, "GET", path, "")
			if got, want := res.StatusCode, http.StatusOK; got != want {
				t.Fatalf("status=%d, want %d", got, want)
			}
			if !bytes.HasPrefix(bytes.ToLower(body), []byte("<!doctype html")) {
				t.Fatalf("GET %s = %.80q, want the HTML index", path, body)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Fatalf("Content-Type=%q, want text/html", ct)
			}
		})
	}
	for _, path := range []string{"/", "/pos"} {
		t.Run("Redirect"+path, func(t *testing.T) {
			res, _ := s.do(t, "GET", path, "")
			if got, want := res.StatusCode, http.StatusFound; got != want {
				t.Fatalf("status=%d, want %d", got, want)
			}
			if got, want := res.Header.Get("Location"), "/pos/"; got != want {
				t.Fatalf("Location=%q, want %q", got, want)
			}
		})
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		res, body := s.do(t, "GET", "/pos/no-such-file.js", "")
		wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
	})
	t.Run("ErrTraversal", func(t *testing.T) {
		res, body := s.do(t, "GET", "/pos/../server.go", "")
		if res.StatusCode == http.StatusOK && bytes.Contains(body, []byte("package edge")) {
			t.Fatal("path traversal served a source file")
		}
	})
}

func TestTillDisabled(t *testing.T) {
	s := newServer(t)
	s.TillEnabled = false
	for _, path := range []string{"/api/v1/products", "/pos/", "/api/v1/sales/S1"} {
		res, body := s.do(t, "GET", path, "")
		wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
	}
	s.Sync.SyncStatusFn = func(context.Context) (*pos.SyncStatus, error) { return &pos.SyncStatus{}, nil }
	res, body := s.do(t, "GET", "/api/v1/sync/status", "")
	wantJSON(t, res, body, http.StatusOK, nil)
}

// TestServer_CloseGraceful checks that Close lets a request in flight finish.
func TestServer_CloseGraceful(t *testing.T) {
	s := newServer(t)
	started := make(chan struct{})
	s.Sync.SyncStatusFn = func(context.Context) (*pos.SyncStatus, error) {
		close(started)
		time.Sleep(200 * time.Millisecond)
		return &pos.SyncStatus{Connected: true}, nil
	}
	s.Addr = "127.0.0.1:0"
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	r := newRequest("GET", s.URL()+"/api/v1/sync/status", "")
	r.RequestURI = ""
	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			done <- result{err: err}
			return
		}
		res.Body.Close()
		done <- result{status: res.StatusCode}
	}()
	<-started
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := <-done; got.err != nil || got.status != http.StatusOK {
		t.Fatalf("request in flight during Close: status=%d err=%v, want 200", got.status, got.err)
	}
}
