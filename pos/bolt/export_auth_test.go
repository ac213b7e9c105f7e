package bolt

import (
	"time"

	"go.etcd.io/bbolt"
)

// SetPINHash replaces the PIN hash of s, for tests that count its calls or
// need it cheap.
func SetPINHash(s *AuthService, hash func(pin string, salt []byte) []byte) { s.hash = hash }

// PINFailures returns the wrong-PIN counter of a folded cashier name and
// how many names have one.
func PINFailures(db *DB, name string) (n uint64, until time.Time, names int) {
	_ = db.bolt.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketPINFailures)
		f := decodeFailures(b.Get([]byte(name)))
		n, until, names = f.n, f.until, b.Stats().KeyN
		return nil
	})
	return n, until, names
}

// LastTxID returns the id of the last committed write transaction: tests
// count commits with it.
func LastTxID(db *DB) (id int) {
	_ = db.bolt.View(func(tx *bbolt.Tx) error { id = tx.ID(); return nil })
	return id
}
