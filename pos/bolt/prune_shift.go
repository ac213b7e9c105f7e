package bolt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"time"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// pruneShifts deletes shifts closed before olderThan once central has
// their close event and none of their sales are left (Prune removes sales
// first).
func (db *DB) pruneShifts(tx *bbolt.Tx, olderThan time.Time, after []byte) (int, []byte, error) {
	var ids [][]byte
	next, err := scanBatch(tx.Bucket(bucketShifts), after, func(k, v []byte) (bool, error) {
		var sh pos.Shift
		if err := json.Unmarshal(v, &sh); err != nil {
			return true, err
		}
		if sh.ClosedAt != nil && sh.ClosedAt.Before(olderThan) && !hasSales(tx, sh.ID) &&
			string(tx.Bucket(bucketOpenShifts).Get([]byte(sh.TerminalID))) != sh.ID && db.closeAcked(tx, sh.ID) {
			ids = append(ids, bytes.Clone(k))
		}
		return false, nil
	})
	if err != nil {
		return 0, nil, err
	}
	for _, id := range ids {
		if err := tx.Bucket(bucketShifts).Delete(id); err != nil {
			return 0, nil, err
		}
		if err := tx.Bucket(bucketShiftCloseSeqs).Delete(id); err != nil {
			return 0, nil, err
		}
	}
	return len(ids), next, nil
}

// hasSales reports whether any sale of a shift is still stored.
func hasSales(tx *bbolt.Tx, shiftID string) bool {
	prefix := append([]byte(shiftID), 0)
	k, _ := tx.Bucket(bucketSalesByShift).Cursor().Seek(prefix)
	return k != nil && bytes.HasPrefix(k, prefix)
}

// closeAcked reports whether central has a shift's close event. A shift
// closed before its close event was recorded (schema v1) counts as acked
// only when no event of any epoch is pending at all.
func (db *DB) closeAcked(tx *bbolt.Tx, shiftID string) bool {
	v := tx.Bucket(bucketShiftCloseSeqs).Get([]byte(shiftID))
	if len(v) < 8 {
		k, _ := tx.Bucket(bucketOutbox).Cursor().First()
		return k == nil && len(pendingPreviousEpochs(tx)) == 0
	}
	seq, epoch := binary.BigEndian.Uint64(v[:8]), string(v[8:])
	if epoch == "" {
		return false // never written so; keep rather than guess
	}
	b := epochEvents(tx, txEpoch(tx), epoch)
	return b == nil || b.Get(u64(seq)) == nil
}

// prunePickups deletes click & collect orders that are over (collected,
// no-show or cancelled, here or by central) and were created before
// olderThan: central has them, and the shop no longer needs them. Their
// item versions stay, so a replayed message cannot bring them back. A
// final order holds no stock, so only its records go.
func prunePickups(tx *bbolt.Tx, olderThan time.Time, after []byte) (int, []byte, error) {
	var ids [][]byte
	next, err := scanBatch(tx.Bucket(bucketPickups), after, func(k, v []byte) (bool, error) {
		var p pos.Pickup
		if err := json.Unmarshal(v, &p); err != nil {
			return true, err
		}
		if err := mergeLocal(tx, &p); err != nil {
			return true, err
		}
		if pos.PickupFinal(p.Status) && p.CreatedAt.Before(olderThan) {
			ids = append(ids, bytes.Clone(k))
		}
		return false, nil
	})
	if err != nil {
		return 0, nil, err
	}
	for _, id := range ids {
		for _, b := range [][]byte{bucketPickups, bucketPickupLocal, bucketPickupHolds} {
			if err := tx.Bucket(b).Delete(id); err != nil {
				return 0, nil, err
			}
		}
	}
	return len(ids), next, nil
}
