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
	store          string
	inserted       []*pos.Event           // stored now for the first time
	acks           []storesync.Ack        // the watermark of every epoch in the batch
	conflicts      []storesync.Conflict   // the first conflict of each epoch, to tell the shop
	duplicates     int                    // already stored (or filled) with the same id
	quarantined    int                    // newly kept in quarantine, effects failures included
	aliases        int                    // ids stored elsewhere, now also filling this place
	conflictCount  int                    // offered where another id is held
	effectFailures int                    // stored, but their business rows failed
	fills          []fillRow              // places filled by an alias or a quarantined event
	quarantine     []quarantineRow        // what goes to the quarantine table
	conflictRows   []conflictRow          // what goes to the conflicts table
	fresh          []*incoming            // events to store
	occupied       map[eventKey]string    // the id holding each place the batch names
	seenConflict   map[string]bool        // epochs already in conflicts
	byKey          map[eventKey]*incoming // fresh events by place
	registered     []string               // customers registered at tills in this batch
	moves          []watermarkMove        // how far each epoch's watermark moved
	downlinks      []pos.Downlink         // new balances, committed, to publish
}

// apply stores a batch in one transaction: the store's row is locked first
// (so one store's batches never interleave, whichever replica has them),
// then each event is placed (stored, a duplicate, a conflict, an alias of
// an id stored elsewhere, or quarantined), the new ones get their CRM
// effects, each epoch's watermark and digest are advanced, and the
// customers whose counted balance moved get a customers downlink message
// in the same transaction (see sendBalances).
func (s *Server) apply(ctx context.Context, store string, events []incoming) (*applyResult, error) {
	res := &applyResult{}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		*res = applyResult{store: store}
		if _, err := tx.Exec(ctx, sqlTouchStore, store); err != nil {
			return err
		}
		if err := res.place(ctx, tx, events); err != nil {
			return err
		}
		if err := res.write(ctx, tx); err != nil {
			return err
		}
		if err := res.advance(ctx, tx, events); err != nil {
			return err
		}
		return res.sendBalances(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// sqlTouchStore records that the store was seen and takes its row lock.
const sqlTouchStore = `INSERT INTO stores (store, last_seen, updated_at) VALUES ($1, now(), now())
ON CONFLICT (store) DO UPDATE SET last_seen = now()`

// eventKey is an event's place in its store's sequence.
type eventKey struct {
	Epoch string
	Seq   int64
}

// sqlOccupied returns the id held at each place a batch names, by a stored
// event or a fill.
const sqlOccupied = `SELECT k.epoch, k.seq, COALESCE(e.id::text, f.id, '')
FROM unnest($2::text[], $3::bigint[]) AS k(epoch, seq)
LEFT JOIN events e ON e.store = $1 AND e.epoch = k.epoch AND e.seq = k.seq
LEFT JOIN sequence_fill f ON f.store = $1 AND f.epoch = k.epoch AND f.seq = k.seq
WHERE e.seq IS NOT NULL OR f.seq IS NOT NULL`

// place decides, under the store's lock, what becomes of each event.
func (r *applyResult) place(ctx context.Context, tx pgx.Tx, events []incoming) error {
	if err := r.readOccupied(ctx, tx, events); err != nil {
		return err
	}
	for i := range events {
		in := &events[i]
		if !in.slotted {
			r.quarantine = append(r.quarantine, newQuarantine(r.store, in, "no place in the sequence: "+in.reason, false))
			continue
		}
		k := in.key()
		if held, ok := r.occupied[k]; ok {
			if held == in.ev.ID {
				r.duplicates++
			} else {
				r.conflict(in, held)
			}
			continue
		}
		r.occupied[k] = in.ev.ID
		if in.reason != "" {
			r.fill(in, "quarantine", nil)
			r.quarantine = append(r.quarantine, newQuarantine(r.store, in, in.reason, false))
			continue
		}
		r.fresh = append(r.fresh, in)
		r.byKey[k] = in
	}
	return nil
}

func (r *applyResult) readOccupied(ctx context.Context, tx pgx.Tx, events []incoming) error {
	r.occupied, r.byKey, r.seenConflict = map[eventKey]string{}, map[eventKey]*incoming{}, map[string]bool{}
	var epochs []string
	var seqs []int64
	for i := range events {
		if events[i].slotted {
			k := events[i].key()
			epochs, seqs = append(epochs, k.Epoch), append(seqs, k.Seq)
		}
	}
	if len(epochs) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, sqlOccupied, r.store, epochs, seqs)
	if err != nil {
		return err
	}
	var k eventKey
	var id string
	_, err = pgx.ForEachRow(rows, []any{&k.Epoch, &k.Seq, &id}, func() error {
		r.occupied[k] = id
		return nil
	})
	return err
}

// conflict records an event offered where another id is held.
func (r *applyResult) conflict(in *incoming, held string) {
	r.conflictCount++
	r.conflictRows = append(r.conflictRows, conflictRow{in.ev.StoreEpoch, int64(in.ev.StoreSeq), held, in.ev.ID, string(in.raw)})
	if !r.seenConflict[in.ev.StoreEpoch] {
		r.seenConflict[in.ev.StoreEpoch] = true
		r.conflicts = append(r.conflicts, storesync.Conflict{Store: r.store, Epoch: in.ev.StoreEpoch,
			Seq: in.ev.StoreSeq, HeldID: held, OfferedID: in.ev.ID})
	}
}

// fill takes an event's place without storing it in events.
func (r *applyResult) fill(in *incoming, kind string, at *eventKey) {
	f := fillRow{Epoch: in.ev.StoreEpoch, Seq: int64(in.ev.StoreSeq), ID: in.ev.ID, Kind: kind}
	if at != nil {
		f.AliasEpoch, f.AliasSeq = &at.Epoch, &at.Seq
	}
	r.fills = append(r.fills, f)
}

// write stores the placed events, the fills, the effects, the quarantine
// and the conflicts.
func (r *applyResult) write(ctx context.Context, tx pgx.Tx) error {
	if err := r.insertFresh(ctx, tx); err != nil {
		return err
	}
	if err := insertFills(ctx, tx, r.store, r.fills); err != nil {
		return err
	}
	failed, registered, err := applyEffects(ctx, tx, r.store, r.inserted)
	if err != nil {
		return err
	}
	r.effectFailures, r.registered = len(failed), registered
	for _, f := range failed {
		in := r.byKey[eventKey{f.e.StoreEpoch, int64(f.e.StoreSeq)}]
		r.quarantine = append(r.quarantine, newQuarantine(r.store, in, f.reason, true))
	}
	if r.quarantined, err = insertQuarantine(ctx, tx, r.store, r.quarantine); err != nil {
		return err
	}
	return recordConflicts(ctx, tx, r.store, r.conflictRows)
}

// insertFresh stores the fresh events. One whose id central already holds
// elsewhere was not inserted: of this shop, it is an event the shop moved
// to a new epoch after a conflict, so this place becomes an alias of the
// stored one (stored once, acked in both places); of another shop, it is
// quarantined.
func (r *applyResult) insertFresh(ctx context.Context, tx pgx.Tx) error {
	if len(r.fresh) == 0 {
		return nil
	}
	keys, err := insertEvents(ctx, tx, r.store, r.fresh)
	if err != nil {
		return err
	}
	inserted := make(map[eventKey]bool, len(keys))
	for _, k := range keys {
		inserted[k] = true
		r.inserted = append(r.inserted, &r.byKey[k].ev)
	}
	var clashed []*incoming
	for _, in := range r.fresh {
		if !inserted[in.key()] {
			clashed = append(clashed, in)
		}
	}
	return r.resolveClashes(ctx, tx, clashed)
}

func (r *applyResult) resolveClashes(ctx context.Context, tx pgx.Tx, clashed []*incoming) error {
	if len(clashed) == 0 {
		return nil
	}
	where, err := storedAt(ctx, tx, clashed)
	if err != nil {
		return err
	}
	for _, in := range clashed {
		at, ok := where[in.ev.ID]
		if ok && at.store == r.store {
			r.aliases++
			r.fill(in, "alias", &at.key)
			continue
		}
		r.fill(in, "quarantine", nil)
		r.quarantine = append(r.quarantine, newQuarantine(r.store, in, "its id is another store's event", false))
	}
	return nil
}

// advance moves the watermark of every epoch the batch names.
func (r *applyResult) advance(ctx context.Context, tx pgx.Tx, events []incoming) error {
	for _, epoch := range epochsOf(events) {
		old, upto, digest, err := advanceWatermark(ctx, tx, r.store, epoch)
		if err != nil {
			return err
		}
		r.acks = append(r.acks, storesync.Ack{Store: r.store, Epoch: epoch, UptoSeq: upto, Digest: digest.String()})
		if upto > old {
			r.moves = append(r.moves, watermarkMove{epoch, int64(old), int64(upto)})
		}
	}
	return nil
}

// epochsOf lists the distinct epochs of the sorted slotted events, in order.
func epochsOf(events []incoming) []string {
	var out []string
	for i := range events {
		e := &events[i]
		if e.slotted && (len(out) == 0 || out[len(out)-1] != e.ev.StoreEpoch) {
			out = append(out, e.ev.StoreEpoch)
		}
	}
	return out
}

// sqlInsertEvents inserts a batch in one statement from parallel arrays.
// ON CONFLICT DO NOTHING covers both unique keys, (store, epoch, seq) and
// id, and RETURNING names the rows actually inserted.
const sqlInsertEvents = `INSERT INTO events (store, epoch, seq, id, type, source, time, data)
SELECT $1, u.epoch, u.seq, u.id::uuid, u.type, u.source, u.time, u.data::jsonb
FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[])
	AS u(epoch, seq, id, type, source, time, data)
ON CONFLICT DO NOTHING
RETURNING epoch, seq`

func insertEvents(ctx context.Context, tx pgx.Tx, store string, events []*incoming) ([]eventKey, error) {
	n := len(events)
	epochs, ids, types, sources, data := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	seqs, times := make([]int64, n), make([]time.Time, n)
	for i, in := range events {
		e := &in.ev
		epochs[i], seqs[i], ids[i], types[i], sources[i] = e.StoreEpoch, int64(e.StoreSeq), e.ID, e.Type, e.Source
		times[i], data[i] = e.Time, string(e.Data)
	}
	rows, err := tx.Query(ctx, sqlInsertEvents, store, epochs, seqs, ids, types, sources, times, data)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[eventKey])
}

// place of a stored event, found by its id.
type storedPlace struct {
	store string
	key   eventKey
}

func storedAt(ctx context.Context, tx pgx.Tx, events []*incoming) (map[string]storedPlace, error) {
	ids := make([]string, len(events))
	for i, in := range events {
		ids[i] = in.ev.ID
	}
	rows, err := tx.Query(ctx, `SELECT id::text, store, epoch, seq FROM events WHERE id = ANY($1::uuid[])`, ids)
	if err != nil {
		return nil, err
	}
	out := map[string]storedPlace{}
	var id string
	var p storedPlace
	_, err = pgx.ForEachRow(rows, []any{&id, &p.store, &p.key.Epoch, &p.key.Seq}, func() error {
		out[id] = p
		return nil
	})
	return out, err
}

// sqlAdvanceWatermark moves upto_seq over the contiguous run of places
// filled above it (stored events and fills): seq - row_number() stays
// equal to upto_seq exactly as long as no sequence is missing.
const sqlAdvanceWatermark = `UPDATE watermarks w SET upto_seq = r.upto, updated_at = now()
FROM (SELECT max(seq) AS upto FROM (
	SELECT seq, seq - row_number() OVER (ORDER BY seq) AS g FROM (
		SELECT seq FROM events WHERE store = $1 AND epoch = $2 AND seq > $3
		UNION ALL
		SELECT seq FROM sequence_fill WHERE store = $1 AND epoch = $2 AND seq > $3) s) t
	WHERE g = $3) r
WHERE w.store = $1 AND w.epoch = $2 AND r.upto IS NOT NULL
RETURNING w.upto_seq`

// sqlPlaceIDs lists the ids at places from+1..upto of an epoch, in order.
const sqlPlaceIDs = `SELECT seq, id FROM (
	SELECT seq, id::text AS id FROM events WHERE store = $1 AND epoch = $2 AND seq > $3 AND seq <= $4
	UNION ALL
	SELECT seq, COALESCE(id, '') FROM sequence_fill WHERE store = $1 AND epoch = $2 AND seq > $3 AND seq <= $4) s
ORDER BY seq`

// advanceWatermark locks the (store, epoch) watermark row, creating it if
// needed, advances it and its digest, and returns where it was, where it
// is now and the digest.
func advanceWatermark(ctx context.Context, tx pgx.Tx, store, epoch string) (uint64, uint64, pos.ChainDigest, error) {
	var digest pos.ChainDigest
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO watermarks (store, epoch, digest) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, store, epoch, digest[:])
	b.Queue(`SELECT upto_seq, digest FROM watermarks WHERE store = $1 AND epoch = $2 FOR UPDATE`, store, epoch)
	br := tx.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return 0, 0, digest, err
	}
	var old int64
	var stored []byte
	if err := br.QueryRow().Scan(&old, &stored); err != nil {
		br.Close()
		return 0, 0, digest, err
	}
	if err := br.Close(); err != nil {
		return 0, 0, digest, err
	}
	upto := old
	err := tx.QueryRow(ctx, sqlAdvanceWatermark, store, epoch, old).Scan(&upto)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return 0, 0, digest, err
	}
	from := old
	if len(stored) == len(digest) {
		copy(digest[:], stored)
	} else {
		from = 0 // a watermark from before digests: fold from the start once
	}
	if upto == from && len(stored) == len(digest) {
		return uint64(old), uint64(upto), digest, nil
	}
	if digest, err = foldDigest(ctx, tx, store, epoch, digest, from, upto); err != nil {
		return 0, 0, digest, err
	}
	_, err = tx.Exec(ctx, `UPDATE watermarks SET digest = $3 WHERE store = $1 AND epoch = $2`, store, epoch, digest[:])
	return uint64(old), uint64(upto), digest, err
}

// foldDigest extends d (the digest at from) over the ids at from+1..upto.
func foldDigest(ctx context.Context, tx pgx.Tx, store, epoch string, d pos.ChainDigest, from, upto int64) (pos.ChainDigest, error) {
	rows, err := tx.Query(ctx, sqlPlaceIDs, store, epoch, from, upto)
	if err != nil {
		return d, err
	}
	var seq int64
	var id string
	_, err = pgx.ForEachRow(rows, []any{&seq, &id}, func() error {
		d = d.Next(id)
		return nil
	})
	return d, err
}
