package edge_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

const loginBody = `{"terminal_token":"tt-1","cashier":"Anna","pin":"1234"}`

func TestLogin(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		s := newServer(t)
		s.Auth.LoginFn = func(_ context.Context, req *pos.LoginRequest) (string, *pos.Session, error) {
			if req.TerminalToken != "tt-1" || req.Cashier != "Anna" || req.PIN != "1234" {
				t.Errorf("Login got %+v", req)
			}
			sess := session
			return "tok-1", &sess, nil
		}
		res, body := s.do(t, "POST", "/api/v1/login", loginBody)
		var got struct {
			Token     string `json:"token"`
			ExpiresAt string `json:"expires_at"`
			Cashier   struct{ Name, Role string }
			Terminal  struct{ ID, Name string }
		}
		wantJSON(t, res, body, http.StatusOK, &got)
		if got.Token != "tok-1" || got.ExpiresAt != "2025-03-01T18:00:00Z" ||
			got.Cashier.Name != "Anna" || got.Cashier.Role != "cashier" ||
			got.Terminal.ID != "T1" || got.Terminal.Name != "Till 1" {
			t.Fatalf("login response %s", body)
		}
	})
	t.Run("ErrUnauthorized", func(t *testing.T) {
		s := newServer(t)
		s.Auth.LoginFn = func(context.Context, *pos.LoginRequest) (string, *pos.Session, error) {
			return "", nil, pos.Errorf(pos.CodeUnauthorized, "wrong PIN")
		}
		res, body := s.do(t, "POST", "/api/v1/login", loginBody)
		wantProblem(t, res, body, http.StatusUnauthorized, pos.CodeUnauthorized, "")
		if got, want := res.Header.Get("WWW-Authenticate"), "Bearer"; got != want {
			t.Fatalf("WWW-Authenticate=%q, want %q", got, want)
		}
	})
	for _, tc := range []struct{ name, body, field string }{
		{"NoToken", `{"cashier":"Anna","pin":"1234"}`, "terminal_token"},
		{"NoCashier", `{"terminal_token":"t","pin":"1234"}`, "cashier"},
		{"NoPIN", `{"terminal_token":"t","cashier":"Anna"}`, "pin"},
		{"BadPIN", `{"terminal_token":"t","cashier":"Anna","pin":"12a4"}`, "pin"},
		{"UnknownField", `{"terminal_token":"t","cashier":"Anna","pin":"1234","role":"manager"}`, "role"},
		{"WrongType", `{"terminal_token":"t","cashier":"Anna","pin":1234}`, "pin"},
	} {
		t.Run("ErrValidation"+tc.name, func(t *testing.T) {
			s := newServer(t)
			res, body := s.do(t, "POST", "/api/v1/login", tc.body)
			wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, tc.field)
		})
	}
}

func TestLogin_RateLimit(t *testing.T) {
	s := newServer(t)
	s.LoginRate = 3
	s.Auth.LoginFn = func(context.Context, *pos.LoginRequest) (string, *pos.Session, error) {
		return "", nil, pos.Errorf(pos.CodeUnauthorized, "wrong PIN")
	}
	for i := 0; i < 3; i++ {
		res, body := s.do(t, "POST", "/api/v1/login", loginBody)
		wantProblem(t, res, body, http.StatusUnauthorized, pos.CodeUnauthorized, "")
	}
	res, body := s.do(t, "POST", "/api/v1/login", loginBody)
	wantProblem(t, res, body, http.StatusTooManyRequests, pos.CodeTooManyRequests, "")
	if n, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || n < 1 || n > 60 {
		t.Fatalf("Retry-After=%q, want 1..60 seconds", res.Header.Get("Retry-After"))
	}
}

func TestLogout(t *testing.T) {
	s := newServer(t)
	var loggedOut string
	s.Auth.LogoutFn = func(_ context.Context, token string) error {
		loggedOut = token
		return nil
	}
	res, _ := s.do(t, "POST", "/api/v1/logout", "")
	if got, want := res.StatusCode, http.StatusNoContent; got != want {
		t.Fatalf("status=%d, want %d", got, want)
	}
	if got, want := loggedOut, goodToken; got != want {
		t.Fatalf("Logout(%q), want %q", got, want)
	}
	r := newRequest("POST", "/api/v1/logout", "")
	r.Header.Del("Authorization")
	res, body := s.send(t, r)
	wantProblem(t, res, body, http.StatusUnauthorized, pos.CodeUnauthorized, "")
}

func TestAuthenticate(t *testing.T) {
	s := newServer(t)
	s.Sync.SyncStatusFn = func(ctx context.Context) (*pos.SyncStatus, error) {
		if got := pos.SessionFromContext(ctx); got == nil || got.CashierID != "C1" {
			t.Errorf("session in context = %+v", got)
		}
		return &pos.SyncStatus{}, nil
	}
	t.Run("OK", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/sync/status", "")
		wantJSON(t, res, body, http.StatusOK, nil)
	})
	for _, tc := range []struct{ name, header string }{
		{"Missing", ""},
		{"WrongScheme", "Basic " + goodToken},
		{"EmptyToken", "Bearer "},
		{"BadToken", "Bearer nope"},
	} {
		t.Run("Err"+tc.name, func(t *testing.T) {
			r := newRequest("GET", "/api/v1/sync/status", "")
			r.Header.Set("Authorization", tc.header)
			res, body := s.send(t, r)
			wantProblem(t, res, body, http.StatusUnauthorized, pos.CodeUnauthorized, "")
			if got, want := res.Header.Get("WWW-Authenticate"), "Bearer"; got != want {
				t.Fatalf("WWW-Authenticate=%q, want %q", got, want)
			}
		})
	}
	t.Run("SchemeCaseInsensitive", func(t *testing.T) {
		r := newRequest("GET", "/api/v1/sync/status", "")
		r.Header.Set("Authorization", "bearer "+goodToken)
		res, body := s.send(t, r)
		wantJSON(t, res, body, http.StatusOK, nil)
	})
}
