package pos

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// DecodeDownlinkItems decodes and validates every item of a message by its
// stream's type and returns them as a slice of that type ([]CatalogItem,
// []PriceItem, []Customer, []RemoteStock or []Pickup). Any bad item fails
// the whole message, with the item's index in the field.
func DecodeDownlinkItems(stream string, items []json.RawMessage) (any, error) {
	switch stream {
	case StreamCatalog:
		return decodeItems(items, func(it *CatalogItem) error { return it.Validate() })
	case StreamPrices:
		return decodeItems(items, func(it *PriceItem) error { return it.Validate() })
	case StreamCustomers:
		return decodeItems(items, func(it *Customer) error { return it.Validate() })
	case StreamStock:
		return decodeItems(items, func(it *RemoteStock) error { return it.Validate() })
	case StreamPickups:
		return decodeItems(items, func(it *Pickup) error { return it.Validate() })
	case StreamLoyalty:
		return decodeItems(items, func(it *LoyaltyRules) error { return it.Validate() })
	}
	return nil, FieldErrorf("stream", "unknown stream %q", stream)
}

func decodeItems[T any](items []json.RawMessage, validate func(*T) error) ([]T, error) {
	out := make([]T, len(items))
	for i, raw := range items {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&out[i]); err != nil {
			return nil, FieldErrorf(fieldIndex("items", i), "%v", err)
		}
		err := CheckText(&out[i])
		if err == nil {
			err = validate(&out[i])
		}
		if err != nil {
			e := &Error{Code: CodeValidationFailed, Message: ErrorMessage(err), Field: fieldIndex("items", i)}
			if f := ErrorField(err); f != "" {
				e.Field += "." + f
			}
			return nil, e
		}
	}
	return out, nil
}

// Validate checks a catalog item; a deletion needs only the SKU.
func (it *CatalogItem) Validate() error {
	if it.Deleted {
		if !ValidSKU(it.SKU) {
			return FieldErrorf("sku", "sku is required")
		}
		return nil
	}
	it.Normalize()
	if err := it.Product.Validate(); err != nil {
		return err
	}
	return checkPriceTimes(it.Prices, it.Promotions)
}

// Validate checks a price item: the same rules as a product's price list.
func (it *PriceItem) Validate() error {
	p := Product{SKU: it.SKU, Name: "-", Unit: UnitPiece, Currency: "XXX", Prices: it.Prices, Promotions: it.Promotions}
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	if err := checkPriceTimes(p.Prices, p.Promotions); err != nil {
		return err
	}
	// Keep what was validated: the SKU trimmed, the list sorted and in UTC.
	it.SKU, it.Prices, it.Promotions = p.SKU, p.Prices, p.Promotions
	return nil
}

// storableTime reports whether t can be stored and sent on: JSON holds
// only four-digit years, and a time at either end can leave that range
// when it is moved to UTC (year 0 is refused too: no real date has it).
func storableTime(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 1 && y <= 9999
}

// checkPriceTimes refuses price points and promotions at times that could
// not be stored.
func checkPriceTimes(prices []PricePoint, promos []Promotion) error {
	for i, pp := range prices {
		if !storableTime(pp.EffectiveFrom) {
			return FieldErrorf(fieldIndex("prices", i)+".effective_from", "effective_from is out of range")
		}
	}
	for i, pr := range promos {
		if !storableTime(pr.From) || !storableTime(pr.To) {
			return FieldErrorf(fieldIndex("promotions", i)+".from", "the promotion's dates are out of range")
		}
	}
	return nil
}

// Validate checks a customer profile and normalizes the phone.
func (c *Customer) Validate() error {
	switch {
	case c.ID == "" || len(c.ID) > 64:
		return FieldErrorf("id", "id is required, at most 64 characters")
	case c.Phone == "" && c.Card == "" && !c.Deleted:
		return FieldErrorf("phone", "a customer needs a phone or a card")
	case len(c.Card) > 32:
		return FieldErrorf("card", "card is at most 32 characters")
	case utf8.RuneCountInString(c.Name) > 200:
		return FieldErrorf("name", "name is at most 200 characters")
	case c.DiscountPercent < 0 || c.DiscountPercent > 50:
		return FieldErrorf("discount_percent", "discount_percent is 0 to 50")
	case c.LoyaltyPoints < -MaxAmount || c.LoyaltyPoints > MaxAmount:
		return FieldErrorf("loyalty_points", "loyalty_points is out of range")
	case utf8.RuneCountInString(c.Tier) > 50:
		return FieldErrorf("tier", "tier is at most 50 characters")
	case len(c.PointsAsOf) > 1000:
		return FieldErrorf("points_as_of", "at most 1000 positions")
	}
	for i, p := range c.PointsAsOf {
		if p.Store == "" || len(p.Store) > 64 || len(p.Epoch) != 32 {
			return FieldErrorf(fieldIndex("points_as_of", i), "a position names a store and a 32-digit epoch")
		}
	}
	if c.Phone != "" {
		p, err := NormalizePhone(c.Phone)
		if err != nil {
			return FieldErrorf("phone", "%s", ErrorMessage(err))
		}
		c.Phone = p
	}
	return nil
}

// Validate checks another shop's stock line.
func (s *RemoteStock) Validate() error {
	switch {
	case s.Store == "" || len(s.Store) > 64 || strings.ContainsAny(s.Store, "\x00/"):
		return FieldErrorf("store", "store is required")
	case !ValidSKU(s.SKU):
		return FieldErrorf("sku", "sku is required")
	case s.Available < -MaxAmount || s.Available > MaxAmount:
		return FieldErrorf("available", "available is out of range")
	case utf8.RuneCountInString(s.StoreName) > 200:
		return FieldErrorf("store_name", "store_name is at most 200 characters")
	case !storableTime(s.At):
		return FieldErrorf("at", "at is out of range")
	}
	s.At = s.At.UTC()
	return nil
}

// Validate checks a click & collect order.
func (p *Pickup) Validate() error {
	switch {
	case p.ID == "" || len(p.ID) > 64 || strings.ContainsRune(p.ID, '/'):
		return FieldErrorf("id", "id is required, at most 64 characters, no '/'")
	case p.OrderNo == "" || len(p.OrderNo) > 32:
		return FieldErrorf("order_no", "order_no is required, at most 32 characters")
	case len(p.Lines) == 0 || len(p.Lines) > MaxSaleLines:
		return FieldErrorf("lines", "an order has 1 to %d lines", MaxSaleLines)
	case !ValidCurrency(p.Total.Currency) || p.Total.Amount < 0 || p.Total.Amount > MaxAmount:
		return FieldErrorf("total", "total must be a non-negative amount with a currency")
	case !storableTime(p.CreatedAt):
		return FieldErrorf("created_at", "created_at is out of range")
	}
	p.CreatedAt = p.CreatedAt.UTC()
	if p.Status = NormalizePickupStatus(p.Status); p.Status == "" {
		p.Status = PickupReceived
	} else if !ValidPickupStatus(p.Status) {
		return FieldErrorf("status", "status must be one of %s", pickupStatusList)
	}
	for i, l := range p.Lines {
		if !ValidSKU(l.SKU) || l.Qty <= 0 || l.Qty > 1_000_000 || l.Amount.Amount < 0 || l.Amount.Amount > MaxAmount {
			return FieldErrorf(fieldIndex("lines", i), "a line needs a sku, a qty of 1 or more and an amount")
		}
	}
	if p.Phone != "" {
		ph, err := NormalizePhone(p.Phone)
		if err != nil {
			return FieldErrorf("phone", "%s", ErrorMessage(err))
		}
		p.Phone = ph
	}
	return nil
}
