package pos_test

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

func TestDivRound(t *testing.T) {
	const big62 = 1<<62 - 1
	tests := []struct {
		name    string
		a, b, d int64
		want    int64
	}{
		{"Zero", 0, 12345, 7, 0},
		{"ZeroTimesNegative", 0, -5, 3, 0},
		{"Exact", 12200, 22, 122, 2200},
		{"DivisorOne", -12345, 3, 1, -37035},
		// Half away from zero, never to even.
		{"Half", 1, 1, 2, 1},
		{"HalfNegativeA", -1, 1, 2, -1},
		{"HalfNegativeB", 1, -1, 2, -1},
		{"HalfBothNegative", -1, -1, 2, 1},
		{"TwoAndAHalf", 5, 1, 2, 3}, // banker's rounding would give 2
		{"MinusTwoAndAHalf", -5, 1, 2, -3},
		{"ThreeAndAHalf", 7, 1, 2, 4},
		// Even divisor: quarters.
		{"OneAndAQuarter", 5, 1, 4, 1},
		{"OneAndAHalf", 6, 1, 4, 2},
		{"OneAndThreeQuarters", 7, 1, 4, 2},
		{"MinusOneAndAQuarter", -5, 1, 4, -1},
		{"MinusOneAndAHalf", -6, 1, 4, -2},
		{"MinusOneAndThreeQuarters", -7, 1, 4, -2},
		// Odd divisors have no exact half.
		{"OneThird", 1, 1, 3, 0},
		{"TwoThirds", 2, 1, 3, 1},
		{"MinusTwoThirds", -2, 1, 3, -1},
		{"ThreeSevenths", 3, 1, 7, 0}, // 0.43
		{"FourSevenths", 4, 1, 7, 1},  // 0.57
		{"MinusFourSevenths", 4, -1, 7, -1},
		// Shop arithmetic.
		{"Cheese347g", 18990, 347, 1000, 6590},       // 6 589 530 / 1000 = 6589.53
		{"Cheese50gExactHalf", 18990, 50, 1000, 950}, // 949 500 / 1000 = 949.5
		{"Percent15", 18990, 15, 100, 2849},          // 2848.5
		{"VAT22", 10000, 22, 122, 1803},              // 1803.28
		{"VAT10", 10000, 10, 110, 909},               // 909.09
		{"MaxAmountTimesMillion", 1 << 40, 1_000_000, 1000, 1_099_511_627_776_000},
		// Large values: the product needs 128 bits.
		{"Near2^62", big62, big62, big62, big62},
		{"2^62Squared", 1 << 62, 1 << 62, 1 << 62, 1 << 62},
		{"2^62x3/4", 1 << 62, 3, 4, 3 << 60},
		{"HalfNear2^61", big62, 2, 4, 1 << 61}, // (2^63−2)/4 = 2^61 − 0.5
		{"MinusHalfNear2^61", -big62, 2, 4, -(1 << 61)},
		{"LargeDivisor", 1 << 40, 1 << 40, 1 << 62, 1 << 18},
		{"MaxInt64Identity", math.MaxInt64, math.MaxInt64, math.MaxInt64, math.MaxInt64},
		{"MaxInt64Halved", math.MaxInt64, 1, 2, 1 << 62}, // 2^62 − 0.5
		{"MinInt64", math.MinInt64, 1, 1, math.MinInt64},
		{"MinInt64Halved", math.MinInt64, 1, 2, -(1 << 62)},
		// Results beyond int64 saturate instead of wrapping.
		{"SaturatesHigh", 1 << 62, 4, 1, math.MaxInt64},
		{"SaturatesLow", 1 << 62, -4, 1, math.MinInt64},
		{"SaturatesMinInt64Negated", math.MinInt64, -1, 1, math.MaxInt64},
		{"SaturatesMaxSquared", math.MaxInt64, math.MaxInt64, 1, math.MaxInt64},
		{"SaturatesMaxTimesMin", math.MaxInt64, math.MinInt64, 3, math.MinInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pos.DivRound(tt.a, tt.b, tt.d); got != tt.want {
				t.Fatalf("DivRound(%d, %d, %d)=%d, want %d", tt.a, tt.b, tt.d, got, tt.want)
			}
		})
	}
}

// TestDivRound_Big checks DivRound against math/big for random operands of
// every magnitude, signs mixed.
func TestDivRound_Big(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	operand := func() int64 {
		v := rng.Int64N(1 << rng.IntN(63))
		if rng.IntN(2) == 0 {
			return -v
		}
		return v
	}
	for i := 0; i < 20000; i++ {
		a, b := operand(), operand()
		d := 1 + rng.Int64N(1<<rng.IntN(63))
		if got, want := pos.DivRound(a, b, d), bigDivRound(a, b, d); got != want {
			t.Fatalf("DivRound(%d, %d, %d)=%d, want %d", a, b, d, got, want)
		}
	}
}

// bigDivRound is the reference: a·b/d rounded half away from zero, clamped
// to int64.
func bigDivRound(a, b, d int64) int64 {
	n := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	neg := n.Sign() < 0
	n.Abs(n)
	q, r := new(big.Int).QuoRem(n, big.NewInt(d), new(big.Int))
	if r.Lsh(r, 1).Cmp(big.NewInt(d)) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	switch {
	case q.Cmp(big.NewInt(math.MaxInt64)) > 0:
		return math.MaxInt64
	case q.Cmp(big.NewInt(math.MinInt64)) < 0:
		return math.MinInt64
	}
	return q.Int64()
}

func TestDivRound_PanicsOnNonPositiveDivisor(t *testing.T) {
	for _, d := range []int64{0, -1, math.MinInt64} {
		t.Run(fmt.Sprint(d), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatalf("DivRound(1, 1, %d) did not panic", d)
				}
			}()
			pos.DivRound(1, 1, d)
		})
	}
}

func TestMoney_String(t *testing.T) {
	tests := []struct {
		m    pos.Money
		want string
	}{
		{pos.M(0, rub), "0.00 RUB"},
		{pos.M(5, rub), "0.05 RUB"},
		{pos.M(50, rub), "0.50 RUB"},
		{pos.M(12990, rub), "129.90 RUB"},
		{pos.M(100000, "USD"), "1000.00 USD"},
		{pos.M(-5, rub), "-0.05 RUB"},
		{pos.M(-12345, rub), "-123.45 RUB"},
		{pos.M(math.MaxInt64, rub), "92233720368547758.07 RUB"},
		{pos.M(math.MinInt64, rub), "-92233720368547758.08 RUB"},
		{pos.M(100, ""), "1.00"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.m.String(); got != tt.want {
				t.Fatalf("String()=%q, want %q", got, tt.want)
			}
		})
	}
}

func TestValidCurrency(t *testing.T) {
	tests := []struct {
		c    string
		want bool
	}{
		{"RUB", true}, {"USD", true}, {"EUR", true}, {"XXX", true},
		{"", false}, {"RU", false}, {"RUBL", false}, {"rub", false}, {"Rub", false},
		{"R1B", false}, {" RU", false}, {"RU ", false}, {"ÄB", false}, {"РУБ", false},
	}
	for _, tt := range tests {
		t.Run(tt.c, func(t *testing.T) {
			if got := pos.ValidCurrency(tt.c); got != tt.want {
				t.Fatalf("ValidCurrency(%q)=%v, want %v", tt.c, got, tt.want)
			}
		})
	}
}

func TestM(t *testing.T) {
	if got, want := pos.M(12990, rub), (pos.Money{Amount: 12990, Currency: rub}); got != want {
		t.Fatalf("M=%+v, want %+v", got, want)
	}
}

func ExampleDivRound() {
	// 347 g of cheese at 189.90 per kg: 18990 × 347 / 1000 = 6589.53 kopecks.
	fmt.Println(pos.DivRound(18990, 347, 1000))
	// An exact half rounds away from zero, also when negative.
	fmt.Println(pos.DivRound(5, 1, 2), pos.DivRound(-5, 1, 2))
	// Output:
	// 6590
	// 3 -3
}
