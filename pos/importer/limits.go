package importer

import (
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/storeedge/storeedge/pos"
)

// Field lengths beyond what pos.Product.Validate checks. They keep one bad
// row from bloating the catalog, tags and receipts.
const (
	maxCategory  = 100  // runes
	maxSpecKey   = 100  // runes
	maxSpecValue = 1000 // runes
	maxImageURL  = 2048 // bytes
	maxPromoID   = 64   // bytes
	maxField     = 64 << 10
)

// checkBarcodes checks each barcode before Validate does, so that the
// message can quote the bad code.
func checkBarcodes(p *pos.Product) error {
	if len(p.Barcodes) > 32 {
		return pos.FieldErrorf("barcodes", "a product has at most 32 barcodes")
	}
	for i, b := range p.Barcodes {
		if err := pos.ValidateBarcode(b); err != nil {
			return pos.FieldErrorf(fieldIndex("barcodes", i), "%q: %v", clip(b), err)
		}
	}
	return nil
}

// checkLimits checks what Validate leaves open: lengths, control
// characters in names, image URLs and the size of the price list.
func checkLimits(p *pos.Product) error {
	for _, f := range []struct{ name, value string }{{"name", p.Name}, {"name_en", p.NameEn}, {"category", p.Category}} {
		if hasControl(f.value) {
			return pos.FieldErrorf(f.name, "%s must not contain control characters (tabs, line breaks)", f.name)
		}
	}
	switch {
	case utf8.RuneCountInString(p.Category) > maxCategory:
		return pos.FieldErrorf("category", "category is at most %d characters", maxCategory)
	case len(p.Prices) > MaxPricePoints:
		return pos.FieldErrorf("prices", "a product has at most %d price points", MaxPricePoints)
	case len(p.Promotions) > MaxPromotions:
		return pos.FieldErrorf("promotions", "a product has at most %d promotions", MaxPromotions)
	}
	if err := checkSpecs(p.Specs); err != nil {
		return err
	}
	if err := checkImages(p.Images); err != nil {
		return err
	}
	for i, pr := range p.Promotions {
		if len(pr.ID) > maxPromoID {
			return pos.FieldErrorf(fieldIndex("promotions", i)+".id", "a promotion id is at most %d bytes", maxPromoID)
		}
	}
	return nil
}

// checkSpecs requires a key on every spec line and bounds both parts.
func checkSpecs(specs []pos.Spec) error {
	for i, s := range specs {
		f := fieldIndex("specs", i)
		switch {
		case strings.TrimSpace(s.Key) == "":
			return pos.FieldErrorf(f+".key", "a spec needs a key")
		case utf8.RuneCountInString(s.Key) > maxSpecKey || hasControl(s.Key):
			return pos.FieldErrorf(f+".key", "a spec key is at most %d characters on one line", maxSpecKey)
		case utf8.RuneCountInString(s.Value) > maxSpecValue:
			return pos.FieldErrorf(f+".value", "a spec value is at most %d characters", maxSpecValue)
		}
	}
	return nil
}

// checkImages accepts site-relative paths and http(s) URLs only: the URLs
// end up in src attributes of shopper pages, where "javascript:" or
// "data:" from a catalog file has no business.
func checkImages(images []string) error {
	for i, u := range images {
		ok := strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") ||
			strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")
		switch {
		case !ok:
			return pos.FieldErrorf(fieldIndex("images", i), "image %q must be a path starting with / or an http(s) URL", clip(u))
		case len(u) > maxImageURL || strings.ContainsFunc(u, unicode.IsSpace) || hasControl(u):
			return pos.FieldErrorf(fieldIndex("images", i), "image URL must be at most %d bytes without spaces", maxImageURL)
		}
	}
	return nil
}

func hasControl(s string) bool { return strings.ContainsFunc(s, unicode.IsControl) }

func fieldIndex(name string, i int) string { return name + "[" + strconv.Itoa(i) + "]" }

// limitReader fails with a validation error once more than n bytes have
// been read, instead of silently truncating like io.LimitReader.
type limitReader struct {
	r io.Reader
	n int64
}

func limit(r io.Reader) io.Reader { return &limitReader{r: r, n: MaxInputBytes} }

// Read implements io.Reader.
func (l *limitReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, pos.FieldErrorf("file", "the file is larger than %d MiB", MaxInputBytes>>20)
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1] // one byte more than allowed tells "exactly at the limit" from "over it"
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return 0, pos.FieldErrorf("file", "the file is larger than %d MiB", MaxInputBytes>>20)
	}
	return n, err
}
