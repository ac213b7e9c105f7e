package central

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/storeedge/storeedge/pos"
	storesync "github.com/storeedge/storeedge/sync"
)

// handleBatch verifies one events message, applies it and publishes the
// acks and conflict notices. Nothing here can panic on a peer's input. A
// batch that is not signed by the shop its topic names is refused and
// counted; a batch that is not a JSON array is counted and dropped. Inside
// a verified batch, an event central cannot store as business rows is
// quarantined and acked past, so no single event stalls a shop; a batch the
// database refuses is counted and not acked (the shop resends it).
func (s *Server) handleBatch(m message) {
	payload, err := s.fromShop(m.store, storesync.KindEvents, m.payload)
	if err != nil {
		s.reject(m.store, "events", err)
		return
	}
	events, err := decodeBatch(m.store, payload)
	if err != nil {
		s.metrics.malformed.Inc()
		s.Logger.Warn("malformed batch dropped", "store", m.store, "bytes", len(payload), "err", err)
		return
	}
	s.metrics.batchEvents.Observe(float64(len(events)))
	start := time.Now()
	res, err := s.applyWithRetry(m.store, events)
	if err != nil {
		s.metrics.applyFailures.Inc()
		s.Logger.Error("batch not applied (the shop resends it)", "store", m.store, "events", len(events), "err", err)
		return
	}
	s.metrics.applySeconds.Observe(time.Since(start).Seconds())
	s.count(res, len(events))
	for _, a := range res.acks {
		s.publishAck(a)
	}
	for _, c := range res.conflicts {
		s.publishConflict(c)
	}
	for _, d := range res.downlinks {
		s.publishDownlink("", d) // new balances, chain-wide
	}
	if s.hook != nil {
		s.hook.enqueue(res.inserted)
	}
}

// count adds a batch's outcome to the metrics and logs what needs an eye.
func (s *Server) count(res *applyResult, n int) {
	s.metrics.applied.Add(float64(len(res.inserted)))
	s.metrics.duplicates.Add(float64(res.duplicates))
	s.metrics.effectFailures.Add(float64(res.effectFailures))
	s.metrics.quarantined.WithLabelValues(res.store).Add(float64(res.quarantined))
	s.metrics.aliases.Add(float64(res.aliases))
	s.metrics.conflicts.WithLabelValues(res.store).Add(float64(res.conflictCount))
	if res.quarantined > 0 {
		s.Logger.Warn("events quarantined (kept verbatim, acked past)", "store", res.store, "quarantined", res.quarantined, "of", n)
	}
	if res.conflictCount > 0 {
		s.Logger.Warn("conflict: another event is already stored at these storeseqs (two devices write one epoch?)",
			"store", res.store, "conflicts", res.conflictCount)
	}
}

// incoming is one event of a batch as central sorts it out. Slotted events
// say where they go in their shop's sequence (epoch, seq); of those, an
// event with a reason is quarantined in its place, the others are stored.
// An unslotted event is kept in quarantine only: it cannot be acked past.
type incoming struct {
	raw     json.RawMessage
	ev      pos.Event
	slotted bool
	reason  string
}

func (in *incoming) key() eventKey { return eventKey{in.ev.StoreEpoch, int64(in.ev.StoreSeq)} }

// decodeBatch parses a shop's batch. Only a payload that is not a JSON
// array of 1 to MaxBatchEvents values is an error; every event in it is
// either good or carries the reason it is quarantined. Slotted events come
// first, sorted by epoch and storeseq, so concurrent transactions take
// their locks in one order.
func decodeBatch(store string, payload []byte) ([]incoming, error) {
	if len(payload) > storesync.MaxMessageBytes {
		return nil, fmt.Errorf("%w: batch of %d bytes", storesync.ErrMalformed, len(payload))
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(payload, &raws); err != nil {
		return nil, fmt.Errorf("%w: batch: %v", storesync.ErrMalformed, err)
	}
	if len(raws) == 0 || len(raws) > storesync.MaxBatchEvents {
		return nil, fmt.Errorf("%w: batch of %d events", storesync.ErrMalformed, len(raws))
	}
	out := make([]incoming, len(raws))
	for i, raw := range raws {
		out[i] = sortOut(store, raw)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if a.slotted != b.slotted {
			return a.slotted
		}
		return a.ev.StoreEpoch < b.ev.StoreEpoch || a.ev.StoreEpoch == b.ev.StoreEpoch && a.ev.StoreSeq < b.ev.StoreSeq
	})
	return out, nil
}

// sortOut decodes one event and decides what becomes of it.
func sortOut(store string, raw json.RawMessage) incoming {
	in := incoming{raw: raw}
	if err := json.Unmarshal(raw, &in.ev); err != nil {
		in.ev = pos.Event{}
		in.reason = "not a CloudEvent: " + err.Error()
		return in
	}
	e := &in.ev
	in.slotted = storesync.ValidEpoch(e.StoreEpoch) && e.StoreSeq > 0 && e.StoreSeq <= math.MaxInt64
	if id, err := uuid.Parse(e.ID); err == nil {
		e.ID = id.String() // one spelling per UUID, as PostgreSQL compares them
	}
	if err := storesync.CheckEvent(store, e); err != nil {
		in.reason = err.Error()
	} else if reason := unstorable(e); reason != "" {
		in.reason = reason
	}
	return in
}

// unstorable is what PostgreSQL would refuse in an event CheckEvent passed.
func unstorable(e *pos.Event) string {
	switch {
	case strings.IndexByte(e.Type, 0) >= 0 || strings.IndexByte(e.Source, 0) >= 0:
		return "NUL in type or source"
	case !utf8.Valid(e.Data) || !utf8.ValidString(e.Type) || !utf8.ValidString(e.Source):
		return "not UTF-8"
	case hasNULEscape(e.Data):
		return `\u0000 in data`
	}
	return ""
}

// hasNULEscape reports a \u0000 escape in JSON text (jsonb refuses it),
// telling it apart from an escaped backslash followed by "u0000".
func hasNULEscape(b []byte) bool {
	for i := 0; i+6 <= len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if string(b[i+1:i+6]) == "u0000" {
			return true
		}
		i++ // skip the escaped character, which may be a backslash
	}
	return false
}

// hashOf names a quarantined event's text, so a resend is not kept twice.
func hashOf(b []byte) []byte {
	sum := sha256.Sum256(b)
	return sum[:]
}

// applyWithRetry applies a batch, retrying transactions that PostgreSQL
// aborted to break a deadlock or a serialization conflict. A data error
// (a value the schema refuses) is not retried: it would fail again.
func (s *Server) applyWithRetry(store string, events []incoming) (*applyResult, error) {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		ctx, cancel := context.WithTimeout(s.workCtx, s.ApplyTimeout)
		var res *applyResult
		res, err = s.apply(ctx, store, events)
		cancel()
		if err == nil || !retryable(err) || s.workCtx.Err() != nil {
			return res, err
		}
		time.Sleep(time.Duration(attempt+1) * 20 * time.Millisecond)
	}
	return nil, err
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40P01" || pe.Code == "40001" // deadlock_detected, serialization_failure
	}
	return false
}

// publishAck publishes a shop's ack, signed and retained, after the commit.
func (s *Server) publishAck(a storesync.Ack) {
	if a.UptoSeq == 0 {
		return // nothing of this epoch is stored yet: there is nothing to ack
	}
	if s.testDropAck != nil && s.testDropAck(a.Store) {
		return
	}
	b, _ := json.Marshal(a)
	if s.publishSigned(storesync.AcksTopic(a.Store), storesync.KindAck, a.Store, b, true, s.metrics.ackFailures) {
		s.metrics.acksPublished.Inc()
	}
}

// publishConflict tells a shop, signed and not retained, that central holds
// another event at a place of its sequence. Central says it again whenever
// the other event is offered again, so a shop offline now hears it later.
func (s *Server) publishConflict(c storesync.Conflict) {
	b, _ := json.Marshal(c)
	s.publishSigned(storesync.AcksTopic(c.Store), storesync.KindConflict, c.Store, b, false, s.metrics.ackFailures)
}
