package bolt

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

var _ pos.AuthService = (*AuthService)(nil)

// PIN hashing: PINs are short, so they get a salted, slow hash; tokens are
// 256 random bits, so a plain SHA-256 is enough for them.
const (
	pinIterations = 50_000
	maxFailures   = 5
	lockout       = time.Minute
	maxTracked    = 10_000 // cashier names with wrong PINs remembered at once
)

type terminalRecord struct {
	pos.Terminal
	TokenHash []byte `json:"token_hash"`
}

type cashierRecord struct {
	pos.Cashier
	Salt    []byte `json:"salt"`
	PINHash []byte `json:"pin_hash"`
}

// AuthService implements pos.AuthService.
type AuthService struct{ db *DB }

// NewAuthService returns an auth service on db.
func NewAuthService(db *DB) *AuthService { return &AuthService{db: db} }

// CreateTerminal enrols a till and returns its token, which is stored only
// as a hash.
func (s *AuthService) CreateTerminal(ctx context.Context, name string) (*pos.Terminal, string, error) {
	name = strings.TrimSpace(name)
	if err := pos.ValidateStaffName("name", name); err != nil {
		return nil, "", err
	}
	token := "set_" + randomToken()
	hash := sha256.Sum256([]byte(token))
	var t terminalRecord
	err := s.db.update(ctx, false, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketTerminals)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		t = terminalRecord{Terminal: pos.Terminal{ID: fmt.Sprintf("t%d", seq), Name: name, CreatedAt: s.db.Now().UTC()}, TokenHash: hash[:]}
		if err := putJSON(b, []byte(t.ID), &t); err != nil {
			return err
		}
		return tx.Bucket(bucketTerminalToken).Put(hash[:], []byte(t.ID))
	})
	if err != nil {
		return nil, "", err
	}
	return &t.Terminal, token, nil
}

// CreateCashier adds a member of staff with a PIN.
func (s *AuthService) CreateCashier(ctx context.Context, name, pin, role string) (*pos.Cashier, error) {
	name = strings.TrimSpace(name)
	if role == "" {
		role = pos.RoleCashier
	}
	if err := pos.ValidateStaffName("name", name); err != nil {
		return nil, err
	} else if err := pos.ValidatePIN(pin); err != nil {
		return nil, err
	} else if role != pos.RoleCashier && role != pos.RoleManager {
		return nil, pos.FieldErrorf("role", "role must be cashier or manager")
	}
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	c := cashierRecord{Cashier: pos.Cashier{Name: name, Role: role, CreatedAt: s.db.Now().UTC()},
		Salt: salt, PINHash: hashPIN(pin, salt)}
	err := s.db.update(ctx, false, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketCashiers)
		key := []byte(FoldSearch(name))
		if b.Get(key) != nil {
			return pos.Errorf(pos.CodeConflict, "a cashier named %q exists", name)
		}
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		c.ID = fmt.Sprintf("c%d", seq)
		return putJSON(b, key, &c)
	})
	if err != nil {
		return nil, err
	}
	return &c.Cashier, nil
}

func hashPIN(pin string, salt []byte) []byte {
	h, err := pbkdf2.Key(sha256.New, pin, salt, pinIterations, 32)
	if err != nil {
		panic(err) // only for an invalid key length, which is a constant here
	}
	return h
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

var errBadLogin = &pos.Error{Code: pos.CodeUnauthorized, Message: "Terminal token, cashier or PIN is wrong."}

// Login checks the till's token and the cashier's PIN and opens a session.
// After maxFailures wrong PINs a cashier is locked out for a minute, so a
// 4-digit PIN cannot be guessed at a till.
func (s *AuthService) Login(ctx context.Context, req *pos.LoginRequest) (string, *pos.Session, error) {
	name := FoldSearch(req.Cashier)
	if wait := s.db.logins.locked(name, s.db.Now()); wait > 0 {
		return "", nil, pos.Errorf(pos.CodeTooManyRequests, "Too many wrong PINs: try again in %d s.", int(wait.Seconds())+1)
	}
	var term terminalRecord
	var cash cashierRecord
	err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		h := sha256.Sum256([]byte(req.TerminalToken))
		id := tx.Bucket(bucketTerminalToken).Get(h[:])
		if id == nil {
			return errBadLogin
		}
		if ok, err := getJSON(tx.Bucket(bucketTerminals), id, &term); err != nil || !ok {
			return errBadLogin
		}
		if ok, err := getJSON(tx.Bucket(bucketCashiers), []byte(name), &cash); err != nil || !ok {
			return errBadLogin
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	if subtle.ConstantTimeCompare(hashPIN(req.PIN, cash.Salt), cash.PINHash) != 1 {
		s.db.logins.fail(name, s.db.Now())
		return "", nil, errBadLogin
	}
	s.db.logins.reset(name)
	return s.openSession(ctx, &term.Terminal, &cash.Cashier)
}

func (s *AuthService) openSession(ctx context.Context, t *pos.Terminal, c *pos.Cashier) (string, *pos.Session, error) {
	token := randomToken()
	h := sha256.Sum256([]byte(token))
	sess := &pos.Session{TerminalID: t.ID, TerminalName: t.Name, CashierID: c.ID, CashierName: c.Name,
		Role: c.Role, ExpiresAt: s.db.Now().UTC().Add(s.db.SessionTTL).Truncate(time.Second)}
	err := s.db.update(ctx, false, func(tx *bbolt.Tx) error {
		return putJSON(tx.Bucket(bucketSessions), h[:], sess)
	})
	if err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// Authenticate returns the session of a bearer token.
func (s *AuthService) Authenticate(ctx context.Context, token string) (*pos.Session, error) {
	if token == "" || len(token) > 128 {
		return nil, pos.Errorf(pos.CodeUnauthorized, "Log in first.")
	}
	h := sha256.Sum256([]byte(token))
	var sess pos.Session
	var found bool
	err := s.db.bolt.View(func(tx *bbolt.Tx) (err error) {
		found, err = getJSON(tx.Bucket(bucketSessions), h[:], &sess)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !found || !s.db.Now().Before(sess.ExpiresAt) {
		return nil, pos.Errorf(pos.CodeUnauthorized, "The session has ended: log in again.")
	}
	return &sess, nil
}

// Logout ends a session.
func (s *AuthService) Logout(ctx context.Context, token string) error {
	h := sha256.Sum256([]byte(token))
	return s.db.update(ctx, false, func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketSessions).Delete(h[:])
	})
}

// CheckApproval verifies that a manager typed their name and PIN.
func (s *AuthService) CheckApproval(ctx context.Context, a *pos.Approval) (*pos.Cashier, error) {
	deny := pos.Errorf(pos.CodeForbidden, "A manager's approval is needed.")
	if a == nil {
		return nil, deny
	}
	name := FoldSearch(a.Cashier)
	if s.db.logins.locked(name, s.db.Now()) > 0 {
		return nil, deny
	}
	var c cashierRecord
	var found bool
	err := s.db.bolt.View(func(tx *bbolt.Tx) (err error) {
		found, err = getJSON(tx.Bucket(bucketCashiers), []byte(name), &c)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !found || subtle.ConstantTimeCompare(hashPIN(a.PIN, c.Salt), c.PINHash) != 1 {
		s.db.logins.fail(name, s.db.Now())
		return nil, deny
	}
	if c.Role != pos.RoleManager {
		return nil, deny
	}
	return &c.Cashier, nil
}

// loginGuard counts wrong PINs per cashier in memory.
type loginGuard struct {
	mu       sync.Mutex
	failures map[string]failure
}

type failure struct {
	n     int
	until time.Time
}

func (g *loginGuard) locked(name string, now time.Time) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	if f := g.failures[name]; f.n >= maxFailures && now.Before(f.until) {
		return f.until.Sub(now)
	}
	return 0
}

func (g *loginGuard) fail(name string, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.failures == nil || len(g.failures) >= maxTracked {
		// Names are typed by whoever stands at a till: bound the map so
		// random names cannot grow it without end. Dropping the counts
		// only shortens lockouts that are running.
		g.failures = make(map[string]failure)
	}
	f := g.failures[name]
	if f.n >= maxFailures && !now.Before(f.until) {
		f.n = 0 // the lockout has passed: count afresh
	}
	f.n++
	f.until = now.Add(lockout)
	g.failures[name] = f
}

func (g *loginGuard) reset(name string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.failures, name)
}
