package bolt

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// CollectPickup hands a ready order over: in one transaction it records
// the sale (paid online, or with the request's payments), its receipt
// number on the till's open shift, its sale.completed event, the stock
// taken, the hold released, and the pickup.collected event. The
// Idempotency-Key is remembered with the sales' keys, as POST /sales does:
// the same key again returns the first sale and created=false. Codes:
// unauthorized, validation_failed, not_found, pickup_not_ready,
// shift_not_open, unknown_sku, conflict, idempotency_key_reused, the
// loyalty codes (points), storage_full.
func (s *PickupService) CollectPickup(ctx context.Context, id, key string, req *pos.PickupCollectRequest) (*pos.Pickup, *pos.Sale, bool, error) {
	sess, err := sessionFrom(ctx)
	if err != nil {
		return nil, nil, false, err
	}
	if key == "" {
		return nil, nil, false, pos.FieldErrorf(pos.FieldIdempotencyKey, "the Idempotency-Key header is required")
	}
	if req == nil {
		req = &pos.PickupCollectRequest{}
	}
	// The order's id is part of the request: one key for two orders is a
	// key reused.
	hash, err := requestHash(struct {
		Pickup string                    `json:"pickup"`
		Req    *pos.PickupCollectRequest `json:"req"`
	}{id, req})
	if err != nil {
		return nil, nil, false, err
	}
	saleID, err := uuid.NewV7()
	if err != nil {
		return nil, nil, false, err
	}
	var p *pos.Pickup
	var sale *pos.Sale
	var created bool
	err = s.db.update(ctx, true, func(tx *bbolt.Tx) (err error) {
		p, sale, created, err = s.db.collectPickup(tx, sess, collectIDs{id, saleID.String(), key}, hash, req)
		return err
	})
	if err != nil {
		return nil, nil, false, err
	}
	return p, sale, created, nil
}

// collectIDs are the identifiers a hand-over is made with.
type collectIDs struct{ pickup, sale, key string }

func (db *DB) collectPickup(tx *bbolt.Tx, sess *pos.Session, ids collectIDs, hash []byte, req *pos.PickupCollectRequest) (*pos.Pickup, *pos.Sale, bool, error) {
	k := idemKey(ids.key)
	if prev, err := checkKey(tx.Bucket(bucketSaleKeys), k, hash); err != nil {
		return nil, nil, false, err
	} else if prev != "" {
		return replayCollect(tx, prev)
	}
	p, _, err := checkMove(tx, ids.pickup, pos.PickupCollected)
	if err != nil {
		return nil, nil, false, err
	}
	if err := req.Validate(p, db.Currency); err != nil {
		return nil, nil, false, err
	}
	shift, err := openShiftOf(tx, sess.TerminalID)
	if err != nil {
		return nil, nil, false, err
	}
	now := db.Now().UTC()
	sale, plan, err := db.pickupSale(tx, p, req, now)
	if err != nil {
		return nil, nil, false, err
	}
	sale.ID, sale.StoreID, sale.TerminalID, sale.ShiftID = ids.sale, db.StoreID, sess.TerminalID, shift.ID
	sale.CashierID, sale.CashierName, sale.IdempotencyKey = sess.CashierID, sess.CashierName, ids.key
	sale.ReceiptNo = shift.NextReceiptNo()
	shift.Totals.AddSale(sale)
	// All checks are done: from here on only writes. The sale is recorded
	// as any sale is (its event, indexes, shift, stock taken); the move
	// then releases the order's hold.
	if err := (&SaleService{db: db}).recordSale(tx, sale, shift, k, hash); err != nil {
		return nil, nil, false, err
	}
	if err := db.recordLoyalty(tx, plan, sale.ID, sale.TerminalID, now); err != nil {
		return nil, nil, false, err
	}
	p, err = db.movePickup(tx, sess, p.ID, pickupMove{to: pos.PickupCollected, sale: sale}, now)
	if err != nil {
		return nil, nil, false, err
	}
	return p, sale, true, nil
}

// pickupSale builds the hand-over's sale. It names the order's customer;
// an order paid here earns and may burn points as a sale at the till does,
// while a prepaid one was sold online, where central keeps its points.
func (db *DB) pickupSale(tx *bbolt.Tx, p *pos.Pickup, req *pos.PickupCollectRequest, now time.Time) (*pos.Sale, *loyaltyPlan, error) {
	lookup := func(sku string) (*pos.Product, error) { return findProduct(tx, sku) }
	sale, err := pos.PickupSale(p, lookup, now, db.Currency, req.Payments)
	if err != nil {
		return nil, nil, err
	}
	if p.Phone == "" {
		return sale, nil, nil
	}
	sale.Customer = &pos.CustomerRef{Phone: p.Phone}
	if p.Paid {
		return sale, nil, nil
	}
	cust, err := customerOf(tx, sale.Customer)
	if err != nil {
		return nil, nil, err
	}
	plan, err := planLoyalty(tx, sale, cust, now)
	if err != nil {
		return nil, nil, err
	}
	return sale, plan, nil
}

// replayCollect answers a retried hand-over with the sale the key made
// and the order as it is now.
func replayCollect(tx *bbolt.Tx, saleID string) (*pos.Pickup, *pos.Sale, bool, error) {
	sale, err := findSale(tx, saleID)
	if err != nil {
		return nil, nil, false, err
	}
	if sale.PickupID == "" {
		return nil, nil, false, pos.Errorf(pos.CodeIdempotencyKey, "This Idempotency-Key was used for a different request.")
	}
	p, err := findPickup(tx, sale.PickupID)
	if err != nil {
		return nil, nil, false, err
	}
	return p, sale, false, nil
}
