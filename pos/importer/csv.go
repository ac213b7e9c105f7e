package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/storeedge/storeedge/pos"
)

// column is one known CSV column.
type column int

// The CSV columns, in the order of the documented header.
const (
	colSKU column = iota
	colName
	colNameEn
	colDescription
	colBarcodes
	colCategory
	colUnit
	colVATRate
	colCurrency
	colPrice
	colPriceFrom
	colPromoKind
	colPromoValue
	colPromoFrom
	colPromoTo
	colStock
	colSpecs
	colImages
	numColumns
)

// columnNames are the header names of the columns, by column.
var columnNames = [numColumns]string{
	"sku", "name", "name_en", "description", "barcodes", "category", "unit", "vat_rate", "currency",
	"price", "price_from", "promo_kind", "promo_value", "promo_from", "promo_to", "stock", "specs", "images",
}

func (c column) String() string { return columnNames[c] }

// perProduct reports whether c describes the product rather than one price
// point or promotion. The later rows of a SKU must repeat such a value or
// leave it blank.
func (c column) perProduct() bool {
	return c < colPrice || c == colStock || c == colSpecs || c == colImages
}

// ParseCSV reads a UTF-8 CSV file (an optional BOM is skipped) whose first
// row names the columns; "," or ";" is detected from that row. Columns are
// sku, name, price (required) and name_en, description, barcodes, category,
// unit, vat_rate, currency, price_from, promo_kind, promo_value, promo_from,
// promo_to, stock, specs, images. Lists are separated by "|", specs are
// "key=value|key=value". Rows with the same SKU add price points and
// promotions to one product. Errors are validation_failed with a Field such
// as "line 12: price".
func ParseCSV(r io.Reader, d Defaults) ([]pos.ProductImport, error) {
	br := bufio.NewReaderSize(limit(r), 64<<10)
	if err := skipBOM(br); err != nil {
		return nil, err
	}
	cr := csv.NewReader(br)
	cr.Comma = sniffComma(br)
	cr.ReuseRecord = true
	h, err := readHeader(cr)
	if err != nil {
		return nil, err
	}
	b := newCSVBuilder(h, d)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if err := b.add(line, rec); err != nil {
			return nil, err
		}
	}
	return b.finish()
}

// skipBOM drops a UTF-8 byte order mark and refuses UTF-16, which
// spreadsheet programs write when asked for "Unicode text".
func skipBOM(br *bufio.Reader) error {
	head, err := br.Peek(3)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return csvError(err)
	}
	switch {
	case bytes.HasPrefix(head, []byte("\uFEFF")):
		_, err = br.Discard(3)
		return err
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return pos.FieldErrorf("line 1", "the file is UTF-16: save it as CSV in UTF-8")
	}
	return nil
}

// sniffComma picks ';' when the header line has more semicolons than
// commas (as Excel writes CSV in Russian locales) and ',' otherwise.
func sniffComma(br *bufio.Reader) rune {
	head, _ := br.Peek(br.Size()) // a short file returns what there is
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	if bytes.Count(head, []byte(";")) > bytes.Count(head, []byte(",")) {
		return ';'
	}
	return ','
}

// csvError turns a read error into a validation error naming the line.
func csvError(err error) error {
	var pe *csv.ParseError
	var e *pos.Error
	switch {
	case errors.As(err, &e):
		return err
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount):
		return pos.FieldErrorf(fmt.Sprintf("line %d", pe.Line), "wrong number of fields: every row needs as many as the header")
	case errors.As(err, &pe):
		return pos.FieldErrorf(fmt.Sprintf("line %d", pe.Line), "malformed CSV: %v", pe.Err)
	}
	return pos.FieldErrorf("file", "read: %v", err)
}

// header maps each known column to its position in a record, or -1.
type header [numColumns]int

// readHeader reads the header row: known names only, each once, with the
// required columns present. Names are matched without regard to case.
func readHeader(cr *csv.Reader) (header, error) {
	var h header
	for i := range h {
		h[i] = -1
	}
	rec, err := cr.Read()
	if err == io.EOF {
		return h, pos.FieldErrorf("line 1", "the file is empty: a header row naming the columns is required")
	} else if err != nil {
		return h, csvError(err)
	}
	for i, name := range rec {
		c, err := lookupColumn(strings.ToLower(strings.TrimSpace(name)))
		if err != nil {
			return h, err
		} else if h[c] >= 0 {
			return h, pos.FieldErrorf("line 1", "column %q appears twice in the header", c.String())
		}
		h[c] = i
	}
	for _, c := range []column{colSKU, colName, colPrice} {
		if h[c] < 0 {
			return h, pos.FieldErrorf("line 1", "the header lacks the required column %q", c.String())
		}
	}
	return h, nil
}

// lookupColumn finds a header name among the known columns.
func lookupColumn(name string) (column, error) {
	for c, n := range columnNames {
		if n == name {
			return column(c), nil
		}
	}
	if !utf8.ValidString(name) {
		return 0, pos.FieldErrorf("line 1", "the header is not UTF-8 text: save the file as CSV in UTF-8")
	}
	return 0, pos.FieldErrorf("line 1", "unknown column %q; known columns are %s", clip(name), strings.Join(columnNames[:], ","))
}

// row holds the trimmed cells of one record by column; "" for a blank
// cell or a column the file does not have.
type row [numColumns]string

// row extracts the known cells of a record, checking encoding and length.
func (h *header) row(line int, rec []string) (row, error) {
	var r row
	for c, i := range h {
		if i < 0 {
			continue
		}
		v := strings.TrimSpace(rec[i])
		if !utf8.ValidString(v) {
			return r, cellError(line, column(c), "%s is not UTF-8 text: save the file as CSV in UTF-8", column(c))
		} else if len(v) > maxField {
			return r, cellError(line, column(c), "%s is longer than %d KiB", column(c), maxField>>10)
		}
		r[c] = v
	}
	return r, nil
}

// cellError is a validation error about one cell: Field "line 12: price".
func cellError(line int, c column, format string, args ...any) *pos.Error {
	return pos.FieldErrorf(cellField(line, c.String()), format, args...)
}

func cellField(line int, field string) string {
	if field == "" {
		return fmt.Sprintf("line %d", line)
	}
	return fmt.Sprintf("line %d: %s", line, field)
}
