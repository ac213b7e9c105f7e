package bolt

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"hash/maphash"
	"sync"
	"time"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// Wrong-PIN counters. They live in bbolt, so a restart does not clear them,
// and only real staff names get one, so a flood of made-up names neither
// grows the bucket nor pushes a real cashier's lock out of it (the old
// in-memory map was emptied when it filled). A failure is one small write
// through the group commit; logins are rate limited per client, and a
// locked cashier's attempts write nothing.
//
// Every attempt, whatever its outcome, hashes the PIN exactly once: against
// the cashier's hash, or against dummyPIN when the name is unknown or the
// terminal token is wrong; and every refused attempt waits for exactly one
// commit (the counted failure, or an empty one). So the answer's timing
// does not tell a real name from a made-up one, nor a locked cashier from
// one with a wrong PIN.

// bucketPINFailures holds the wrong-PIN counters (schema v5).
var bucketPINFailures = []byte("pin_failures") // folded cashier name → pinFailures (16 bytes)

// Outcomes of verifyPIN that callers branch on.
var (
	errWrongPIN = errors.New("wrong cashier or PIN")
)

// lockedError is a cashier locked after too many wrong PINs.
type lockedError struct{ wait time.Duration }

func (e *lockedError) Error() string { return "cashier locked after wrong PINs" }

// pinFailures is a cashier's wrong PINs in a row and the lock they earned.
type pinFailures struct {
	n     uint64
	until time.Time // zero: no lock
}

func decodeFailures(b []byte) pinFailures {
	if len(b) != 16 {
		return pinFailures{}
	}
	f := pinFailures{n: binary.BigEndian.Uint64(b)}
	if ns := int64(binary.BigEndian.Uint64(b[8:])); ns != 0 {
		f.until = time.Unix(0, ns)
	}
	return f
}

func (f pinFailures) encode() []byte {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 16), f.n)
	var ns int64
	if !f.until.IsZero() {
		ns = f.until.UnixNano()
	}
	return binary.BigEndian.AppendUint64(b, uint64(ns))
}

// locked returns how long the lock still runs at now; 0 when none does.
func (f pinFailures) locked(now time.Time) time.Duration {
	if f.until.IsZero() || !now.Before(f.until) {
		return 0
	}
	return f.until.Sub(now)
}

// fail counts one more wrong PIN at now and sets the lock it earns.
func (f pinFailures) fail(now time.Time) pinFailures {
	f.n++
	if d := pos.PINBackoff(int(min(f.n, 1<<20))); d > 0 {
		f.until = now.Add(d)
	}
	return f
}

// dummyPIN is what a PIN is hashed against when there is no cashier to
// check it against: random, so no PIN matches it.
var dummyPIN = func() cashierRecord {
	c := cashierRecord{Salt: make([]byte, 16), PINHash: make([]byte, 32)}
	_, _ = rand.Read(c.Salt)
	_, _ = rand.Read(c.PINHash)
	return c
}()

// pinLocks serialize the attempts on one cashier, from the reading of the
// counter to its update: without them, concurrent guesses would all read
// "not locked" and be judged before the fifth failure is written. Names
// are spread over a fixed set of mutexes, so memory does not grow with
// them; only real cashiers take one, so made-up names never wait on a
// real cashier's.
type pinLocks struct {
	seed maphash.Seed
	mu   [64]sync.Mutex
}

func newPINLocks() *pinLocks { return &pinLocks{seed: maphash.MakeSeed()} }

func (l *pinLocks) of(name string) *sync.Mutex {
	return &l.mu[maphash.String(l.seed, name)%uint64(len(l.mu))]
}

// pinCheck is what an attempt read before its PIN is judged.
type pinCheck struct {
	cashier  cashierRecord
	found    bool
	failures pinFailures
	pre      error // the caller's own check (the terminal token) failed
}

// verifyPIN judges an attempt on the cashier stored under the folded name
// and keeps the counters. pre, when set, runs in the same read and its
// error is returned (after the hash, and without counting a failure): a
// wrong terminal token says nothing about the PIN. Errors: errWrongPIN
// (also for an unknown name), *lockedError, pre's, storage errors.
func (s *AuthService) verifyPIN(ctx context.Context, name, pin string, pre func(*bbolt.Tx) error) (*cashierRecord, error) {
	var pc pinCheck
	if err := s.db.bolt.View(func(tx *bbolt.Tx) (err error) {
		pc.found, err = getJSON(tx.Bucket(bucketCashiers), []byte(name), &pc.cashier)
		if err == nil && pre != nil {
			pc.pre = pre(tx)
		}
		return err
	}); err != nil {
		return nil, err
	}
	if !pc.found || pc.pre != nil {
		s.matches(pin, &dummyPIN)
		return nil, s.refuse(ctx, cmp.Or(pc.pre, errWrongPIN))
	}
	mu := s.db.pinLocks.of(name)
	mu.Lock()
	defer mu.Unlock()
	return s.judge(ctx, name, pin, &pc)
}

// judge decides a known cashier's attempt under the cashier's lock.
func (s *AuthService) judge(ctx context.Context, name, pin string, pc *pinCheck) (*cashierRecord, error) {
	if err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		pc.failures = decodeFailures(tx.Bucket(bucketPINFailures).Get([]byte(name)))
		return nil
	}); err != nil {
		return nil, err
	}
	right := s.matches(pin, &pc.cashier) // hashed even when locked: same time
	now := s.db.Now()
	switch {
	case pc.failures.locked(now) > 0:
		return nil, s.refuse(ctx, &lockedError{wait: pc.failures.locked(now)})
	case !right:
		if err := s.recordFailure(ctx, name, now); err != nil {
			return nil, err
		}
		return nil, errWrongPIN
	case pc.failures.n > 0:
		if err := s.resetFailures(ctx, name); err != nil {
			return nil, err
		}
	}
	return &pc.cashier, nil
}

// matches hashes pin once with c's salt and compares in constant time.
func (s *AuthService) matches(pin string, c *cashierRecord) bool {
	return subtle.ConstantTimeCompare(s.hash(pin, c.Salt), c.PINHash) == 1
}

// recordFailure counts a wrong PIN, only for a cashier that exists.
func (s *AuthService) recordFailure(ctx context.Context, name string, now time.Time) error {
	return s.db.update(ctx, false, func(tx *bbolt.Tx) error {
		if tx.Bucket(bucketCashiers).Get([]byte(name)) == nil {
			return nil
		}
		b := tx.Bucket(bucketPINFailures)
		return b.Put([]byte(name), decodeFailures(b.Get([]byte(name))).fail(now).encode())
	})
}

// refuse answers an attempt that counts no failure (an unknown name, a
// wrong terminal token, a running lock) with err, after an empty commit:
// a counted wrong PIN waits for its fsynced write, and these answers must
// take as long, or the timing would tell a real cashier from a made-up
// name. The commit writes no data; a flood of them is bounded by the
// login rate limit and shares group commits.
func (s *AuthService) refuse(ctx context.Context, err error) error {
	if werr := s.db.update(ctx, false, func(*bbolt.Tx) error { return nil }); werr != nil {
		return werr
	}
	return err
}

// resetFailures clears the counter after a right PIN.
func (s *AuthService) resetFailures(ctx context.Context, name string) error {
	return s.db.update(ctx, false, func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketPINFailures).Delete([]byte(name))
	})
}
