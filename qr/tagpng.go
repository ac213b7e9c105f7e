package qr

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"time"

	"github.com/storeedge/storeedge/pos"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Bounds and default of TagPNG's width in pixels; the height follows the
// tag's 70 × 37 mm shape.
const (
	DefaultTagWidth = 700 // 10 px/mm: crisp on a phone, about 16 KB
	MinTagWidth     = 280
	MaxTagWidth     = 2800
)

// TagOptions tunes TagPNG. The zero value is ready to use.
type TagOptions struct {
	Width    int            // pixels; 0 is DefaultTagWidth
	Level    Level          // QR error correction; the zero Level is M
	Location *time.Location // for the printed date; nil is time.Local
}

// TagPNG draws one tag, laid out as on the printed sheet, as a greyscale
// PNG. Codes: validation_failed (fields "width", "label.url",
// "label.price", "label.old_price", "level").
func TagPNG(label pos.TagLabel, opts TagOptions) ([]byte, error) {
	w := opts.Width
	if w == 0 {
		w = DefaultTagWidth
	}
	if w < MinTagWidth || w > MaxTagWidth {
		return nil, pos.FieldErrorf("width", "tag image width %d: want %d to %d pixels", w, MinTagWidth, MaxTagWidth)
	}
	if err := validateLabel(&label, "label."); err != nil {
		return nil, err
	}
	bm, err := modules(label.URL, opts.Level)
	if err != nil {
		return nil, err
	}
	p := newRasterPainter(w)
	drawTag(p, &label, bm, location(opts.Location))
	var b bytes.Buffer
	if err := png.Encode(&b, p.img); err != nil {
		return nil, fmt.Errorf("encode tag png: %w", err)
	}
	return b.Bytes(), nil
}

// rasterPainter draws a tag on a white greyscale image.
type rasterPainter struct {
	img   *image.Gray
	scale float64 // pixels per millimetre
	faces map[faceKey]font.Face
}

type faceKey struct {
	f    *face
	size float64
}

var _ painter = (*rasterPainter)(nil)

func newRasterPainter(width int) *rasterPainter {
	scale := float64(width) / tagW
	img := image.NewGray(image.Rect(0, 0, width, int(math.Round(tagH*scale))))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	return &rasterPainter{img: img, scale: scale, faces: map[faceKey]font.Face{}}
}

// face returns f at size points for this image's resolution, cached: the
// price is measured at many sizes before it is drawn.
func (p *rasterPainter) face(f *face, size float64) font.Face {
	k := faceKey{f, size}
	if ff, ok := p.faces[k]; ok {
		return ff
	}
	ff, err := opentype.NewFace(f.font, &opentype.FaceOptions{Size: size, DPI: p.scale * 25.4, Hinting: font.HintingNone})
	if err != nil { // only for a nil font or a size ≤ 0, never here
		panic("qr: new face: " + err.Error())
	}
	p.faces[k] = ff
	return ff
}

func (p *rasterPainter) text(x, y, size float64, f *face, gray uint8, s string) {
	d := font.Drawer{Dst: p.img, Src: image.NewUniform(color.Gray{Y: gray}), Face: p.face(f, size),
		Dot: fixed.Point26_6{X: p.fixed(x), Y: p.fixed(y)}}
	d.DrawString(s)
}

func (p *rasterPainter) width(s string, size float64, f *face) float64 {
	return float64(font.MeasureString(p.face(f, size), s)) / 64 / p.scale
}

func (p *rasterPainter) fill(x, y, w, h float64, gray uint8) {
	r := image.Rect(p.px(x), p.px(y), p.px(x+w), p.px(y+h))
	if r.Empty() { // a hairline narrower than a pixel still shows
		r.Max = r.Min.Add(image.Pt(max(r.Dx(), 1), max(r.Dy(), 1)))
	}
	draw.Draw(p.img, r, image.NewUniform(color.Gray{Y: gray}), image.Point{}, draw.Src)
}

func (p *rasterPainter) px(mm float64) int { return int(math.Round(mm * p.scale)) }

func (p *rasterPainter) fixed(mm float64) fixed.Int26_6 {
	return fixed.Int26_6(math.Round(mm * p.scale * 64))
}
