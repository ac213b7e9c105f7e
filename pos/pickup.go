package pos

import (
	"context"
	"time"
)

// PickupEvent is the data of a pickup.ready or pickup.collected event:
// which order moved, from what to what, when, and who at which till did it.
type PickupEvent struct {
	ID             string    `json:"id"`
	OrderNo        string    `json:"order_no"`
	Status         string    `json:"status"`
	PreviousStatus string    `json:"previous_status"`
	At             time.Time `json:"at"`
	Terminal       string    `json:"terminal_id"`
	Cashier        string    `json:"cashier_id"`
	CashierName    string    `json:"cashier_name,omitempty"`
}

// pickupRank orders the statuses a pickup moves through at the counter.
// Cancelled is not on the path: only central cancels.
var pickupRank = map[string]int{PickupPending: 1, PickupReady: 2, PickupCollected: 3}

// ValidPickupStatus reports whether s is one of the four pickup statuses.
func ValidPickupStatus(s string) bool {
	return s == PickupCancelled || pickupRank[s] > 0
}

// CheckPickupTransition checks that staff may move a pickup from status
// from to status to (ready or collected). noop is true when the pickup is
// already ready and staff mark it ready again: a retried tap is harmless.
//
// pending → collected is allowed: a shopper at the counter whose order
// staff have in hand is not sent away because nobody tapped "ready" first.
// Collecting twice is a conflict, not a no-op: a second hand-over of the
// same order is a mistake (or a fraud) staff must see. Collected and
// cancelled are final. Codes: validation_failed, conflict.
func CheckPickupTransition(from, to string) (noop bool, err error) {
	switch {
	case to != PickupReady && to != PickupCollected:
		return false, FieldErrorf("status", "a pickup can only be marked ready or collected")
	case from == PickupCancelled:
		return false, Errorf(CodeConflict, "The order was cancelled.")
	case from == PickupCollected:
		return false, Errorf(CodeConflict, "The order was already handed over.")
	case from == PickupReady && to == PickupReady:
		return true, nil
	case pickupRank[from] == 0:
		return false, Errorf(CodeConflict, "The order's status %q is unknown.", from)
	}
	return false, nil
}

// MergePickupStatus returns a pickup's status as the shop shows it, from
// what central last sent (remote) and what staff last did here (local, ""
// for nothing). Central keeps sending an order until it hears of our
// events, so a newer message that still says pending must not undo
// "ready": the further of the two along pending → ready → collected wins.
// Only central can cancel, and a cancellation wins over ready; but a
// hand-over already done here stays collected: the goods have left the
// shop, and central learns it from our pickup.collected event and settles
// it there (a refund, a call to the shopper).
func MergePickupStatus(remote, local string) string {
	switch {
	case local == PickupCollected:
		return PickupCollected
	case remote == PickupCancelled:
		return PickupCancelled
	case pickupRank[local] > pickupRank[remote]:
		return local
	}
	return remote
}

// PickupService shows the click & collect orders central sent to this shop
// and records what staff do with them. Every change is written together
// with its event (pickup.ready, pickup.collected) for central.
type PickupService interface {
	// FindPickups returns the orders with a status ("" for all), as the
	// shop sees them (see MergePickupStatus), oldest first. Codes:
	// validation_failed (field status).
	FindPickups(ctx context.Context, status string) ([]*Pickup, error)
	// FindPickupByID returns one order. Codes: not_found.
	FindPickupByID(ctx context.Context, id string) (*Pickup, error)
	// MarkPickupReady records that the order waits at the counter. Marking
	// a ready order ready again returns it unchanged, with no new event.
	// Needs a staff session in ctx. Codes: unauthorized, not_found,
	// conflict (cancelled or already collected), storage_full.
	MarkPickupReady(ctx context.Context, id string) (*Pickup, error)
	// CollectPickup records that the order was handed over, from pending
	// or ready. Needs a staff session in ctx. Codes: unauthorized,
	// not_found, conflict (cancelled or already collected), storage_full.
	CollectPickup(ctx context.Context, id string) (*Pickup, error)
}
