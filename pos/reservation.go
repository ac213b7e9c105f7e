package pos

import (
	"context"
	"strconv"
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
	EventPickupPicking        = "ru.storeedge.pickup.picking"
	EventPickupReady          = "ru.storeedge.pickup.ready" // central tells the customer
	EventPickupCollected      = "ru.storeedge.pickup.collected"
	EventPickupNoShow         = "ru.storeedge.pickup.no_show"
	EventPickupCancelled      = "ru.storeedge.pickup.cancelled"
)

// ReservationRequest is the body of POST /api/v1/reservations: a shopper
// holds qty of a SKU in this shop. Phone is required unless the shopper is
// identified by a customer token (then the customer's phone is used).
//
// CustomerID is set by the HTTP layer once it has verified the chain app's
// customer token, never from the body: without it the shopper is anonymous
// (known only by a phone number, which costs nothing to make up) and
// AnonymousLimits apply.
type ReservationRequest struct {
	SKU        string `json:"sku"`
	Qty        int64  `json:"qty"`
	Phone      string `json:"phone,omitempty"`
	CustomerID string `json:"-"`
}

// Anonymous reports whether no customer token identified the shopper.
func (r *ReservationRequest) Anonymous() bool { return r.CustomerID == "" }

// Validate checks the request and normalizes the phone to E.164.
func (r *ReservationRequest) Validate() error {
	if err := CheckText(r); err != nil {
		return err
	}
	switch {
	case !ValidSKU(r.SKU):
		return FieldErrorf("sku", "sku is required")
	case r.Qty <= 0 || r.Qty > MaxReservationQty:
		return FieldErrorf("qty", "qty must be from 1 to %d", MaxReservationQty)
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

// AnonymousLimits bound what anonymous shoppers may hold, so that one
// client with made-up phone numbers cannot empty a shelf: at most MaxPieces
// (or MaxGrams of weighed goods) per reservation, and anonymous holds of
// one SKU together at most StockShare percent of the stock nobody else
// holds (on hand minus what identified customers and pickups reserved).
// Identified customers are not bound by them.
type AnonymousLimits struct {
	MaxPieces  int64 // per reservation, of goods sold by the piece
	MaxGrams   int64 // per reservation, of weighed goods (sold by the gram)
	StockShare int64 // percent, 0-100
}

// Defaults of AnonymousLimits: a family's shopping of one item; 1 kg of
// weighed goods, which is also the most any reservation may ask for
// (ReservationRequest caps qty at 1000 sale units, grams for weighed
// goods), so a larger default would never apply; and half the stock stays
// for walk-in shoppers and customers of the app.
const (
	DefaultAnonymousMaxPieces  = 5
	DefaultAnonymousMaxGrams   = 1000
	DefaultAnonymousStockShare = 50
)

// MaxReservationQty is the most of one SKU a reservation may ask for, in
// sale units.
const MaxReservationQty = 1000

// DefaultAnonymousLimits returns the defaults.
func DefaultAnonymousLimits() AnonymousLimits {
	return AnonymousLimits{MaxPieces: DefaultAnonymousMaxPieces, MaxGrams: DefaultAnonymousMaxGrams, StockShare: DefaultAnonymousStockShare}
}

// Check decides an anonymous reservation of qty of a product sold by unit,
// with stock st, while anonymous reservations already hold anonHeld of it.
// Codes: validation_failed (field qty) past the per-reservation limit,
// insufficient_stock (field qty) past the share. Messages never give a
// stock count: a shopper must not learn how many are on the shelf.
func (l AnonymousLimits) Check(unit Unit, qty int64, st Stock, anonHeld int64) error {
	if limit := l.maxQty(unit); qty > limit {
		return FieldErrorf("qty", "without the chain's app at most %s can be reserved at once", formatQty(limit, unit))
	}
	free := st.OnHand - (st.Reserved - anonHeld) // not held by identified customers or pickups
	if free <= 0 || (anonHeld+qty)*100 > l.StockShare*free {
		return &Error{Code: CodeInsufficientStock, Field: "qty", Message: "Not enough in stock to reserve this many without the chain's app."}
	}
	return nil
}

func (l AnonymousLimits) maxQty(u Unit) int64 {
	if u == UnitGram {
		return l.MaxGrams
	}
	return l.MaxPieces
}

// formatQty spells a quantity of a unit: "5 pieces", "2 kg", "500 g".
func formatQty(n int64, u Unit) string {
	switch {
	case u == UnitGram && n%1000 == 0:
		return strconv.FormatInt(n/1000, 10) + " kg"
	case u == UnitGram:
		return strconv.FormatInt(n, 10) + " g"
	case n == 1:
		return "1 piece"
	}
	return strconv.FormatInt(n, 10) + " pieces"
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

// IsShortCode reports whether s has the form of a reservation's short
// code (6 decimal digits): a full code is 20 base32 letters, so the two
// never mix up.
func IsShortCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Active reports whether the reservation still holds stock at t.
func (r *Reservation) Active(t time.Time) bool {
	return r.Status == ReservationActive && t.Before(r.ExpiresAt)
}

// OrderRequest is a shopper's "order to this shop": central sources the
// item and sends it down later as a pickup.
type OrderRequest struct {
	SKU        string `json:"sku"`
	Qty        int64  `json:"qty"`
	Phone      string `json:"phone,omitempty"`
	CustomerID string `json:"-"` // as in ReservationRequest
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
	// FindActiveReservationByShortCode finds an active reservation by the
	// 6-digit short code a shopper reads out, for staff at a till: the
	// till's token stands in for the phone digits a shopper would need.
	// Codes: not_found (field code).
	FindActiveReservationByShortCode(ctx context.Context, shortCode string) (*Reservation, error)
	// CancelReservation releases the stock. Codes: not_found, conflict
	// (no longer active).
	CancelReservation(ctx context.Context, code string) (*Reservation, error)
	// ExpireReservations releases every reservation whose hold has passed
	// and returns how many.
	ExpireReservations(ctx context.Context) (int, error)
	// CreateOrder records an order.requested event for central.
	CreateOrder(ctx context.Context, req *OrderRequest) (*Order, error)
}
