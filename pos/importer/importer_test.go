package importer_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/storeedge/storeedge/pos/importer"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, file, in string
		want           int
	}{
		{"CSV", "catalog.csv", "sku,name,price,barcodes\nA,Хлеб,5490," + bcBread + "\n", 1},
		{"UpperCaseCSV", "PRICES.CSV", "sku,name,price\nA,B,1\nC,D,2\n", 2},
		{"JSON", "dir.v2/catalog.json", `[{"sku": "A", "name": "B", "price": 1}]`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items, err := importer.Parse(tc.file, strings.NewReader(tc.in), defaults)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(items); got != tc.want {
				t.Fatalf("len = %d, want %d", got, tc.want)
			}
		})
	}
	t.Run("ErrUnsupported", func(t *testing.T) {
		_, err := importer.Parse("catalog.xlsx", strings.NewReader(""), defaults)
		mustFail(t, err, "file", `unsupported file type ".xlsx"`)
	})
}

// TestParse_MaxProducts loads a file one product over the limit.
func TestParse_MaxProducts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 100,001-row file")
	}
	var b strings.Builder
	b.WriteString("sku,name,price\n")
	for i := 0; i <= importer.MaxProducts; i++ {
		fmt.Fprintf(&b, "S%d,Товар %d,%d\n", i, i, 100+i)
	}
	_, err := importer.ParseCSV(strings.NewReader(b.String()), defaults)
	mustFail(t, err, fmt.Sprintf("line %d", importer.MaxProducts+2), "at most 100000 products")
}

// TestParseCSV_RepeatedProductColumns allows later rows of a SKU to repeat
// the product's own columns, as a spreadsheet export does.
func TestParseCSV_RepeatedProductColumns(t *testing.T) {
	items, err := importer.ParseCSV(strings.NewReader(
		"sku,name,price,price_from,stock\n"+
			"A,Сыр,24990,,7\n"+
			"A,Сыр,25990,2026-04-01T00:00:00Z,7\n"+
			"A,,26990,2026-05-01T00:00:00Z,\n"), defaults)
	if err != nil {
		t.Fatal(err)
	}
	checkValid(t, items)
	if got, want := len(items[0].Prices), 3; got != want {
		t.Fatalf("len(Prices) = %d, want %d", got, want)
	}
}
