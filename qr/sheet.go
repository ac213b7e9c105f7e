package qr

import (
	"fmt"
	"io"
	"time"

	"github.com/signintech/gopdf"
	"github.com/storeedge/storeedge/pos"
)

// Sheet geometry: A4 portrait holds 3 × 8 tags of 70 × 37 mm edge to edge,
// the layout of the usual 24-up self-adhesive label sheets, centred
// vertically (296 of 297 mm).
const (
	SheetCols, SheetRows = 3, 8
	TagsPerPage          = SheetCols * SheetRows
	pageW, pageH         = 210.0, 297.0
	sheetTop             = (pageH - SheetRows*tagH) / 2
)

// MaxSheetLabels bounds one sheet request: 100 pages.
const MaxSheetLabels = 100 * TagsPerPage

// SheetOptions tunes WriteSheet. The zero value is ready to use.
type SheetOptions struct {
	Level    Level          // QR error correction; the zero Level is M
	CutLines bool           // draw a thin grey border round each tag, for plain paper
	Location *time.Location // for the printed date; nil is time.Local
}

// WriteSheet writes labels as a PDF of A4 pages, 24 tags to a page in rows
// (about 25 KB a page). It checks every label before writing anything.
// Codes: validation_failed (fields "labels", "labels[i].url",
// "labels[i].price", "labels[i].old_price", "level").
func WriteSheet(w io.Writer, labels []pos.TagLabel, opts SheetOptions) error {
	qrs, err := labelModules(labels, opts.Level)
	if err != nil {
		return err
	}
	gp := &gopdf.GoPdf{}
	gp.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitMM})
	gp.SetInfo(gopdf.PdfInfo{Title: "Price tags", Creator: "StoreEdge"})
	for _, f := range faces() {
		if err := gp.AddTTFFontData(f.name, f.ttf); err != nil {
			return fmt.Errorf("add font %s: %w", f.name, err)
		}
	}
	loc := location(opts.Location)
	for i := range labels {
		if i%TagsPerPage == 0 {
			gp.AddPage()
		}
		col, row := i%SheetCols, i%TagsPerPage/SheetCols
		p := &pdfPainter{gp: gp, x0: float64(col) * tagW, y0: sheetTop + float64(row)*tagH}
		if opts.CutLines {
			drawCutLines(p)
		}
		drawTag(p, &labels[i], qrs[i], loc)
		if p.err != nil {
			return fmt.Errorf("draw tag %d: %w", i, p.err)
		}
	}
	_, err = gp.WriteTo(w)
	return err
}

// labelModules validates labels and encodes their QR codes.
func labelModules(labels []pos.TagLabel, level Level) ([][][]bool, error) {
	if len(labels) == 0 || len(labels) > MaxSheetLabels {
		return nil, pos.FieldErrorf("labels", "%d labels: want 1 to %d", len(labels), MaxSheetLabels)
	}
	qrs := make([][][]bool, len(labels))
	for i := range labels {
		if err := validateLabel(&labels[i], fmt.Sprintf("labels[%d].", i)); err != nil {
			return nil, err
		}
		bm, err := modules(labels[i].URL, level)
		if err != nil {
			return nil, err
		}
		qrs[i] = bm
	}
	return qrs, nil
}

// validateLabel checks what a tag cannot be printed without; prefix names
// the label in the error's Field.
func validateLabel(l *pos.TagLabel, prefix string) error {
	if l.URL == "" || len(l.URL) > MaxContentLen {
		return pos.FieldErrorf(prefix+"url", "a tag URL of 1 to %d bytes is required", MaxContentLen)
	}
	if l.Price.Amount < 0 || l.Price.Amount > pos.MaxAmount {
		return pos.FieldErrorf(prefix+"price", "price %d out of range", l.Price.Amount)
	}
	if o := l.OldPrice; o != nil && (o.Amount < 0 || o.Amount > pos.MaxAmount) {
		return pos.FieldErrorf(prefix+"old_price", "old price %d out of range", o.Amount)
	}
	return nil
}

// drawCutLines outlines the tag with hairlines to cut along.
func drawCutLines(p painter) {
	const t, g = 0.1, 180
	p.fill(0, 0, tagW, t, g)
	p.fill(0, tagH-t, tagW, t, g)
	p.fill(0, 0, t, tagH, g)
	p.fill(tagW-t, 0, t, tagH, g)
}

func location(l *time.Location) *time.Location {
	if l == nil {
		return time.Local
	}
	return l
}
