package pos

import (
	"strconv"
	"strings"
	"time"
)

// Scale labels: shop scales print an EAN-13 in which a prefix of the
// "restricted circulation" range (20-29) marks the code as the shop's
// own, an item code names the product and a weight (or a price) follows.
// The layout differs between scale makers, so it is configured.

// DefaultScaleLayout is the common layout: 2 prefix digits, a 5-digit
// item code, the weight in grams in 5 digits, the check digit.
const DefaultScaleLayout = "PPCCCCCWWWWWK"

// ScaleFormat describes the labels of the shop's scales. Layout has one
// letter per digit of the EAN-13: P prefix, C item code, W weight in
// grams (quantity in sale units), V price in minor units, X a digit to
// ignore (some scales put a price check digit there), K the EAN check
// digit, last. Prefixes are the values of the P digits that mark a scale
// label. The zero ScaleFormat is DefaultScaleFormat.
type ScaleFormat struct {
	Prefixes []string
	Layout   string
}

// DefaultScaleFormat returns prefixes 20 to 29 and DefaultScaleLayout.
func DefaultScaleFormat() ScaleFormat {
	f := ScaleFormat{Layout: DefaultScaleLayout}
	for i := 20; i <= 29; i++ {
		f.Prefixes = append(f.Prefixes, strconv.Itoa(i))
	}
	return f
}

func (f ScaleFormat) orDefault() ScaleFormat {
	if f.Layout == "" && len(f.Prefixes) == 0 {
		return DefaultScaleFormat()
	}
	return f
}

// Validate checks the format: a layout of 13 letters with each field in
// one run, P first and K last, an item code, a weight or a price (or
// both); prefixes of as many digits as the layout has P. Fields are the
// config keys scale.layout and scale.prefixes.
func (f ScaleFormat) Validate() error {
	f = f.orDefault()
	l := f.Layout
	if len(l) != 13 || l[0] != 'P' || l[12] != 'K' || strings.Count(l, "K") != 1 {
		return FieldErrorf("scale.layout", "layout must be 13 letters of P, C, W, V, X, K: P first, K last")
	}
	for i := 0; i < len(l); i++ {
		if !strings.ContainsRune("PCWVXK", rune(l[i])) {
			return FieldErrorf("scale.layout", "layout letter %q is not one of P, C, W, V, X, K", l[i])
		}
		if i > 0 && l[i] != l[i-1] && l[i] != 'X' && strings.IndexByte(l[:i], l[i]) >= 0 {
			return FieldErrorf("scale.layout", "layout letter %c must be one run of digits", l[i])
		}
	}
	if !strings.Contains(l, "C") || !strings.ContainsAny(l, "WV") {
		return FieldErrorf("scale.layout", "layout needs an item code (C) and a weight (W) or price (V)")
	}
	if len(f.Prefixes) == 0 {
		return FieldErrorf("scale.prefixes", "at least one prefix")
	}
	np := strings.Count(l, "P")
	for _, p := range f.Prefixes {
		if len(p) != np || !allDigits(p) {
			return FieldErrorf("scale.prefixes", "prefix %q must be %d digits, as the layout's P", p, np)
		}
	}
	return nil
}

// ScaleLabel is what a scale label says. Code is the item code without
// leading zeros (NormalizeScaleCode); Weight is in grams (sale units) when
// HasWeight, Price in minor units when HasPrice.
type ScaleLabel struct {
	Code      string
	Weight    int64
	HasWeight bool
	Price     int64
	HasPrice  bool
}

// ParseScaleLabel reads b as a scale label. ok is false when b is no
// scale label (not 13 digits, or none of the prefixes): the caller treats
// it as an ordinary barcode. A label with a wrong check digit is an error
// (validation_failed), never another product.
func (f ScaleFormat) ParseScaleLabel(b string) (label ScaleLabel, ok bool, err error) {
	f = f.orDefault()
	if len(b) != 13 || len(f.Layout) != 13 || !allDigits(b) || !f.hasPrefix(b) {
		return ScaleLabel{}, false, nil
	}
	if CheckDigit(b[:12]) != b[12] {
		return ScaleLabel{}, true, FieldErrorf("barcode", "the scale label's check digit is wrong")
	}
	var code, weight, price []byte
	for i := 0; i < 12; i++ {
		switch f.Layout[i] {
		case 'C':
			code = append(code, b[i])
		case 'W':
			weight = append(weight, b[i])
		case 'V':
			price = append(price, b[i])
		}
	}
	label.Code = NormalizeScaleCode(string(code))
	if len(weight) > 0 {
		label.Weight, _ = strconv.ParseInt(string(weight), 10, 64)
		label.HasWeight = true
	}
	if len(price) > 0 {
		label.Price, _ = strconv.ParseInt(string(price), 10, 64)
		label.HasPrice = true
	}
	return label, true, nil
}

// hasPrefix reports whether b starts with the P digits of one prefix.
func (f ScaleFormat) hasPrefix(b string) bool {
	var p []byte
	for i := 0; i < len(f.Layout) && f.Layout[i] == 'P'; i++ {
		p = append(p, b[i])
	}
	for _, want := range f.Prefixes {
		if want == string(p) {
			return true
		}
	}
	return false
}

// NormalizeScaleCode drops leading zeros, so that a product's scale_code
// "123" matches the item code 00123 of a 5-digit layout.
func NormalizeScaleCode(code string) string {
	code = strings.TrimLeft(strings.TrimSpace(code), "0")
	if code == "" {
		return "0"
	}
	return code
}

// ValidScaleCode reports whether code can be a product's scale code: 1 to
// 10 digits.
func ValidScaleCode(code string) bool { return len(code) >= 1 && len(code) <= 10 && allDigits(code) }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Qty is the quantity the label sells of p at t, in sale units: the
// weight when the label has one, else the price divided by the unit
// price in force (promotion included), rounded. A label that comes to
// nothing is a validation error (field qty).
func (l ScaleLabel) Qty(p *Product, at time.Time) (int64, error) {
	var qty int64
	switch {
	case l.HasWeight:
		qty = l.Weight
	case l.HasPrice:
		regular, ok := p.PriceAt(at)
		if !ok {
			return 0, Errorf(CodeUnknownSKU, "SKU %q has no price yet", p.SKU)
		}
		if _, price := p.PromoAt(at, regular); price > 0 {
			qty = DivRound(l.Price, p.Unit.PriceDivisor(), price)
		}
	}
	if qty <= 0 || qty > 1_000_000 {
		return 0, FieldErrorf("qty", "the scale label gives no quantity from 1 to 1000000 sale units")
	}
	return qty, nil
}

// LabelPrice is what the label's goods cost at t: the price printed on it
// when it has one, else the weight at the unit price in force. ok is
// false when p has no price yet.
func (l ScaleLabel) LabelPrice(p *Product, qty int64, at time.Time) (int64, bool) {
	if l.HasPrice {
		return l.Price, true
	}
	regular, ok := p.PriceAt(at)
	if !ok {
		return 0, false
	}
	_, price := p.PromoAt(at, regular)
	return DivRound(price, qty, p.Unit.PriceDivisor()), true
}

// ErrUnknownScaleCode is the error of a label whose item code no product
// has; field names the barcode in the request.
func ErrUnknownScaleCode(field, code string) error {
	return &Error{Code: CodeUnknownScaleCode, Field: field, Message: "No product has scale code " + code + "."}
}
