package bolt

import (
	"context"
	"encoding/binary"
	"time"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// SyncStatus reports the outbox, central's last ack, the downlink versions
// applied and the dead letters, from one read transaction; the sync relay
// adds the link's state. DeadLetters counts every message ever put aside
// (a monotonic count, like a metric), not only the newest ones kept.
func (s *OutboxService) SyncStatus(ctx context.Context) (*pos.SyncStatus, error) {
	out := &pos.SyncStatus{DownlinkVersions: map[string]uint64{}}
	err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		out.StoreEpoch = txEpoch(tx)
		st, err := outboxStats(tx)
		if err != nil {
			return err
		}
		out.PendingEvents = st.Pending
		if st.Pending > 0 {
			out.OldestPendingAgeS = max(int64(s.db.Now().Sub(st.OldestCreated)/time.Second), 0)
		}
		out.NextSeq = tx.Bucket(bucketOutbox).Sequence() + 1
		out.LastAckSeq, out.LastAckAt = lastAck(tx, out.StoreEpoch)
		if b := tx.Bucket(bucketDownlinkVersions); b != nil {
			_ = b.ForEach(func(k, v []byte) error {
				out.DownlinkVersions[string(k)] = decodeU64(v)
				return nil
			})
		}
		if b := tx.Bucket(bucketDeadLetters); b != nil {
			out.DeadLetters = int(b.Sequence())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// decodeU64 reads a big-endian uint64 value; 0 for anything else.
func decodeU64(v []byte) uint64 {
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}
