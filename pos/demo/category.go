package demo

import "github.com/storeedge/storeedge/pos"

// Category is a department of the demo shop. Products carry the Slug in
// pos.Product.Category; the names are for display.
type Category struct {
	Slug   string
	Name   string // Russian
	NameEn string
}

// Categories returns the departments of the demo shop in shelf order.
func Categories() []Category {
	out := make([]Category, len(departments))
	for i, d := range departments {
		out[i] = d.Category
	}
	return out
}

// dept is a department with what the generator needs to fill it: brands
// times items, of which count combinations are stocked.
type dept struct {
	Category
	unit   pos.Unit
	vat    int64      // per cent, unless an item says otherwise
	count  int        // products to draw from brands × items
	care   string     // a closing sentence for descriptions
	specs  []pos.Spec // spec lines every product of the department has
	brands []brand
	items  []item
}

// brand is an invented maker. factor scales item prices, in per cent.
type brand struct {
	ru, en, country string
	factor          int64
}

// item is a kind of goods. size is written in English ("930 ml", "0.5 l",
// "400 g", "8 pcs") and translated for the Russian name; it is empty for
// weighed goods.
type item struct {
	ru, en  string
	size    string
	price   int64  // kopecks per piece, or per kg for weighed goods
	vat     int64  // per cent; 0 takes the department's rate
	country string // overrides the brand's country (fresh produce)
	specs   []pos.Spec
}

// departments is the shelf plan of the demo shop.
var departments = []dept{dairy, bakery, produce, meat, drinks, grocery, sweets, household, electronics, toys}

// sp is shorthand for a spec line.
func sp(key, value string) pos.Spec { return pos.Spec{Key: key, Value: value} }
