package importer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/storeedge/storeedge/pos"
)

// parseWhole parses a decimal integer from lo to hi. what names the value
// in the message ("vat_rate", "stock").
func parseWhole(what, s string, lo, hi int64) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s must be a whole number, not %q", what, clip(s))
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%s must be from %d to %d, not %d", what, lo, hi, n)
	}
	return n, nil
}

// parseMoney parses an amount of minor units. A decimal is refused with
// the integer the user probably meant, because guessing here would change
// a price a hundredfold.
func parseMoney(what, s string) (int64, error) {
	if _, err := strconv.ParseInt(s, 10, 64); err != nil {
		if k, ok := kopecks(s); ok {
			return 0, fmt.Errorf("%s must be a whole number of kopecks (minor units): write %q as %d", what, clip(s), k)
		}
		return 0, fmt.Errorf("%s must be a whole number of kopecks (minor units), not %q", what, clip(s))
	}
	return parseWhole(what, s, 0, pos.MaxAmount)
}

// kopecks converts "129.90" or "129,9" to 12990 for the hint of parseMoney.
func kopecks(s string) (int64, bool) {
	i := strings.IndexAny(s, ".,")
	if i < 1 || len(s)-i-1 < 1 || len(s)-i-1 > 2 {
		return 0, false
	}
	units, err1 := strconv.ParseUint(s[:i], 10, 32)
	frac, err2 := strconv.ParseUint(s[i+1:], 10, 8)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	if len(s)-i-1 == 1 {
		frac *= 10
	}
	return int64(units)*100 + int64(frac), true
}

// parseTime parses an RFC 3339 time; "" is the zero time.
func parseTime(what, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s must be an RFC 3339 time such as 2026-03-01T00:00:00+03:00, not %q", what, clip(s))
	}
	return t, nil
}

// parsePromo builds a promotion from its text parts. A missing start
// means "from now"; an end is required, as an open-ended discount is
// almost always a mistake in a price list. names are the field names of
// kind, value, from and to, used in errors.
func parsePromo(names [4]string, kind, value, from, to string, now time.Time) (pos.Promotion, *pos.Error) {
	var p pos.Promotion
	p.Kind = strings.ToLower(kind)
	if p.Kind != pos.PromoPercent && p.Kind != pos.PromoFixed {
		return p, pos.FieldErrorf(names[0], "%s must be %q or %q, not %q", names[0], pos.PromoPercent, pos.PromoFixed, clip(kind))
	}
	var err error
	if p.Kind == pos.PromoPercent {
		p.Value, err = parseWhole(names[1], strings.TrimSuffix(value, "%"), 1, 99)
	} else {
		p.Value, err = parseMoney(names[1], value)
		if err == nil && p.Value == 0 {
			err = errors.New(names[1] + " of a fixed promotion takes at least 1 kopeck off")
		}
	}
	if err != nil {
		return p, pos.FieldErrorf(names[1], "%v", err)
	}
	return promoTimes(p, names, from, to, now)
}

// promoTimes fills in From and To of p; see parsePromo.
func promoTimes(p pos.Promotion, names [4]string, from, to string, now time.Time) (pos.Promotion, *pos.Error) {
	var err error
	if p.From, err = parseTime(names[2], from); err != nil {
		return p, pos.FieldErrorf(names[2], "%v", err)
	}
	if p.To, err = parseTime(names[3], to); err != nil {
		return p, pos.FieldErrorf(names[3], "%v", err)
	}
	if p.From.IsZero() {
		p.From = now
	}
	switch {
	case p.From.IsZero():
		return p, pos.FieldErrorf(names[2], "%s is required", names[2])
	case p.To.IsZero():
		return p, pos.FieldErrorf(names[3], "%s is required: a promotion must end", names[3])
	case !p.To.After(p.From):
		return p, pos.FieldErrorf(names[3], "%s must be after %s", names[3], names[2])
	}
	return p, nil
}
