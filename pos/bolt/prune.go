package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// pruneBatch is the most records one prune transaction looks at, so that a
// prune shares the writer with the tills in short turns.
var pruneBatch = 1000

// PruneResult says what Prune deleted.
type PruneResult struct {
	Sales   int
	Returns int
	Shifts  int
	Pickups int
}

// pruneStep looks at up to pruneBatch records after the key after,
// deletes those it may, and returns the key to go on from (nil: done).
type pruneStep func(tx *bbolt.Tx, olderThan time.Time, after []byte) (deleted int, next []byte, err error)

// Prune deletes the local copies of what central has and the retention no
// longer needs: sales and returns created before olderThan whose event
// central has acknowledged (with their indexes and idempotency keys),
// shifts closed before olderThan once central has their close event and
// none of their sales are left, and click & collect orders collected or
// cancelled before olderThan. Nothing whose event is still in an outbox
// is ever deleted. It works in transactions that each look at 1,000
// records at most, through the group commit, so sales go on meanwhile, and
// stops early when ctx ends (what was pruned stays pruned).
//
// While events set aside by a fork are being sent again, Prune does
// nothing: their records still carry their old storeseq.
//
// Idempotency keys go with their sale or return: a till retries within
// minutes, never past a retention of days, and keeping every key would
// grow the file without bound.
func (db *DB) Prune(ctx context.Context, olderThan time.Time) (PruneResult, error) {
	var res PruneResult
	var paused bool
	if err := db.bolt.View(func(tx *bbolt.Tx) error { paused = rebasePending(tx); return nil }); err != nil || paused {
		return res, err
	}
	steps := []struct {
		n    *int
		step pruneStep
	}{{&res.Sales, db.pruneSales}, {&res.Returns, db.pruneReturns}, {&res.Shifts, db.pruneShifts}, {&res.Pickups, prunePickups}}
	for _, s := range steps {
		n, err := db.pruneAll(ctx, olderThan, s.step)
		*s.n += n
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// pruneAll runs step in successive transactions until it is done.
func (db *DB) pruneAll(ctx context.Context, olderThan time.Time, step pruneStep) (int, error) {
	total := 0
	var after []byte
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		var n int
		var next []byte
		err := db.update(ctx, false, func(tx *bbolt.Tx) (err error) {
			n, next, err = step(tx, olderThan, after)
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		if next == nil {
			return total, nil
		}
		after = next
	}
}

// scanBatch calls fn on up to pruneBatch keys of b after the key after, in
// order, until fn says stop. It returns a copy of the last key seen when
// the batch was full (where to go on), nil when b or fn is done.
func scanBatch(b *bbolt.Bucket, after []byte, fn func(k, v []byte) (stop bool, err error)) ([]byte, error) {
	c := b.Cursor()
	k, v := c.First()
	if after != nil {
		if k, v = c.Seek(after); bytes.Equal(k, after) {
			k, v = c.Next()
		}
	}
	for n := 0; k != nil; k, v = c.Next() {
		if n == pruneBatch {
			return bytes.Clone(after), nil
		}
		if stop, err := fn(k, v); err != nil || stop {
			return nil, err
		}
		after, n = k, n+1
	}
	return nil, nil
}

// seqPending reports whether an event with storeseq seq may still wait for
// central's ack, in the current epoch or an older one. A sale does not
// record its epoch, so a seq found in any epoch's pending events counts:
// that errs on the side of keeping.
func seqPending(tx *bbolt.Tx, seq uint64) bool {
	key := u64(seq)
	if tx.Bucket(bucketOutbox).Get(key) != nil {
		return true
	}
	prev := tx.Bucket(bucketOutboxPrev)
	if prev == nil {
		return false
	}
	pending := false
	_ = prev.ForEachBucket(func(name []byte) error {
		pending = pending || prev.Bucket(name).Get(key) != nil
		return nil
	})
	return pending
}

// pruneSales deletes acknowledged sales older than olderThan, walking the
// time index from the oldest.
func (db *DB) pruneSales(tx *bbolt.Tx, olderThan time.Time, after []byte) (int, []byte, error) {
	end := timeKey(olderThan, "")
	var sales []*pos.Sale
	var dangling [][]byte
	next, err := scanBatch(tx.Bucket(bucketSalesByTime), after, func(k, v []byte) (bool, error) {
		if bytes.Compare(k, end) >= 0 {
			return true, nil
		}
		sale, err := findSale(tx, string(k[8:]))
		if pos.ErrorCode(err) == pos.CodeNotFound {
			dangling = append(dangling, bytes.Clone(k))
			return false, nil
		} else if err != nil {
			return true, err
		}
		if sale.CreatedAt.Before(olderThan) && !seqPending(tx, sale.StoreSeq) {
			sales = append(sales, sale)
		}
		return false, nil
	})
	if err != nil {
		return 0, nil, err
	}
	for _, k := range dangling {
		if err := tx.Bucket(bucketSalesByTime).Delete(k); err != nil {
			return 0, nil, err
		}
	}
	for _, s := range sales {
		if err := deleteSale(tx, s); err != nil {
			return 0, nil, err
		}
	}
	return len(sales), next, nil
}

// deleteSale removes a sale with its indexes and idempotency key.
func deleteSale(tx *bbolt.Tx, s *pos.Sale) error {
	if err := tx.Bucket(bucketSalesByTime).Delete(timeKey(s.CreatedAt, s.ID)); err != nil {
		return err
	}
	byShift := tx.Bucket(bucketSalesByShift)
	if sk := shiftKey(s.ShiftID, s.ReceiptNo); string(byShift.Get(sk)) == s.ID {
		if err := byShift.Delete(sk); err != nil {
			return err
		}
	}
	if err := deleteKeyOf(tx.Bucket(bucketSaleKeys), s.IdempotencyKey, s.ID); err != nil {
		return err
	}
	return tx.Bucket(bucketSales).Delete([]byte(s.ID))
}

// deleteKeyOf deletes an idempotency key if it belongs to record id.
func deleteKeyOf(b *bbolt.Bucket, key, id string) error {
	if key == "" {
		return nil
	}
	var rec keyRecord
	if found, err := getJSON(b, idemKey(key), &rec); err != nil || !found || rec.ID != id {
		return err
	}
	return b.Delete(idemKey(key))
}

// pruneReturns deletes acknowledged returns older than olderThan.
func (db *DB) pruneReturns(tx *bbolt.Tx, olderThan time.Time, after []byte) (int, []byte, error) {
	var rets []pos.Return
	next, err := scanBatch(tx.Bucket(bucketReturns), after, func(k, v []byte) (bool, error) {
		var r pos.Return
		if err := json.Unmarshal(v, &r); err != nil {
			return true, err
		}
		if r.CreatedAt.Before(olderThan) && !seqPending(tx, r.StoreSeq) {
			rets = append(rets, r)
		}
		return false, nil
	})
	if err != nil {
		return 0, nil, err
	}
	for _, r := range rets {
		if err := deleteKeyOf(tx.Bucket(bucketReturnKeys), r.IdempotencyKey, r.ID); err != nil {
			return 0, nil, err
		}
		if err := tx.Bucket(bucketReturns).Delete([]byte(r.ID)); err != nil {
			return 0, nil, err
		}
	}
	return len(rets), next, nil
}
