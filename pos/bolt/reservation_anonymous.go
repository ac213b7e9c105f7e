package bolt

import (
	"encoding/binary"

	"go.etcd.io/bbolt"
)

// bucketAnonymousHolds keeps, per SKU, what reservations of anonymous
// shoppers hold together (schema v5), so the share check of
// pos.AnonymousLimits costs one lookup instead of a scan of every
// reservation. Reservations made before v5 are not anonymous: they hold
// stock as identified customers' do until they end.
var bucketAnonymousHolds = []byte("anonymous_holds") // sku → held (8 bytes)

// anonymousHeld returns what anonymous reservations hold of sku.
func anonymousHeld(tx *bbolt.Tx, sku string) int64 {
	v := tx.Bucket(bucketAnonymousHolds).Get([]byte(sku))
	if len(v) != 8 {
		return 0
	}
	return int64(binary.BigEndian.Uint64(v))
}

// holdReservation changes the stock a reservation holds by delta (negative
// to release it), and the anonymous holds with it when it is anonymous.
func holdReservation(tx *bbolt.Tx, rec *reservationRecord, delta int64) error {
	if err := holdStock(tx, rec.SKU, delta); err != nil {
		return err
	}
	if !rec.Anonymous {
		return nil
	}
	b := tx.Bucket(bucketAnonymousHolds)
	held := max(anonymousHeld(tx, rec.SKU)+delta, 0)
	if held == 0 {
		return b.Delete([]byte(rec.SKU))
	}
	return b.Put([]byte(rec.SKU), u64(uint64(held)))
}
