package central

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/storeedge/storeedge/pos"
)

// Balances going down. A customer's balance changes at central when a
// shop's watermark moves over their ledger rows (or when the office sets
// their base): in that same transaction central writes a customers
// message, chain-wide, with the balance and points_as_of, and publishes it
// after the commit. Shops that miss the publish pull it, as any downlink.
//
// Versions follow the state: the message is written under the customers
// stream's advisory lock, taken before the balances are read, so a higher
// version was read after every lower one committed and never carries an
// older balance (ledger rows are only ever added).

// watermarkMove is how far a batch moved an epoch's watermark: the ledger
// rows in (from, to] now count.
type watermarkMove struct {
	epoch    string
	from, to int64
}

// balanceChunk bounds the items of one balance message.
const balanceChunk = 500

const sqlMovedCustomers = `SELECT DISTINCT customer_id FROM loyalty_ledger
WHERE store = $1 AND epoch = $2 AND seq > $3 AND seq <= $4`

// sendBalances writes a customers message for every customer whose counted
// balance this batch moved, or who registered at a till in it.
func (r *applyResult) sendBalances(ctx context.Context, tx pgx.Tx) error {
	ids := slices.Clone(r.registered)
	for _, m := range r.moves {
		rows, err := tx.Query(ctx, sqlMovedCustomers, r.store, m.epoch, m.from, m.to)
		if err != nil {
			return err
		}
		more, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		ids = append(ids, more...)
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	msgs, err := balanceDownlinks(ctx, tx, slices.Compact(ids))
	r.downlinks = msgs
	return err
}

// balanceDownlinks writes chain-wide customers messages with the current
// balances of ids (customers central has no profile of are skipped) and
// returns them.
func balanceDownlinks(ctx context.Context, tx pgx.Tx, ids []string) ([]pos.Downlink, error) {
	if err := lockStream(ctx, tx, pos.StreamCustomers); err != nil {
		return nil, err
	}
	items, err := customerItems(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	var out []pos.Downlink
	for chunk := range slices.Chunk(items, balanceChunk) {
		d, err := insertDownlinkTx(ctx, tx, "", pos.StreamCustomers, chunk)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// sqlBalances reads customers' profiles, balances and positions in one
// statement, so one snapshot: per shop and epoch, the ledger rows at or
// below its watermark count, and the watermark is the position.
const sqlBalances = `WITH counted AS (
	SELECT l.customer_id, l.store, l.epoch, w.upto_seq,
		COALESCE(sum(CASE l.kind WHEN 'accrued' THEN l.points ELSE -l.points END)
			FILTER (WHERE l.seq <= w.upto_seq), 0) AS points
	FROM loyalty_ledger l
	JOIN watermarks w ON w.store = l.store AND w.epoch = l.epoch
	WHERE l.customer_id = ANY($1::text[])
	GROUP BY l.customer_id, l.store, l.epoch, w.upto_seq)
SELECT c.id, c.profile, c.base_points, (c.base_points + COALESCE(sum(k.points), 0))::bigint,
	COALESCE(jsonb_agg(jsonb_build_object('store', k.store, 'epoch', k.epoch, 'seq', k.upto_seq)
		ORDER BY k.store, k.epoch) FILTER (WHERE k.upto_seq > 0), '[]'::jsonb)
FROM customers c LEFT JOIN counted k ON k.customer_id = c.id
WHERE c.id = ANY($1::text[]) AND NOT c.deleted
GROUP BY c.id
ORDER BY c.id`

// balance is a customer's balance at central.
type balance struct {
	ID       string
	Profile  json.RawMessage
	Base     int64
	Points   int64
	Position []pos.PointsPosition
}

// readBalances returns the balances of ids that central has a profile of.
func readBalances(ctx context.Context, q pgx.Tx, ids []string) ([]balance, error) {
	rows, err := q.Query(ctx, sqlBalances, ids)
	if err != nil {
		return nil, err
	}
	var out []balance
	var b balance
	var positions []byte
	_, err = pgx.ForEachRow(rows, []any{&b.ID, &b.Profile, &b.Base, &b.Points, &positions}, func() error {
		b.Position = nil
		if err := json.Unmarshal(positions, &b.Position); err != nil {
			return err
		}
		b.Profile = slices.Clone(b.Profile)
		out = append(out, b)
		return nil
	})
	return out, err
}

// customerItems returns the customers items of ids: each profile with its
// balance and positions.
func customerItems(ctx context.Context, tx pgx.Tx, ids []string) ([]json.RawMessage, error) {
	bals, err := readBalances(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	items := make([]json.RawMessage, 0, len(bals))
	for _, b := range bals {
		it, err := b.item()
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, nil
}

// item is the customers item of b.
func (b *balance) item() (json.RawMessage, error) {
	var c pos.Customer
	if err := json.Unmarshal(b.Profile, &c); err != nil {
		return nil, fmt.Errorf("customer %s: profile: %w", b.ID, err)
	}
	c.ID, c.LoyaltyPoints, c.PointsAsOf, c.Deleted = b.ID, b.Points, b.Position, false
	return json.Marshal(&c)
}

// lockStream takes the stream's advisory lock until the transaction ends:
// versions of a stream are assigned and committed in order.
func lockStream(ctx context.Context, tx pgx.Tx, stream string) error {
	_, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, hashtext($2))", int32(downlinkLockKey), stream)
	return err
}

// insertDownlinkTx stores a message under the next version of the shared
// sequence, in tx, which holds the stream's lock.
func insertDownlinkTx(ctx context.Context, tx pgx.Tx, store, stream string, items []json.RawMessage) (pos.Downlink, error) {
	d := pos.Downlink{Stream: stream, Items: items}
	b, err := json.Marshal(items)
	if err != nil {
		return d, err
	}
	var target *string
	if store != "" {
		target = &store
	}
	var version int64
	err = tx.QueryRow(ctx, `INSERT INTO downlink (stream, store, items) VALUES ($1, $2, $3::jsonb) RETURNING version`,
		stream, target, string(b)).Scan(&version)
	d.Version = uint64(version)
	return d, err
}
