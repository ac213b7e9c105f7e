package bolt

import (
	"context"
	"encoding/binary"
	"time"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// Meta keys of central's acknowledgements. The watermark is stored with the
// epoch it belongs to, so a restored backup (a new epoch, whose sequence
// starts again at 1) never inherits the old epoch's watermark.
var (
	keyLastAckEpoch = []byte("last_ack_epoch")
	keyLastAckSeq   = []byte("last_ack_seq")
	keyLastAckAt    = []byte("last_ack_at")
)

// ackPlan is what an ack will do, worked out before anything is written so
// that a replayed ack (central's retained message, on every reconnect)
// costs no commit and no fsync.
type ackPlan struct {
	events  *bbolt.Bucket // nil: an unknown or drained epoch
	current bool
	upto    uint64 // clamped to the last event the epoch has
	trim    int    // events to delete
	mark    uint64 // the epoch's watermark after the ack
	advance bool   // the current epoch's watermark moves
}

// planAck works out an ack of epoch up to upto. The outbox and each old
// epoch's bucket are contiguous ranges trimmed from the front, so the
// number of events to delete is a subtraction.
func planAck(tx *bbolt.Tx, current, epoch string, upto uint64) ackPlan {
	p := ackPlan{current: epoch == current}
	if epoch != "" {
		p.events = epochEvents(tx, current, epoch)
	}
	if p.current {
		p.upto = min(upto, p.events.Sequence()) // nothing beyond what was ever written
		last, _ := lastAck(tx, current)
		p.mark, p.advance = max(last, p.upto), p.upto > last
	}
	if p.events == nil {
		return p
	}
	c := p.events.Cursor()
	first, _ := c.First()
	lastKey, _ := c.Last()
	if first == nil {
		return p
	}
	lo, hi := binary.BigEndian.Uint64(first), binary.BigEndian.Uint64(lastKey)
	if !p.current {
		p.upto = min(upto, hi)
		p.mark = max(p.upto, lo-1)
	}
	if p.upto >= lo {
		p.trim = int(min(p.upto, hi) - lo + 1)
	}
	return p
}

// AckEvents applies central's cumulative ack: every event of epoch with
// storeseq <= upto is deleted, in one group-committed transaction. An ack
// never fails on a peer's mistake: an unknown epoch (or "") does nothing,
// an ack beyond the last event is clamped to it, and an older ack than the
// watermark (a replay) changes nothing. For the current epoch LastAckSeq
// is the watermark, which never goes backwards; for an older epoch it is
// the sequence below its first event still pending (0 if unknown).
func (s *OutboxService) AckEvents(ctx context.Context, epoch string, upto uint64) (pos.AckResult, error) {
	var res pos.AckResult
	var noop bool
	err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		p := planAck(tx, s.db.epoch, epoch, upto)
		res, noop = pos.AckResult{LastAckSeq: p.mark}, p.trim == 0 && !p.advance
		return nil
	})
	if err != nil || noop {
		return res, err
	}
	now := s.db.Now().UTC()
	err = s.db.update(ctx, false, func(tx *bbolt.Tx) (err error) {
		res, err = s.db.ack(tx, epoch, upto, now)
		return err
	})
	return res, err
}

// ack trims the acked events and moves the watermark, inside tx.
func (db *DB) ack(tx *bbolt.Tx, epoch string, upto uint64, now time.Time) (pos.AckResult, error) {
	p := planAck(tx, db.epoch, epoch, upto)
	res := pos.AckResult{LastAckSeq: p.mark}
	if p.trim == 0 && !p.advance {
		return res, nil
	}
	n, err := trimFront(p.events, p.upto)
	if err != nil {
		return res, err
	}
	res.Trimmed = n
	meta := tx.Bucket(bucketMeta)
	if p.advance {
		if err := meta.Put(keyLastAckEpoch, []byte(db.epoch)); err != nil {
			return res, err
		}
		if err := meta.Put(keyLastAckSeq, u64(p.mark)); err != nil {
			return res, err
		}
	}
	if !p.current {
		if err := dropIfEmpty(tx.Bucket(bucketOutboxPrev), epoch); err != nil {
			return res, err
		}
	}
	return res, meta.Put(keyLastAckAt, []byte(now.Format(time.RFC3339Nano)))
}

// trimFront deletes the keys of b up to upto (big-endian sequences). It
// goes back to First after each delete rather than trusting Next after a
// cursor Delete, which may skip an element.
func trimFront(b *bbolt.Bucket, upto uint64) (int, error) {
	if b == nil {
		return 0, nil
	}
	n := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k) <= upto; k, _ = c.First() {
		if err := c.Delete(); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// dropIfEmpty deletes an old epoch's bucket once central has all of it.
func dropIfEmpty(prev *bbolt.Bucket, epoch string) error {
	b := prev.Bucket([]byte(epoch))
	if b == nil {
		return nil
	}
	if k, _ := b.Cursor().First(); k != nil {
		return nil
	}
	return prev.DeleteBucket([]byte(epoch))
}

// lastAck returns the watermark of epoch (0 when central never acked it)
// and when central last acknowledged anything.
func lastAck(tx *bbolt.Tx, epoch string) (uint64, *time.Time) {
	meta := tx.Bucket(bucketMeta)
	var seq uint64
	if string(meta.Get(keyLastAckEpoch)) == epoch {
		if v := meta.Get(keyLastAckSeq); len(v) == 8 {
			seq = binary.BigEndian.Uint64(v)
		}
	}
	at, err := time.Parse(time.RFC3339Nano, string(meta.Get(keyLastAckAt)))
	if err != nil {
		return seq, nil
	}
	return seq, &at
}
