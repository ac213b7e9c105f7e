package qr

import (
	"strings"
	"time"

	"github.com/storeedge/storeedge/pos"
)

// painter is what a tag is drawn on: a PDF page or a raster image. Lengths
// are millimetres from the tag's top-left corner, y down; sizes are points.
// Drawing the tag once against this interface keeps the PDF and the PNG
// identical in layout.
type painter interface {
	// text draws s in black or grey (0 black … 255 white) with its
	// baseline at y.
	text(x, y, size float64, f *face, gray uint8, s string)
	// width measures s as text would draw it.
	width(s string, size float64, f *face) float64
	// fill paints a rectangle.
	fill(x, y, w, h float64, gray uint8)
}

// Tag geometry in millimetres: 70 × 37 mm, the common 24-up A4 label sheet
// (3 × 8). The QR is on the left with the EAN under it; the name, the old
// and the current price on the right; the price version along the bottom.
const (
	tagW, tagH  = 70.0, 37.0
	qrX, qrY    = 1.5, 1.5
	qrSide      = 24.0 // quiet zone included
	colX, colR  = 26.0, 67.5
	nameSize    = 8.0
	nameLead    = 3.3 // line height
	nameTop     = 5.2 // first baseline
	nameLines   = 3
	oldSize     = 10.0
	oldBase     = 17.0
	priceMax    = 26.0
	priceMin    = 9.0
	priceBase   = 26.8
	unitSize    = 6.5
	unitBase    = 30.3
	eanSize     = 6.5
	eanBase     = 27.5
	smallSize   = 5.0
	smallBase   = 35.0
	smallX      = 2.5
	ptPerMM     = 72 / 25.4
	strikeThick = 0.3
)

// drawTag draws one tag whose QR modules are bm.
func drawTag(p painter, l *pos.TagLabel, bm [][]bool, loc *time.Location) {
	drawQR(p, bm, qrX, qrY, qrSide)
	if l.Barcode != "" {
		w := p.width(l.Barcode, eanSize, regular())
		p.text(qrX+(qrSide-w)/2, eanBase, eanSize, regular(), 0, l.Barcode)
	}
	for i, line := range wrap(p, l.Name, colR-colX, nameSize, bold(), nameLines) {
		p.text(colX, nameTop+float64(i)*nameLead, nameSize, bold(), 0, line)
	}
	if l.OldPrice != nil {
		drawOldPrice(p, FormatPrice(*l.OldPrice))
	}
	drawPrice(p, FormatPrice(l.Price))
	if u := UnitText(l.PriceUnit); u != "" {
		p.text(colR-p.width(u, unitSize, regular()), unitBase, unitSize, regular(), 0, u)
	}
	small := l.PriceVersion + " · " + l.PrintedAt.In(loc).Format("02.01.2006")
	small = clip(p, strings.TrimPrefix(small, " · "), tagW-2*smallX, smallSize, regular())
	p.text(smallX, smallBase, smallSize, regular(), 90, small)
}

// drawQR paints the dark modules of bm into a side × side square, one
// rectangle per horizontal run.
func drawQR(p painter, bm [][]bool, x, y, side float64) {
	m := side / float64(len(bm))
	for row, line := range bm {
		for _, r := range runs(line) {
			p.fill(x+float64(r[0])*m, y+float64(row)*m, float64(r[1]-r[0])*m, m, 0)
		}
	}
}

// drawOldPrice draws the regular price during a promotion, right-aligned
// and struck through.
func drawOldPrice(p painter, s string) {
	w := moneyWidth(p, s, oldSize, regular())
	drawMoney(p, colR-w, oldBase, oldSize, regular(), 60, s)
	em := oldSize / ptPerMM
	p.fill(colR-w-0.3, oldBase-0.33*em-strikeThick/2, w+0.6, strikeThick, 0)
}

// drawPrice draws the price as large as fits the column, right-aligned.
func drawPrice(p painter, s string) {
	size := priceMax
	for size > priceMin && moneyWidth(p, s, size, bold()) > colR-colX {
		size -= 0.5
	}
	drawMoney(p, colR-moneyWidth(p, s, size, bold()), priceBase, size, bold(), 0, s)
}

// drawMoney draws a formatted price, drawing each ₽ (which the Go fonts
// lack) as a Cyrillic Р with the bar painted across its stem.
func drawMoney(p painter, x, y, size float64, f *face, gray uint8, s string) {
	em := size / ptPerMM
	for i, part := range strings.Split(s, "₽") {
		if i > 0 {
			b := f.bar
			p.text(x, y, size, f, gray, "Р")
			p.fill(x+b.x0*em, y-b.y1*em, (b.x1-b.x0)*em, (b.y1-b.y0)*em, gray)
			x += p.width("Р", size, f)
		}
		p.text(x, y, size, f, gray, part)
		x += p.width(part, size, f)
	}
}

// moneyWidth measures a formatted price as drawMoney draws it.
func moneyWidth(p painter, s string, size float64, f *face) float64 {
	return p.width(strings.ReplaceAll(s, "₽", "Р"), size, f)
}
