package pos

import (
	"context"
	"time"
)

// PrintedTag is what a printed price tag showed: when the price the shop
// would charge now differs, the tag is stale and must be printed again.
type PrintedTag struct {
	SKU        string    `json:"sku"`
	Code       string    `json:"code"`
	Price      int64     `json:"price"`                 // regular price shown
	PromoPrice int64     `json:"promo_price,omitempty"` // 0: no promotion shown
	PrintedAt  time.Time `json:"printed_at"`
}

// TagService gives products their tag codes and tracks printed tags.
type TagService interface {
	// TagCode returns the product's tag code, making it on first use; it
	// never changes afterwards. Codes: not_found.
	TagCode(ctx context.Context, sku string) (string, error)
	// FindSKUByTag resolves a tag code. A garbled or guessed code is
	// not_found, never another product.
	FindSKUByTag(ctx context.Context, code string) (string, error)
	// MarkPrinted records what each tag showed when printed.
	MarkPrinted(ctx context.Context, tags []PrintedTag) error
	// StaleTags returns the SKUs whose printed tag shows another price than
	// the one charged now (promotion included), in SKU order.
	StaleTags(ctx context.Context) ([]string, error)
}

// TagLabel is everything a printed price tag shows. Prices are what the
// till charges at PrintedAt; OldPrice is set during a promotion (the
// regular price, struck through).
type TagLabel struct {
	SKU          string    `json:"sku"`
	Code         string    `json:"code"`
	Name         string    `json:"name"`
	Price        Money     `json:"price"`               // charged now, per piece or kg
	OldPrice     *Money    `json:"old_price,omitempty"` // the regular price during a promotion
	PriceUnit    string    `json:"price_unit"`          // "piece" or "kg"
	Barcode      string    `json:"barcode,omitempty"`
	URL          string    `json:"url"` // what the QR holds: {public base URL}/t/{code}
	PriceVersion string    `json:"price_version"`
	PrintedAt    time.Time `json:"printed_at"`
}
