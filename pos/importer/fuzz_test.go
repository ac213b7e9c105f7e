package importer_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/importer"
)

// checkOutcome holds a parser to its promise: either every product is
// valid, or the error is a validation error that names a place.
func checkOutcome(t *testing.T, items []pos.ProductImport, err error) {
	if err != nil {
		var e *pos.Error
		if !errors.As(err, &e) || e.Code != pos.CodeValidationFailed || e.Field == "" {
			t.Fatalf("err = %#v, want validation_failed with a Field", err)
		}
		if items != nil {
			t.Fatal("items returned with an error")
		}
		return
	}
	if len(items) > importer.MaxProducts {
		t.Fatalf("%d products, over the limit", len(items))
	}
	checkValid(t, items)
}

func FuzzParseCSV(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz seeds are skipped under -short")
	}
	for _, s := range []string{
		"sku,name,price\nA,B,1\n",
		"\uFEFFsku;name;price;price_from\nA;Молоко;8990;\nA;;9490;2026-03-01T00:00:00+03:00\n",
		"sku,name,price,barcodes,specs,images,stock,unit\nA,B,1," + bcMilk + "|" + bcBread + ",a=b|c=d,/i.jpg,5,gram\n",
		"sku,name,price,promo_kind,promo_value,promo_from,promo_to\nA,B,100,percent,10,,2026-04-01T00:00:00Z\n",
		"sku,name,price\n\"A\nB\",\"x\"\"y\",1\n",
		"sku,name,price\nA,B,12.5\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := importer.ParseCSV(bytes.NewReader(data), defaults)
		checkOutcome(t, items, err)
	})
}

func FuzzParseJSON(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz seeds are skipped under -short")
	}
	for _, s := range []string{
		`[{"sku": "A", "name": "B", "price": 1}]`,
		`{"products": [{"sku": "A", "name": "Молоко", "barcodes": ["` + bcMilk + `"], "stock": 3, "unit": "gram",
			"prices": [{"amount": 1}, {"amount": 2, "effective_from": "2026-04-01T00:00:00Z"}],
			"promotions": [{"kind": "fixed", "value": 1, "from": "2026-03-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"}],
			"specs": [{"key": "k", "value": "v"}], "images": ["/a.jpg"], "stock": {"on_hand": 1}}]}`,
		`[{"sku": "A", "name": "B", "price": 12.5}]`,
		`[null, 1, "x", []]`,
		`{"products": [], "x": 1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := importer.ParseJSON(bytes.NewReader(data), defaults)
		checkOutcome(t, items, err)
	})
}
