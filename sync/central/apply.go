package central

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/storeedge/storeedge/pos"
	storesync "github.com/storeedge/storeedge/sync"
)

// applyResult is what one batch's transaction did.
type applyResult struct {
	inserted       []*pos.Event    // stored now for the first time
	acks           []storesync.Ack // the watermark of every epoch in the batch
	effectFailures int             // stored events whose data fit no CRM row
}

// apply stores a batch in one transaction: the store's row is locked first
// (so one store's batches never interleave, whichever replica has them),
// then the events are inserted (duplicates are no-ops), the new ones get
// their CRM effects, and each epoch's watermark is advanced.
func (s *Server) apply(ctx context.Context, store string, events []pos.Event) (*applyResult, error) {
	res := &applyResult{}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		*res = applyResult{}
		if _, err := tx.Exec(ctx, sqlTouchStore, store); err != nil {
			return err
		}
		inserted, err := insertEvents(ctx, tx, store, events)
		if err != nil {
			return err
		}
		res.inserted = inserted
		if res.effectFailures, err = applyEffects(ctx, tx, store, inserted); err != nil {
			return err
		}
		for _, epoch := range epochsOf(events) {
			upto, err := advanceWatermark(ctx, tx, store, epoch)
			if err != nil {
				return err
			}
			res.acks = append(res.acks, storesync.Ack{Store: store, Epoch: epoch, UptoSeq: upto})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// sqlTouchStore records that the store was seen and takes its row lock.
const sqlTouchStore = `INSERT INTO stores (store, last_seen, updated_at) VALUES ($1, now(), now())
ON CONFLICT (store) DO UPDATE SET last_seen = now()`

// sqlInsertEvents inserts a batch in one statement from parallel arrays.
// ON CONFLICT DO NOTHING covers both unique keys, (store, epoch, seq) and
// id, and RETURNING names the rows actually inserted.
const sqlInsertEvents = `INSERT INTO events (store, epoch, seq, id, type, source, time, data)
SELECT $1, u.epoch, u.seq, u.id::uuid, u.type, u.source, u.time, u.data::jsonb
FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[])
	AS u(epoch, seq, id, type, source, time, data)
ON CONFLICT DO NOTHING
RETURNING epoch, seq`

func insertEvents(ctx context.Context, tx pgx.Tx, store string, events []pos.Event) ([]*pos.Event, error) {
	n := len(events)
	epochs, ids, types, sources, data := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	seqs, times := make([]int64, n), make([]time.Time, n)
	byKey := make(map[eventKey]*pos.Event, n)
	for i := range events {
		e := &events[i]
		epochs[i], seqs[i], ids[i], types[i], sources[i] = e.StoreEpoch, int64(e.StoreSeq), e.ID, e.Type, e.Source
		times[i], data[i] = e.Time, string(e.Data)
		if _, dup := byKey[eventKey{e.StoreEpoch, int64(e.StoreSeq)}]; !dup {
			byKey[eventKey{e.StoreEpoch, int64(e.StoreSeq)}] = e
		}
	}
	rows, err := tx.Query(ctx, sqlInsertEvents, store, epochs, seqs, ids, types, sources, times, data)
	if err != nil {
		return nil, err
	}
	keys, err := pgx.CollectRows(rows, pgx.RowToStructByPos[eventKey])
	if err != nil {
		return nil, err
	}
	inserted := make([]*pos.Event, 0, len(keys))
	for _, k := range keys {
		inserted = append(inserted, byKey[k])
	}
	return inserted, nil
}

// eventKey is an event's place in its store's sequence.
type eventKey struct {
	Epoch string
	Seq   int64
}

// epochsOf lists the distinct epochs of sorted events, in order.
func epochsOf(events []pos.Event) []string {
	var out []string
	for i := range events {
		if len(out) == 0 || out[len(out)-1] != events[i].StoreEpoch {
			out = append(out, events[i].StoreEpoch)
		}
	}
	return out
}

// sqlAdvanceWatermark moves upto_seq over the contiguous run of stored
// sequences above it: seq - row_number() stays equal to upto_seq exactly
// as long as no sequence is missing.
const sqlAdvanceWatermark = `UPDATE watermarks w SET upto_seq = r.upto, updated_at = now()
FROM (SELECT max(seq) AS upto FROM (
	SELECT seq, seq - row_number() OVER (ORDER BY seq) AS g
	FROM events WHERE store = $1 AND epoch = $2 AND seq > $3) t
	WHERE g = $3) r
WHERE w.store = $1 AND w.epoch = $2 AND r.upto IS NOT NULL
RETURNING w.upto_seq`

// advanceWatermark locks the (store, epoch) watermark row, creating it if
// needed, advances it and returns it.
func advanceWatermark(ctx context.Context, tx pgx.Tx, store, epoch string) (uint64, error) {
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO watermarks (store, epoch) VALUES ($1, $2) ON CONFLICT DO NOTHING`, store, epoch)
	b.Queue(`SELECT upto_seq FROM watermarks WHERE store = $1 AND epoch = $2 FOR UPDATE`, store, epoch)
	br := tx.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return 0, err
	}
	var upto int64
	if err := br.QueryRow().Scan(&upto); err != nil {
		br.Close()
		return 0, err
	}
	if err := br.Close(); err != nil {
		return 0, err
	}
	err := tx.QueryRow(ctx, sqlAdvanceWatermark, store, epoch, upto).Scan(&upto)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return 0, err
	}
	return uint64(upto), nil
}
