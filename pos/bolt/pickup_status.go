package bolt

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

var _ pos.PickupService = (*PickupService)(nil)

// bucketPickupLocal holds what staff did to click & collect orders here:
// pickup id → pickupLocal JSON. The pickups bucket stays central's copy,
// which every downlink message may replace; keeping the shop's own status
// aside means no message can erase it (see pos.MergePickupStatus).
var bucketPickupLocal = []byte("pickup_local")

// pickupLocal is the shop's own status of an order: the last move (and
// who made it), the event that told central, and when each step
// happened. Records written before issue 10 have only the move; a ready
// or collected one's time is then its At.
type pickupLocal struct {
	pos.PickupEvent
	StoreSeq    uint64     `json:"storeseq"` // the event that told central
	ReadyAt     *time.Time `json:"ready_at,omitempty"`
	NoShowAt    *time.Time `json:"no_show_at,omitempty"`
	CollectedAt *time.Time `json:"collected_at,omitempty"`
	CancelledAt *time.Time `json:"cancelled_at,omitempty"`
}

// PickupService implements pos.PickupService on the orders the downlink
// stored: it shows them with the shop's status merged in and records each
// move, its event and its stock change in one transaction.
type PickupService struct {
	db   *DB
	auth *AuthService
}

// NewPickupService returns a pickup service on db.
func NewPickupService(db *DB) *PickupService {
	return &PickupService{db: db, auth: NewAuthService(db)}
}

func (db *DB) noShowAfter() time.Duration {
	if db.NoShowAfter <= 0 {
		return pos.DefaultNoShowAfter
	}
	return db.NoShowAfter
}

// FindPickups returns the orders whose merged status is status ("" for
// all), oldest first, with the counts of every status. Codes:
// validation_failed.
func (s *PickupService) FindPickups(ctx context.Context, status string) (*pos.PickupList, error) {
	status = pos.NormalizePickupStatus(status)
	if status != "" && !pos.ValidPickupStatus(status) {
		return nil, errPickupStatus()
	}
	list := &pos.PickupList{Items: []*pos.Pickup{}, Counts: pos.NewPickupCounts()}
	err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		return eachPickup(tx, func(p *pos.Pickup) error {
			list.Counts[p.Status]++
			if status == "" || p.Status == status {
				list.Items = append(list.Items, p)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(list.Items, func(a, b *pos.Pickup) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return list, nil
}

func errPickupStatus() error {
	return pos.FieldErrorf("status", "status must be received, picking, ready, collected, no_show or cancelled")
}

// eachPickup calls fn with every order, its status merged.
func eachPickup(tx *bbolt.Tx, fn func(p *pos.Pickup) error) error {
	return tx.Bucket(bucketPickups).ForEach(func(k, v []byte) error {
		var p pos.Pickup
		if err := json.Unmarshal(v, &p); err != nil {
			return err
		}
		if err := mergeLocal(tx, &p); err != nil {
			return err
		}
		return fn(&p)
	})
}

// FindPickupByID returns one order with its merged status. Codes:
// not_found.
func (s *PickupService) FindPickupByID(ctx context.Context, id string) (*pos.Pickup, error) {
	var p *pos.Pickup
	err := s.db.bolt.View(func(tx *bbolt.Tx) (err error) {
		p, err = findPickup(tx, id)
		return err
	})
	return p, err
}

// StartPicking records that staff are picking an order. Codes:
// unauthorized, not_found, conflict, storage_full.
func (s *PickupService) StartPicking(ctx context.Context, id string) (*pos.Pickup, error) {
	return s.move(ctx, id, pickupMove{to: pos.PickupPicking})
}

// MarkPickupReady records that an order waits at the counter. Codes:
// unauthorized, not_found, conflict, storage_full.
func (s *PickupService) MarkPickupReady(ctx context.Context, id string) (*pos.Pickup, error) {
	return s.move(ctx, id, pickupMove{to: pos.PickupReady})
}

// CancelPickup cancels an open order with a manager's approval. Codes:
// unauthorized, validation_failed, forbidden, not_found, conflict,
// storage_full.
func (s *PickupService) CancelPickup(ctx context.Context, id string, req *pos.PickupCloseRequest) (*pos.Pickup, error) {
	return s.closeOrder(ctx, id, pos.PickupCancelled, req)
}

// MarkNoShow releases a ready order with a manager's approval. Codes:
// unauthorized, validation_failed, forbidden, not_found, conflict,
// storage_full.
func (s *PickupService) MarkNoShow(ctx context.Context, id string, req *pos.PickupCloseRequest) (*pos.Pickup, error) {
	return s.closeOrder(ctx, id, pos.PickupNoShow, req)
}

// closeOrder checks the request and the order before it asks for the
// manager's PIN (a wrong PIN counts against the manager: no order to
// close is no reason to count one), then moves the order.
func (s *PickupService) closeOrder(ctx context.Context, id, to string, req *pos.PickupCloseRequest) (*pos.Pickup, error) {
	sess, err := sessionFrom(ctx)
	if err != nil {
		return nil, err
	}
	if req == nil {
		req = &pos.PickupCloseRequest{}
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	err = s.db.bolt.View(func(tx *bbolt.Tx) error {
		_, _, err := checkMove(tx, id, to)
		return err
	})
	if err != nil {
		return nil, err
	}
	approvedBy := sess.CashierID
	if !sess.IsManager() {
		m, err := s.auth.CheckApproval(ctx, req.Approval)
		if err != nil {
			return nil, err
		}
		approvedBy = m.ID
	}
	return s.move(ctx, id, pickupMove{to: to, approvedBy: approvedBy, reason: req.Reason})
}

// pickupMove is a change of an order: its new status and what the event
// records with it.
type pickupMove struct {
	to         string
	approvedBy string
	reason     string
	sale       *pos.Sale // the hand-over's sale, on collected
}

// move changes an order's status. A read transaction answers what needs
// no write (not found, a conflict, ready twice) without waiting for the
// writer; the write transaction checks again, since another till may have
// moved the order in between.
func (s *PickupService) move(ctx context.Context, id string, m pickupMove) (*pos.Pickup, error) {
	sess, err := sessionFrom(ctx)
	if err != nil {
		return nil, err
	}
	var p *pos.Pickup
	var noop bool
	err = s.db.bolt.View(func(tx *bbolt.Tx) (err error) {
		p, noop, err = checkMove(tx, id, m.to)
		return err
	})
	if err != nil || noop {
		return p, err
	}
	err = s.db.update(ctx, true, func(tx *bbolt.Tx) (err error) {
		p, err = s.db.movePickup(tx, sess, id, m, s.db.Now().UTC())
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// checkMove finds an order and checks that it may move to to.
func checkMove(tx *bbolt.Tx, id, to string) (*pos.Pickup, bool, error) {
	p, err := findPickup(tx, id)
	if err != nil {
		return nil, false, err
	}
	noop, err := pos.CheckPickupTransition(p.Status, to)
	if err != nil {
		return nil, false, err
	}
	return p, noop, nil
}

// movePickup checks and records a status change in tx: the shop's status,
// its event and the stock the order holds. sess nil is the no-show
// sweeper.
func (db *DB) movePickup(tx *bbolt.Tx, sess *pos.Session, id string, m pickupMove, now time.Time) (*pos.Pickup, error) {
	p, noop, err := checkMove(tx, id, m.to)
	if err != nil || noop {
		return p, err
	}
	local, err := readLocal(tx, id)
	if err != nil {
		return nil, err
	}
	local.PickupEvent = pos.PickupEvent{ID: p.ID, OrderNo: p.OrderNo, Phone: p.Phone, Status: m.to, PreviousStatus: p.Status,
		At: now, Terminal: instoreTerminal, ApprovedBy: m.approvedBy, Reason: m.reason}
	if sess != nil {
		local.Terminal, local.Cashier, local.CashierName = sess.TerminalID, sess.CashierID, sess.CashierName
	}
	if m.sale != nil {
		local.SaleID, local.Total, local.Prepaid = m.sale.ID, &m.sale.Total, p.Paid
	}
	local.stamp(m.to, now)
	// All checks are done: from here on only writes.
	data, err := json.Marshal(&local.PickupEvent)
	if err != nil {
		return nil, err
	}
	if local.StoreSeq, err = db.appendEvent(tx, pickupEventTypes[m.to], local.Terminal, now, data); err != nil {
		return nil, err
	}
	if err := putJSON(tx.Bucket(bucketPickupLocal), []byte(p.ID), local); err != nil {
		return nil, err
	}
	if err := mergeLocal(tx, p); err != nil {
		return nil, err
	}
	return p, syncHold(tx, p)
}

// stamp records when the order reached status.
func (l *pickupLocal) stamp(status string, at time.Time) {
	switch status {
	case pos.PickupReady:
		l.ReadyAt = &at
	case pos.PickupNoShow:
		l.NoShowAt = &at
	case pos.PickupCollected:
		l.CollectedAt = &at
	case pos.PickupCancelled:
		l.CancelledAt = &at
	}
}

// pickupEventTypes maps the status staff set to its event type.
var pickupEventTypes = map[string]string{
	pos.PickupPicking:   pos.EventPickupPicking,
	pos.PickupReady:     pos.EventPickupReady,
	pos.PickupCollected: pos.EventPickupCollected,
	pos.PickupNoShow:    pos.EventPickupNoShow,
	pos.PickupCancelled: pos.EventPickupCancelled,
}

// findPickup reads an order and merges the shop's status in. Codes:
// not_found.
func findPickup(tx *bbolt.Tx, id string) (*pos.Pickup, error) {
	var p pos.Pickup
	found := false
	if id != "" {
		var err error
		if found, err = getJSON(tx.Bucket(bucketPickups), []byte(id), &p); err != nil {
			return nil, err
		}
	}
	if !found {
		return nil, pos.Errorf(pos.CodeNotFound, "No pickup order %q.", id)
	}
	if err := mergeLocal(tx, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// readLocal returns the shop's record of an order (empty when staff did
// nothing yet), with the times of records from before issue 10 filled in.
func readLocal(tx *bbolt.Tx, id string) (*pickupLocal, error) {
	var l pickupLocal
	if b := tx.Bucket(bucketPickupLocal); b != nil {
		if _, err := getJSON(b, []byte(id), &l); err != nil {
			return nil, err
		}
	}
	if l.Status != "" && l.ReadyAt == nil && l.CollectedAt == nil {
		at := l.At
		if l.Status == pos.PickupReady {
			l.ReadyAt = &at
		} else if l.Status == pos.PickupCollected {
			l.CollectedAt = &at
		}
	}
	return &l, nil
}

// mergeLocal sets p's status to the merge of central's and the shop's,
// and the shop's own fields (times, sale) from the shop's record: never
// from central's copy.
func mergeLocal(tx *bbolt.Tx, p *pos.Pickup) error {
	local, err := readLocal(tx, p.ID)
	if err != nil {
		return err
	}
	p.Status = pos.MergePickupStatus(p.Status, local.Status)
	p.ReadyAt, p.NoShowAt, p.CollectedAt, p.CancelledAt = local.ReadyAt, local.NoShowAt, local.CollectedAt, local.CancelledAt
	p.SaleID = local.SaleID
	return nil
}

// ReleaseNoShows marks every order that has been ready for the no-show
// period (DB.NoShowAfter) a no-show, releasing its stock, with a
// pickup.no_show event each, in transactions of at most expireBatch
// orders, and returns how many it released.
func (s *PickupService) ReleaseNoShows(ctx context.Context) (int, error) {
	now := s.db.Now().UTC()
	due := now.Add(-s.db.noShowAfter())
	// Most runs find nothing: a read answers that without a write (and
	// its fsyncs) every 30 s.
	var found bool
	err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		return eachPickup(tx, func(p *pos.Pickup) error {
			found = found || noShowDue(p, due)
			return nil
		})
	})
	if err != nil || !found {
		return 0, err
	}
	total := 0
	for {
		var n int
		var more bool
		err := s.db.update(ctx, true, func(tx *bbolt.Tx) (err error) {
			n, more, err = s.db.releaseNoShows(tx, due, now, expireBatch)
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		if !more {
			return total, nil
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

// noShowDue reports whether an order has been ready since before due.
func noShowDue(p *pos.Pickup, due time.Time) bool {
	return p.Status == pos.PickupReady && p.ReadyAt != nil && !p.ReadyAt.After(due)
}

// releaseNoShows releases up to limit orders ready since before due. The
// ids are gathered first: bbolt cursors must not move over a bucket being
// changed.
func (db *DB) releaseNoShows(tx *bbolt.Tx, due, now time.Time, limit int) (n int, more bool, err error) {
	var ids []string
	err = eachPickup(tx, func(p *pos.Pickup) error {
		if noShowDue(p, due) && len(ids) <= limit {
			ids = append(ids, p.ID)
		}
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	if more = len(ids) > limit; more {
		ids = ids[:limit]
	}
	for _, id := range ids {
		m := pickupMove{to: pos.PickupNoShow, reason: "not collected in time"}
		if _, err := db.movePickup(tx, nil, id, m, now); err != nil {
			return 0, false, err
		}
	}
	return len(ids), more, nil
}
