package edge

import (
	"testing"

	"github.com/storeedge/storeedge/pos"
)

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		m      pos.Money
		ru, en string
	}{
		{pos.M(123456, "RUB"), "1 234,56 ₽", "₽1,234.56"},
		{pos.M(5, "RUB"), "0,05 ₽", "₽0.05"},
		{pos.M(100, "RUB"), "1,00 ₽", "₽1.00"},
		{pos.M(99999999, "RUB"), "999 999,99 ₽", "₽999,999.99"},
		{pos.M(100000000, "RUB"), "1 000 000,00 ₽", "₽1,000,000.00"},
		{pos.M(-1050, "EUR"), "-10,50 €", "-€10.50"},
		{pos.M(1050, "XYZ"), "10,50 XYZ", "XYZ10.50"},
	}
	for _, tc := range tests {
		if got := formatMoney(tc.m, langRU); got != tc.ru {
			t.Errorf("formatMoney(%v, ru)=%q, want %q", tc.m, got, tc.ru)
		}
		if got := formatMoney(tc.m, langEN); got != tc.en {
			t.Errorf("formatMoney(%v, en)=%q, want %q", tc.m, got, tc.en)
		}
	}
}

func TestAcceptLanguage(t *testing.T) {
	tests := []struct{ header, want string }{
		{"", langRU},
		{"en", langEN},
		{"en-US,en;q=0.9,ru;q=0.8", langEN},
		{"ru-RU,ru;q=0.9,en-US;q=0.8", langRU},
		{"de-DE, en;q=0.5, ru;q=0.7", langRU},
		{"de-DE, EN-gb;q=0.5", langEN},
		{"fr, de", langRU},
		{"en;q=0, ru;q=0", langRU},
		{"en;q=bogus", langRU},
		{"*", langRU},
		{"en ; q = 0.4 , ru ; q = 0.3", langEN},
	}
	for _, tc := range tests {
		if got := acceptLanguage(tc.header); got != tc.want {
			t.Errorf("acceptLanguage(%q)=%q, want %q", tc.header, got, tc.want)
		}
	}
}

func TestReviewCount(t *testing.T) {
	tests := []struct {
		n      int64
		ru, en string
	}{
		{1, "1 отзыв", "1 review"}, {2, "2 отзыва", "2 reviews"}, {4, "4 отзыва", "4 reviews"},
		{5, "5 отзывов", "5 reviews"}, {11, "11 отзывов", "11 reviews"}, {12, "12 отзывов", "12 reviews"},
		{21, "21 отзыв", "21 reviews"}, {22, "22 отзыва", "22 reviews"}, {111, "111 отзывов", "111 reviews"},
	}
	for _, tc := range tests {
		if got := reviewCount(tc.n, langRU); got != tc.ru {
			t.Errorf("reviewCount(%d, ru)=%q, want %q", tc.n, got, tc.ru)
		}
		if got := reviewCount(tc.n, langEN); got != tc.en {
			t.Errorf("reviewCount(%d, en)=%q, want %q", tc.n, got, tc.en)
		}
	}
}

func TestMessages(t *testing.T) {
	for key, m := range messages {
		if m[0] == "" || m[1] == "" {
			t.Errorf("message %q lacks a language", key)
		}
	}
	if got := translate(langEN, "no such key"); got != "[[no such key]]" {
		t.Fatalf("missing key shows %q", got)
	}
}

func TestStockLevel(t *testing.T) {
	tests := []struct {
		n    int64
		unit pos.Unit
		want string
	}{
		{-2, pos.UnitPiece, stockNone}, {0, pos.UnitPiece, stockNone}, {1, pos.UnitPiece, stockFew},
		{3, pos.UnitPiece, stockFew}, {4, pos.UnitPiece, stockInStock},
		{0, pos.UnitGram, stockNone}, {3000, pos.UnitGram, stockFew}, {3001, pos.UnitGram, stockInStock},
	}
	for _, tc := range tests {
		if got := stockLevel(tc.n, tc.unit); got != tc.want {
			t.Errorf("stockLevel(%d, %s)=%q, want %q", tc.n, tc.unit, got, tc.want)
		}
	}
}

func TestTrimRunes(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 3, "abc"}, {"abcd", 3, "abc…"}, {"Привет", 6, "Привет"}, {"Привет", 3, "При…"}, {"ab cd", 3, "ab…"},
	}
	for _, tc := range tests {
		if got := trimRunes(tc.s, tc.n); got != tc.want {
			t.Errorf("trimRunes(%q, %d)=%q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}

func TestLocalImages(t *testing.T) {
	got := localImages([]string{
		"/img/a.jpg", "https://cdn/x.jpg", "//cdn/y.jpg", "img/rel.jpg", "/\\evil", "javascript:alert(1)",
		"/img/b.jpg?w=300", "/img/c d.jpg", "/img/d.jpg", "/img/e.jpg", "/img/f.jpg",
	})
	want := []string{"/img/a.jpg", "/img/b.jpg?w=300", "/img/d.jpg", "/img/e.jpg"}
	if len(got) != len(want) {
		t.Fatalf("localImages=%q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("localImages=%q, want %q", got, want)
		}
	}
}
