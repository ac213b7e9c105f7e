package demo

import (
	"strings"

	"github.com/storeedge/storeedge/pos"
)

// sizeUnitsRu translates the unit of an English size to Russian.
var sizeUnitsRu = map[string]string{"ml": "мл", "l": "л", "g": "г", "kg": "кг", "pcs": "шт."}

// sizeKeys names the spec line of a size by its unit.
var sizeKeys = map[string]string{"ml": "Объём", "l": "Объём", "g": "Масса нетто", "kg": "Масса нетто", "pcs": "Количество"}

// sizeRu writes an English size ("0.5 l") the Russian way ("0,5 л").
func sizeRu(size string) string {
	n, u, _ := strings.Cut(size, " ")
	return strings.ReplaceAll(n, ".", ",") + " " + sizeUnitsRu[u]
}

// nameRu is the Russian shelf name, such as
// `Молоко пастеризованное 3,2% «Луговое», 930 мл`.
func nameRu(it *item, b *brand) string {
	s := it.ru + " «" + b.ru + "»"
	if it.size != "" {
		s += ", " + sizeRu(it.size)
	}
	return s
}

// nameEn is the English name, such as `Lugovoe Pasteurised Milk 3.2%, 930 ml`.
func nameEn(it *item, b *brand) string {
	s := b.en + " " + it.en
	if it.size != "" {
		s += ", " + it.size
	}
	return s
}

// country is where the product comes from: the item's origin for fresh
// produce, else the brand's.
func country(it *item, b *brand) string { return orString(it.country, b.country) }

// description is a short Russian description for the shopper's page.
func description(d *dept, it *item, b *brand) string {
	var s strings.Builder
	s.WriteString(nameRu(it, b) + ". Страна производства: " + country(it, b) + ". ")
	if d.unit == pos.UnitGram {
		s.WriteString("Продаётся на вес, цена указана за 1 кг. ")
	}
	s.WriteString(d.care)
	return s.String()
}

// specs lists brand, country, size and the department's and item's own
// lines.
func specs(d *dept, it *item, b *brand) []pos.Spec {
	out := []pos.Spec{sp("Бренд", b.ru), sp("Страна", country(it, b))}
	if it.size != "" {
		_, u, _ := strings.Cut(it.size, " ")
		out = append(out, sp(sizeKeys[u], sizeRu(it.size)))
	}
	out = append(out, d.specs...)
	return append(out, it.specs...)
}

func orString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
