package importer

import (
	"errors"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/storeedge/storeedge/pos"
)

// Limits on one import file. Input over a limit is refused, not truncated.
const (
	MaxProducts    = 100_000   // products in one file
	MaxInputBytes  = 256 << 20 // bytes in one file
	MaxPricePoints = 100       // price points of one product
	MaxPromotions  = 100       // promotions of one product
)

// Defaults fill in what an import file leaves out.
type Defaults struct {
	// Currency applies to every product whose row or object gives none.
	Currency string
	// Now stamps UpdatedAt and starts a promotion that gives no start time.
	Now time.Time
}

// Parse reads an import file, choosing the parser by the extension of name:
// .csv or .json (in any case). Any other extension is a validation error.
func Parse(name string, r io.Reader, d Defaults) ([]pos.ProductImport, error) {
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".csv":
		return ParseCSV(r, d)
	case ".json":
		return ParseJSON(r, d)
	default:
		return nil, pos.FieldErrorf("file", "%s: unsupported file type %q: give a .csv or .json file", clip(name), ext)
	}
}

// finish normalizes and validates every product and refuses a barcode
// that two products of the file share. where turns product i and a field
// path relative to it into the place named in the error.
func finish(items []pos.ProductImport, where func(i int, field string) string) error {
	owner := make(map[string]int)
	for i := range items {
		p := &items[i].Product
		p.Normalize()
		if err := validate(p); err != nil {
			return relocate(err, func(f string) string { return where(i, f) })
		}
		for j, b := range p.Barcodes {
			c := pos.CanonicalBarcode(b)
			if k, dup := owner[c]; dup && k == i {
				return pos.FieldErrorf(where(i, fieldIndex("barcodes", j)), "barcode %s is listed twice for this product", b)
			} else if dup {
				return pos.FieldErrorf(where(i, fieldIndex("barcodes", j)), "barcode %s also belongs to SKU %s", b, items[k].SKU)
			}
			owner[c] = i
		}
	}
	return nil
}

// validate runs the domain checks and then the importer's own limits.
func validate(p *pos.Product) error {
	if err := checkBarcodes(p); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	return checkLimits(p)
}

// relocate returns err as a validation error whose Field is moved to the
// place in the file that place computes from the product-relative field.
func relocate(err error, place func(field string) string) error {
	var e *pos.Error
	if !errors.As(err, &e) {
		return pos.FieldErrorf(place(""), "%v", err)
	}
	return &pos.Error{Code: pos.CodeValidationFailed, Message: e.Message, Field: place(e.Field)}
}

// clip shortens s for an error message so that a hostile file cannot make
// the message as large as itself.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	for i := max; i > 0; i-- {
		if (s[i] & 0xC0) != 0x80 { // do not cut a UTF-8 sequence in two
			return s[:i] + "…"
		}
	}
	return s[:max] + "…"
}
