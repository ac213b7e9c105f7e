package pos

import (
	"errors"
	"unicode/utf8"
)

// Price overrides and voided lines: what a manager approves at the till
// besides selling reserved stock. Both are recorded on the sale (and its
// event) and summed in the shift's X and Z reports.

// maxReasonRunes bounds the reason of an override or a void.
const maxReasonRunes = 200

// VoidedLineRequest is a line taken off the receipt before payment.
type VoidedLineRequest struct {
	SKU    string `json:"sku"`
	Qty    int64  `json:"qty"`
	Reason string `json:"reason,omitempty"`
}

// VoidedLine is a recorded void: no stock or money moved.
type VoidedLine struct {
	SKU    string `json:"sku"`
	Name   string `json:"name"`
	Unit   Unit   `json:"unit"`
	Qty    int64  `json:"qty"`
	Reason string `json:"reason,omitempty"`
}

// NeedsApproval reports whether the request does what only a manager may
// approve up front: a price override or a voided line. (Selling reserved
// stock is known only once stock is read.)
func (r *SaleRequest) NeedsApproval() bool {
	if len(r.VoidedLines) > 0 {
		return true
	}
	for _, l := range r.Lines {
		if l.PriceOverride != nil {
			return true
		}
	}
	return false
}

// validateOverride checks a line's price override and its reason, at
// field f ("lines[2]"): the shop's currency, 0 to MaxAmount, a reason of 1
// to 200 characters; a reason without an override is refused, as it
// would be recorded nowhere.
func (l *SaleLineRequest) validateOverride(f, currency string) error {
	if l.PriceOverride == nil {
		if l.Reason != "" {
			return FieldErrorf(f+".reason", "reason goes with a price_override")
		}
		return nil
	}
	switch o := l.PriceOverride; {
	case o.Currency != currency:
		return FieldErrorf(f+".price_override.currency", "currency must be %s", currency)
	case o.Amount < 0 || o.Amount > MaxAmount:
		return FieldErrorf(f+".price_override.amount", "price_override must be from 0 to %d minor units", int64(MaxAmount))
	case l.Reason == "" || utf8.RuneCountInString(l.Reason) > maxReasonRunes:
		return FieldErrorf(f+".reason", "a price override needs a reason of 1 to %d characters", maxReasonRunes)
	}
	return nil
}

// validateVoids checks the voided lines' shape.
func validateVoids(voids []VoidedLineRequest) error {
	if len(voids) > MaxSaleLines {
		return FieldErrorf("voided_lines", "at most %d voided lines", MaxSaleLines)
	}
	for i, v := range voids {
		f := fieldIndex("voided_lines", i)
		switch {
		case !ValidSKU(v.SKU):
			return FieldErrorf(f+".sku", "sku is required")
		case v.Qty <= 0 || v.Qty > 1_000_000:
			return FieldErrorf(f+".qty", "qty must be from 1 to 1000000 sale units")
		case utf8.RuneCountInString(v.Reason) > maxReasonRunes:
			return FieldErrorf(f+".reason", "reason is at most %d characters", maxReasonRunes)
		}
	}
	return nil
}

// recordVoids names the voided lines' products. Codes: unknown_sku
// (field voided_lines[i].sku).
func recordVoids(voids []VoidedLineRequest, lookup ProductLookup, currency string) ([]VoidedLine, error) {
	var out []VoidedLine
	for i, v := range voids {
		p, err := findProduct(v.SKU, lookup, currency)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				return nil, err
			}
			c := *e
			c.Field = fieldIndex("voided_lines", i) + ".sku"
			return nil, &c
		}
		out = append(out, VoidedLine{SKU: p.SKU, Name: p.Name, Unit: p.Unit, Qty: v.Qty, Reason: v.Reason})
	}
	return out, nil
}

// ApproveTillOps records manager m on the sale's price overrides and, when
// the sale has any override or void, on the sale.
func (s *Sale) ApproveTillOps(m *Cashier) {
	approved := len(s.VoidedLines) > 0
	for i := range s.Lines {
		if s.Lines[i].PriceBefore != nil {
			s.Lines[i].ApprovedBy, approved = m.ID, true
		}
	}
	if approved {
		s.Approve(m)
	}
}

// OverrideAmount is what the line's price override gave away: its total
// at the price before, less what it was sold for.
func (l *SaleLine) OverrideAmount() int64 {
	if l.PriceBefore == nil {
		return 0
	}
	return DivRound(l.PriceBefore.Amount, l.Qty, l.Unit.PriceDivisor()) - l.Total.Amount
}
