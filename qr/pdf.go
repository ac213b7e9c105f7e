package qr

import "github.com/signintech/gopdf"

// pdfPainter draws one tag on a gopdf page at (x0, y0) mm. gopdf reports
// errors per call; the first one sticks in err and stops the drawing.
type pdfPainter struct {
	gp     *gopdf.GoPdf
	x0, y0 float64
	err    error
}

var _ painter = (*pdfPainter)(nil)

func (p *pdfPainter) text(x, y, size float64, f *face, gray uint8, s string) {
	if p.err != nil || s == "" {
		return
	}
	if p.err = p.gp.SetFont(f.name, "", size); p.err != nil {
		return
	}
	p.gp.SetTextColor(gray, gray, gray)
	p.gp.SetXY(p.x0+x, p.y0+y) // gopdf's Text puts the baseline at y
	p.err = p.gp.Text(s)
}

func (p *pdfPainter) width(s string, size float64, f *face) float64 {
	if p.err != nil || s == "" {
		return 0
	}
	if p.err = p.gp.SetFont(f.name, "", size); p.err != nil {
		return 0
	}
	w, err := p.gp.MeasureTextWidth(s)
	if err != nil {
		p.err = err
	}
	return w
}

func (p *pdfPainter) fill(x, y, w, h float64, gray uint8) {
	if p.err != nil {
		return
	}
	p.gp.SetFillColor(gray, gray, gray)
	p.gp.RectFromUpperLeftWithStyle(p.x0+x, p.y0+y, w, h, "F")
}
