package central

import (
	"context"
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

// handleBatch decodes one events message, applies it and publishes the
// acks. Nothing here can panic on a peer's input: a batch that does not
// decode is counted and dropped, one the database refuses is counted and
// not acked (the shop resends it).
func (s *Server) handleBatch(m message) {
	events, err := decodeBatch(m.store, m.payload)
	if err != nil {
		s.metrics.malformed.Inc()
		s.Logger.Warn("malformed batch dropped", "store", m.store, "bytes", len(m.payload), "err", err)
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
	s.metrics.applied.Add(float64(len(res.inserted)))
	s.metrics.duplicates.Add(float64(len(events) - len(res.inserted)))
	s.metrics.effectFailures.Add(float64(res.effectFailures))
	for _, a := range res.acks {
		s.publishAck(a)
	}
	if s.hook != nil {
		s.hook.enqueue(res.inserted)
	}
}

// decodeBatch is sync.DecodeBatch plus what PostgreSQL would refuse, so a
// hostile batch is dropped here rather than failing its transaction again
// at every resend. Events come back sorted by epoch and storeseq, so
// concurrent transactions take their locks in one order.
func decodeBatch(store string, payload []byte) ([]pos.Event, error) {
	events, err := storesync.DecodeBatch(store, payload)
	if err != nil {
		return nil, err
	}
	for i := range events {
		e := &events[i]
		id, _ := uuid.Parse(e.ID) // DecodeBatch validated it
		e.ID = id.String()        // one spelling per UUID, as PostgreSQL compares them
		switch {
		case e.StoreSeq > math.MaxInt64:
			return nil, fmt.Errorf("%w: event %d: storeseq out of range", storesync.ErrMalformed, i)
		case strings.IndexByte(e.Type, 0) >= 0 || strings.IndexByte(e.Source, 0) >= 0:
			return nil, fmt.Errorf("%w: event %d: NUL in type or source", storesync.ErrMalformed, i)
		case !utf8.Valid(e.Data) || !utf8.ValidString(e.Type) || !utf8.ValidString(e.Source):
			return nil, fmt.Errorf("%w: event %d: not UTF-8", storesync.ErrMalformed, i)
		case hasNULEscape(e.Data):
			return nil, fmt.Errorf("%w: event %d: \\u0000 in data", storesync.ErrMalformed, i)
		}
	}
	sort.SliceStable(events, func(i, j int) bool {
		a, b := &events[i], &events[j]
		return a.StoreEpoch < b.StoreEpoch || a.StoreEpoch == b.StoreEpoch && a.StoreSeq < b.StoreSeq
	})
	return events, nil
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

// applyWithRetry applies a batch, retrying transactions that PostgreSQL
// aborted to break a deadlock or a serialization conflict. A data error
// (a value the schema refuses) is not retried: it would fail again.
func (s *Server) applyWithRetry(store string, events []pos.Event) (*applyResult, error) {
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

// publishAck publishes a shop's ack, retained, after the commit.
func (s *Server) publishAck(a storesync.Ack) {
	if a.UptoSeq == 0 {
		return // nothing of this epoch is stored yet: there is nothing to ack
	}
	if s.testDropAck != nil && s.testDropAck(a.Store) {
		return
	}
	b, _ := json.Marshal(a)
	s.publish(storesync.AcksTopic(a.Store), b, true, s.metrics.ackFailures)
	s.metrics.acksPublished.Inc()
}
