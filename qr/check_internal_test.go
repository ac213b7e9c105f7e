package qr

import (
	"bytes"
	"testing"
)

// TestGFPrimitive checks that x generates all 31 non-zero elements of
// GF(32), which makes the ten weights of the check distinct.
func TestGFPrimitive(t *testing.T) {
	seen := map[byte]bool{}
	w := byte(1)
	for i := 0; i < 31; i++ {
		if seen[w] {
			t.Fatalf("x^%d = %d repeats: x is not primitive", i, w)
		}
		seen[w] = true
		w = gfMul(w, 2)
	}
	if got, want := w, byte(1); got != want {
		t.Fatalf("x^31 = %d, want %d", got, want)
	}
}

func TestGFMul_Field(t *testing.T) {
	for a := byte(0); a < 32; a++ {
		for b := byte(0); b < 32; b++ {
			if gfMul(a, b) != gfMul(b, a) || gfMul(a, b) > 31 {
				t.Fatalf("gfMul(%d, %d) = %d, gfMul(%d, %d) = %d", a, b, gfMul(a, b), b, a, gfMul(b, a))
			}
			if a != 0 && b != 0 && gfMul(a, b) == 0 {
				t.Fatalf("zero divisors %d × %d", a, b)
			}
		}
	}
}

func TestNewTagCode_Deterministic(t *testing.T) {
	tests := []struct {
		random []byte
		want   string
	}{
		{make([]byte, 8), "0000000000"},
		{[]byte{0, 0, 0, 0, 0, 0, 0, 1}, "1000000002"}, // check = x¹·1
		{bytes.Repeat([]byte{0xff}, 8), "zzzzzzzzz" + string(crockford[checkValue(bytes.Repeat([]byte{31}, 9))])},
	}
	for _, tt := range tests {
		if got := newTagCode(bytes.NewReader(tt.random)); got != tt.want {
			t.Fatalf("newTagCode(% x) = %q, want %q", tt.random, got, tt.want)
		}
	}
}
