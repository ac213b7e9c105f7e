package qr_test

import (
	"math"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/qr"
)

func TestFormatPrice(t *testing.T) {
	const s = "\u00a0" // no-break space
	tests := []struct {
		in   pos.Money
		want string
	}{
		{pos.M(0, "RUB"), "0,00" + s + "₽"},
		{pos.M(5, "RUB"), "0,05" + s + "₽"},
		{pos.M(8990, "RUB"), "89,90" + s + "₽"},
		{pos.M(99900, "RUB"), "999,00" + s + "₽"},
		{pos.M(123456, "RUB"), "1" + s + "234,56" + s + "₽"},
		{pos.M(123456789, "RUB"), "1" + s + "234" + s + "567,89" + s + "₽"},
		{pos.M(-150, "RUB"), "-1,50" + s + "₽"},
		{pos.M(1999, "EUR"), "19,99" + s + "€"},
		{pos.M(1999, "KZT"), "19,99" + s + "KZT"},
		{pos.M(1999, ""), "19,99"},
		{pos.M(math.MaxInt64, ""), "92" + s + "233" + s + "720" + s + "368" + s + "547" + s + "758,07"},
		{pos.M(math.MinInt64, ""), "-92" + s + "233" + s + "720" + s + "368" + s + "547" + s + "758,08"},
	}
	for _, tt := range tests {
		if got := qr.FormatPrice(tt.in); got != tt.want {
			t.Fatalf("FormatPrice(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestUnitText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"kg", "за 1 кг"},
		{"piece", "за 1 шт."},
		{"l", "за 1 л"},
		{"", ""},
		{"parsec", ""},
	}
	for _, tt := range tests {
		if got := qr.UnitText(tt.in); got != tt.want {
			t.Fatalf("UnitText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
