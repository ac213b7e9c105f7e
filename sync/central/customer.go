package central

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/storeedge/storeedge/pos"
)

// The office's customers. A customers item the office pushes sets the
// customer's profile and, when it has loyalty_points, their base balance:
// what the CRM says they have apart from the shops' points events (a
// migrated balance, a goodwill credit). Central sends the item down with
// loyalty_points = base + the ledger it counts, so the office never has to
// know the ledger, and a push never erases points earned in shops. An item
// without loyalty_points keeps the base central has.

// baseField tells whether an item sets loyalty_points at all.
type baseField struct {
	LoyaltyPoints *int64 `json:"loyalty_points"`
}

const sqlUpsertCustomer = `INSERT INTO customers (id, phone, card, name, base_points, profile)
VALUES ($1, $2, $3, $4, COALESCE($5, 0), $6)
ON CONFLICT (id) DO UPDATE SET phone = EXCLUDED.phone, card = EXCLUDED.card, name = EXCLUDED.name,
	profile = EXCLUDED.profile, deleted = false, updated_at = now(),
	base_points = COALESCE($5, customers.base_points)`

const sqlDeleteCustomer = `UPDATE customers SET deleted = true, updated_at = now() WHERE id = $1`

// postCustomers stores a customers message from the office: it upserts the
// profiles and bases, then writes the message with each customer's balance
// (a deleted item goes as it came), in one transaction. req is valid.
func (s *Server) postCustomers(ctx context.Context, req *DownlinkRequest) (pos.Downlink, error) {
	decoded, err := pos.DecodeDownlinkItems(req.Stream, req.Items)
	if err != nil {
		return pos.Downlink{}, err
	}
	custs := decoded.([]pos.Customer)
	last := map[string]int{} // an id's last item wins, as at the shops
	for i := range custs {
		last[custs[i].ID] = i
	}
	ids := make([]string, 0, len(last))
	for id := range last {
		ids = append(ids, id)
	}
	slices.Sort(ids) // row locks in one order
	var d pos.Downlink
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, id := range ids {
			i := last[id]
			if err := upsertCustomer(ctx, tx, &custs[i], req.Items[i]); err != nil {
				return err
			}
		}
		if err := lockStream(ctx, tx, pos.StreamCustomers); err != nil {
			return err
		}
		items, err := officeItems(ctx, tx, custs, req.Items, last)
		if err != nil {
			return err
		}
		d, err = insertDownlinkTx(ctx, tx, req.Store, req.Stream, items)
		return err
	})
	return d, err
}

// upsertCustomer stores one item's profile and base, or marks it deleted.
func upsertCustomer(ctx context.Context, tx pgx.Tx, c *pos.Customer, raw json.RawMessage) error {
	if c.Deleted {
		_, err := tx.Exec(ctx, sqlDeleteCustomer, c.ID)
		return err
	}
	var base baseField
	if err := json.Unmarshal(raw, &base); err != nil {
		return err
	}
	profile := *c
	profile.LoyaltyPoints, profile.PointsAsOf = 0, nil
	b, err := json.Marshal(&profile)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, sqlUpsertCustomer, c.ID, optText(c.Phone), optText(c.Card), optText(c.Name), base.LoyaltyPoints, string(b))
	return err
}

// officeItems are the items to send for an office message: one per id, in
// the order of their last items, with central's balance.
func officeItems(ctx context.Context, tx pgx.Tx, custs []pos.Customer, raws []json.RawMessage, last map[string]int) ([]json.RawMessage, error) {
	var live []string
	for id, i := range last {
		if !custs[i].Deleted {
			live = append(live, id)
		}
	}
	bals, err := readBalances(ctx, tx, live)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]json.RawMessage, len(bals))
	for _, b := range bals {
		if byID[b.ID], err = b.item(); err != nil {
			return nil, err
		}
	}
	var items []json.RawMessage
	for i := range custs {
		switch {
		case last[custs[i].ID] != i:
		case custs[i].Deleted:
			items = append(items, raws[i])
		default:
			items = append(items, byID[custs[i].ID])
		}
	}
	return items, nil
}

// LoyaltyAccount is the body of GET /api/v1/customers/{id}/loyalty: a
// customer's balance at central and their ledger.
type LoyaltyAccount struct {
	CustomerID string `json:"customer_id"`
	Known      bool   `json:"known"` // central has a profile of them
	Deleted    bool   `json:"deleted"`
	BasePoints int64  `json:"base_points"`
	// PointsBalance is base + earned - burned: what goes down to shops.
	PointsBalance int64 `json:"points_balance"`
	Earned        int64 `json:"earned"` // counted accruals, net of returns
	Burned        int64 `json:"burned"` // counted redemptions, net of returns
	// Uncounted is the sum of ledger rows stored past a gap in their
	// shop's sequence: they count once the gap is filled.
	Uncounted  int64                `json:"uncounted_points"`
	PointsAsOf []pos.PointsPosition `json:"points_as_of"`
	Ledger     []LedgerEntry        `json:"ledger"`
	More       bool                 `json:"more"` // older entries than Ledger holds exist
}

// LedgerEntry is one loyalty event as central booked it.
type LedgerEntry struct {
	Store    string    `json:"store"`
	Epoch    string    `json:"epoch"`
	Seq      int64     `json:"seq"`
	EventID  string    `json:"event_id"`
	Kind     string    `json:"kind"` // accrued or redeemed
	Points   int64     `json:"points"`
	Value    pos.Money `json:"value"`
	SaleID   string    `json:"sale_id"`
	ReturnID string    `json:"return_id,omitempty"`
	At       time.Time `json:"at"`
	Counted  bool      `json:"counted"`
}

// maxLedgerPage bounds the ledger entries of one answer (newest first).
const maxLedgerPage = 1000

func (s *Server) handleGetLoyalty(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if id == "" || len(id) > 64 || pos.CheckString("id", id, false) != nil {
		s.writeError(w, r, pos.FieldErrorf("id", "id is 1 to 64 characters"))
		return
	}
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			s.writeError(w, r, pos.FieldErrorf("limit", "limit must be from 0 to %d", maxLedgerPage))
			return
		}
		limit = min(n, maxLedgerPage)
	}
	acc, err := s.loyaltyAccount(r.Context(), id, limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, acc)
}

const sqlLoyaltySums = `SELECT
	COALESCE(sum(l.points) FILTER (WHERE l.kind = 'accrued' AND l.seq <= w.upto_seq), 0)::bigint,
	COALESCE(sum(l.points) FILTER (WHERE l.kind = 'redeemed' AND l.seq <= w.upto_seq), 0)::bigint,
	COALESCE(sum(CASE l.kind WHEN 'accrued' THEN l.points ELSE -l.points END) FILTER (WHERE l.seq > w.upto_seq), 0)::bigint,
	COALESCE((SELECT jsonb_agg(jsonb_build_object('store', p.store, 'epoch', p.epoch, 'seq', p.upto_seq) ORDER BY p.store, p.epoch)
		FROM (SELECT DISTINCT l2.store, l2.epoch, w2.upto_seq FROM loyalty_ledger l2
			JOIN watermarks w2 ON w2.store = l2.store AND w2.epoch = l2.epoch
			WHERE l2.customer_id = $1 AND w2.upto_seq > 0) p), '[]'::jsonb),
	count(*)
FROM loyalty_ledger l JOIN watermarks w ON w.store = l.store AND w.epoch = l.epoch
WHERE l.customer_id = $1`

const sqlLedgerPage = `SELECT l.store, l.epoch, l.seq, l.event_id::text, l.kind, l.points, l.value, l.currency,
	l.sale_id, COALESCE(l.return_id, ''), l.at, l.seq <= COALESCE(w.upto_seq, 0)
FROM loyalty_ledger l LEFT JOIN watermarks w ON w.store = l.store AND w.epoch = l.epoch
WHERE l.customer_id = $1
ORDER BY l.at DESC, l.store, l.epoch, l.seq DESC
LIMIT $2`

// loyaltyAccount reads a customer's account in one snapshot. Codes:
// not_found (no profile and no ledger).
func (s *Server) loyaltyAccount(ctx context.Context, id string, limit int) (*LoyaltyAccount, error) {
	acc := &LoyaltyAccount{CustomerID: id, Ledger: []LedgerEntry{}}
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err := pgx.BeginTxFunc(ctx, s.pool, opts, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT base_points, deleted FROM customers WHERE id = $1`, id).Scan(&acc.BasePoints, &acc.Deleted)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		acc.Known = err == nil
		var positions []byte
		var n int
		if err := tx.QueryRow(ctx, sqlLoyaltySums, id).Scan(&acc.Earned, &acc.Burned, &acc.Uncounted, &positions, &n); err != nil {
			return err
		}
		if !acc.Known && n == 0 {
			return pos.Errorf(pos.CodeNotFound, "No customer or ledger with that id.")
		}
		if err := json.Unmarshal(positions, &acc.PointsAsOf); err != nil {
			return err
		}
		acc.PointsBalance = acc.BasePoints + acc.Earned - acc.Burned
		acc.More = n > limit
		return readLedger(ctx, tx, acc, limit)
	})
	if err != nil {
		return nil, err
	}
	return acc, nil
}

func readLedger(ctx context.Context, tx pgx.Tx, acc *LoyaltyAccount, limit int) error {
	rows, err := tx.Query(ctx, sqlLedgerPage, acc.CustomerID, limit)
	if err != nil {
		return err
	}
	var e LedgerEntry
	_, err = pgx.ForEachRow(rows, []any{&e.Store, &e.Epoch, &e.Seq, &e.EventID, &e.Kind, &e.Points,
		&e.Value.Amount, &e.Value.Currency, &e.SaleID, &e.ReturnID, &e.At, &e.Counted}, func() error {
		acc.Ledger = append(acc.Ledger, e)
		return nil
	})
	return err
}
