package pos_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

// randomCatalog makes n products with random prices, units, VAT rates and
// promotions, all in force at saleTime.
func randomCatalog(rng *rand.Rand, n int) []*pos.Product {
	rates := []int64{0, 10, 22}
	ps := make([]*pos.Product, n)
	for i := range ps {
		p := &pos.Product{SKU: fmt.Sprintf("SKU%d", i), Name: "P", Unit: pos.UnitPiece,
			VATRate: rates[rng.IntN(len(rates))], Currency: rub,
			Prices: []pos.PricePoint{{Amount: rng.Int64N(1_000_000), EffectiveFrom: jan1}}}
		if rng.IntN(3) == 0 {
			p.Unit = pos.UnitGram
		}
		switch rng.IntN(4) {
		case 0:
			p.Promotions = []pos.Promotion{{ID: "pc", Kind: pos.PromoPercent, Value: 1 + rng.Int64N(99), From: jan1, To: day(31)}}
		case 1:
			p.Promotions = []pos.Promotion{{ID: "fx", Kind: pos.PromoFixed, Value: 1 + rng.Int64N(200_000), From: jan1, To: day(31)}}
		}
		ps[i] = p
	}
	return ps
}

// randomCart picks 1–30 lines of a catalog: 1–20 pieces or 1–5000 grams.
func randomCart(rng *rand.Rand, ps []*pos.Product) []pos.SaleLineRequest {
	lines := make([]pos.SaleLineRequest, 1+rng.IntN(30))
	for i := range lines {
		p := ps[rng.IntN(len(ps))]
		qty := 1 + rng.Int64N(20)
		if p.Unit == pos.UnitGram {
			qty = 1 + rng.Int64N(5000)
		}
		lines[i] = line(p.SKU, qty)
	}
	return lines
}

// For random carts the total is the sum of the line totals, the VAT
// breakdown's gross adds up to the total, every line is priced by the one
// rounding rule, and paying exactly or with cash over works out.
func TestPriceSale_Property(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for iter := 0; iter < 2000; iter++ {
		ps := randomCatalog(rng, 12)
		lines := randomCart(rng, ps)
		probe, err := pos.PriceSale(sale(lines, cash(pos.MaxAmount)), lookupOf(ps...), saleTime, rub)
		if err != nil {
			t.Fatalf("iter %d: %v", iter, err)
		}
		over := rng.Int64N(100_000)
		pay := []pos.PaymentRequest{cash(probe.Total.Amount + over)}
		if probe.Total.Amount > 0 && rng.IntN(2) == 0 {
			cardPart := rng.Int64N(probe.Total.Amount + 1)
			pay = []pos.PaymentRequest{card(cardPart)}
			if rest := probe.Total.Amount - cardPart + over; rest > 0 {
				pay = append(pay, cash(rest))
			} else {
				over = 0
			}
		}
		s, err := pos.PriceSale(sale(lines, pay...), lookupOf(ps...), saleTime, rub)
		if err != nil {
			t.Fatalf("iter %d: %v", iter, err)
		}
		checkSale(t, iter, s, ps, over)
	}
}

func checkSale(t *testing.T, iter int, s *pos.Sale, ps []*pos.Product, change int64) {
	t.Helper()
	var total, discount, gross int64
	for _, l := range s.Lines {
		div := l.Unit.PriceDivisor()
		if want := pos.DivRound(l.UnitPrice.Amount, l.Qty, div); l.Total.Amount != want {
			t.Fatalf("iter %d: line %d Total=%d, want %d", iter, l.No, l.Total.Amount, want)
		}
		if l.UnitPrice.Amount < 0 || l.UnitPrice.Amount > l.RegularPrice.Amount || l.Discount.Amount < 0 {
			t.Fatalf("iter %d: line %+v has a bad price or discount", iter, l)
		}
		if want := pos.DivRound(l.RegularPrice.Amount, l.Qty, div) - l.Total.Amount; l.Discount.Amount != want {
			t.Fatalf("iter %d: line %d Discount=%d, want %d", iter, l.No, l.Discount.Amount, want)
		}
		if want := pos.VATIncluded(l.Total.Amount, l.VATRate); l.VAT.Amount != want {
			t.Fatalf("iter %d: line %d VAT=%d, want %d", iter, l.No, l.VAT.Amount, want)
		}
		total += l.Total.Amount
		discount += l.Discount.Amount
	}
	for i, v := range s.VAT {
		if i > 0 && v.Rate <= s.VAT[i-1].Rate {
			t.Fatalf("iter %d: VAT rates not ascending: %+v", iter, s.VAT)
		}
		if want := pos.VATIncluded(v.Gross.Amount, v.Rate); v.VAT.Amount != want {
			t.Fatalf("iter %d: rate %d VAT=%d, want %d", iter, v.Rate, v.VAT.Amount, want)
		}
		gross += v.Gross.Amount
	}
	if s.Total.Amount != total || gross != total || s.Discount.Amount != discount {
		t.Fatalf("iter %d: Total=%d lines=%d VAT gross=%d Discount=%d lines=%d", iter, s.Total.Amount, total, gross, s.Discount.Amount, discount)
	}
	if s.Change.Amount != change {
		t.Fatalf("iter %d: Change=%d, want %d", iter, s.Change.Amount, change)
	}
	if s.CashPaid()+s.CardPaid() != s.Total.Amount || s.CashPaid() < 0 {
		t.Fatalf("iter %d: cash %d + card %d != total %d", iter, s.CashPaid(), s.CardPaid(), s.Total.Amount)
	}
}

// For random line totals and random splits of the quantity, the partial
// refunds are each within a kopeck of their exact share, never negative,
// and add up to the line total exactly.
func TestPlanReturn_PartsSumToLineTotal(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for iter := 0; iter < 5000; iter++ {
		total := rng.Int64N(1_000_000)
		if iter%3 == 0 {
			total = rng.Int64N(50) // fewer kopecks than units: rounding dominates
		}
		qty := 1 + rng.Int64N(2000)
		s := handSale([]pos.SaleLine{{SKU: "X", Unit: pos.UnitGram, Qty: qty, Total: pos.M(total, rub), VATRate: 10}},
			refund(pos.PaymentCash, total))
		var sum int64
		for left := qty; left > 0; {
			q := 1 + rng.Int64N(min(left, 1+qty/3))
			if rng.IntN(4) == 0 {
				q = 1
			}
			r := mustPlanReturn(t, s, ret("X", q))
			a := r.Total.Amount
			// |a − total·q/qty| ≤ 1  ⇔  |a·qty − total·q| ≤ qty
			if a < 0 || abs(a*qty-total*q) > qty {
				t.Fatalf("iter %d: %d of %d units of a %d line refunded %d", iter, q, qty, total, a)
			}
			sum += a
			left -= q
		}
		if sum != total || s.RefundedCash != total {
			t.Fatalf("iter %d: refunds sum to %d (RefundedCash %d), want %d", iter, sum, s.RefundedCash, total)
		}
	}
}

// Returning random carts in random chunks gives back exactly the total,
// to the card no more than the card paid, and in cash the rest.
func TestPlanReturn_Property(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 17))
	for iter := 0; iter < 500; iter++ {
		ps := randomCatalog(rng, 6)
		lines := randomCart(rng, ps)
		probe, err := pos.PriceSale(sale(lines, cash(pos.MaxAmount)), lookupOf(ps...), saleTime, rub)
		if err != nil {
			t.Fatal(err)
		}
		pay := []pos.PaymentRequest{cash(probe.Total.Amount + 1)}
		if c := rng.Int64N(probe.Total.Amount + 1); c > 0 {
			pay = []pos.PaymentRequest{card(c), cash(probe.Total.Amount - c + 1)}
		}
		s, err := pos.PriceSale(sale(lines, pay...), lookupOf(ps...), saleTime, rub)
		if err != nil {
			t.Fatal(err)
		}
		var refunded, card, cashBack int64
		for _, l := range s.Lines {
			for left := l.Qty - l.ReturnedQty; left > 0; left = l.Qty - l.ReturnedQty {
				r := mustPlanReturn(t, s, ret(l.SKU, 1+rng.Int64N(left)))
				refunded += r.Total.Amount
				card += r.RefundCard()
				cashBack += r.RefundCash()
				l = s.Lines[l.No-1]
			}
		}
		if refunded != s.Total.Amount || card+cashBack != refunded || card != s.CardPaid() || cashBack != s.CashPaid() {
			t.Fatalf("iter %d: refunded %d (card %d, cash %d) of total %d (card %d, cash %d)",
				iter, refunded, card, cashBack, s.Total.Amount, s.CardPaid(), s.CashPaid())
		}
	}
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
