package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"time"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// Meta keys of central's acknowledgements. The watermark is stored with the
// epoch it belongs to, so a restored backup (a new epoch, whose sequence
// starts again at 1) never inherits the old epoch's watermark. The digest
// is the pos.ChainDigest of the current epoch's events up to the watermark:
// the base from which the next ack's digest is checked.
var (
	keyLastAckEpoch = []byte("last_ack_epoch")
	keyLastAckSeq   = []byte("last_ack_seq")
	keyLastAckAt    = []byte("last_ack_at")
	keyAckDigest    = []byte("ack_digest")
)

// ackPlan is what an ack will do, worked out before anything is written so
// that a replayed ack (central's retained message, on every reconnect)
// costs no commit and no fsync.
type ackPlan struct {
	events  *bbolt.Bucket // nil: an unknown, drained or forked epoch
	current bool
	upto    uint64 // clamped to the last event the epoch has
	trim    int    // events to delete
	mark    uint64 // the epoch's watermark after the ack
	advance bool   // the current epoch's watermark moves
	digest  pos.ChainDigest
	outcome string
}

// planAck works out an ack of epoch up to upto. The outbox and each old
// epoch's bucket are contiguous ranges trimmed from the front, so the
// number of events to delete is a subtraction.
func planAck(tx *bbolt.Tx, epoch string, upto uint64, digest *pos.ChainDigest) ackPlan {
	current := txEpoch(tx)
	p := ackPlan{current: epoch == current, outcome: pos.AckApplied}
	if epoch != "" {
		p.events = epochEvents(tx, current, epoch)
	}
	if p.events == nil {
		p.outcome = pos.AckUnknownEpoch
		return p
	}
	if p.current {
		if !planCurrent(tx, &p, upto, digest) {
			return p
		}
	}
	c := p.events.Cursor()
	first, _ := c.First()
	lastKey, _ := c.Last()
	if first == nil {
		if !p.advance {
			p.outcome = pos.AckReplay
		}
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
	if p.trim == 0 && !p.advance {
		p.outcome = pos.AckReplay
	}
	return p
}

// planCurrent checks an ack of the current epoch: never beyond what this
// shop wrote, and (with a digest) only over this shop's own events. It
// reports whether the ack may go on.
func planCurrent(tx *bbolt.Tx, p *ackPlan, upto uint64, digest *pos.ChainDigest) bool {
	last, _ := lastAck(tx, txEpoch(tx))
	base := ackDigest(tx)
	p.mark, p.digest = last, base
	written := p.events.Sequence()
	switch {
	case upto <= last:
		p.outcome = pos.AckReplay
		return false
	case digest == nil:
		p.upto = min(upto, written) // lab mode: trusted, clamped
	case upto > written:
		p.outcome = pos.AckBeyond
		return false
	default:
		d, ok := chainOver(p.events, base, last, upto)
		if !ok || d != *digest {
			p.outcome = pos.AckMismatch
			return false
		}
		p.upto, p.digest = upto, d
	}
	p.mark, p.advance = max(last, p.upto), p.upto > last
	return true
}

// chainOver extends base (the digest at storeseq from) over the events
// from+1..upto of b, which must all be there in order.
func chainOver(b *bbolt.Bucket, base pos.ChainDigest, from, upto uint64) (pos.ChainDigest, bool) {
	d, want := base, from+1
	c := b.Cursor()
	for k, v := c.Seek(u64(want)); k != nil && want <= upto; k, v = c.Next() {
		if binary.BigEndian.Uint64(k) != want {
			return d, false
		}
		d = d.Next(eventID(v))
		want++
	}
	return d, want == upto+1
}

// storedIDPrefix is how every stored event begins (json.Marshal of a
// pos.Event), so its id can be read without decoding the whole event.
var storedIDPrefix = []byte(`{"specversion":"1.0","id":"`)

// eventID returns the id of a stored CloudEvent.
func eventID(v []byte) string {
	n := len(storedIDPrefix)
	if bytes.HasPrefix(v, storedIDPrefix) && len(v) > n+36 && v[n+36] == '"' {
		return string(v[n : n+36])
	}
	var e struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(v, &e)
	return e.ID
}

// AckEvents applies central's cumulative ack (see pos.OutboxService): the
// covered events are deleted in one group-committed transaction. An ack
// never fails on a peer's mistake: Outcome says what it did, and only
// storage errors are errors. For the current epoch LastAckSeq is the
// watermark, which never goes backwards; for an older epoch it is the
// sequence below its first event still pending (0 if unknown).
func (s *OutboxService) AckEvents(ctx context.Context, epoch string, upto uint64, digest *pos.ChainDigest) (pos.AckResult, error) {
	var p ackPlan
	err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		p = planAck(tx, epoch, upto, digest)
		return nil
	})
	res := pos.AckResult{LastAckSeq: p.mark, Outcome: p.outcome}
	if err != nil || p.outcome != pos.AckApplied {
		return res, err
	}
	now := s.db.Now().UTC()
	err = s.db.update(ctx, false, func(tx *bbolt.Tx) (err error) {
		res, err = s.db.ack(tx, epoch, upto, digest, now)
		return err
	})
	return res, err
}

// ack trims the acked events and moves the watermark, inside tx.
func (db *DB) ack(tx *bbolt.Tx, epoch string, upto uint64, digest *pos.ChainDigest, now time.Time) (pos.AckResult, error) {
	p := planAck(tx, epoch, upto, digest)
	res := pos.AckResult{LastAckSeq: p.mark, Outcome: p.outcome}
	if p.outcome != pos.AckApplied {
		return res, nil
	}
	n, err := trimFront(p.events, p.upto)
	if err != nil {
		return res, err
	}
	res.Trimmed = n
	meta := tx.Bucket(bucketMeta)
	if p.advance {
		if err := putAll(meta, keyLastAckEpoch, []byte(epoch), keyLastAckSeq, u64(p.mark), keyAckDigest, p.digest[:]); err != nil {
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

// putAll puts key, value pairs into b.
func putAll(b *bbolt.Bucket, kv ...[]byte) error {
	for i := 0; i+1 < len(kv); i += 2 {
		if err := b.Put(kv[i], kv[i+1]); err != nil {
			return err
		}
	}
	return nil
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

// ackDigest is the current epoch's digest at its watermark: zero before
// the first ack. The key is written with the watermark, and cleared when
// an epoch begins (migration 6 begins one for databases acked before it).
func ackDigest(tx *bbolt.Tx) pos.ChainDigest {
	var d pos.ChainDigest
	meta := tx.Bucket(bucketMeta)
	if string(meta.Get(keyLastAckEpoch)) == txEpoch(tx) {
		copy(d[:], meta.Get(keyAckDigest))
	}
	return d
}
