package pos

import (
	"context"
	"encoding/json"
	"time"
)

// Downlink streams: what central sends down to shops.
const (
	StreamCatalog   = "catalog"   // items: CatalogItem
	StreamPrices    = "prices"    // items: PriceItem
	StreamCustomers = "customers" // items: Customer
	StreamStock     = "stock"     // items: RemoteStock (other shops' stock)
	StreamPickups   = "pickups"   // items: Pickup (click & collect orders)
)

// Streams lists every downlink stream, in the order a bootstrap pulls them.
var Streams = []string{StreamCatalog, StreamPrices, StreamCustomers, StreamStock, StreamPickups, StreamLoyalty}

// ValidStream reports whether s is a known downlink stream.
func ValidStream(s string) bool {
	for _, x := range Streams {
		if x == s {
			return true
		}
	}
	return false
}

// Downlink is one message of a stream. Central numbers messages with one
// increasing version per stream (shop-specific and chain-wide messages share
// the numbering). Each item records the version that last set it, so a
// message applies idempotently and an older version never overwrites what a
// newer one set, whatever order messages arrive in.
type Downlink struct {
	Stream  string            `json:"stream"`
	Version uint64            `json:"version"`
	Items   []json.RawMessage `json:"items"`
}

// MaxDownlinkItems bounds one message.
const MaxDownlinkItems = 10_000

// Validate checks the envelope; items are checked by their stream's type.
func (d *Downlink) Validate() error {
	switch {
	case !ValidStream(d.Stream):
		return FieldErrorf("stream", "unknown stream %q", d.Stream)
	case d.Version == 0:
		return FieldErrorf("version", "version must be 1 or more")
	case len(d.Items) > MaxDownlinkItems:
		return FieldErrorf("items", "at most %d items in one message", MaxDownlinkItems)
	}
	return nil
}

// CatalogItem is one product of the catalog stream. Deleted removes it from
// the shop's catalog (its sales history stays). Stock is the shop's own and
// is never set from the catalog.
type CatalogItem struct {
	Product
	Deleted bool `json:"deleted,omitempty"`
}

// PriceItem replaces a product's price list and promotions.
type PriceItem struct {
	SKU        string       `json:"sku"`
	Prices     []PricePoint `json:"prices"`
	Promotions []Promotion  `json:"promotions"`
}

// Customer is a loyalty customer's profile, as the chain's CRM knows it.
type Customer struct {
	ID              string `json:"id"`
	Phone           string `json:"phone,omitempty"`
	Card            string `json:"card,omitempty"`
	Name            string `json:"name,omitempty"`
	DiscountPercent int64  `json:"discount_percent"` // personal discount, 0..50
	Tier            string `json:"tier,omitempty"`   // the loyalty tier's name, as the CRM calls it
	// LoyaltyPoints is central's balance (below zero when returns took back
	// points already spent); PointsAsOf says which of each shop's events it
	// counts, so a shop adds only its own changes central had not counted.
	LoyaltyPoints int64            `json:"loyalty_points"`
	PointsAsOf    []PointsPosition `json:"points_as_of,omitempty"`
	Deleted       bool             `json:"deleted,omitempty"`
}

// RemoteStock is another shop's stock of a product.
type RemoteStock struct {
	Store     string    `json:"store"`
	StoreName string    `json:"store_name,omitempty"`
	SKU       string    `json:"sku"`
	Available int64     `json:"available"`
	At        time.Time `json:"at"`
}

// Pickup statuses: received → picking → ready → collected | no_show |
// cancelled (see CheckPickupTransition).
const (
	PickupReceived  = "received"  // sent down, not yet picked from the shelves
	PickupPicking   = "picking"   // staff are taking the goods off the shelves
	PickupReady     = "ready"     // waiting at the counter; the customer is told
	PickupCollected = "collected" // handed over, with its sale
	PickupNoShow    = "no_show"   // not collected in time: the goods went back
	PickupCancelled = "cancelled" // by central, or by a manager here

	// PickupPending is the old name of received: stored records and
	// downlink messages from before issue 10 still say it, and it is read
	// as received (NormalizePickupStatus).
	PickupPending = "pending"
)

// PickupLine is one line of a click & collect order. Amount is the line's
// total as central charged it (VAT included), not a unit price.
type PickupLine struct {
	SKU    string `json:"sku"`
	Name   string `json:"name"`
	Qty    int64  `json:"qty"`
	Amount Money  `json:"amount"`
}

// Pickup is a click & collect order central sent to this shop.
type Pickup struct {
	ID        string       `json:"id"`
	OrderNo   string       `json:"order_no"`
	Phone     string       `json:"phone,omitempty"`
	Name      string       `json:"name,omitempty"`
	Lines     []PickupLine `json:"lines"`
	Total     Money        `json:"total"`
	Paid      bool         `json:"paid"` // prepaid online: handed over against that payment
	Status    string       `json:"status"`
	CreatedAt time.Time    `json:"created_at"`
	// What the shop did, merged in when an order is read; never taken from
	// central's message (the storage layer clears them there).
	ReadyAt     *time.Time `json:"ready_at,omitempty"`
	NoShowAt    *time.Time `json:"no_show_at,omitempty"`
	CollectedAt *time.Time `json:"collected_at,omitempty"`
	CancelledAt *time.Time `json:"cancelled_at,omitempty"`
	SaleID      string     `json:"sale_id,omitempty"` // the sale that handed it over
}

// DeadLetter is a downlink message that could not be applied: it is kept
// aside with the reason, and the edge goes on.
type DeadLetter struct {
	Seq        uint64    `json:"seq"`
	ReceivedAt time.Time `json:"received_at"`
	Topic      string    `json:"topic"`
	Reason     string    `json:"reason"`
	Payload    string    `json:"payload"` // at most 64 KiB of it
}

// DownlinkService applies what central sends down.
type DownlinkService interface {
	// ApplyDownlink applies a message in one transaction. applied counts
	// the items that changed something (0 for a replay). A message that
	// fails validation returns a validation_failed *Error and changes
	// nothing; the caller dead-letters it.
	ApplyDownlink(ctx context.Context, d *Downlink) (applied int, err error)
	// AddDeadLetter keeps a message that could not be applied.
	AddDeadLetter(ctx context.Context, dl *DeadLetter) error
	// DownlinkCursors returns, per stream, the version up to which the last
	// pull from central brought this shop (0: never pulled).
	DownlinkCursors(ctx context.Context) (map[string]uint64, error)
	// SetDownlinkCursor records the head version a pull reached.
	SetDownlinkCursor(ctx context.Context, stream string, version uint64) error
}

// AckResult says what an ack from central did to the outbox.
type AckResult struct {
	Trimmed    int    // events deleted
	LastAckSeq uint64 // the watermark now (never goes backwards)
	Outcome    string // one of the Ack* outcomes
}

// Outcomes of an ack. Only AckApplied deletes anything.
const (
	AckApplied      = "applied"       // events were deleted (or the watermark moved)
	AckReplay       = "replay"        // nothing new: the watermark is already there
	AckBeyond       = "beyond"        // covers storeseqs this shop never wrote: refused
	AckMismatch     = "mismatch"      // central's digest is not of this shop's events: refused
	AckUnknownEpoch = "unknown_epoch" // no pending events of that epoch here (drained or forked)
)

// OutboxService gives the sync relay the events to send and takes central's
// acknowledgements.
type OutboxService interface {
	// Epochs returns the current epoch and older epochs that still have
	// unacknowledged events (a restored backup's).
	Epochs(ctx context.Context) (current string, previous []string, err error)
	// PendingEvents returns stored CloudEvents of epoch with storeseq >=
	// from, in order, at most limit of them and about maxBytes in all
	// (always at least one when any is pending).
	PendingEvents(ctx context.Context, epoch string, from uint64, limit, maxBytes int) ([]json.RawMessage, error)
	// AckEvents deletes every event of epoch with storeseq <= upto. For the
	// current epoch a non-nil digest must be the ChainDigest of this shop's
	// own events up to upto, and upto no more than it wrote; otherwise
	// nothing is deleted and Outcome says why. A nil digest (lab mode)
	// trusts the ack, clamped to what was written.
	AckEvents(ctx context.Context, epoch string, upto uint64, digest *ChainDigest) (AckResult, error)
	// OutboxStats describes the current epoch's pending events.
	OutboxStats(ctx context.Context) (OutboxStats, error)
	// PendingEventID returns the id of the pending event of epoch at seq.
	PendingEventID(ctx context.Context, epoch string, seq uint64) (id string, ok bool, err error)
	// ForkEpoch sets aside the pending events of epoch because another
	// device wrote the same storeseqs in it (a copied database): the current
	// epoch is replaced by a new one. It reports whether anything moved.
	ForkEpoch(ctx context.Context, epoch string) (bool, error)
	// RebaseForked moves up to limit events set aside by ForkEpoch into the
	// current epoch, with new storeseqs and their ids kept (central stores
	// an id it already has only once). It returns how many moved; 0 when
	// none are left.
	RebaseForked(ctx context.Context, limit int) (int, error)
}

// CustomerService finds the chain's customers that central sent down.
type CustomerService interface {
	// FindCustomer finds a customer by phone (E.164) or loyalty card.
	// Codes: not_found.
	FindCustomer(ctx context.Context, phone, card string) (*Customer, error)
}

// RemoteStockService tells what other shops have.
type RemoteStockService interface {
	// FindRemoteStock returns other shops' stock of a SKU, by shop.
	FindRemoteStock(ctx context.Context, sku string) ([]RemoteStock, error)
}
