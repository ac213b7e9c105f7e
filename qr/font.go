package qr

import (
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// face is one of the two embedded Go fonts with what the tags need to know
// about it.
type face struct {
	name string // the family name in a PDF
	ttf  []byte
	font *sfnt.Font
	bar  rubleBar
}

// rubleBar is where the bar of a ₽ goes, in ems from the origin of the
// Cyrillic Р it is drawn over (y up from the baseline).
type rubleBar struct{ x0, x1, y0, y1 float64 }

// faces parses the fonts once; they are embedded, so failing is a bug.
var faces = sync.OnceValue(func() [2]*face {
	return [2]*face{mustFace("GoRegular", goregular.TTF), mustFace("GoBold", gobold.TTF)}
})

func regular() *face { return faces()[0] }
func bold() *face    { return faces()[1] }

func mustFace(name string, ttf []byte) *face {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		panic("qr: parse embedded font " + name + ": " + err.Error())
	}
	return &face{name: name, ttf: ttf, font: f, bar: newRubleBar(f)}
}

// newRubleBar places the bar of ₽ from the font's own shapes, since the Go
// fonts lack the sign: it crosses the stem of Р below the bowl, about a
// quarter of the cap height up, as thick as the hyphen, and sticks out
// left of the stem.
func newRubleBar(f *sfnt.Font) rubleBar {
	er, hyphen := emBounds(f, 'Р'), emBounds(f, '-')
	thick := hyphen.Max.Y - hyphen.Min.Y
	capH := -er.Min.Y
	mid := 0.24 * capH
	return rubleBar{x0: er.Min.X - 0.09, x1: er.Min.X + 0.42*(er.Max.X-er.Min.X),
		y0: mid - thick/2, y1: mid + thick/2}
}

// emRect is a glyph's bounds in ems, y down as in sfnt.
type emRect struct{ Min, Max struct{ X, Y float64 } }

func emBounds(f *sfnt.Font, r rune) emRect {
	var b sfnt.Buffer
	i, err := f.GlyphIndex(&b, r)
	if err != nil || i == 0 {
		panic("qr: embedded font lacks " + string(r))
	}
	ppem := fixed.Int26_6(f.UnitsPerEm())
	bd, _, err := f.GlyphBounds(&b, i, ppem, font.HintingNone)
	if err != nil {
		panic("qr: glyph bounds: " + err.Error())
	}
	em := func(v fixed.Int26_6) float64 { return float64(v) / float64(ppem) }
	var out emRect
	out.Min.X, out.Min.Y, out.Max.X, out.Max.Y = em(bd.Min.X), em(bd.Min.Y), em(bd.Max.X), em(bd.Max.Y)
	return out
}
