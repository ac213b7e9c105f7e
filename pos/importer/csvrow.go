package importer

import (
	"fmt"
	"strings"
	"time"

	"github.com/storeedge/storeedge/pos"
)

// csvBuilder collects the products of a CSV file, merging rows by SKU.
type csvBuilder struct {
	h     header
	d     Defaults
	items []pos.ProductImport
	first []row // the first row of each product
	lines []int // the line of that row
	bySKU map[string]int
}

func newCSVBuilder(h header, d Defaults) *csvBuilder {
	return &csvBuilder{h: h, d: d, bySKU: make(map[string]int)}
}

// add merges one record, read from line, into the products.
func (b *csvBuilder) add(line int, rec []string) error {
	r, err := b.h.row(line, rec)
	if err != nil {
		return err
	}
	i, err := b.product(line, r)
	if err != nil {
		return err
	}
	if err := b.addPrice(line, &b.items[i].Product, r); err != nil {
		return err
	}
	return b.addPromo(line, &b.items[i].Product, r)
}

// product returns the index of the row's product, creating the product
// from the row when its SKU is new.
func (b *csvBuilder) product(line int, r row) (int, error) {
	sku := r[colSKU]
	if sku == "" {
		return 0, cellError(line, colSKU, "sku is required")
	}
	if i, ok := b.bySKU[sku]; ok {
		return i, b.sameProduct(line, i, r)
	}
	if len(b.items) >= MaxProducts {
		return 0, pos.FieldErrorf(cellField(line, ""), "a file holds at most %d products", MaxProducts)
	}
	p, err := productFromRow(r, b.d)
	if err != nil {
		err.Field = cellField(line, err.Field)
		return 0, err
	}
	b.items = append(b.items, p)
	b.first = append(b.first, r)
	b.lines = append(b.lines, line)
	b.bySKU[sku] = len(b.items) - 1
	return len(b.items) - 1, nil
}

// sameProduct checks that a later row of a SKU does not contradict its
// first row: a price list row must not silently rename a product.
func (b *csvBuilder) sameProduct(line, i int, r row) error {
	for c := colSKU; c < numColumns; c++ {
		if c.perProduct() && r[c] != "" && r[c] != b.first[i][c] {
			return cellError(line, c, "%s differs from line %d, the first row of SKU %s: repeat the value or leave it blank",
				c, b.lines[i], clip(r[colSKU]))
		}
	}
	return nil
}

// addPrice adds the row's price point, if it has one, to p.
func (b *csvBuilder) addPrice(line int, p *pos.Product, r row) error {
	if r[colPrice] == "" {
		if r[colPriceFrom] != "" {
			return cellError(line, colPrice, "price_from is given but price is blank")
		}
		return nil
	}
	amount, err := parseMoney("price", r[colPrice])
	if err != nil {
		return cellError(line, colPrice, "%v", err)
	}
	from, err := parseTime("price_from", r[colPriceFrom])
	if err != nil {
		return cellError(line, colPriceFrom, "%v", err)
	}
	for _, old := range p.Prices {
		if old.EffectiveFrom.Equal(from) {
			return cellError(line, colPriceFrom, "SKU %s already has a price %s", clip(p.SKU), describeFrom(from))
		}
	}
	if len(p.Prices) >= MaxPricePoints {
		return cellError(line, colPrice, "SKU %s has more than %d price points", clip(p.SKU), MaxPricePoints)
	}
	p.Prices = append(p.Prices, pos.PricePoint{Amount: amount, EffectiveFrom: from})
	return nil
}

func describeFrom(t time.Time) string {
	if t.IsZero() {
		return "without price_from"
	}
	return "from " + t.Format(time.RFC3339)
}

// promoColumns name the promotion's kind, value, from and to in errors.
var promoColumns = [4]string{colPromoKind.String(), colPromoValue.String(), colPromoFrom.String(), colPromoTo.String()}

// addPromo adds the row's promotion, if it has one, to p.
func (b *csvBuilder) addPromo(line int, p *pos.Product, r row) error {
	if r[colPromoKind] == "" && r[colPromoValue] == "" && r[colPromoFrom] == "" && r[colPromoTo] == "" {
		return nil
	}
	pr, err := parsePromo(promoColumns, r[colPromoKind], r[colPromoValue], r[colPromoFrom], r[colPromoTo], b.d.Now)
	if err != nil {
		err.Field = cellField(line, err.Field)
		return err
	}
	if len(p.Promotions) >= MaxPromotions {
		return cellError(line, colPromoKind, "SKU %s has more than %d promotions", clip(p.SKU), MaxPromotions)
	}
	p.Promotions = append(p.Promotions, pr)
	return nil
}

// finish validates the products and names the first line of a product in
// errors about it. A product without prices is reported against the
// price column, which is what the user has to fill in.
func (b *csvBuilder) finish() ([]pos.ProductImport, error) {
	where := func(i int, f string) string {
		if f == "prices" {
			f = colPrice.String()
		}
		return cellField(b.lines[i], f)
	}
	if err := finish(b.items, where); err != nil {
		return nil, err
	}
	return b.items, nil
}

// productFromRow builds a product, without prices or promotions, from the
// per-product cells of its first row. Error fields are column names.
func productFromRow(r row, d Defaults) (pos.ProductImport, *pos.Error) {
	p := pos.ProductImport{Product: pos.Product{
		SKU: r[colSKU], Name: r[colName], NameEn: r[colNameEn], Description: r[colDescription],
		Category: r[colCategory], Unit: pos.Unit(strings.ToLower(r[colUnit])),
		Currency: strings.ToUpper(r[colCurrency]), UpdatedAt: d.Now.UTC(),
		Barcodes: splitList(r[colBarcodes]), Images: splitList(r[colImages]),
	}}
	if p.Currency == "" {
		p.Currency = d.Currency
	}
	var err error
	if r[colVATRate] != "" {
		if p.VATRate, err = parseWhole("vat_rate", strings.TrimSuffix(r[colVATRate], "%"), 0, 100); err != nil {
			return p, pos.FieldErrorf("vat_rate", "%v", err)
		}
	}
	if r[colStock] != "" {
		if p.OnHand, err = parseWhole("stock", r[colStock], 0, pos.MaxAmount); err != nil {
			return p, pos.FieldErrorf("stock", "%v (stock counts sale units: pieces, or grams for weighed goods)", err)
		}
		p.StockSet = true
	}
	if p.Specs, err = parseSpecs(r[colSpecs]); err != nil {
		return p, pos.FieldErrorf("specs", "%v", err)
	}
	return p, nil
}

// splitList splits a "|"-separated cell, dropping blank items.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, "|") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// parseSpecs parses "key=value|key=value". A value may contain "=" but
// not "|".
func parseSpecs(s string) ([]pos.Spec, error) {
	var specs []pos.Spec
	for _, item := range splitList(s) {
		k, v, ok := strings.Cut(item, "=")
		if k = strings.TrimSpace(k); !ok || k == "" {
			return nil, fmt.Errorf("specs are key=value items separated by |, and %q is not one", clip(item))
		}
		specs = append(specs, pos.Spec{Key: k, Value: strings.TrimSpace(v)})
	}
	return specs, nil
}
