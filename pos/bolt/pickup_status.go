package bolt

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

var _ pos.PickupService = (*PickupService)(nil)

// bucketPickupLocal holds what staff did to click & collect orders here:
// pickup id → pickupLocal JSON. The pickups bucket stays central's copy,
// which every downlink message may replace; keeping the shop's own status
// aside means no message can erase it (see pos.MergePickupStatus).
//
// The bucket should be created by a migration (schema v4); until one
// exists, the first status change creates it and readers treat its
// absence as "nothing done here yet".
var bucketPickupLocal = []byte("pickup_local")

// pickupLocal is the shop's own status of an order and who set it.
type pickupLocal struct {
	pos.PickupEvent
	StoreSeq uint64 `json:"storeseq"` // the event that told central
}

// PickupService implements pos.PickupService on the orders the downlink
// stored: it shows them with the shop's status merged in and records
// "ready" and "collected", each with its event, in one transaction.
type PickupService struct{ db *DB }

// NewPickupService returns a pickup service on db.
func NewPickupService(db *DB) *PickupService { return &PickupService{db: db} }

// FindPickups returns the orders whose merged status is status ("" for
// all), oldest first. Codes: validation_failed.
func (s *PickupService) FindPickups(ctx context.Context, status string) ([]*pos.Pickup, error) {
	if status != "" && !pos.ValidPickupStatus(status) {
		return nil, pos.FieldErrorf("status", "status must be pending, ready, collected or cancelled")
	}
	out := []*pos.Pickup{}
	err := s.db.bolt.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketPickups).ForEach(func(k, v []byte) error {
			var p pos.Pickup
			if err := json.Unmarshal(v, &p); err != nil {
				return err
			}
			if err := mergeLocal(tx, &p); err != nil {
				return err
			}
			if status == "" || p.Status == status {
				out = append(out, &p)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b *pos.Pickup) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
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

// MarkPickupReady records that an order waits at the counter. Codes:
// unauthorized, not_found, conflict, storage_full.
func (s *PickupService) MarkPickupReady(ctx context.Context, id string) (*pos.Pickup, error) {
	return s.move(ctx, id, pos.PickupReady)
}

// CollectPickup records that an order was handed over. Codes:
// unauthorized, not_found, conflict, storage_full.
func (s *PickupService) CollectPickup(ctx context.Context, id string) (*pos.Pickup, error) {
	return s.move(ctx, id, pos.PickupCollected)
}

// move changes an order's status to to. A read transaction answers what
// needs no write (not found, a conflict, ready twice) without waiting for
// the writer; the write transaction checks again, since another till may
// have moved the order in between.
func (s *PickupService) move(ctx context.Context, id, to string) (*pos.Pickup, error) {
	sess := pos.SessionFromContext(ctx)
	if sess == nil {
		return nil, pos.Errorf(pos.CodeUnauthorized, "Only staff logged in at a till may do that.")
	}
	var p *pos.Pickup
	var noop bool
	err := s.db.bolt.View(func(tx *bbolt.Tx) (err error) {
		p, noop, err = checkMove(tx, id, to)
		return err
	})
	if err != nil || noop {
		return p, err
	}
	err = s.db.update(ctx, true, func(tx *bbolt.Tx) (err error) {
		p, err = s.db.movePickup(tx, sess, id, to)
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

// movePickup checks and records a status change and its event in tx.
func (db *DB) movePickup(tx *bbolt.Tx, sess *pos.Session, id, to string) (*pos.Pickup, error) {
	p, noop, err := checkMove(tx, id, to)
	if err != nil || noop {
		return p, err
	}
	local := &pickupLocal{PickupEvent: pos.PickupEvent{
		ID: p.ID, OrderNo: p.OrderNo, Status: to, PreviousStatus: p.Status, At: db.Now().UTC(),
		Terminal: sess.TerminalID, Cashier: sess.CashierID, CashierName: sess.CashierName,
	}}
	// All checks are done: from here on only writes.
	data, err := json.Marshal(&local.PickupEvent)
	if err != nil {
		return nil, err
	}
	if local.StoreSeq, err = db.appendEvent(tx, pickupEventTypes[to], sess.TerminalID, local.At, data); err != nil {
		return nil, err
	}
	if err := putJSON(tx.Bucket(bucketPickupLocal), []byte(p.ID), local); err != nil {
		return nil, err
	}
	p.Status = to
	return p, nil
}

// pickupEventTypes maps the status staff set to its event type.
var pickupEventTypes = map[string]string{
	pos.PickupReady:     pos.EventPickupReady,
	pos.PickupCollected: pos.EventPickupCollected,
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

// mergeLocal sets p.Status to the merge of central's and the shop's.
func mergeLocal(tx *bbolt.Tx, p *pos.Pickup) error {
	b := tx.Bucket(bucketPickupLocal)
	if b == nil {
		return nil
	}
	var local pickupLocal
	if found, err := getJSON(b, []byte(p.ID), &local); err != nil || !found {
		return err
	}
	p.Status = pos.MergePickupStatus(p.Status, local.Status)
	return nil
}
