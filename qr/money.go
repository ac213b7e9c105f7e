package qr

import (
	"strconv"

	"github.com/storeedge/storeedge/pos"
)

// nbsp joins digit groups and the currency sign so a price never wraps.
const nbsp = "\u00a0"

// currencySigns are the signs the tags print after the amount; any other
// currency prints its ISO code.
var currencySigns = map[string]string{"RUB": "₽", "EUR": "€", "USD": "$"}

// FormatPrice formats m the Russian way, "1 234,56 ₽": thousands grouped
// by no-break spaces, a decimal comma, two minor digits and the currency
// sign (or ISO code) after a no-break space. It uses integer math only.
func FormatPrice(m pos.Money) string {
	a := uint64(m.Amount) // two's complement: exact for MinInt64 too
	sign := ""
	if m.Amount < 0 {
		sign, a = "-", -a
	}
	minor := strconv.FormatUint(a%100+100, 10)[1:] // always two digits
	s := sign + groupThousands(strconv.FormatUint(a/100, 10)) + "," + minor
	if m.Currency == "" {
		return s
	}
	if c, ok := currencySigns[m.Currency]; ok {
		return s + nbsp + c
	}
	return s + nbsp + m.Currency
}

// groupThousands puts a no-break space between groups of three digits.
func groupThousands(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	head := len(digits) % 3
	if head == 0 {
		head = 3
	}
	out := digits[:head]
	for i := head; i < len(digits); i += 3 {
		out += nbsp + digits[i:i+3]
	}
	return out
}

// UnitText names what the price on a tag is for: "за 1 кг" for weighed
// goods (pos.TagLabel.PriceUnit "kg"), "за 1 шт." per piece, "" otherwise.
func UnitText(priceUnit string) string {
	switch priceUnit {
	case "kg":
		return "за 1 кг"
	case "piece":
		return "за 1 шт."
	case "l":
		return "за 1 л"
	}
	return ""
}
