package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

var (
	_ pos.SyncStatusService = (*OutboxService)(nil)
	_ pos.OutboxService     = (*OutboxService)(nil)
)

// DefaultPendingLimit is the number of events PendingEvents returns when
// the caller passes no limit: the SYNC-NOTES batch bound.
const DefaultPendingLimit = 500

// appendEvent adds an event to the outbox inside tx and returns its
// storeseq. The sequence comes from the outbox bucket's own counter, which
// moves only when a transaction commits, so sequences have no gaps and are
// never reused, even after the front of the outbox is trimmed.
func (db *DB) appendEvent(tx *bbolt.Tx, typ, terminal string, at time.Time, data []byte) (uint64, error) {
	b := tx.Bucket(bucketOutbox)
	b.FillPercent = 1.0 // append-only keys: pack pages full
	seq, err := b.NextSequence()
	if err != nil {
		return 0, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return 0, err
	}
	ev := pos.Event{
		SpecVersion: "1.0", ID: id.String(), Type: typ, Time: at.UTC(),
		Source:          "/stores/" + db.StoreID + "/terminals/" + terminal,
		DataContentType: "application/json", StoreSeq: seq, StoreEpoch: txEpoch(tx), Data: data,
	}
	buf, err := json.Marshal(&ev)
	if err != nil {
		return 0, err
	}
	return seq, b.Put(u64(seq), buf)
}

// OutboxService reads and trims the outbox.
type OutboxService struct{ db *DB }

// NewOutboxService returns an outbox service on db.
func NewOutboxService(db *DB) *OutboxService { return &OutboxService{db: db} }

// OutboxStats reports the pending range of the current epoch.
func (s *OutboxService) OutboxStats(ctx context.Context) (st pos.OutboxStats, err error) {
	err = s.db.bolt.View(func(tx *bbolt.Tx) error {
		st, err = outboxStats(tx)
		return err
	})
	return st, err
}

// outboxStats works out the pending range. Because the outbox is
// contiguous, the count is last − first + 1 and costs two cursor moves.
func outboxStats(tx *bbolt.Tx) (pos.OutboxStats, error) {
	var st pos.OutboxStats
	c := tx.Bucket(bucketOutbox).Cursor()
	k, v := c.First()
	if k == nil {
		return st, nil
	}
	last, _ := c.Last()
	st.FirstSeq, st.LastSeq = binary.BigEndian.Uint64(k), binary.BigEndian.Uint64(last)
	st.Pending = int(st.LastSeq - st.FirstSeq + 1)
	var head struct {
		Time time.Time `json:"time"`
	}
	if err := json.Unmarshal(v, &head); err != nil {
		return st, err
	}
	st.OldestCreated = head.Time
	return st, nil
}

// Events returns up to limit events of the current epoch from storeseq
// from on, in order, as the raw CloudEvent JSON that was stored.
func (s *OutboxService) Events(ctx context.Context, from uint64, limit int) ([]json.RawMessage, error) {
	return s.PendingEvents(ctx, "", from, limit, 0)
}

// PendingEvents returns the stored events of epoch ("" or the current
// epoch: the outbox; an older epoch: what it left pending) with storeseq >=
// from, in order: at most limit of them (DefaultPendingLimit when limit <=
// 0) and, as a JSON array, at most maxBytes (no bound when maxBytes <= 0),
// except that the first event is always returned whatever its size, so an
// oversized event can never stall the queue. An unknown epoch has none.
func (s *OutboxService) PendingEvents(ctx context.Context, epoch string, from uint64, limit, maxBytes int) ([]json.RawMessage, error) {
	if limit <= 0 {
		limit = DefaultPendingLimit
	}
	var out []json.RawMessage
	err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		b := epochEvents(tx, txEpoch(tx), epoch)
		if b == nil {
			return nil
		}
		size := 1 // "[" and, per event, the event and a "," or "]"
		c := b.Cursor()
		for k, v := c.Seek(u64(from)); k != nil && len(out) < limit; k, v = c.Next() {
			if maxBytes > 0 && len(out) > 0 && size+len(v)+1 > maxBytes {
				break
			}
			size += len(v) + 1
			out = append(out, bytes.Clone(v))
		}
		return nil
	})
	return out, err
}

// epochEvents returns the bucket holding epoch's pending events: the outbox
// for the current epoch (or ""), outbox_prev/<epoch> for an older one, nil
// when there is none.
func epochEvents(tx *bbolt.Tx, current, epoch string) *bbolt.Bucket {
	if epoch == "" || epoch == current {
		return tx.Bucket(bucketOutbox)
	}
	prev := tx.Bucket(bucketOutboxPrev)
	if prev == nil {
		return nil
	}
	return prev.Bucket([]byte(epoch))
}

// Epochs returns the current epoch and the older epochs (restored backups'
// predecessors) that still have events waiting for central's ack, oldest
// first.
func (s *OutboxService) Epochs(ctx context.Context) (current string, previous []string, err error) {
	err = s.db.bolt.View(func(tx *bbolt.Tx) error {
		current, previous = txEpoch(tx), pendingPreviousEpochs(tx)
		return nil
	})
	return current, previous, err
}

// pendingPreviousEpochs lists the non-empty sub-buckets of outbox_prev in
// the order the epochs ended (the meta history), then any others by name.
func pendingPreviousEpochs(tx *bbolt.Tx) []string {
	prev := tx.Bucket(bucketOutboxPrev)
	if prev == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	add := func(name string) {
		if b := prev.Bucket([]byte(name)); b != nil && !seen[name] {
			seen[name] = true
			if k, _ := b.Cursor().First(); k != nil {
				out = append(out, name)
			}
		}
	}
	for _, name := range strings.Split(string(tx.Bucket(bucketMeta).Get(keyPreviousEpochs)), "\n") {
		add(name)
	}
	_ = prev.ForEachBucket(func(k []byte) error { add(string(k)); return nil })
	return out
}
