package bolt

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

var _ pos.AuthService = (*AuthService)(nil)

// PIN hashing: PINs are short, so they get a salted, slow hash; tokens are
// 256 random bits, so a plain SHA-256 is enough for them.
const pinIterations = 50_000

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
type AuthService struct {
	db   *DB
	hash func(pin string, salt []byte) []byte // hashPIN; tests count the calls
}

// NewAuthService returns an auth service on db.
func NewAuthService(db *DB) *AuthService { return &AuthService{db: db, hash: hashPIN} }

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
		Salt: salt, PINHash: s.hash(pin, salt)}
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
// Wrong PINs lock the cashier out with a growing back-off (pos.PINBackoff),
// so a 4-digit PIN cannot be guessed at a till. Every attempt costs one
// PIN hash, whatever is wrong with it.
func (s *AuthService) Login(ctx context.Context, req *pos.LoginRequest) (string, *pos.Session, error) {
	var term terminalRecord
	c, err := s.verifyPIN(ctx, FoldSearch(req.Cashier), req.PIN, func(tx *bbolt.Tx) error {
		return findTerminal(tx, req.TerminalToken, &term)
	})
	var locked *lockedError
	switch {
	case errors.As(err, &locked):
		return "", nil, pos.Errorf(pos.CodeTooManyRequests, "Too many wrong PINs: try again in %d s.", int(locked.wait.Seconds())+1)
	case errors.Is(err, errWrongPIN):
		return "", nil, errBadLogin
	case err != nil:
		return "", nil, err
	}
	return s.openSession(ctx, &term.Terminal, &c.Cashier)
}

// findTerminal reads the terminal of a token into t.
func findTerminal(tx *bbolt.Tx, token string, t *terminalRecord) error {
	h := sha256.Sum256([]byte(token))
	id := tx.Bucket(bucketTerminalToken).Get(h[:])
	if id == nil {
		return errBadLogin
	}
	if ok, err := getJSON(tx.Bucket(bucketTerminals), id, t); err != nil || !ok {
		return errBadLogin
	}
	return nil
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

// CheckApproval verifies that a manager typed their name and PIN. The
// manager's wrong-PIN counter is the one Login keeps: approvals are no side
// door around the lock.
func (s *AuthService) CheckApproval(ctx context.Context, a *pos.Approval) (*pos.Cashier, error) {
	deny := pos.Errorf(pos.CodeForbidden, "A manager's approval is needed.")
	if a == nil {
		return nil, deny
	}
	c, err := s.verifyPIN(ctx, FoldSearch(a.Cashier), a.PIN, nil)
	var locked *lockedError
	switch {
	case errors.Is(err, errWrongPIN) || errors.As(err, &locked):
		return nil, deny
	case err != nil:
		return nil, err
	case c.Role != pos.RoleManager:
		return nil, deny
	}
	return &c.Cashier, nil
}
