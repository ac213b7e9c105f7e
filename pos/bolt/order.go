package bolt

import (
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
