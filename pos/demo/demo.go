package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/storeedge/storeedge/pos"
)

// The seed of the demo shop. Changing it changes every demo catalog.
const seed1, seed2 = 2026, 0x5707E_ED6E

// Shares of products, in per cent, drawn with the seeded generator.
const (
	promoShare       = 10 // products with an active promotion
	futurePriceShare = 4  // products with a price rise in 48 hours
	outOfStockShare  = 3  // products with nothing on hand
)

// Products returns the demo catalog: over 300 products in ten departments
// with prices in currency (RUB if empty), stock on hand, about one product
// in ten on promotion, a few with a price rise 48 hours after now and two
// in three with a rating, a review count and up to three sample reviews
// from the six months before now.
// The catalog is the same on every call; only the dates follow now.
// Every product is normalized and passes Validate.
func Products(now time.Time, currency string) []pos.ProductImport {
	if currency == "" {
		currency = "RUB"
	}
	g := &generator{
		r:        rand.New(rand.NewPCG(seed1, seed2)),
		now:      now.UTC().Truncate(time.Minute), // tidy dates, no monotonic reading
		currency: currency,
		codes:    newBarcodes(),
		rv:       rand.New(rand.NewPCG(seed1, reviewSeq)),
	}
	var out []pos.ProductImport
	for i := range departments {
		out = g.department(out, &departments[i])
	}
	return out
}

// generator carries the state of one Products call.
type generator struct {
	r        *rand.Rand
	now      time.Time
	currency string
	codes    *barcodes
	rv       *rand.Rand // reviews only: see reviewSeq
}

// department appends the products of d: count brand × item combinations
// drawn at random, listed item by item as they stand on the shelf.
func (g *generator) department(out []pos.ProductImport, d *dept) []pos.ProductImport {
	type pair struct{ item, brand int }
	var pairs []pair
	for i := range d.items {
		for b := range d.brands {
			pairs = append(pairs, pair{i, b})
		}
	}
	g.r.Shuffle(len(pairs), func(i, j int) { pairs[i], pairs[j] = pairs[j], pairs[i] })
	pairs = pairs[:min(d.count, len(pairs))]
	slices.SortFunc(pairs, func(a, b pair) int {
		if a.item != b.item {
			return a.item - b.item
		}
		return a.brand - b.brand
	})
	for _, p := range pairs {
		sku := fmt.Sprintf("DEMO-%04d", len(out)+1)
		out = append(out, g.product(sku, d, &d.items[p.item], &d.brands[p.brand]))
	}
	return out
}

// product builds one product of department d.
func (g *generator) product(sku string, d *dept, it *item, b *brand) pos.ProductImport {
	p := pos.ProductImport{Product: pos.Product{
		SKU:         sku,
		Name:        nameRu(it, b),
		NameEn:      nameEn(it, b),
		Description: description(d, it, b),
		Barcodes:    g.barcodes(d, b),
		Category:    d.Slug,
		Unit:        d.unit,
		VATRate:     orDefault(it.vat, d.vat),
		Specs:       specs(d, it, b),
		Images:      []string{"/img/" + sku + ".jpg"},
		Currency:    g.currency,
		UpdatedAt:   g.now,
	}}
	price := shelfPrice(it.price * b.factor * int64(95+g.r.IntN(11)) / 10000)
	p.Prices = []pos.PricePoint{{Amount: price}}
	if g.r.IntN(100) < futurePriceShare {
		rise := shelfPrice(pos.DivRound(price, int64(105+g.r.IntN(11)), 100))
		p.Prices = append(p.Prices, pos.PricePoint{Amount: rise, EffectiveFrom: g.now.Add(48 * time.Hour)})
	}
	if g.r.IntN(100) < promoShare {
		p.Promotions = []pos.Promotion{g.promotion(sku, price)}
	}
	p.StockSet, p.OnHand = true, g.stock(d.unit)
	if d.unit == pos.UnitGram {
		// What the shop's scales print in their labels: the SKU's number,
		// so a demo label for DEMO-0042 is 20 00042 wwwww k.
		p.ScaleCode = strings.TrimPrefix(sku, "DEMO-")
	}
	g.reviews(&p.Product)
	p.Normalize()
	return p
}

// promotion is a discount that started a week ago and ends in two weeks.
func (g *generator) promotion(sku string, price int64) pos.Promotion {
	pr := pos.Promotion{ID: sku + "-PROMO", From: g.now.Add(-7 * 24 * time.Hour), To: g.now.Add(14 * 24 * time.Hour)}
	if g.r.IntN(2) == 0 {
		pr.Kind, pr.Value = pos.PromoPercent, []int64{10, 15, 20, 25, 30}[g.r.IntN(5)]
	} else {
		pr.Kind, pr.Value = pos.PromoFixed, max(pos.DivRound(price, 15, 100)/100*100, 100) // whole roubles off
	}
	return pr
}

// stock is the quantity on hand: pieces, or grams for weighed goods.
func (g *generator) stock(u pos.Unit) int64 {
	if g.r.IntN(100) < outOfStockShare {
		return 0
	}
	if u == pos.UnitGram {
		return int64(2000 + g.r.IntN(38000))
	}
	return int64(6 + g.r.IntN(120))
}

// barcodes returns one EAN-13, or two for about one product in five (a
// second packaging or a multipack label).
func (g *generator) barcodes(d *dept, b *brand) []string {
	company := g.codes.company(g.r, d.Slug+"/"+b.en)
	codes := []string{g.codes.next(g.r, company)}
	if g.r.IntN(5) == 0 {
		codes = append(codes, g.codes.next(g.r, company))
	}
	return codes
}

// orDefault returns a unless it is zero, else b.
func orDefault(a, b int64) int64 {
	if a != 0 {
		return a
	}
	return b
}

// shelfPrice rounds kopecks to a typical shelf price ending in 90 kopecks:
// 44.90 under 100 roubles, 139.90 under 1000, 1199.90 above.
func shelfPrice(k int64) int64 {
	rub := pos.DivRound(k, 1, 100)
	step := int64(1)
	switch {
	case rub >= 1000:
		step = 100
	case rub >= 100:
		step = 10
	}
	rub = max(pos.DivRound(rub, 1, step)*step, 1)
	return rub*100 - 10
}
