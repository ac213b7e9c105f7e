package qr

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// monoPainter measures one millimetre per rune, so wrapping is easy to
// predict.
type monoPainter struct{}

func (monoPainter) text(x, y, size float64, f *face, gray uint8, s string) {}
func (monoPainter) width(s string, size float64, f *face) float64 {
	return float64(utf8.RuneCountInString(s))
}
func (monoPainter) fill(x, y, w, h float64, gray uint8) {}

func TestWrap(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"Empty", "", nil},
		{"OneLine", "Молоко 1 л", []string{"Молоко 1 л"}},
		{"Words", "Сыр Российский 45% вес", []string{"Сыр", "Российский", "45% вес"}},
		{"FourthLine", "Сыр Российский 45% весовой", []string{"Сыр", "Российский", "45%…"}},
		{"Spaces", "  a \n\t b  ", []string{"a b"}},
		{"LongWord", "Антиперспирант", []string{"Антиперспи", "рант"}},
		{"TooMany", "aaaa bbbb cccc dddd eeee ffff gggg", []string{"aaaa bbbb", "cccc dddd", "eeee ffff…"}},
		{"ClipWord", "aaaaaaaaaa bbbbbbbbbb cccccccccc dddd", []string{"aaaaaaaaaa", "bbbbbbbbbb", "ccccccccc…"}},
		{"BadUTF8", "ab\xffcd", []string{"ab\uFFFDcd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wrap(monoPainter{}, tt.in, 10, 8, regular(), 3)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Fatalf("wrap(%q) = %q, want %q", tt.in, got, tt.want)
			}
			for _, line := range got {
				if n := utf8.RuneCountInString(line); n > 10 {
					t.Fatalf("line %q is %d wide, more than 10", line, n)
				}
			}
		})
	}
}

func TestClip(t *testing.T) {
	tests := []struct{ in, want string }{
		{"short", "short"},
		{"exactly 10", "exactly 10"},
		{"a bit too long", "a bit too…"},
		{"word     spaces", "word…"},
	}
	for _, tt := range tests {
		if got := clip(monoPainter{}, tt.in, 10, 8, regular()); got != tt.want {
			t.Fatalf("clip(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzWrap feeds product names from anywhere (central's catalog) to wrap:
// never more lines than asked, never a line wider than the column, and no
// non-space text lost unless the name is cut with an ellipsis.
func FuzzWrap(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzzing is slow")
	}
	for _, s := range []string{"", "Молоко 3,2%", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "a\x00b\xffc  d\te"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lines := wrap(monoPainter{}, s, 10, 8, regular(), 3)
		if len(lines) > 3 {
			t.Fatalf("%d lines", len(lines))
		}
		for _, l := range lines {
			if n := utf8.RuneCountInString(l); n > 10 || n == 0 {
				t.Fatalf("line %q is %d wide", l, n)
			}
		}
		joined := strings.Join(lines, "")
		if !strings.HasSuffix(joined, ellipsis) && strings.Join(strings.FieldsFunc(strings.ToValidUTF8(s, "\uFFFD"), isBreak), "") != strings.ReplaceAll(joined, " ", "") {
			t.Fatalf("wrap(%q) = %q lost text", s, lines)
		}
	})
}
