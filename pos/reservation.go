package pos

import (
	"context"
	"time"
)

// Reservation statuses.
const (
	ReservationActive    = "active"
	ReservationCancelled = "cancelled"
	ReservationExpired   = "expired"
	ReservationFulfilled = "fulfilled"
)

// Event types of reservations and shopper orders.
const (
	EventReservationCreated   = "ru.storeedge.reservation.created"
	EventReservationCancelled = "ru.storeedge.reservation.cancelled"
	EventReservationExpired   = "ru.storeedge.reservation.expired"
	EventReservationFulfilled = "ru.storeedge.reservation.fulfilled"
	EventOrderRequested       = "ru.storeedge.order.requested"
	EventPickupReady          = "ru.storeedge.pickup.ready"
	EventPickupCollected      = "ru.storeedge.pickup.collected"
)

// ReservationRequest is the body of POST /api/v1/reservations: a shopper
// holds qty of a SKU in this shop. Phone is required unless the shopper is
// identified by a customer token (then the customer's phone is used).
type ReservationRequest struct {
	SKU   string `json:"sku"`
	Qty   int64  `json:"qty"`
	Phone string `json:"phone,omitempty"`
}

// Validate checks the request and normalizes the phone to E.164.
func (r *ReservationRequest) Validate() error {
	if err := CheckText(r); err != nil {
		return err
	}
	switch {
	case !ValidSKU(r.SKU):
		return FieldErrorf("sku", "sku is required")
	case r.Qty <= 0 || r.Qty > 1000:
		return FieldErrorf("qty", "qty must be from 1 to 1000")
	case r.Phone == "":
		return FieldErrorf("phone", "phone is required")
	}
	p, err := NormalizePhone(r.Phone)
	if err != nil {
		return FieldErrorf("phone", "%s", ErrorMessage(err))
	}
	r.Phone = p
	return nil
}

// Reservation holds stock for a shopper until ExpiresAt. Code is the
// unguessable secret (at least 80 random bits) printed as the pickup QR;
// ShortCode is what a person reads out at the counter (it finds the
// reservation only together with the phone's last digits, at a till).
type Reservation struct {
	Code      string    `json:"code"`
	ShortCode string    `json:"short_code"`
	SKU       string    `json:"sku"`
	Name      string    `json:"name"`
	Qty       int64     `json:"qty"`
	Phone     string    `json:"phone"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	ClosedAt  time.Time `json:"closed_at,omitzero"`
	SaleID    string    `json:"sale_id,omitempty"`
}

// Active reports whether the reservation still holds stock at t.
func (r *Reservation) Active(t time.Time) bool {
	return r.Status == ReservationActive && t.Before(r.ExpiresAt)
}

// OrderRequest is a shopper's "order to this shop": central sources the
// item and sends it down later as a pickup.
type OrderRequest struct {
	SKU   string `json:"sku"`
	Qty   int64  `json:"qty"`
	Phone string `json:"phone,omitempty"`
}

// Validate checks an order request like a reservation.
func (r *OrderRequest) Validate() error {
	rr := ReservationRequest(*r)
	if err := rr.Validate(); err != nil {
		return err
	}
	*r = OrderRequest(rr)
	return nil
}

// Order is a recorded order request.
type Order struct {
	ID        string    `json:"id"`
	SKU       string    `json:"sku"`
	Name      string    `json:"name"`
	Qty       int64     `json:"qty"`
	Phone     string    `json:"phone"`
	CreatedAt time.Time `json:"created_at"`
}

// ReservationService holds stock for shoppers.
type ReservationService interface {
	// CreateReservation holds stock: never more than is available, so of
	// concurrent requests for the last item exactly one wins. Codes:
	// validation_failed, unknown_sku, insufficient_stock, too_many_requests
	// (the phone's limit of active reservations), storage_full.
	CreateReservation(ctx context.Context, req *ReservationRequest) (*Reservation, error)
	// FindReservation finds one by its code (compared in constant time).
	// Codes: not_found.
	FindReservation(ctx context.Context, code string) (*Reservation, error)
	// CancelReservation releases the stock. Codes: not_found, conflict
	// (no longer active).
	CancelReservation(ctx context.Context, code string) (*Reservation, error)
	// ExpireReservations releases every reservation whose hold has passed
	// and returns how many.
	ExpireReservations(ctx context.Context) (int, error)
	// CreateOrder records an order.requested event for central.
	CreateOrder(ctx context.Context, req *OrderRequest) (*Order, error)
}
