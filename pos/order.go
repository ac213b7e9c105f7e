package pos

import (
	"context"
	"unicode/utf8"
)

// StaffOrderRequest is the body of POST /api/v1/orders sent with a
// staff token: the endless aisle. The goods are not in the shop, so the
// cashier orders them to it for the customer at the till, named by phone
// or loyalty card; central sources them and sends them down as a pickup,
// as it does for the shopper page's "order to this shop".
type StaffOrderRequest struct {
	SKU      string       `json:"sku"`
	Qty      int64        `json:"qty"`
	Customer *CustomerRef `json:"customer"`
	Name     string       `json:"name,omitempty"` // the customer's name, when the shop does not know them
}

// Validate checks the request and normalizes the phone to E.164.
func (r *StaffOrderRequest) Validate() error {
	if err := CheckText(r); err != nil {
		return err
	}
	switch {
	case !ValidSKU(r.SKU):
		return FieldErrorf("sku", "sku is required")
	case r.Qty <= 0 || r.Qty > 1_000_000: // a sale line's limit: staff are trusted with more than shoppers
		return FieldErrorf("qty", "qty must be from 1 to 1000000 sale units")
	case r.Customer == nil || (r.Customer.Phone == "") == (r.Customer.Card == ""):
		return FieldErrorf("customer", "customer needs a phone or a card (one of them)")
	case len(r.Customer.Card) > 32:
		return FieldErrorf("customer.card", "card is at most 32 characters")
	case utf8.RuneCountInString(r.Name) > 100:
		return FieldErrorf("name", "name is at most 100 characters")
	}
	if r.Customer.Phone != "" {
		p, err := NormalizePhone(r.Customer.Phone)
		if err != nil {
			return FieldErrorf("customer.phone", "%s", ErrorMessage(err))
		}
		r.Customer.Phone = p
	}
	return nil
}

// StaffOrder is a recorded endless-aisle order: the data of its
// order.requested event, the shopper's Order plus who ordered it for whom.
type StaffOrder struct {
	Order
	Channel    string `json:"channel"` // "till"
	Card       string `json:"card,omitempty"`
	CustomerID string `json:"customer_id,omitempty"`
	// CustomerName is the name the cashier typed, or the CRM's (Order.Name
	// is the product's).
	CustomerName string `json:"customer_name,omitempty"`
	TerminalID   string `json:"terminal_id"`
	CashierID    string `json:"cashier_id"`
	CashierName  string `json:"cashier_name,omitempty"`
}

// OrderChannelTill marks an order placed by staff at a till.
const OrderChannelTill = "till"

// OrderService takes endless-aisle orders at the till.
type OrderService interface {
	// CreateStaffOrder records an order.requested event for central.
	// Needs a staff session. Codes: unauthorized, validation_failed,
	// unknown_sku (field sku), not_found (field customer.card: a card the
	// shop does not know), storage_full.
	CreateStaffOrder(ctx context.Context, req *StaffOrderRequest) (*StaffOrder, error)
}
