package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// A fork is two devices writing the same storeseqs of one epoch: a data
// directory copied with cp, a cloned SD card. Central keeps whichever event
// of a storeseq reached it first and tells the other device (a conflict),
// or its ack digest disagrees with this device's events. The device that
// finds itself on the losing side sets the epoch's pending events aside
// (ForkEpoch) and moves them, a chunk per transaction, into its current
// epoch under new storeseqs (RebaseForked), keeping their ids: central
// stores an id it already has only once, so nothing is lost or doubled.
var (
	bucketOutboxForked = []byte("outbox_forked") // forked epoch → (old storeseq → event), waiting to be re-based
	keyRebaseHigh      = []byte("rebase_high")   // current epoch's highest storeseq given by a re-base (8)
	keyStoreID         = []byte("store_id")      // the shop this database belongs to
)

// migrateV6 prepares the digest-checked acks: the forked-events bucket,
// and a fresh epoch for a database central already acked before acks
// carried digests (its watermark has no digest to check the next ack
// against). Pending events of the old epoch drain under it, as a restored
// backup's do.
func migrateV6(tx *bbolt.Tx, now time.Time) error {
	if _, err := tx.CreateBucketIfNotExists(bucketOutboxForked); err != nil {
		return err
	}
	if last, _ := lastAck(tx, txEpoch(tx)); last == 0 {
		return nil
	}
	return beginEpoch(tx, false)
}

// beginEpoch ends the current epoch and starts a new one with an empty
// outbox whose storeseqs start again at 1. The old epoch's pending events
// go to outbox_prev (still sent under their own epoch) or, when forked, to
// outbox_forked (sent again in the new epoch by RebaseForked).
func beginEpoch(tx *bbolt.Tx, forked bool) error {
	meta := tx.Bucket(bucketMeta)
	old := []byte(txEpoch(tx))
	if k, _ := tx.Bucket(bucketOutbox).Cursor().First(); k != nil && forked {
		if err := forkInto(tx, bucketOutbox, nil, old); err != nil {
			return err
		}
	} else {
		if err := moveOutboxAside(tx, old); err != nil {
			return err
		}
		if err := tx.DeleteBucket(bucketOutbox); err != nil {
			return err
		}
	}
	if _, err := tx.CreateBucket(bucketOutbox); err != nil {
		return err
	}
	history := append(bytes.Clone(meta.Get(keyPreviousEpochs)), append(old, '\n')...)
	return putAll(meta, keyPreviousEpochs, history, keyEpoch, []byte(newEpoch()))
}

// forkInto moves the events bucket child of src (nil: a top-level bucket)
// into outbox_forked/<epoch>, with bbolt's MoveBucket: nothing is copied,
// however long the outbox. bbolt cannot rename a bucket, so each forked
// epoch is a container holding its one events bucket under its old name.
func forkInto(tx *bbolt.Tx, child []byte, src *bbolt.Bucket, epoch []byte) error {
	box, err := tx.Bucket(bucketOutboxForked).CreateBucketIfNotExists(epoch)
	if err != nil {
		return err
	}
	return tx.MoveBucket(child, src, box)
}

// forkedEvents returns the first forked epoch's name and events bucket
// (nil when its container is empty).
func forkedEvents(tx *bbolt.Tx) (name []byte, events *bbolt.Bucket) {
	forked := tx.Bucket(bucketOutboxForked)
	name, _ = forked.Cursor().First()
	if name == nil {
		return nil, nil
	}
	box := forked.Bucket(name)
	if child, _ := box.Cursor().First(); child != nil {
		return name, box.Bucket(child)
	}
	return name, nil
}

func isEmpty(b *bbolt.Bucket) bool {
	k, _ := b.Cursor().First()
	return k == nil
}

// PendingEventID returns the id of the pending event of epoch at seq, in
// the outbox or an older epoch's bucket.
func (s *OutboxService) PendingEventID(ctx context.Context, epoch string, seq uint64) (id string, ok bool, err error) {
	err = s.db.bolt.View(func(tx *bbolt.Tx) error {
		if b := epochEvents(tx, txEpoch(tx), epoch); b != nil {
			if v := b.Get(u64(seq)); v != nil {
				id, ok = eventID(v), true
			}
		}
		return nil
	})
	return id, ok, err
}

// ForkEpoch sets epoch's pending events aside for RebaseForked: the
// current epoch ends (a new one begins), an older epoch's bucket moves.
func (s *OutboxService) ForkEpoch(ctx context.Context, epoch string) (bool, error) {
	var moved bool
	err := s.db.update(ctx, false, func(tx *bbolt.Tx) error {
		moved = false
		if epoch == txEpoch(tx) {
			moved = true
			return beginEpoch(tx, true)
		}
		prev := tx.Bucket(bucketOutboxPrev)
		if prev.Bucket([]byte(epoch)) == nil {
			return nil
		}
		moved = true
		return forkInto(tx, []byte(epoch), prev, []byte(epoch))
	})
	if err != nil {
		return false, err
	}
	return moved, s.db.reloadEpoch()
}

// reloadEpoch refreshes the cached current epoch after a commit changed it.
func (db *DB) reloadEpoch() error {
	return db.bolt.View(func(tx *bbolt.Tx) error {
		db.setEpoch(txEpoch(tx))
		return nil
	})
}

// RebaseForked moves up to limit forked events, oldest epoch and storeseq
// first, to the end of the current epoch's outbox (see pos.OutboxService).
func (s *OutboxService) RebaseForked(ctx context.Context, limit int) (int, error) {
	if limit <= 0 {
		limit = DefaultPendingLimit
	}
	var pending bool
	if err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		k, _ := tx.Bucket(bucketOutboxForked).Cursor().First()
		pending = k != nil
		return nil
	}); err != nil || !pending {
		return 0, err
	}
	var n int
	err := s.db.update(ctx, true, func(tx *bbolt.Tx) (err error) {
		n, err = rebaseChunk(tx, limit)
		return err
	})
	return n, err
}

// rebaseChunk moves up to limit events of the first forked epoch.
func rebaseChunk(tx *bbolt.Tx, limit int) (int, error) {
	name, src := forkedEvents(tx)
	if name == nil {
		return 0, nil
	}
	name = bytes.Clone(name)
	outbox := tx.Bucket(bucketOutbox)
	outbox.FillPercent = 1.0
	epoch, n := txEpoch(tx), 0
	if src != nil {
		c := src.Cursor()
		for k, v := c.First(); k != nil && n < limit; k, v = c.First() {
			seq, err := outbox.NextSequence()
			if err != nil {
				return n, err
			}
			ev, err := rebased(v, epoch, seq)
			if err != nil {
				return n, fmt.Errorf("re-base event %d of epoch %s: %w", binary.BigEndian.Uint64(k), name, err)
			}
			if err := outbox.Put(u64(seq), ev); err != nil {
				return n, err
			}
			if err := c.Delete(); err != nil {
				return n, err
			}
			n++
		}
	}
	if src == nil || isEmpty(src) {
		if err := tx.Bucket(bucketOutboxForked).DeleteBucket(name); err != nil {
			return n, err
		}
	}
	high := append(u64(outbox.Sequence()), epoch...)
	return n, tx.Bucket(bucketMeta).Put(keyRebaseHigh, high)
}

// rebased re-numbers a stored event in epoch at seq; everything else,
// its id first, stays.
func rebased(v []byte, epoch string, seq uint64) ([]byte, error) {
	var e pos.Event
	if err := json.Unmarshal(v, &e); err != nil {
		return nil, err
	}
	e.StoreEpoch, e.StoreSeq = epoch, seq
	return json.Marshal(&e)
}

// rebasePending reports whether forked or re-based events are not yet
// acknowledged: their sales and returns keep their old storeseq, so prune
// must not judge them by it until central has them all.
func rebasePending(tx *bbolt.Tx) bool {
	if !isEmpty(tx.Bucket(bucketOutboxForked)) {
		return true
	}
	v := tx.Bucket(bucketMeta).Get(keyRebaseHigh)
	if len(v) < 8 {
		return false
	}
	high, epoch, current := binary.BigEndian.Uint64(v[:8]), string(v[8:]), txEpoch(tx)
	if epoch == current {
		last, _ := lastAck(tx, current)
		return high > last
	}
	return epochEvents(tx, current, epoch) != nil // still pending as an older epoch
}

// ErrWrongStore means serve was started with another store id than the
// one the database was first served as.
var ErrWrongStore = errors.New("this database belongs to another store")

// BindStore ties the database to the shop it serves: the first serve
// records the store id, and a later one under another id is refused, since
// the pending events name their shop and central would refuse them.
func (db *DB) BindStore(store string) error {
	return db.update(context.Background(), false, func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		switch have := string(meta.Get(keyStoreID)); have {
		case store:
			return nil
		case "":
			return meta.Put(keyStoreID, []byte(store))
		default:
			return fmt.Errorf("%w: it belongs to store %q, not %q; its events name %q, so central would refuse them (use --store %s, or another --data directory)",
				ErrWrongStore, have, store, have, have)
		}
	})
}
