package central

import (
	"context"
	"encoding/json"
	"math"
	"strings"

	storesync "github.com/storeedge/storeedge/sync"
)

// sqlUpsertStatus stores a shop's retained status. last_seen moves only
// when the shop says it is online: the will (online false) is the broker
// speaking for a shop it lost.
const sqlUpsertStatus = `INSERT INTO stores (store, online, last_seen, pending_events, last_ack_seq, version, updated_at)
VALUES ($1, $2, CASE WHEN $2 THEN now() END, $3, $4, $5, now())
ON CONFLICT (store) DO UPDATE SET online = EXCLUDED.online,
	last_seen = COALESCE(EXCLUDED.last_seen, stores.last_seen),
	pending_events = EXCLUDED.pending_events, last_ack_seq = EXCLUDED.last_ack_seq,
	version = EXCLUDED.version, updated_at = now()`

// handleStatus stores a shop's status message. It is decoded leniently,
// because shops may add fields; one that does not decode is dropped.
func (s *Server) handleStatus(m message) {
	payload, err := s.fromShop(m.store, storesync.KindStatus, m.payload)
	if err != nil {
		s.reject(m.store, "status", err)
		return
	}
	var st storesync.Status
	if err := json.Unmarshal(payload, &st); err != nil || st.PendingEvents < 0 || st.LastAckSeq > math.MaxInt64 {
		s.metrics.malformed.Inc()
		s.Logger.Warn("malformed status dropped", "store", m.store, "err", err)
		return
	}
	ctx, cancel := context.WithTimeout(s.workCtx, s.ApplyTimeout)
	defer cancel()
	version := st.Version
	if len(version) > 200 {
		version = version[:200]
	}
	version = strings.ToValidUTF8(strings.ReplaceAll(version, "\x00", ""), "")
	_, err = s.pool.Exec(ctx, sqlUpsertStatus, m.store, st.Online, int64(st.PendingEvents), int64(st.LastAckSeq), version)
	if err != nil {
		s.Logger.Error("status not stored", "store", m.store, "err", err)
		return
	}
	s.metrics.statusUpdates.Inc()
}
