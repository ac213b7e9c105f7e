package bolt_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// staffFixture is a shop with a till, a cashier (anna, 1111) and a manager
// (boris, 9999), a settable clock and a cheap PIN hash that counts its
// calls: the real one takes 50,000 PBKDF2 rounds, too slow for floods.
type staffFixture struct {
	db     *bolt.DB
	auth   *bolt.AuthService
	token  string
	now    time.Time
	hashes atomic.Int64
}

func newStaffFixture(t *testing.T) *staffFixture {
	t.Helper()
	f := &staffFixture{now: t0}
	f.open(t, MustOpenDB(t))
	ctx := context.Background()
	var err error
	if _, f.token, err = f.auth.CreateTerminal(ctx, "Till 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.auth.CreateCashier(ctx, "Anna", "1111", pos.RoleCashier); err != nil {
		t.Fatal(err)
	}
	if _, err := f.auth.CreateCashier(ctx, "Boris", "9999", pos.RoleManager); err != nil {
		t.Fatal(err)
	}
	f.hashes.Store(0)
	return f
}

// open points the fixture at db (also after a reopen).
func (f *staffFixture) open(t *testing.T, db *bolt.DB) {
	f.db = db
	db.Now = func() time.Time { return f.now }
	f.auth = bolt.NewAuthService(db)
	bolt.SetPINHash(f.auth, func(pin string, salt []byte) []byte {
		f.hashes.Add(1)
		h := sha256.Sum256(append([]byte(pin), salt...))
		return h[:]
	})
}

func (f *staffFixture) login(name, pin string) error {
	_, _, err := f.auth.Login(context.Background(), &pos.LoginRequest{TerminalToken: f.token, Cashier: name, PIN: pin})
	return err
}

func (f *staffFixture) approve(name, pin string) error {
	_, err := f.auth.CheckApproval(context.Background(), &pos.Approval{Cashier: name, PIN: pin})
	return err
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := pos.ErrorCode(err); err == nil && code != "" || err != nil && got != code {
		t.Fatalf("%s: err=%v, want code %q", what, err, code)
	}
}

// TestAuthService_Backoff walks the schedule: four wrong PINs are free,
// the fifth locks for a minute, each wrong PIN after a lock has passed
// doubles it up to an hour, and a right PIN after the lock resets it.
func TestAuthService_Backoff(t *testing.T) {
	f := newStaffFixture(t)
	for i := range 4 {
		wantCode(t, fmt.Sprintf("wrong PIN %d", i+1), f.login("anna", "0000"), pos.CodeUnauthorized)
	}
	wantCode(t, "right PIN before the lock", f.login("anna", "1111"), "")
	if n, _, names := bolt.PINFailures(f.db, "anna"); n != 0 || names != 0 {
		t.Fatalf("after a right PIN: failures=%d names=%d, want 0 0", n, names)
	}
	for range 4 {
		wantCode(t, "wrong PIN", f.login("anna", "0000"), pos.CodeUnauthorized)
	}
	for i, want := range []time.Duration{1, 2, 4, 8, 16, 32, 60, 60} {
		wantCode(t, "wrong PIN earning a lock", f.login("anna", "0000"), pos.CodeUnauthorized)
		n, until, _ := bolt.PINFailures(f.db, "anna")
		if got := until.Sub(f.now); n != uint64(5+i) || got != want*time.Minute {
			t.Fatalf("failure %d: n=%d lock=%v, want lock %v", 5+i, n, got, want*time.Minute)
		}
		f.now = f.now.Add(want*time.Minute - time.Second)
		wantCode(t, "right PIN while locked", f.login("anna", "1111"), pos.CodeTooManyRequests)
		wantCode(t, "wrong PIN while locked", f.login("anna", "0000"), pos.CodeTooManyRequests)
		if got, _, _ := bolt.PINFailures(f.db, "anna"); got != n {
			t.Fatalf("attempts while locked counted: n=%d, want %d", got, n)
		}
		f.now = f.now.Add(time.Second)
	}
	wantCode(t, "right PIN after the lock", f.login("anna", "1111"), "")
	wantCode(t, "a wrong PIN after the reset", f.login("anna", "0000"), pos.CodeUnauthorized)
	wantCode(t, "and a right one", f.login("anna", "1111"), "")
}

// TestAuthService_ApprovalLockout: a manager's PIN guessed through
// approvals locks the manager's login too, and the other way round.
func TestAuthService_ApprovalLockout(t *testing.T) {
	f := newStaffFixture(t)
	for range 5 {
		wantCode(t, "wrong approval", f.approve("boris", "0000"), pos.CodeForbidden)
	}
	wantCode(t, "right approval while locked", f.approve("boris", "9999"), pos.CodeForbidden)
	wantCode(t, "login while locked", f.login("boris", "9999"), pos.CodeTooManyRequests)
	f.now = f.now.Add(time.Minute)
	wantCode(t, "right approval after the lock", f.approve("BORIS", "9999"), "")
	wantCode(t, "a cashier's right PIN is no approval", f.approve("anna", "1111"), pos.CodeForbidden)
	if _, _, names := bolt.PINFailures(f.db, "anna"); names != 0 {
		t.Fatalf("names=%d: a right PIN counted as a failure", names)
	}
}

// TestAuthService_LockoutSurvivesRestart closes and reopens the database
// while the manager is locked.
func TestAuthService_LockoutSurvivesRestart(t *testing.T) {
	f := newStaffFixture(t)
	for range 6 {
		_ = f.approve("boris", "0000")
		f.now = f.now.Add(time.Minute) // the sixth earns two minutes
	}
	f.now = f.now.Add(-time.Minute)
	MustCloseDB(t, f.db)
	again := bolt.NewDB(f.db.Dir)
	if err := again.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { MustCloseDB(t, again) })
	f.open(t, again)
	wantCode(t, "login after restart", f.login("boris", "9999"), pos.CodeTooManyRequests)
	wantCode(t, "approval after restart", f.approve("boris", "9999"), pos.CodeForbidden)
	f.now = f.now.Add(2 * time.Minute)
	wantCode(t, "after the lock", f.login("boris", "9999"), "")
}

// TestAuthService_LockoutFlood is the attack: 10,000 made-up
// names, each through an approval and a login, after the manager
// was locked. The lock stays exactly as it was, and no made-up name
// leaves a trace.
func TestAuthService_LockoutFlood(t *testing.T) {
	f := newStaffFixture(t)
	for range 5 {
		_ = f.login("boris", "0000")
	}
	for range 3 {
		_ = f.login("anna", "0000")
	}
	n0, until0, _ := bolt.PINFailures(f.db, "boris")
	var wg sync.WaitGroup
	var bad atomic.Int64
	for w := range 8 { // concurrent, as a flood is: the refusals share group commits
		wg.Go(func() {
			for i := w; i < 10_000; i += 8 {
				name := fmt.Sprintf("m%08x", rand.Uint32())
				if pos.ErrorCode(f.approve(name, "0000")) != pos.CodeForbidden ||
					pos.ErrorCode(f.login(name, "0000")) != pos.CodeUnauthorized {
					bad.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d made-up names got another answer", bad.Load())
	}
	n, until, names := bolt.PINFailures(f.db, "boris")
	if n != n0 || !until.Equal(until0) || names != 2 {
		t.Fatalf("boris n=%d until=%v names=%d, want n=%d until=%v names=2", n, until, names, n0, until0)
	}
	if n, _, _ := bolt.PINFailures(f.db, "anna"); n != 3 {
		t.Fatalf("anna n=%d, want 3", n)
	}
	wantCode(t, "manager after the flood", f.login("boris", "9999"), pos.CodeTooManyRequests)
}

// TestAuthService_SameWork counts what each kind of attempt costs: exactly
// one PIN hash, and for every refusal exactly one commit, so an unknown
// name, a wrong PIN, a locked cashier and a wrong terminal token cannot
// be told apart by the time they take.
func TestAuthService_SameWork(t *testing.T) {
	f := newStaffFixture(t)
	for range 5 {
		_ = f.login("boris", "0000")
	}
	for _, tt := range []struct {
		name    string
		try     func(*staffFixture) error
		commits int
	}{
		{"LoginUnknown", func(f *staffFixture) error { return f.login("nobody", "1111") }, 1},
		{"LoginWrongPIN", func(f *staffFixture) error { return f.login("anna", "0000") }, 1},
		{"LoginLocked", func(f *staffFixture) error { return f.login("boris", "9999") }, 1},
		{"LoginWrongTerminal", func(f *staffFixture) error {
			_, _, err := f.auth.Login(context.Background(), &pos.LoginRequest{TerminalToken: "set_x", Cashier: "anna", PIN: "1111"})
			return err
		}, 1},
		{"ApprovalUnknown", func(f *staffFixture) error { return f.approve("nobody", "9999") }, 1},
		{"ApprovalWrongPIN", func(f *staffFixture) error { return f.approve("anna", "0000") }, 1},
		{"ApprovalLocked", func(f *staffFixture) error { return f.approve("boris", "9999") }, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := f.login("anna", "1111"); err != nil { // a right PIN resets anna's counter
				t.Fatal(err)
			}
			f.hashes.Store(0)
			tx := bolt.LastTxID(f.db)
			if err := tt.try(f); err == nil {
				t.Fatal("accepted")
			}
			if got := f.hashes.Load(); got != 1 {
				t.Errorf("hashes=%d, want 1", got)
			}
			if got := bolt.LastTxID(f.db) - tx; got != tt.commits {
				t.Errorf("commits=%d, want %d", got, tt.commits)
			}
		})
	}
}

// TestAuthService_ConcurrentGuesses: guesses that arrive together are
// judged one after another, so no more than five are judged before the
// lock, however many arrive at once.
func TestAuthService_ConcurrentGuesses(t *testing.T) {
	f := newStaffFixture(t)
	var wg sync.WaitGroup
	var wrong, locked atomic.Int64
	for range 20 {
		wg.Go(func() {
			switch pos.ErrorCode(f.login("boris", "0000")) {
			case pos.CodeUnauthorized:
				wrong.Add(1)
			case pos.CodeTooManyRequests:
				locked.Add(1)
			}
		})
	}
	wg.Wait()
	n, until, _ := bolt.PINFailures(f.db, "boris")
	if wrong.Load() != 5 || locked.Load() != 15 || n != 5 || until.Sub(f.now) != time.Minute {
		t.Fatalf("wrong=%d locked=%d n=%d lock=%v, want 5 15 5 1m", wrong.Load(), locked.Load(), n, until.Sub(f.now))
	}
}
