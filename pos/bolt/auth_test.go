package bolt_test

import (
	"context"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

func TestAuthService(t *testing.T) {
	db := MustOpenDB(t)
	now := t0
	db.Now = func() time.Time { return now }
	ctx := context.Background()
	auth := bolt.NewAuthService(db)
	term, token, err := auth.CreateTerminal(ctx, "Till 1")
	if err != nil || term.ID != "t1" || len(token) < 40 {
		t.Fatalf("term=%+v token=%q err=%v", term, token, err)
	}
	if _, err := auth.CreateCashier(ctx, "Анна", "1234", ""); err != nil {
		t.Fatal(err)
	}

	t.Run("ErrDuplicateCashier", func(t *testing.T) {
		if _, err := auth.CreateCashier(ctx, "анна", "5555", ""); pos.ErrorCode(err) != pos.CodeConflict {
			t.Fatalf("err=%v", err)
		}
	})
	t.Run("ErrBadPIN", func(t *testing.T) {
		if _, err := auth.CreateCashier(ctx, "x", "12a4", ""); pos.ErrorField(err) != "pin" {
			t.Fatalf("err=%v", err)
		}
	})
	t.Run("Login", func(t *testing.T) {
		tok, sess, err := auth.Login(ctx, &pos.LoginRequest{TerminalToken: token, Cashier: "АННА", PIN: "1234"})
		if err != nil || sess.TerminalID != "t1" || sess.Role != pos.RoleCashier {
			t.Fatalf("sess=%+v err=%v", sess, err)
		}
		got, err := auth.Authenticate(ctx, tok)
		if err != nil || got.CashierName != "Анна" {
			t.Fatalf("got=%+v err=%v", got, err)
		}
		now = now.Add(13 * time.Hour)
		if _, err := auth.Authenticate(ctx, tok); pos.ErrorCode(err) != pos.CodeUnauthorized {
			t.Fatalf("expired session accepted: %v", err)
		}
	})
	t.Run("ErrWrongToken", func(t *testing.T) {
		_, _, err := auth.Login(ctx, &pos.LoginRequest{TerminalToken: "set_nope", Cashier: "анна", PIN: "1234"})
		if pos.ErrorCode(err) != pos.CodeUnauthorized {
			t.Fatalf("err=%v", err)
		}
	})
	t.Run("Lockout", func(t *testing.T) {
		for range 5 {
			if _, _, err := auth.Login(ctx, &pos.LoginRequest{TerminalToken: token, Cashier: "анна", PIN: "0000"}); pos.ErrorCode(err) != pos.CodeUnauthorized {
				t.Fatalf("err=%v", err)
			}
		}
		_, _, err := auth.Login(ctx, &pos.LoginRequest{TerminalToken: token, Cashier: "анна", PIN: "1234"})
		if pos.ErrorCode(err) != pos.CodeTooManyRequests {
			t.Fatalf("right PIN during lockout: %v", err)
		}
		now = now.Add(2 * time.Minute)
		if _, _, err := auth.Login(ctx, &pos.LoginRequest{TerminalToken: token, Cashier: "анна", PIN: "1234"}); err != nil {
			t.Fatalf("after lockout: %v", err)
		}
	})
}
