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

// NewTagLabel builds what a tag printed at time at shows for p: the price
// the till charges then, the regular price struck through during a
// promotion, and the price version (when the price in force took effect).
// url is what the QR holds. ok is false when p has no price in force.
func NewTagLabel(p *Product, code, url string, at time.Time) (label TagLabel, ok bool) {
	regular, ok := p.PriceAt(at)
	if !ok {
		return TagLabel{}, false
	}
	promo, price := p.PromoAt(at, regular)
	label = TagLabel{SKU: p.SKU, Code: code, Name: p.Name, Price: M(price, p.Currency),
		PriceUnit: p.Unit.PriceUnit(), URL: url, PrintedAt: at.UTC(),
		PriceVersion: priceVersion(p, at)}
	if promo != nil {
		old := M(regular, p.Currency)
		label.OldPrice = &old
	}
	if len(p.Barcodes) > 0 {
		label.Barcode = p.Barcodes[0]
	}
	return label, true
}

// PrintedTag returns the record of what the label shows.
func (l *TagLabel) PrintedTag() PrintedTag {
	t := PrintedTag{SKU: l.SKU, Code: l.Code, Price: l.Price.Amount, PrintedAt: l.PrintedAt}
	if l.OldPrice != nil { // during a promotion the tag shows both
		t.Price, t.PromoPrice = l.OldPrice.Amount, l.Price.Amount
	}
	return t
}

// priceVersion names the price in force at t by when it took effect, and
// the promotion by when it ends.
func priceVersion(p *Product, t time.Time) string {
	var from time.Time
	for _, pp := range p.Prices {
		if !pp.EffectiveFrom.After(t) && !pp.EffectiveFrom.Before(from) {
			from = pp.EffectiveFrom
		}
	}
	v := "p" + from.UTC().Format("20060102.1504")
	if regular, ok := p.PriceAt(t); ok {
		if promo, _ := p.PromoAt(t, regular); promo != nil {
			v += "-a" + promo.To.UTC().Format("20060102.1504")
		}
	}
	return v
}
