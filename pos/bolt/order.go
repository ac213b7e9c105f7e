package bolt

import (
	"cmp"
	"context"
	"encoding/json"

	"github.com/google/uuid"
	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// CreateOrder records a shopper's "order to this shop" as an
// order.requested event for central, which sources the item and sends it
// down later as a pickup. The shop keeps nothing else: the event is the
// record. Codes: validation_failed, unknown_sku (field sku), storage_full.
func (s *ReservationService) CreateOrder(ctx context.Context, req *pos.OrderRequest) (*pos.Order, error) {
	if req == nil {
		return nil, pos.FieldErrorf("sku", "sku is required")
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	var o *pos.Order
	err = s.db.update(ctx, true, func(tx *bbolt.Tx) error {
		p, err := findProduct(tx, req.SKU)
		if err != nil {
			return err
		} else if p == nil {
			return &pos.Error{Code: pos.CodeUnknownSKU, Field: "sku", Message: "No product " + req.SKU + " in this shop."}
		}
		o = &pos.Order{ID: id.String(), SKU: p.SKU, Name: p.Name, Qty: req.Qty, Phone: req.Phone, CreatedAt: s.db.Now().UTC()}
		buf, err := json.Marshal(o)
		if err != nil {
			return err
		}
		_, err = s.db.appendEvent(tx, pos.EventOrderRequested, instoreTerminal, o.CreatedAt, buf)
		return err
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

var _ pos.OrderService = (*ReservationService)(nil)

// CreateStaffOrder records an endless-aisle order a cashier placed for a
// customer as an order.requested event from the till. A phone is taken as
// is (the customer may be new to the chain); a card must be one the shop
// knows, since a card alone tells central nobody to notify. Codes:
// unauthorized, validation_failed, unknown_sku, not_found, storage_full.
func (s *ReservationService) CreateStaffOrder(ctx context.Context, req *pos.StaffOrderRequest) (*pos.StaffOrder, error) {
	sess, err := sessionFrom(ctx)
	if err != nil {
		return nil, err
	}
	if req == nil {
		return nil, pos.FieldErrorf("sku", "sku is required")
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	var o *pos.StaffOrder
	err = s.db.update(ctx, true, func(tx *bbolt.Tx) (err error) {
		o, err = s.db.createStaffOrder(tx, sess, id.String(), req)
		return err
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

func (db *DB) createStaffOrder(tx *bbolt.Tx, sess *pos.Session, id string, req *pos.StaffOrderRequest) (*pos.StaffOrder, error) {
	p, err := findProduct(tx, req.SKU)
	if err != nil {
		return nil, err
	} else if p == nil {
		return nil, &pos.Error{Code: pos.CodeUnknownSKU, Field: "sku", Message: "No product " + req.SKU + " in the catalog."}
	}
	cust, err := customerOf(tx, req.Customer)
	if err != nil {
		return nil, err
	}
	o := &pos.StaffOrder{
		Order:   pos.Order{ID: id, SKU: p.SKU, Name: p.Name, Qty: req.Qty, Phone: req.Customer.Phone, CreatedAt: db.Now().UTC()},
		Channel: pos.OrderChannelTill, Card: req.Customer.Card, CustomerName: req.Name,
		TerminalID: sess.TerminalID, CashierID: sess.CashierID, CashierName: sess.CashierName,
	}
	switch {
	case cust != nil:
		o.CustomerID, o.Order.Phone = cust.ID, cmp.Or(o.Order.Phone, cust.Phone)
		o.CustomerName = cmp.Or(o.CustomerName, cust.Name)
	case req.Customer.Card != "":
		return nil, &pos.Error{Code: pos.CodeNotFound, Field: "customer.card", Message: "No customer with this card: take their phone instead."}
	}
	buf, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	if _, err := db.appendEvent(tx, pos.EventOrderRequested, sess.TerminalID, o.CreatedAt, buf); err != nil {
		return nil, err
	}
	return o, nil
}
