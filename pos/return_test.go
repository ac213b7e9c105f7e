package pos_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
)

// refund is a recorded refund tender.
func refund(method string, amount int64) pos.Payment {
	return pos.Payment{Method: method, Amount: pos.M(amount, rub)}
}

// wantRefunds fails unless r refunds exactly want, in order.
func wantRefunds(tb testing.TB, r *pos.Return, want ...pos.Payment) {
	tb.Helper()
	if !reflect.DeepEqual(r.Refunds, want) {
		tb.Fatalf("Refunds=%+v, want %+v", r.Refunds, want)
	}
}

// handSale builds a recorded sale from priced lines, paid by pay.
func handSale(lines []pos.SaleLine, pay ...pos.Payment) *pos.Sale {
	s := &pos.Sale{ID: "S1", Lines: lines, Payments: pay}
	var total int64
	for i := range s.Lines {
		s.Lines[i].No = i + 1
		total += s.Lines[i].Total.Amount
	}
	s.Total = pos.M(total, rub)
	return s
}

func pieceLine(sku string, qty, unit, rate int64) pos.SaleLine {
	return pos.SaleLine{SKU: sku, Name: sku, Unit: pos.UnitPiece, Qty: qty,
		UnitPrice: pos.M(unit, rub), Total: pos.M(qty*unit, rub), VATRate: rate}
}

func TestPlanReturn_Partial(t *testing.T) {
	// 3 × milk 26970 + 2 × bread 9000 = 35970, 400.00 cash, change 40.30.
	s := mustPriceSale(t, sale([]pos.SaleLineRequest{line("MILK", 3), line("BREAD", 2)}, cash(40000)), saleTime)
	r, err := pos.PlanReturn(s, &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{ret("MILK", 1)}, Reason: "sour"}, saleTime.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []pos.ReturnLine{{SaleLineNo: 1, SKU: "MILK", Name: "Milk 1 l", Qty: 1,
		Amount: pos.M(8990, rub), VATRate: 10, VAT: pos.M(817, rub)}} // 89900 / 110 = 817.27
	if !reflect.DeepEqual(r.Lines, want) {
		t.Fatalf("Lines=%+v, want %+v", r.Lines, want)
	}
	if got, want := r.Total, pos.M(8990, rub); got != want {
		t.Fatalf("Total=%v, want %v", got, want)
	}
	wantVAT := []pos.VATAmount{{Rate: 10, Gross: pos.M(8990, rub), VAT: pos.M(817, rub)}}
	if !reflect.DeepEqual(r.VAT, wantVAT) {
		t.Fatalf("VAT=%+v, want %+v", r.VAT, wantVAT)
	}
	wantRefunds(t, r, refund(pos.PaymentCash, 8990))
	if r.Reason != "sour" || !r.CreatedAt.Equal(saleTime.Add(time.Hour)) {
		t.Fatalf("Reason=%q CreatedAt=%v", r.Reason, r.CreatedAt)
	}
	if got, want := s.Lines[0].ReturnedQty, int64(1); got != want {
		t.Fatalf("sale line ReturnedQty=%d, want %d", got, want)
	}
	if got, want := s.Lines[0].ReturnedAmount, int64(8990); got != want {
		t.Fatalf("sale line ReturnedAmount=%d, want %d", got, want)
	}
	if s.RefundedCash != 8990 || s.RefundedCard != 0 {
		t.Fatalf("RefundedCash=%d RefundedCard=%d, want 8990, 0", s.RefundedCash, s.RefundedCard)
	}
}

// 347 g of cheese (65.90) returned as 100 g, 200 g and 47 g: the parts are
// the rounded running shares and add up to the line total exactly.
func TestPlanReturn_WeighedInParts(t *testing.T) {
	s := mustPriceSale(t, sale([]pos.SaleLineRequest{line("CHEESE", 347)}, card(6590)), saleTime)
	parts := []struct{ grams, amount, vat int64 }{
		{100, 1899, 173}, // 6590 × 100 / 347 = 1899.14; VAT 172.64
		{200, 3798, 345}, // 6590 × 300 / 347 = 5697.41 → 5697 − 1899; VAT 345.27
		{47, 893, 81},    // 6590 − 5697; VAT 81.18
	}
	var sum int64
	for _, p := range parts {
		r := mustPlanReturn(t, s, ret("CHEESE", p.grams))
		if got := r.Total.Amount; got != p.amount {
			t.Fatalf("%d g: Total=%d, want %d", p.grams, got, p.amount)
		}
		if got := r.Lines[0].VAT.Amount; got != p.vat {
			t.Fatalf("%d g: VAT=%d, want %d", p.grams, got, p.vat)
		}
		wantRefunds(t, r, refund(pos.PaymentCard, p.amount))
		sum += r.Total.Amount
	}
	if sum != 6590 || s.RefundedCard != 6590 {
		t.Fatalf("refunded %d (RefundedCard %d), want 6590", sum, s.RefundedCard)
	}
}

// Rounding each part on its own would refund 1 kopeck for each of the
// first 11 grams of a 12 g, 10 kopeck line and then −1 for the last gram.
func TestPlanReturn_TinyPartsNeverNegative(t *testing.T) {
	s := handSale([]pos.SaleLine{{SKU: "SALT", Unit: pos.UnitGram, Qty: 12, Total: pos.M(10, rub), VATRate: 22}},
		refund(pos.PaymentCash, 10))
	var sum int64
	for i := 0; i < 12; i++ {
		r := mustPlanReturn(t, s, ret("SALT", 1))
		if a := r.Total.Amount; a < 0 || a > 1 {
			t.Fatalf("gram %d: refund %d, want 0 or 1", i+1, a)
		}
		sum += r.Total.Amount
	}
	if sum != 10 {
		t.Fatalf("refunded %d, want 10", sum)
	}
}

func TestPlanReturn_OverReturn(t *testing.T) {
	s := mustPriceSale(t, sale([]pos.SaleLineRequest{line("MILK", 3), line("BREAD", 2)}, cash(40000)), saleTime)
	steps := []struct {
		lines []pos.ReturnLineRequest
		field string // "" means accepted
	}{
		{[]pos.ReturnLineRequest{ret("MILK", 4)}, "lines[0].qty"},
		{[]pos.ReturnLineRequest{ret("BOOK", 1)}, "lines[0].qty"}, // never sold
		{[]pos.ReturnLineRequest{ret("MILK", 2)}, ""},
		{[]pos.ReturnLineRequest{ret("MILK", 2)}, "lines[0].qty"},
		{[]pos.ReturnLineRequest{ret("BREAD", 1), ret("MILK", 1), ret("MILK", 1)}, "lines[2].qty"},
		{[]pos.ReturnLineRequest{ret("MILK", 1)}, ""},
		{[]pos.ReturnLineRequest{ret("MILK", 1)}, "lines[0].qty"},
		{[]pos.ReturnLineRequest{ret("BREAD", 2)}, ""},
		{[]pos.ReturnLineRequest{ret("BREAD", 1)}, "lines[0].qty"},
	}
	for i, st := range steps {
		r, err := pos.PlanReturn(s, &pos.ReturnRequest{Lines: st.lines}, saleTime)
		if st.field == "" {
			if err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			continue
		}
		if r != nil {
			t.Fatalf("step %d: return=%+v, want nil", i, r)
		}
		wantError(t, err, pos.CodeOverReturn, st.field)
	}
	// Everything came back exactly once: 35970 in cash.
	if s.RefundedCash != 35970 || s.Lines[0].ReturnedQty != 3 || s.Lines[1].ReturnedQty != 2 {
		t.Fatalf("RefundedCash=%d returned=%d,%d, want 35970, 3, 2", s.RefundedCash, s.Lines[0].ReturnedQty, s.Lines[1].ReturnedQty)
	}
}

// A refused return leaves the sale exactly as it was, even when earlier
// lines of the request could be returned.
func TestPlanReturn_RefusedChangesNothing(t *testing.T) {
	s := mustPriceSale(t, sale([]pos.SaleLineRequest{line("MILK", 3), line("BREAD", 2)}, card(10000), cash(30000)), saleTime)
	before := cloneSale(s)
	_, err := pos.PlanReturn(s, &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{ret("MILK", 1), ret("BREAD", 3)}}, saleTime)
	wantError(t, err, pos.CodeOverReturn, "lines[1].qty")
	if !reflect.DeepEqual(s, before) {
		t.Fatalf("sale changed by a refused return:\n got %+v\nwant %+v", s, before)
	}
}

func cloneSale(s *pos.Sale) *pos.Sale {
	c := *s
	c.Lines = append([]pos.SaleLine(nil), s.Lines...)
	c.Payments = append([]pos.Payment(nil), s.Payments...)
	c.VAT = append([]pos.VATAmount(nil), s.VAT...)
	return &c
}

// Milk sold on two lines at different prices is returned from the first
// line first; the last units of a line get exactly what is left of it.
func TestPlanReturn_SKUOnTwoLines(t *testing.T) {
	s := handSale([]pos.SaleLine{pieceLine("MILK", 2, 8990, 10), pieceLine("BREAD", 1, 4500, 10), pieceLine("MILK", 3, 9490, 10)},
		refund(pos.PaymentCash, 60000)) // total 17980 + 4500 + 28470 = 50950
	r := mustPlanReturn(t, s, ret("MILK", 3))
	if got, want := len(r.Lines), 2; got != want {
		t.Fatalf("len(Lines)=%d, want %d", got, want)
	}
	for i, w := range []struct{ no, qty, amount int64 }{{1, 2, 17980}, {3, 1, 9490}} {
		l := r.Lines[i]
		if int64(l.SaleLineNo) != w.no || l.Qty != w.qty || l.Amount.Amount != w.amount {
			t.Fatalf("Lines[%d]=%+v, want line %d qty %d amount %d", i, l, w.no, w.qty, w.amount)
		}
	}
	if got, want := r.Total.Amount, int64(27470); got != want {
		t.Fatalf("Total=%d, want %d", got, want)
	}
	r = mustPlanReturn(t, s, ret("MILK", 2))
	if got, want := r.Total.Amount, int64(18980); got != want { // 28470 − 9490
		t.Fatalf("second Total=%d, want %d", got, want)
	}
	_, err := pos.PlanReturn(s, &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{ret("MILK", 1)}}, saleTime)
	wantError(t, err, pos.CodeOverReturn, "lines[0].qty")
}

// The same SKU twice in one request draws on the sale line twice.
func TestPlanReturn_SKUTwiceInRequest(t *testing.T) {
	s := mustPriceSale(t, sale([]pos.SaleLineRequest{line("MILK", 2)}, cash(20000)), saleTime)
	r := mustPlanReturn(t, s, ret("MILK", 1), ret("MILK", 1))
	if got, want := r.Total.Amount, int64(17980); got != want {
		t.Fatalf("Total=%d, want %d", got, want)
	}
	_, err := pos.PlanReturn(s, &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{ret("MILK", 1)}}, saleTime)
	wantError(t, err, pos.CodeOverReturn, "lines[0].qty")
}

func TestPlanReturn_Tenders(t *testing.T) {
	t.Run("SplitCardFirst", func(t *testing.T) {
		// 17980: 100.00 by card, 100.00 cash handed over, change 20.20, cash kept 79.80.
		s := mustPriceSale(t, sale([]pos.SaleLineRequest{line("MILK", 2)}, card(10000), cash(10000)), saleTime)
		wantRefunds(t, mustPlanReturn(t, s, ret("MILK", 1)), refund(pos.PaymentCard, 8990))
		// The card has 10.10 left: 8990 = 1010 to the card + 7980 cash.
		wantRefunds(t, mustPlanReturn(t, s, ret("MILK", 1)), refund(pos.PaymentCard, 1010), refund(pos.PaymentCash, 7980))
		if s.RefundedCard != s.CardPaid() || s.RefundedCash != s.CashPaid() {
			t.Fatalf("refunded card %d cash %d, want %d, %d", s.RefundedCard, s.RefundedCash, s.CardPaid(), s.CashPaid())
		}
	})
	t.Run("CashAfterCardUsedUp", func(t *testing.T) {
		// 26970: 89.90 by card, 200.00 cash, change 20.20.
		s := mustPriceSale(t, sale([]pos.SaleLineRequest{line("MILK", 3)}, card(8990), cash(20000)), saleTime)
		wantRefunds(t, mustPlanReturn(t, s, ret("MILK", 1)), refund(pos.PaymentCard, 8990))
		wantRefunds(t, mustPlanReturn(t, s, ret("MILK", 1)), refund(pos.PaymentCash, 8990))
		wantRefunds(t, mustPlanReturn(t, s, ret("MILK", 1)), refund(pos.PaymentCash, 8990))
		if s.RefundedCard != 8990 || s.RefundedCash != 17980 {
			t.Fatalf("RefundedCard=%d RefundedCash=%d, want 8990, 17980", s.RefundedCard, s.RefundedCash)
		}
	})
	t.Run("CardOnly", func(t *testing.T) {
		s := mustPriceSale(t, sale([]pos.SaleLineRequest{line("MILK", 2)}, card(17980)), saleTime)
		wantRefunds(t, mustPlanReturn(t, s, ret("MILK", 2)), refund(pos.PaymentCard, 17980))
	})
	t.Run("CashOnly", func(t *testing.T) {
		s := mustPriceSale(t, sale([]pos.SaleLineRequest{line("MILK", 2)}, cash(50000)), saleTime)
		wantRefunds(t, mustPlanReturn(t, s, ret("MILK", 2)), refund(pos.PaymentCash, 17980))
	})
}

// Soap at 10 % off (116.91, VAT 22 %) and a book (599.00, VAT 0 %).
func TestPlanReturn_VAT(t *testing.T) {
	s := mustPriceSale(t, sale([]pos.SaleLineRequest{line("SOAP", 1), line("BOOK", 1)}, card(71591)), saleTime)
	r := mustPlanReturn(t, s, ret("BOOK", 1), ret("SOAP", 1))
	want := []pos.VATAmount{
		{Rate: 0, Gross: pos.M(59900, rub), VAT: pos.M(0, rub)},
		{Rate: 22, Gross: pos.M(11691, rub), VAT: pos.M(2108, rub)}, // 257202 / 122 = 2108.21
	}
	if !reflect.DeepEqual(r.VAT, want) {
		t.Fatalf("VAT=%+v, want %+v", r.VAT, want)
	}
	if got, want := r.Total.Amount, int64(71591); got != want {
		t.Fatalf("Total=%d, want %d", got, want)
	}
}

// PlanReturn is also safe when called without Validate.
func TestPlanReturn_NonPositiveQty(t *testing.T) {
	s := mustPriceSale(t, sale([]pos.SaleLineRequest{line("MILK", 2)}, cash(20000)), saleTime)
	for _, q := range []int64{0, -1} {
		_, err := pos.PlanReturn(s, &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{ret("MILK", q)}}, saleTime)
		wantError(t, err, pos.CodeValidationFailed, "lines[0].qty")
	}
	if s.Lines[0].ReturnedQty != 0 || s.RefundedCash != 0 {
		t.Fatalf("ReturnedQty=%d RefundedCash=%d, want 0", s.Lines[0].ReturnedQty, s.RefundedCash)
	}
}

func TestPlanReceiptlessReturn(t *testing.T) {
	at := time.Date(2025, 3, 6, 10, 0, 0, 0, time.UTC) // milk 94.90, soap 114.90 (15.00 off beats 10 %)
	t.Run("CurrentPricesToCard", func(t *testing.T) {
		req := &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{ret("MILK", 1), ret("SOAP", 1), ret("CHEESE", 250)},
			RefundMethod: pos.PaymentCard, Reason: "no receipt"}
		r, err := pos.PlanReceiptlessReturn(req, shop(), at, rub)
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range []struct {
			sku         string
			amount, vat int64
		}{
			{"MILK", 9490, 863},   // VAT 862.73
			{"SOAP", 11490, 2072}, // VAT 2071.97
			{"CHEESE", 4748, 432}, // 18990 × 250 / 1000 = 4747.5; VAT 431.64
		} {
			l := r.Lines[i]
			if l.SKU != w.sku || l.Amount.Amount != w.amount || l.VAT.Amount != w.vat || l.SaleLineNo != 0 {
				t.Fatalf("Lines[%d]=%+v, want %s %d VAT %d", i, l, w.sku, w.amount, w.vat)
			}
		}
		if got, want := r.Total, pos.M(25728, rub); got != want { // 9490 + 11490 + 4748
			t.Fatalf("Total=%v, want %v", got, want)
		}
		wantVAT := []pos.VATAmount{
			{Rate: 10, Gross: pos.M(14238, rub), VAT: pos.M(1294, rub)}, // 142380 / 110 = 1294.36
			{Rate: 22, Gross: pos.M(11490, rub), VAT: pos.M(2072, rub)},
		}
		if !reflect.DeepEqual(r.VAT, wantVAT) {
			t.Fatalf("VAT=%+v, want %+v", r.VAT, wantVAT)
		}
		wantRefunds(t, r, refund(pos.PaymentCard, 25728))
		if r.SaleID != "" || r.Reason != "no receipt" || !r.CreatedAt.Equal(at) {
			t.Fatalf("SaleID=%q Reason=%q CreatedAt=%v", r.SaleID, r.Reason, r.CreatedAt)
		}
	})
	t.Run("CashByDefault", func(t *testing.T) {
		r, err := pos.PlanReceiptlessReturn(&pos.ReturnRequest{Lines: []pos.ReturnLineRequest{ret("BREAD", 2)}}, shop(), at, rub)
		if err != nil {
			t.Fatal(err)
		}
		wantRefunds(t, r, refund(pos.PaymentCash, 9000))
	})
	t.Run("UnknownSKU", func(t *testing.T) {
		_, err := pos.PlanReceiptlessReturn(&pos.ReturnRequest{Lines: []pos.ReturnLineRequest{ret("BREAD", 1), ret("NOPE", 1)}}, shop(), at, rub)
		wantError(t, err, pos.CodeUnknownSKU, "lines[1].sku")
	})
	t.Run("NoPriceYet", func(t *testing.T) {
		_, err := pos.PlanReceiptlessReturn(&pos.ReturnRequest{Lines: []pos.ReturnLineRequest{ret("MILK", 1)}}, shop(), jan1.Add(-time.Nanosecond), rub)
		wantError(t, err, pos.CodeUnknownSKU, "lines[0].sku")
	})
}

func TestReturnRequest_Validate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(r *pos.ReturnRequest)
		field string
	}{
		{"OK", func(r *pos.ReturnRequest) {}, ""},
		{"CardRefund", func(r *pos.ReturnRequest) { r.RefundMethod = pos.PaymentCard }, ""},
		{"Reason200Runes", func(r *pos.ReturnRequest) { r.Reason = strings.Repeat("я", 200) }, ""},
		{"NoLines", func(r *pos.ReturnRequest) { r.Lines = nil }, "lines"},
		{"TooManyLines", func(r *pos.ReturnRequest) { r.Lines = make([]pos.ReturnLineRequest, pos.MaxSaleLines+1) }, "lines"},
		{"BadSKU", func(r *pos.ReturnRequest) { r.Lines[1].SKU = "" }, "lines[1].sku"},
		{"ZeroQty", func(r *pos.ReturnRequest) { r.Lines[0].Qty = 0 }, "lines[0].qty"},
		{"NegativeQty", func(r *pos.ReturnRequest) { r.Lines[1].Qty = -2 }, "lines[1].qty"},
		{"QtyTooLarge", func(r *pos.ReturnRequest) { r.Lines[0].Qty = 1_000_001 }, "lines[0].qty"},
		{"LongReason", func(r *pos.ReturnRequest) { r.Reason = strings.Repeat("я", 201) }, "reason"},
		{"BadRefundMethod", func(r *pos.ReturnRequest) { r.RefundMethod = "voucher" }, "refund_method"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{ret("MILK", 1), ret("CHEESE", 100)}}
			tt.edit(r)
			err := r.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			wantError(t, err, pos.CodeValidationFailed, tt.field)
		})
	}
}
