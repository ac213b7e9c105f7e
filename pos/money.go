package pos

import (
	"fmt"
	"math"
	"math/bits"
)

// Money is an amount in minor units (kopecks, cents) of an ISO 4217 currency.
// It is never a float.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// M is shorthand for Money{amount, currency}.
func M(amount int64, currency string) Money { return Money{Amount: amount, Currency: currency} }

// String formats m as "123.45 RUB" for logs and messages; it is not used for
// arithmetic. Without a currency it is just "123.45".
func (m Money) String() string {
	sign, a := "", abs64(m.Amount) // abs64 is exact for math.MinInt64 too
	if m.Amount < 0 {
		sign = "-"
	}
	s := fmt.Sprintf("%s%d.%02d", sign, a/100, a%100)
	if m.Currency == "" {
		return s
	}
	return s + " " + m.Currency
}

// ValidCurrency reports whether c looks like an ISO 4217 code (three capitals).
func ValidCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if c[i] < 'A' || c[i] > 'Z' {
			return false
		}
	}
	return true
}

// MaxAmount bounds every amount and quantity we accept from outside, so that
// a product of two of them (price × qty) can never overflow int64.
const MaxAmount = 1 << 40 // ≈ 1.1e12 minor units: 11 billion roubles

// DivRound returns a*b/d rounded half away from zero. The product is taken
// in 128 bits, so the result is exact whenever it fits in an int64 (always
// for |a|,|b| < 2^62); beyond that it saturates at math.MaxInt64 or
// math.MinInt64 instead of wrapping. d must be positive. It is the one
// rounding rule of StoreEdge: every price, discount, VAT and refund goes
// through it.
func DivRound(a, b, d int64) int64 {
	if d <= 0 {
		panic("pos: DivRound with non-positive divisor")
	}
	ud := uint64(d)
	hi, lo := bits.Mul64(abs64(a), abs64(b))
	q := uint64(math.MaxUint64) // the quotient would not fit in 64 bits
	if hi < ud {
		var r uint64
		q, r = bits.Div64(hi, lo, ud)
		if r >= ud-r && q < math.MaxUint64 { // r >= d/2, exact for odd d too
			q++
		}
	}
	if (a < 0) != (b < 0) {
		if q >= 1<<63 { // -2^63 is the last negative int64
			return math.MinInt64
		}
		return -int64(q)
	}
	return int64(min(q, math.MaxInt64))
}

func abs64(x int64) uint64 {
	if x < 0 {
		return uint64(-x)
	}
	return uint64(x)
}
