package bolt

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

var _ pos.SyncStatusService = (*OutboxService)(nil)

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
		DataContentType: "application/json", StoreSeq: seq, StoreEpoch: db.epoch, Data: data,
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

// OutboxStats reports the pending range. Because the outbox is contiguous,
// the count is last − first + 1 and costs two cursor moves.
func (s *OutboxService) OutboxStats(ctx context.Context) (pos.OutboxStats, error) {
	var st pos.OutboxStats
	err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		k, v := c.First()
		if k == nil {
			return nil
		}
		last, _ := c.Last()
		st.FirstSeq, st.LastSeq = binary.BigEndian.Uint64(k), binary.BigEndian.Uint64(last)
		st.Pending = int(st.LastSeq - st.FirstSeq + 1)
		var head struct {
			Time time.Time `json:"time"`
		}
		if err := json.Unmarshal(v, &head); err != nil {
			return err
		}
		st.OldestCreated = head.Time
		return nil
	})
	return st, err
}

// SyncStatus reports the outbox; the sync relay adds the link's state.
func (s *OutboxService) SyncStatus(ctx context.Context) (*pos.SyncStatus, error) {
	st, err := s.OutboxStats(ctx)
	if err != nil {
		return nil, err
	}
	out := &pos.SyncStatus{PendingEvents: st.Pending, StoreEpoch: s.db.epoch, DownlinkVersions: map[string]uint64{}}
	if st.Pending > 0 {
		out.OldestPendingAgeS = max(int64(s.db.Now().Sub(st.OldestCreated)/time.Second), 0)
	}
	err = s.db.bolt.View(func(tx *bbolt.Tx) error {
		out.NextSeq = tx.Bucket(bucketOutbox).Sequence() + 1
		return nil
	})
	return out, err
}

// Events returns up to limit outbox events from storeseq from on, in order,
// as the raw CloudEvent JSON that was stored.
func (s *OutboxService) Events(ctx context.Context, from uint64, limit int) ([]json.RawMessage, error) {
	var out []json.RawMessage
	err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.Seek(u64(from)); k != nil && len(out) < limit; k, v = c.Next() {
			out = append(out, append(json.RawMessage(nil), v...))
		}
		return nil
	})
	return out, err
}
