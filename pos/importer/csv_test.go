package importer_test

import (
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/importer"
)

func TestParseCSV(t *testing.T) {
	t.Run("Comma", func(t *testing.T) {
		items, err := importer.ParseCSV(strings.NewReader(
			"sku,name,name_en,barcodes,category,unit,vat_rate,price,stock,specs,images\n"+
				"MILK-1,\"Молоко «Луговое» 3,2%\",Milk 3.2%,"+bcMilk+",dairy,piece,10,8990,24,Объём=930 мл|Бренд=Луговое,/img/MILK-1.jpg\n"+
				"APPLE-1,Яблоки Гала,Gala apples,"+bcApple+",produce,gram,10,14990,5200,,\n"), defaults)
		if err != nil {
			t.Fatal(err)
		}
		checkValid(t, items)
		if got, want := len(items), 2; got != want {
			t.Fatalf("len = %d, want %d", got, want)
		}
		m := items[0]
		if got, want := m.Name, "Молоко «Луговое» 3,2%"; got != want {
			t.Fatalf("Name = %q, want %q", got, want)
		}
		if got, want := m.Specs[0], (pos.Spec{Key: "Объём", Value: "930 мл"}); got != want {
			t.Fatalf("Specs[0] = %v, want %v", got, want)
		}
		if got, want := m.Currency, "RUB"; got != want {
			t.Fatalf("Currency = %q, want %q", got, want)
		}
		if !m.StockSet || m.OnHand != 24 {
			t.Fatalf("StockSet, OnHand = %v, %d, want true, 24", m.StockSet, m.OnHand)
		}
		if got, want := items[1].Unit, pos.UnitGram; got != want {
			t.Fatalf("Unit = %q, want %q", got, want)
		}
		if amount, ok := items[1].PriceAt(time.Time{}); !ok || amount != 14990 {
			t.Fatalf("PriceAt(zero) = %d, %v, want 14990 in force always", amount, ok)
		}
	})

	t.Run("SemicolonWithBOMAndQuotes", func(t *testing.T) {
		items, err := importer.ParseCSV(strings.NewReader(
			"\uFEFFSKU; Name ;price;description\r\n"+
				"BREAD-1;\"Хлеб \"\"Бородинский\"\"; нарезка\";6990;\"Ржаной,\nзаварной\"\r\n"), defaults)
		if err != nil {
			t.Fatal(err)
		}
		checkValid(t, items)
		if got, want := items[0].Name, `Хлеб "Бородинский"; нарезка`; got != want {
			t.Fatalf("Name = %q, want %q", got, want)
		}
		if got, want := items[0].Description, "Ржаной,\nзаварной"; got != want {
			t.Fatalf("Description = %q, want %q", got, want)
		}
		if items[0].StockSet {
			t.Fatal("StockSet = true without a stock column")
		}
	})

	t.Run("FuturePriceRows", func(t *testing.T) {
		items, err := importer.ParseCSV(strings.NewReader(
			"sku,name,price,price_from,promo_kind,promo_value,promo_from,promo_to\n"+
				"TEA-1,Чай чёрный,19990,,,,,\n"+
				"COF-1,Кофе,49990,,fixed,5000,,2026-03-20T00:00:00Z\n"+
				"TEA-1,,21990,2026-04-01T00:00:00+03:00,,,,\n"+
				"TEA-1,,20990,2026-03-15T00:00:00Z,percent,15%,2026-03-12T00:00:00Z,2026-03-19T00:00:00Z\n"), defaults)
		if err != nil {
			t.Fatal(err)
		}
		checkValid(t, items)
		tea := items[0]
		if got, want := len(tea.Prices), 3; got != want {
			t.Fatalf("len(Prices) = %d, want %d", got, want)
		}
		for _, tc := range []struct {
			at   time.Time
			want int64
		}{
			{now, 19990},
			{time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), 20990},
			{time.Date(2026, 3, 31, 21, 0, 0, 0, time.UTC), 21990},
		} {
			if got, _ := tea.PriceAt(tc.at); got != tc.want {
				t.Fatalf("PriceAt(%v) = %d, want %d", tc.at, got, tc.want)
			}
		}
		if got, want := tea.Promotions[0].Value, int64(15); got != want {
			t.Fatalf("promo value = %d, want %d", got, want)
		}
		if got, want := items[1].Promotions[0].From, now; !got.Equal(want) {
			t.Fatalf("promo From = %v, want Defaults.Now %v", got, want)
		}
	})

	t.Run("RowCurrencyWins", func(t *testing.T) {
		items, err := importer.ParseCSV(strings.NewReader("sku,name,price,currency\nX,Y,100,byn\n"), defaults)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := items[0].Currency, "BYN"; got != want {
			t.Fatalf("Currency = %q, want %q", got, want)
		}
	})
}

func TestParseCSV_Errors(t *testing.T) {
	const head = "sku,name,price,barcodes,stock\n"
	for _, tc := range []struct {
		name, in, field, msg string
	}{
		{"Empty", "", "line 1", "header row"},
		{"UTF16", "\xff\xfes\x00k\x00u\x00", "line 1", "UTF-16"},
		{"UnknownColumn", "sku,name,price,colour\n", "line 1", `unknown column "colour"`},
		{"DuplicateColumn", "sku,name,price,name\n", "line 1", "twice"},
		{"MissingPrice", "sku,name\nA,B\n", "line 1", `required column "price"`},
		{"DecimalPrice", head + "A,B,129.90,,\n", "line 2: price", "write \"129.90\" as 12990"},
		{"DecimalCommaPrice", "sku;name;price\nA;B;129,9\n", "line 2: price", "as 12990"},
		{"TextPrice", head + "A,B,abc,,\n", "line 2: price", "kopecks"},
		{"NegativePrice", head + "A,B,-1,,\n", "line 2: price", "from 0"},
		{"MissingSKU", head + ",B,1,,\n", "line 2: sku", "required"},
		{"BadSKU", head + "A B,B,1,,\n", "line 2: sku", "SKU must be"},
		{"MissingName", head + "A,,1,,\n", "line 2: name", "name is required"},
		{"NoPrice", head + "A,B,,,\n", "line 2: price", "at least one price"},
		{"BadCheckDigit", head + "A,B,1,4600000000010,\n", "line 2: barcodes[0]", "check digit"},
		{"SecondBarcode", head + "A,B,1," + bcMilk + "|123,\n", "line 2: barcodes[1]", `"123"`},
		{"DuplicateBarcode", head + "A,B,1," + bcMilk + ",\nC,D,1," + bcMilk + ",\n", "line 3: barcodes[0]", "also belongs to SKU A"},
		{"FractionalStock", head + "A,B,1,,1.5\n", "line 2: stock", "grams"},
		{"WrongFieldCount", head + "A,B,1\n", "line 2", "number of fields"},
		{"BadQuote", head + "A,\"B,1,,\n", "line 2", "malformed CSV"},
		{"NotUTF8", head + "A,\xcf\xf0,1,,\n", "line 2: name", "UTF-8"},
		{"NULInName", head + "A,B\x00C,1,,\n", "line 2: name", "control character U+0000"},
		{"NewlineInName", head + "A,\"B\nC\",1,,\n", "line 2: name", "one line"},
		{"BadPriceFrom", "sku,name,price,price_from\nA,B,1,2026-03-01\n", "line 2: price_from", "RFC 3339"},
		{"PriceFromWithoutPrice", "sku,name,price,price_from\nA,B,1,\nA,,,2026-03-01T00:00:00Z\n", "line 3: price", "price is blank"},
		{"SamePriceTwice", "sku,name,price\nA,B,1\nA,,2\n", "line 3: price_from", "already has a price"},
		{"RenamedLater", "sku,name,price,price_from\nA,B,1,\nA,C,2,2026-04-01T00:00:00Z\n", "line 3: name", "differs from line 2"},
		{"BadPromoKind", "sku,name,price,promo_kind,promo_value,promo_to\nA,B,100,bogo,1,2026-04-01T00:00:00Z\n", "line 2: promo_kind", "percent"},
		{"PromoPercent100", "sku,name,price,promo_kind,promo_value,promo_to\nA,B,100,percent,100,2026-04-01T00:00:00Z\n", "line 2: promo_value", "1 to 99"},
		{"PromoNoEnd", "sku,name,price,promo_kind,promo_value\nA,B,100,fixed,10\n", "line 2: promo_to", "required"},
		{"PromoBackwards", "sku,name,price,promo_kind,promo_value,promo_to\nA,B,100,fixed,10,2026-03-01T00:00:00Z\n", "line 2: promo_to", "after promo_from"},
		{"BadSpec", "sku,name,price,specs\nA,B,1,Объём\n", "line 2: specs", "key=value"},
		{"BadImage", "sku,name,price,images\nA,B,1,javascript:alert(1)\n", "line 2: images[0]", "http"},
		{"BadUnit", "sku,name,price,unit\nA,B,1,kg\n", "line 2: unit", "piece or gram"},
		{"BadVAT", "sku,name,price,vat_rate\nA,B,1,120\n", "line 2: vat_rate", "0 to 100"},
		{"NoCurrency", "sku,name,price\nA,B,1\n", "line 2: currency", "ISO 4217"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := defaults
			if tc.name == "NoCurrency" {
				d.Currency = ""
			}
			items, err := importer.ParseCSV(strings.NewReader(tc.in), d)
			if items != nil {
				t.Fatalf("items = %v, want nil on error", items)
			}
			mustFail(t, err, tc.field, tc.msg)
		})
	}
}
