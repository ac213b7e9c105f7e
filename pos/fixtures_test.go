package pos_test

import (
	"errors"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
)

// rub is the shop currency of every fixture.
const rub = "RUB"

// Moments of the fixture catalog, all UTC.
var (
	jan1     = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	saleTime = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC) // the 10 % soap promotion is on, milk still 89.90
	milkRise = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) // milk goes from 89.90 to 94.90
)

// day returns midnight UTC of a day of March 2025.
func day(d int) time.Time { return time.Date(2025, 3, d, 0, 0, 0, 0, time.UTC) }

// milk is 89.90 until milkRise and 94.90 from then on, VAT 10 %.
func milk() *pos.Product {
	return &pos.Product{SKU: "MILK", Name: "Milk 1 l", Unit: pos.UnitPiece, VATRate: 10, Currency: rub,
		Prices: []pos.PricePoint{{Amount: 8990, EffectiveFrom: jan1}, {Amount: 9490, EffectiveFrom: milkRise}}}
}

// bread is 45.00, VAT 10 %.
func bread() *pos.Product {
	return &pos.Product{SKU: "BREAD", Name: "Bread", Unit: pos.UnitPiece, VATRate: 10, Currency: rub,
		Prices: []pos.PricePoint{{Amount: 4500, EffectiveFrom: jan1}}}
}

// cheese is weighed: 189.90 per kg, sold by the gram, VAT 10 %.
func cheese() *pos.Product {
	return &pos.Product{SKU: "CHEESE", Name: "Cheese", Unit: pos.UnitGram, VATRate: 10, Currency: rub,
		Prices: []pos.PricePoint{{Amount: 18990, EffectiveFrom: jan1}}}
}

// soap is 129.90, VAT 22 %, with 10 % off on 1–7 March and 15.00 off on
// 5–9 March (both windows [from, to)).
func soap() *pos.Product {
	return &pos.Product{SKU: "SOAP", Name: "Soap", Unit: pos.UnitPiece, VATRate: 22, Currency: rub,
		Prices: []pos.PricePoint{{Amount: 12990, EffectiveFrom: jan1}},
		Promotions: []pos.Promotion{
			{ID: "p10", Kind: pos.PromoPercent, Value: 10, From: day(1), To: day(8)},
			{ID: "f1500", Kind: pos.PromoFixed, Value: 1500, From: day(5), To: day(10)},
		}}
}

// book is 599.00 with VAT 0 %.
func book() *pos.Product {
	return &pos.Product{SKU: "BOOK", Name: "Book", Unit: pos.UnitPiece, VATRate: 0, Currency: rub,
		Prices: []pos.PricePoint{{Amount: 59900, EffectiveFrom: jan1}}}
}

// lookupOf returns a ProductLookup over ps that returns nil for other SKUs.
func lookupOf(ps ...*pos.Product) pos.ProductLookup {
	m := make(map[string]*pos.Product, len(ps))
	for _, p := range ps {
		m[p.SKU] = p
	}
	return func(sku string) (*pos.Product, error) { return m[sku], nil }
}

// shop is the fixture catalog.
func shop() pos.ProductLookup { return lookupOf(milk(), bread(), cheese(), soap(), book()) }

func line(sku string, qty int64) pos.SaleLineRequest { return pos.SaleLineRequest{SKU: sku, Qty: qty} }

func cash(amount int64) pos.PaymentRequest {
	return pos.PaymentRequest{Method: pos.PaymentCash, Amount: pos.M(amount, rub)}
}

func card(amount int64) pos.PaymentRequest {
	return pos.PaymentRequest{Method: pos.PaymentCard, Amount: pos.M(amount, rub), Reference: "RRN1"}
}

// sale builds a sale request.
func sale(lines []pos.SaleLineRequest, payments ...pos.PaymentRequest) *pos.SaleRequest {
	return &pos.SaleRequest{Lines: lines, Payments: payments}
}

// mustPriceSale validates and prices req against the fixture shop at t.
func mustPriceSale(tb testing.TB, req *pos.SaleRequest, at time.Time) *pos.Sale {
	tb.Helper()
	if err := req.Validate(rub); err != nil {
		tb.Fatalf("Validate: %v", err)
	}
	s, err := pos.PriceSale(req, shop(), at, rub)
	if err != nil {
		tb.Fatalf("PriceSale: %v", err)
	}
	return s
}

// mustPlanReturn plans a return of lines against s at saleTime.
func mustPlanReturn(tb testing.TB, s *pos.Sale, lines ...pos.ReturnLineRequest) *pos.Return {
	tb.Helper()
	r, err := pos.PlanReturn(s, &pos.ReturnRequest{Lines: lines}, saleTime)
	if err != nil {
		tb.Fatalf("PlanReturn: %v", err)
	}
	return r
}

func ret(sku string, qty int64) pos.ReturnLineRequest {
	return pos.ReturnLineRequest{SKU: sku, Qty: qty}
}

// wantError fails unless err is a *pos.Error with the code and field.
func wantError(tb testing.TB, err error, code, field string) {
	tb.Helper()
	var e *pos.Error
	if !errors.As(err, &e) {
		tb.Fatalf("err=%v, want *pos.Error code=%s field=%s", err, code, field)
	}
	if got := pos.ErrorCode(err); got != code {
		tb.Fatalf("ErrorCode=%q, want %q (err=%v)", got, code, err)
	}
	if got := pos.ErrorField(err); got != field {
		tb.Fatalf("ErrorField=%q, want %q (err=%v)", got, field, err)
	}
}

// payments turns expected tenders into the recorded form for comparison.
func payments(ps ...pos.PaymentRequest) []pos.Payment {
	out := make([]pos.Payment, len(ps))
	for i, p := range ps {
		out[i] = pos.Payment(p)
	}
	return out
}
