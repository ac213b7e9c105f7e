package qr_test

import (
	"fmt"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/qr"
)

// printedAt is when the fixture tags were printed.
var printedAt = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)

// label returns a tag for one piece of name at price kopecks.
func label(sku, name string, price int64) pos.TagLabel {
	code := qr.NewTagCode()
	return pos.TagLabel{SKU: sku, Code: code, Name: name, Price: pos.M(price, "RUB"), PriceUnit: "piece",
		Barcode: "4600000000008", URL: qr.TagURL("https://shop-7.example.ru", code),
		PriceVersion: "p20261101.0000", PrintedAt: printedAt}
}

// thirtyLabels is a sheet and a quarter: Cyrillic and Latin names, a long
// name, a promotion and a weighed product.
func thirtyLabels() []pos.TagLabel {
	ls := []pos.TagLabel{
		label("MILK", "Молоко 3,2% 930 мл", 8990),
		label("CHOC", "Chocolate Dark 85%", 15950),
		label("LONG", "Антиперспирант-дезодорант аэрозольный для чувствительной кожи без спирта, 150 мл, в ассортименте", 123456),
	}
	cheese := label("CHEESE", "Сыр Российский весовой", 79990)
	old := pos.M(99900, "RUB")
	cheese.OldPrice, cheese.PriceUnit = &old, "kg"
	cheese.PriceVersion = "p20261101.0000-a20261130.2359"
	ls = append(ls, cheese)
	for i := len(ls); i < 30; i++ {
		ls = append(ls, label(fmt.Sprintf("SKU%02d", i), fmt.Sprintf("Товар номер %d", i), int64(1000+i*111)))
	}
	ls[29].Name = "Last Tag Apples"
	return ls
}
