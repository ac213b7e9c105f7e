package bolt

import "go.etcd.io/bbolt"

// SetExpireBatch sets the reservations per sweeper transaction for a test
// and returns a function that restores it.
func SetExpireBatch(n int) (restore func()) {
	old := expireBatch
	expireBatch = n
	return func() { expireBatch = old }
}

// AnonymousHeld returns what anonymous reservations hold of sku.
func AnonymousHeld(db *DB, sku string) (n int64) {
	_ = db.bolt.View(func(tx *bbolt.Tx) error { n = anonymousHeld(tx, sku); return nil })
	return n
}
