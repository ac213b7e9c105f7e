package pos

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// CodePickupNotReady refuses to hand over an order that is not waiting at
// the counter (HTTP 409): it must be picked and marked ready first, and a
// collected, cancelled or no-show order cannot be handed over at all.
const CodePickupNotReady = "pickup_not_ready"

// DefaultNoShowAfter is how long a ready order waits for its customer
// before the sweeper releases it as a no-show (config pickups.no_show_days).
const DefaultNoShowAfter = 7 * 24 * time.Hour

// PickupEvent is the data of every pickup.* event: which order moved, from
// what to what, when, who at which till did it, and, as the move needs,
// the manager who approved it, the reason and the sale that handed it over.
type PickupEvent struct {
	ID             string    `json:"id"`
	OrderNo        string    `json:"order_no"`
	Phone          string    `json:"phone,omitempty"` // whom central tells (pickup.ready)
	Status         string    `json:"status"`
	PreviousStatus string    `json:"previous_status"`
	At             time.Time `json:"at"`
	Terminal       string    `json:"terminal_id"`
	Cashier        string    `json:"cashier_id"`
	CashierName    string    `json:"cashier_name,omitempty"`
	ApprovedBy     string    `json:"approved_by,omitempty"`
	Reason         string    `json:"reason,omitempty"`
	SaleID         string    `json:"sale_id,omitempty"`
	Total          *Money    `json:"total,omitempty"`   // of the sale, on pickup.collected
	Prepaid        bool      `json:"prepaid,omitempty"` // on pickup.collected: paid online
}

// PickupStatuses lists the statuses in the order an order moves through
// them; the counts of FindPickups have one entry for each.
var PickupStatuses = []string{PickupReceived, PickupPicking, PickupReady, PickupCollected, PickupNoShow, PickupCancelled}

var pickupStatusList = strings.Join(PickupStatuses, ", ")

// pickupRank orders the open statuses; final ones rank above them all.
var pickupRank = map[string]int{PickupReceived: 1, PickupPicking: 2, PickupReady: 3,
	PickupCollected: 4, PickupNoShow: 4, PickupCancelled: 4}

// NormalizePickupStatus reads the old name pending as received; every
// other status is returned as is.
func NormalizePickupStatus(s string) string {
	if s == PickupPending {
		return PickupReceived
	}
	return s
}

// ValidPickupStatus reports whether s is one of the six pickup statuses
// (the old pending is not: callers normalize first).
func ValidPickupStatus(s string) bool { return pickupRank[s] > 0 }

// PickupFinal reports whether an order is done: collected, no-show or
// cancelled. A final order holds no stock and never moves again.
func PickupFinal(s string) bool { return pickupRank[s] == 4 }

// PickupOpen reports whether an order holds its stock: received, picking
// or ready.
func PickupOpen(s string) bool { r := pickupRank[s]; return r > 0 && r < 4 }

// CheckPickupTransition checks that staff may move an order from status
// from to status to. noop is true for a retried tap that changes nothing
// (picking twice, ready twice).
//
// Staff move received → picking → ready; received → ready is allowed too
// (picked in one go, and what a till built before "picking" existed
// sends). Only a ready order is collected (pickup_not_ready otherwise) or
// becomes a no-show; any open order may be cancelled. Final orders never
// move: a second hand-over is a mistake (or a fraud) staff must see.
// Codes: validation_failed, pickup_not_ready, conflict.
func CheckPickupTransition(from, to string) (noop bool, err error) {
	from = NormalizePickupStatus(from)
	switch {
	case to != PickupPicking && to != PickupReady && to != PickupCollected && to != PickupNoShow && to != PickupCancelled:
		return false, FieldErrorf("status", "a pickup can only move to picking, ready, collected, no_show or cancelled")
	case to == PickupCollected && from != PickupReady:
		return false, &Error{Code: CodePickupNotReady, Field: "status",
			Message: "The order is " + statusWords(from) + ", not ready: only a ready order is handed over."}
	case pickupRank[from] == 0:
		return false, Errorf(CodeConflict, "The order's status %q is unknown.", from)
	case PickupFinal(from):
		return false, Errorf(CodeConflict, "The order is already %s.", statusWords(from))
	case from == to:
		return to == PickupPicking || to == PickupReady, nil
	case to == PickupPicking && from != PickupReceived:
		return false, Errorf(CodeConflict, "The order is already ready: it has been picked.")
	case to == PickupNoShow && from != PickupReady:
		return false, Errorf(CodeConflict, "Only a ready order can be a no-show; this one is %s.", statusWords(from))
	}
	return false, nil
}

func statusWords(s string) string { return strings.ReplaceAll(s, "_", "-") }

// MergePickupStatus returns an order's status as the shop shows it, from
// what central last sent (remote) and what staff last did here (local, ""
// for nothing). Central keeps sending an order until it hears of our
// events, so a newer message that still says received must not undo
// picking or ready: the further of the two wins. What the shop ended here
// (collected, no-show, cancelled by a manager) stays ended: the goods
// left or went back to the shelf, and central learns it from our event. A
// cancellation or other end central sends wins over an open local status.
func MergePickupStatus(remote, local string) string {
	remote, local = NormalizePickupStatus(remote), NormalizePickupStatus(local)
	switch {
	case PickupFinal(local):
		return local
	case PickupFinal(remote):
		return remote
	case pickupRank[local] > pickupRank[remote]:
		return local
	}
	return remote
}

// PickupCollectRequest is the body of POST /api/v1/pickups/{id}/collect.
// A prepaid order takes no payments (the sale is paid online); an order
// paid at pickup needs them, checked as a sale's (ValidatePayments).
type PickupCollectRequest struct {
	Payments []PaymentRequest `json:"payments,omitempty"`
}

// Validate checks the request for an order: prepaid or not, and whether
// the order names a customer (points need one).
func (r *PickupCollectRequest) Validate(p *Pickup, currency string) error {
	if err := CheckText(r); err != nil {
		return err
	}
	if p.Paid {
		if len(r.Payments) > 0 {
			return FieldErrorf("payments", "the order was paid online: take no payment")
		}
		return nil
	}
	return ValidatePayments(r.Payments, currency, p.Phone != "")
}

// PickupCloseRequest is the body of POST /api/v1/pickups/{id}/cancel and
// /no-show: a manager's approval (unless a manager is logged in) and why.
type PickupCloseRequest struct {
	Approval *Approval `json:"approval,omitempty"`
	Reason   string    `json:"reason,omitempty" text:"multiline"`
}

// Validate checks the reason's length; the approval is the staff
// service's to check.
func (r *PickupCloseRequest) Validate() error {
	if err := CheckText(r); err != nil {
		return err
	}
	if utf8.RuneCountInString(r.Reason) > 200 {
		return FieldErrorf("reason", "reason is at most 200 characters")
	}
	return nil
}

// PickupSale builds the sale that hands an order over: one line per order
// line at the amount central charged (the customer was quoted that price;
// today's shelf price does not apply), VAT at the product's rate. A
// prepaid order is paid online for the whole total; an order paid at
// pickup is settled with payments as a sale is (change out of cash only).
// lookup supplies name, unit and VAT rate. It fills no IDs, receipt number
// or sequence. Codes: unknown_sku (lines[i].sku), conflict (the lines do
// not add up to the order's total), validation_failed (payments).
func PickupSale(p *Pickup, lookup ProductLookup, at time.Time, currency string, payments []PaymentRequest) (*Sale, error) {
	s := &Sale{CreatedAt: at, PickupID: p.ID, Lines: make([]SaleLine, 0, len(p.Lines))}
	var total int64
	for i, pl := range p.Lines {
		prod, err := findProduct(pl.SKU, lookup, currency)
		if err != nil {
			return nil, lineError(err, i)
		}
		s.Lines = append(s.Lines, pickupLine(i+1, pl, prod, currency))
		total += pl.Amount.Amount
	}
	if total != p.Total.Amount || p.Total.Currency != currency {
		return nil, Errorf(CodeConflict, "The order's lines add up to %d, not its total of %d %s: central must correct it.",
			total, p.Total.Amount, p.Total.Currency)
	}
	s.Total, s.Discount = M(total, currency), M(0, currency)
	s.VAT = VATBreakdown(s.Lines, currency)
	if p.Paid {
		s.Payments, s.Change = []Payment{{Method: PaymentOnline, Amount: M(total, currency)}}, M(0, currency)
		return s, nil
	}
	paid, change, err := settle(payments, total)
	if err != nil {
		return nil, err
	}
	s.Payments, s.Change = paid, M(change, currency)
	return s, nil
}

// pickupLine is an order line as a sale line: the unit price is the line's
// amount per piece (or per kg for weighed goods), rounded.
func pickupLine(no int, pl PickupLine, prod *Product, currency string) SaleLine {
	unit := DivRound(pl.Amount.Amount, prod.Unit.PriceDivisor(), pl.Qty)
	return SaleLine{
		No: no, SKU: prod.SKU, Name: prod.Name, Unit: prod.Unit, Qty: pl.Qty,
		UnitPrice: M(unit, currency), RegularPrice: M(unit, currency), Discount: M(0, currency),
		Total: M(pl.Amount.Amount, currency), VATRate: prod.VATRate,
		VAT: M(VATIncluded(pl.Amount.Amount, prod.VATRate), currency),
	}
}

// PickupList is the orders FindPickups returns and how many orders the
// shop has in each status, whatever the filter (the till's badge).
type PickupList struct {
	Items  []*Pickup
	Counts map[string]int
}

// NewPickupCounts returns counts with every status at zero.
func NewPickupCounts() map[string]int {
	m := make(map[string]int, len(PickupStatuses))
	for _, s := range PickupStatuses {
		m[s] = 0
	}
	return m
}

// PickupService shows the click & collect orders central sent to this shop
// and records what staff do with them. An open order holds its stock from
// the moment it arrives. Every change is written together with its event
// (pickup.picking, .ready, .collected, .no_show, .cancelled) for central.
// Moves need a staff session in ctx (unauthorized otherwise) and may
// return storage_full.
type PickupService interface {
	// FindPickups returns the orders with a status ("" for all), as the
	// shop sees them (see MergePickupStatus), oldest first, and the counts
	// per status. Codes: validation_failed (field status).
	FindPickups(ctx context.Context, status string) (*PickupList, error)
	// FindPickupByID returns one order. Codes: not_found.
	FindPickupByID(ctx context.Context, id string) (*Pickup, error)
	// StartPicking records that staff are picking the order. Codes:
	// not_found, conflict.
	StartPicking(ctx context.Context, id string) (*Pickup, error)
	// MarkPickupReady records that the order waits at the counter (pickup.ready:
	// central tells the customer). Ready twice returns it unchanged, with no
	// new event. Codes: not_found, conflict.
	MarkPickupReady(ctx context.Context, id string) (*Pickup, error)
	// CollectPickup hands a ready order over as a sale on the session's
	// open shift (paid online, or with req's payments), takes its stock and
	// releases its hold. key is the Idempotency-Key: the same key again
	// returns the first sale and created=false. Codes: validation_failed,
	// not_found, pickup_not_ready, shift_not_open, unknown_sku, conflict,
	// idempotency_key_reused, and the loyalty codes for points.
	CollectPickup(ctx context.Context, id, key string, req *PickupCollectRequest) (p *Pickup, sale *Sale, created bool, err error)
	// CancelPickup cancels an open order and releases its stock; it needs
	// a manager. Codes: validation_failed, forbidden, not_found, conflict.
	CancelPickup(ctx context.Context, id string, req *PickupCloseRequest) (*Pickup, error)
	// MarkNoShow releases a ready order whose customer did not come; it
	// needs a manager. Codes: validation_failed, forbidden, not_found,
	// conflict.
	MarkNoShow(ctx context.Context, id string, req *PickupCloseRequest) (*Pickup, error)
	// ReleaseNoShows marks every order ready for longer than the no-show
	// period a no-show, releasing its stock, and returns how many.
	ReleaseNoShows(ctx context.Context) (int, error)
}
