package importer_test

import (
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/importer"
)

func TestParseJSON(t *testing.T) {
	t.Run("ArrayWithConveniences", func(t *testing.T) {
		items, err := importer.ParseJSON(strings.NewReader(`[
			{"sku": "MILK-1", "name": "Молоко 3,2%", "name_en": "Milk", "barcodes": ["`+bcMilk+`"],
			 "vat_rate": 10, "price": 8990, "stock": 12,
			 "specs": [{"key": "Объём", "value": "930 мл"}]},
			{"sku": "APPLE-1", "name": "Яблоки", "unit": "gram", "currency": "BYN",
			 "prices": [{"amount": 15990, "effective_from": "2026-03-12T00:00:00+03:00"}, {"amount": 14990}],
			 "promotions": [{"id": "p1", "kind": "percent", "value": 20, "from": "2026-03-09T00:00:00Z", "to": "2026-03-20T00:00:00Z"}],
			 "stock": {"on_hand": 5200, "reserved": 0, "available": 5200}}
		]`), defaults)
		if err != nil {
			t.Fatal(err)
		}
		checkValid(t, items)
		milk, apple := items[0], items[1]
		if got, want := milk.Currency, "RUB"; got != want {
			t.Fatalf("Currency = %q, want default %q", got, want)
		}
		if got, want := milk.Prices, []pos.PricePoint{{Amount: 8990}}; len(got) != 1 || got[0] != want[0] {
			t.Fatalf("Prices = %v, want %v", got, want)
		}
		if !milk.StockSet || milk.OnHand != 12 {
			t.Fatalf("StockSet, OnHand = %v, %d, want true, 12", milk.StockSet, milk.OnHand)
		}
		if !apple.StockSet || apple.OnHand != 5200 {
			t.Fatalf("StockSet, OnHand = %v, %d, want true, 5200", apple.StockSet, apple.OnHand)
		}
		if got, _ := apple.PriceAt(now); got != 14990 {
			t.Fatalf("PriceAt(now) = %d, want 14990 (the future price is sorted after)", got)
		}
		if got, want := apple.Promotions[0].ID, "p1"; got != want {
			t.Fatalf("promo ID = %q, want %q", got, want)
		}
		if !milk.UpdatedAt.Equal(now) {
			t.Fatalf("UpdatedAt = %v, want Defaults.Now", milk.UpdatedAt)
		}
	})

	t.Run("Wrapped", func(t *testing.T) {
		items, err := importer.ParseJSON(strings.NewReader(`{"products": [{"sku": "A", "name": "Хлеб", "price": 0}]}`), defaults)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(items), 1; got != want {
			t.Fatalf("len = %d, want %d", got, want)
		}
	})

	t.Run("EmptyList", func(t *testing.T) {
		items, err := importer.ParseJSON(strings.NewReader(`[]`), defaults)
		if err != nil || len(items) != 0 {
			t.Fatalf("items, err = %v, %v, want none and nil", items, err)
		}
	})

	t.Run("PromoFromDefaultsToNow", func(t *testing.T) {
		items, err := importer.ParseJSON(strings.NewReader(`[{"sku": "A", "name": "B", "price": 1000,
			"promotions": [{"kind": "fixed", "value": 100, "to": "2026-03-20T00:00:00Z"}]}]`), defaults)
		if err != nil {
			t.Fatal(err)
		}
		if got := items[0].Promotions[0].From; !got.Equal(now) {
			t.Fatalf("From = %v, want %v", got, now)
		}
		if _, price := items[0].PromoAt(now.Add(time.Hour), 1000); price != 900 {
			t.Fatalf("promo price = %d, want 900", price)
		}
	})
}

func TestParseJSON_Errors(t *testing.T) {
	const ok = `"sku": "A", "name": "B", "price": 100`
	for _, tc := range []struct {
		name, in, field, msg string
	}{
		{"Empty", ``, "products", "empty"},
		{"NotAList", `"milk"`, "products", "array of products"},
		{"WrongWrapper", `{"items": []}`, "items", "unknown field"},
		{"ExtraAfterWrapper", `{"products": [], "version": 2}`, "version", "unknown field"},
		{"TrailingData", `[] []`, "products", "after the product list"},
		{"Truncated", `[{` + ok + `}`, "products", "cut off"},
		{"Syntax", `[{` + ok + `,}]`, "products[0]", "invalid JSON"},
		{"FloatPrice", `[{"sku": "A", "name": "B", "price": 12.5}]`, "products[0].price", "as 1250"},
		{"ExponentPrice", `[{"sku": "A", "name": "B", "price": 1e3}]`, "products[0].price", "kopecks"},
		{"StringPrice", `[{"sku": "A", "name": "B", "price": "100"}]`, "products[0].price", "not a string"},
		{"FloatAmount", `[{"sku": "A", "name": "B", "prices": [{"amount": 1}, {"amount": 99.99, "effective_from": "2026-04-01T00:00:00Z"}]}]`,
			"products[0].prices[1].amount", "as 9999"},
		{"MissingAmount", `[{"sku": "A", "name": "B", "prices": [{"effective_from": "2026-04-01T00:00:00Z"}]}]`, "products[0].prices[0].amount", "required"},
		{"PriceAndPrices", `[{` + ok + `, "prices": [{"amount": 1}]}]`, "products[0].price", "not both"},
		{"ControlInSpec", `[{` + ok + `, "specs": [{"key": "a", "value": "b\u0007"}]}]`, "products[0].specs[0].value", "control character U+0007"},
		{"C1InDescription", `[{` + ok + `, "description": "x\u0085y"}]`, "products[0].description", "only tab and newline"},
		{"UnknownField", `[{` + ok + `, "colour": "red"}]`, "products[0].colour", `unknown field "colour"`},
		{"UnknownNested", `[{` + ok + `, "specs": [{"key": "a", "value": "b"}, {"key": "a", "valeu": "b"}]}]`, "products[0].specs[1].valeu", "unknown field"},
		{"UnknownInStock", `[{` + ok + `, "stock": {"on_hand": 1, "min": 2}}]`, "products[0].stock", "on_hand"},
		{"WrongType", `[{` + ok + `, "barcodes": "` + bcMilk + `"}]`, "products[0].barcodes", "an array"},
		{"BadBarcode", `[{` + ok + `}, {"sku": "C", "name": "D", "price": 1, "barcodes": ["` + bcMilk + `", "4601234567890"]}]`,
			"products[1].barcodes[1]", "check digit"},
		{"DuplicateBarcode", `[{` + ok + `, "barcodes": ["` + bcMilk + `"]}, {"sku": "C", "name": "D", "price": 1, "barcodes": ["` + bcMilk + `"]}]`,
			"products[1].barcodes[0]", "also belongs to SKU A"},
		{"UPCMatchesEAN", `[{` + ok + `, "barcodes": ["` + ean13("046000000009") + `"]}, {"sku": "C", "name": "D", "price": 1, "barcodes": ["` + ean13("046000000009")[1:] + `"]}]`,
			"products[1].barcodes[0]", "also belongs"},
		{"DuplicateSKU", `[{` + ok + `}, {` + ok + `}]`, "products[1].sku", "also products[0]"},
		{"NegativeStock", `[{` + ok + `, "stock": -1}]`, "products[0].stock", "from 0"},
		{"FloatStock", `[{` + ok + `, "stock": 1.5}]`, "products[0].stock", "whole number"},
		{"BadUnit", `[{` + ok + `, "unit": "kg"}]`, "products[0].unit", "piece or gram"},
		{"NoPrice", `[{"sku": "A", "name": "B"}]`, "products[0].prices", "at least one price"},
		{"BadTime", `[{"sku": "A", "name": "B", "prices": [{"amount": 1, "effective_from": "tomorrow"}]}]`, "products[0].prices[0].effective_from", "RFC 3339"},
		{"PromoNoValue", `[{` + ok + `, "promotions": [{"kind": "percent", "to": "2026-04-01T00:00:00Z"}]}]`, "products[0].promotions[0].value", "required"},
		{"LongCategory", `[{` + ok + `, "category": "` + strings.Repeat("я", 101) + `"}]`, "products[0].category", "at most 100"},
		{"ControlInName", `[{"sku": "A", "name": "B\nC", "price": 1}]`, "products[0].name", "control"},
		{"NullElement", `[null]`, "products[0].sku", "SKU must be"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items, err := importer.ParseJSON(strings.NewReader(tc.in), defaults)
			if items != nil {
				t.Fatalf("items = %v, want nil on error", items)
			}
			mustFail(t, err, tc.field, tc.msg)
		})
	}
}
