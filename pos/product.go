package pos

import (
	"context"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Unit is how a product is sold.
type Unit string

// Sale units. Weighed goods are sold by the gram and priced per kilogram.
const (
	UnitPiece Unit = "piece"
	UnitGram  Unit = "gram"
)

// PriceDivisor is the number of sale units a price refers to: 1 for pieces,
// 1000 for weighed goods (the price is per kg, the quantity in grams).
func (u Unit) PriceDivisor() int64 {
	if u == UnitGram {
		return 1000
	}
	return 1
}

// PriceUnit names what a price refers to, as shown on a tag.
func (u Unit) PriceUnit() string {
	if u == UnitGram {
		return "kg"
	}
	return "piece"
}

// Valid reports whether u is a known unit.
func (u Unit) Valid() bool { return u == UnitPiece || u == UnitGram }

// Spec is one key/value line of a product's specifications.
type Spec struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// PricePoint is a regular price that applies from EffectiveFrom until the
// next point of the list.
type PricePoint struct {
	Amount        int64     `json:"amount"`
	EffectiveFrom time.Time `json:"effective_from"`
}

// Promotion kinds.
const (
	PromoPercent = "percent" // Value is a percentage off, 1..99
	PromoFixed   = "fixed"   // Value is minor units off the unit price
)

// Promotion is a date-bounded discount on the regular price: active from
// From (inclusive) until To (exclusive).
type Promotion struct {
	ID    string    `json:"id,omitempty"`
	Kind  string    `json:"kind"`
	Value int64     `json:"value"`
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
}

// ActiveAt reports whether the promotion applies at t.
func (p Promotion) ActiveAt(t time.Time) bool { return !t.Before(p.From) && t.Before(p.To) }

// Apply returns the promotional unit price for a regular price, never below
// zero and never above the regular price.
func (p Promotion) Apply(regular int64) int64 {
	var v int64
	switch p.Kind {
	case PromoPercent:
		v = regular - DivRound(regular, p.Value, 100)
	case PromoFixed:
		v = regular - p.Value
	default:
		return regular
	}
	return min(max(v, 0), regular)
}

// Stock is the quantity of a product in this shop, in sale units.
type Stock struct {
	OnHand    int64 `json:"on_hand"`
	Reserved  int64 `json:"reserved"`
	Available int64 `json:"available"`
}

// Product is a catalog item with its price list and promotions. Stock is
// filled in by the storage layer when the product is read.
type Product struct {
	SKU         string       `json:"sku"`
	Name        string       `json:"name"`
	NameEn      string       `json:"name_en,omitempty"`
	Description string       `json:"description,omitempty" text:"multiline"`
	Barcodes    []string     `json:"barcodes"`
	Category    string       `json:"category,omitempty"`
	Unit        Unit         `json:"unit"`
	VATRate     int64        `json:"vat_rate"`
	Specs       []Spec       `json:"specs,omitempty"`
	Images      []string     `json:"images,omitempty"`
	Currency    string       `json:"currency"`
	Prices      []PricePoint `json:"prices"`
	Promotions  []Promotion  `json:"promotions,omitempty"`
	Stock       Stock        `json:"stock"`
	UpdatedAt   time.Time    `json:"updated_at"`
	// What shoppers say, as central's catalog carries it: the average
	// rating in tenths of a star (0-50), how many reviews there are, and
	// a few of them to show.
	Rating      int64    `json:"rating,omitempty"`
	ReviewCount int64    `json:"review_count,omitempty"`
	Reviews     []Review `json:"reviews,omitempty"`

	// ScaleCode is the item code the shop's scales print in their labels
	// (weighed goods): 1 to 10 digits, leading zeros not significant.
	ScaleCode string `json:"scale_code,omitempty"`
}

// Review is one shopper's review of a product.
type Review struct {
	Author string    `json:"author"`
	Rating int64     `json:"rating"` // 1-5 stars
	Text   string    `json:"text" text:"multiline"`
	Date   time.Time `json:"date"`
}

// PersonalPrice is a unit price after a customer's personal discount of
// pct percent, applied on top of the price in force (promotion included).
// The shopper's page and the till both use it, so they always agree.
func PersonalPrice(price, pct int64) int64 {
	if pct <= 0 {
		return price
	}
	return price - DivRound(price, min(pct, 100), 100)
}

// PriceAt returns the regular unit price in force at t: the point of the
// price list with the latest EffectiveFrom that is not after t (of two at
// the same moment, the later in the list). It does not rely on the list
// being sorted, so a product that skipped Normalize is still priced right.
// ok is false when no price is in force yet (such a product cannot be sold).
func (p *Product) PriceAt(t time.Time) (amount int64, ok bool) {
	var from time.Time
	for _, pp := range p.Prices {
		if !pp.EffectiveFrom.After(t) && (!ok || !pp.EffectiveFrom.Before(from)) {
			amount, from, ok = pp.Amount, pp.EffectiveFrom, true
		}
	}
	return amount, ok
}

// PromoAt returns the best promotion active at t for the regular price, if any.
func (p *Product) PromoAt(t time.Time, regular int64) (*Promotion, int64) {
	var best *Promotion
	price := regular
	for i := range p.Promotions {
		pr := &p.Promotions[i]
		if pr.ActiveAt(t) {
			if v := pr.Apply(regular); v < price {
				best, price = pr, v
			}
		}
	}
	return best, price
}

// NextPriceChange returns the first moment after t at which the unit price
// can change (a price point or promotion boundary), or the zero time.
func (p *Product) NextPriceChange(t time.Time) time.Time {
	var next time.Time
	consider := func(x time.Time) {
		if x.After(t) && (next.IsZero() || x.Before(next)) {
			next = x
		}
	}
	for _, pp := range p.Prices {
		consider(pp.EffectiveFrom)
	}
	for _, pr := range p.Promotions {
		consider(pr.From)
		consider(pr.To)
	}
	return next
}

// Normalize sorts the price list and trims names so that equal products
// compare equal. It is called before Validate on every import.
func (p *Product) Normalize() {
	p.SKU = strings.TrimSpace(p.SKU)
	p.Name = strings.TrimSpace(p.Name)
	p.NameEn = strings.TrimSpace(p.NameEn)
	p.Category = strings.TrimSpace(p.Category)
	if p.Unit == "" {
		p.Unit = UnitPiece
	}
	sort.SliceStable(p.Prices, func(i, j int) bool { return p.Prices[i].EffectiveFrom.Before(p.Prices[j].EffectiveFrom) })
	for i := range p.Prices {
		p.Prices[i].EffectiveFrom = p.Prices[i].EffectiveFrom.UTC()
	}
	for i := range p.Promotions {
		p.Promotions[i].From = p.Promotions[i].From.UTC()
		p.Promotions[i].To = p.Promotions[i].To.UTC()
	}
}

// Validate checks a product for import. Field paths are relative to the
// product ("sku", "prices[1].amount").
func (p *Product) Validate() error {
	if err := CheckText(p); err != nil {
		return err
	}
	switch {
	case !ValidSKU(p.SKU):
		return FieldErrorf("sku", "SKU must be 1-64 characters of letters, digits, '-', '_' or '.'")
	case p.Name == "" || utf8.RuneCountInString(p.Name) > 200:
		return FieldErrorf("name", "name is required and at most 200 characters")
	case utf8.RuneCountInString(p.NameEn) > 200:
		return FieldErrorf("name_en", "name_en is at most 200 characters")
	case len(p.Description) > 16<<10:
		return FieldErrorf("description", "description is at most 16 KiB")
	case !p.Unit.Valid():
		return FieldErrorf("unit", "unit must be piece or gram")
	case p.VATRate < 0 || p.VATRate > 100:
		return FieldErrorf("vat_rate", "vat_rate is a percentage from 0 to 100")
	case !ValidCurrency(p.Currency):
		return FieldErrorf("currency", "currency must be an ISO 4217 code")
	case len(p.Prices) == 0:
		return FieldErrorf("prices", "a product needs at least one price")
	case p.ScaleCode != "" && !ValidScaleCode(p.ScaleCode):
		return FieldErrorf("scale_code", "scale_code is 1 to 10 digits")
	case len(p.Barcodes) > 32:
		return FieldErrorf("barcodes", "at most 32 barcodes")
	case len(p.Specs) > 200:
		return FieldErrorf("specs", "at most 200 specs")
	case len(p.Images) > 32:
		return FieldErrorf("images", "at most 32 images")
	case p.Rating < 0 || p.Rating > 50 || p.ReviewCount < 0 || p.ReviewCount > MaxAmount:
		return FieldErrorf("rating", "rating is 0 to 50 tenths of a star")
	case len(p.Reviews) > 20:
		return FieldErrorf("reviews", "at most 20 reviews")
	}
	for i, r := range p.Reviews {
		if r.Rating < 1 || r.Rating > 5 || utf8.RuneCountInString(r.Author) > 100 || utf8.RuneCountInString(r.Text) > 2000 {
			return FieldErrorf(fieldIndex("reviews", i), "a review has a rating of 1-5, an author of at most 100 and a text of at most 2000 characters")
		}
	}
	for i, b := range p.Barcodes {
		if err := ValidateBarcode(b); err != nil {
			return FieldErrorf(fieldIndex("barcodes", i), "%s", err)
		}
	}
	for i, pp := range p.Prices {
		if pp.Amount < 0 || pp.Amount > MaxAmount {
			return FieldErrorf(fieldIndex("prices", i)+".amount", "price must be from 0 to %d minor units", int64(MaxAmount))
		}
		if i > 0 && pp.EffectiveFrom.Equal(p.Prices[i-1].EffectiveFrom) {
			return FieldErrorf(fieldIndex("prices", i)+".effective_from", "two prices take effect at the same moment")
		}
	}
	for i, pr := range p.Promotions {
		if err := pr.validate(); err != nil {
			err.Field = fieldIndex("promotions", i) + "." + err.Field
			return err
		}
	}
	return nil
}

func (p Promotion) validate() *Error {
	switch {
	case p.Kind != PromoPercent && p.Kind != PromoFixed:
		return FieldErrorf("kind", "promotion kind must be percent or fixed")
	case p.Kind == PromoPercent && (p.Value < 1 || p.Value > 99):
		return FieldErrorf("value", "a percent promotion is 1 to 99")
	case p.Kind == PromoFixed && (p.Value < 1 || p.Value > MaxAmount):
		return FieldErrorf("value", "a fixed promotion takes 1 or more minor units off")
	case p.From.IsZero() || p.To.IsZero() || !p.To.After(p.From):
		return FieldErrorf("to", "a promotion needs from < to")
	}
	return nil
}

// ValidSKU reports whether s is an acceptable SKU.
func ValidSKU(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		ok := r == '-' || r == '_' || r == '.' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !ok {
			return false
		}
	}
	return true
}

// ProductFilter selects products for FindProducts. Query matches, without
// regard to case, a SKU, a barcode or any part of a name (Russian or English).
type ProductFilter struct {
	Query  string
	Limit  int
	Cursor string
}

// ImportResult says what an import changed.
type ImportResult struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
}

// CatalogService reads and loads the catalog.
type CatalogService interface {
	// FindProductBySKU returns one product with its stock. Codes: not_found.
	FindProductBySKU(ctx context.Context, sku string) (*Product, error)
	// FindProductByBarcode returns the product with that barcode. Codes: not_found.
	FindProductByBarcode(ctx context.Context, barcode string) (*Product, error)
	// FindProductByScaleCode returns the product whose scale_code is the
	// item code of a scale label (leading zeros do not matter). Codes:
	// not_found.
	FindProductByScaleCode(ctx context.Context, code string) (*Product, error)
	// FindProducts searches the catalog, ordered by SKU, with cursor paging.
	FindProducts(ctx context.Context, f ProductFilter) (items []*Product, nextCursor string, err error)
	// ImportProducts creates or replaces products and, where StockSet, their
	// on-hand stock, in one transaction. Codes: validation_failed, conflict
	// (a barcode that belongs to another product), storage_full.
	ImportProducts(ctx context.Context, items []ProductImport) (ImportResult, error)
	// CountProducts returns the number of products in the catalog.
	CountProducts(ctx context.Context) (int, error)
}

// ProductImport is one product of an import file, with an optional stock count.
type ProductImport struct {
	Product
	StockSet bool  `json:"-"`
	OnHand   int64 `json:"-"`
}
