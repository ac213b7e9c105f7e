package pos_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

// Every case buys 2 × milk at 89.90: a total of 17980.
func TestPriceSale_Payments(t *testing.T) {
	tests := []struct {
		name       string
		pay        []pos.PaymentRequest
		change     int64
		cardPaid   int64
		cashPaid   int64
		errorField string
	}{
		{"CashWithChange", []pos.PaymentRequest{cash(20000)}, 2020, 0, 17980, ""},
		{"ExactCash", []pos.PaymentRequest{cash(17980)}, 0, 0, 17980, ""},
		{"ExactCard", []pos.PaymentRequest{card(17980)}, 0, 17980, 0, ""},
		{"TwoCards", []pos.PaymentRequest{card(9000), card(8980)}, 0, 17980, 0, ""},
		// 10000 by card, 100.00 cash handed over for the remaining 79.80.
		{"SplitCashCard", []pos.PaymentRequest{card(10000), cash(10000)}, 2020, 10000, 7980, ""},
		{"SplitCashFirst", []pos.PaymentRequest{cash(5000), card(12980)}, 0, 12980, 5000, ""},
		{"CardOverTotal", []pos.PaymentRequest{card(18000)}, 0, 0, 0, "payments"},
		{"CardOverTotalWithCash", []pos.PaymentRequest{card(17990), cash(100)}, 0, 0, 0, "payments"},
		{"Short", []pos.PaymentRequest{cash(17000)}, 0, 0, 0, "payments"},
		{"ShortByOneKopeck", []pos.PaymentRequest{card(10000), cash(7979)}, 0, 0, 0, "payments"},
		// Change (1520) larger than the cash handed over (500): it would
		// have to come out of the card payments.
		{"ChangeLargerThanCash", []pos.PaymentRequest{card(10000), card(9000), cash(500)}, 0, 0, 0, "payments"},
		{"CurrencyMismatch", []pos.PaymentRequest{{Method: pos.PaymentCash, Amount: pos.M(20000, "USD")}}, 0, 0, 0, "payments[0].amount.currency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := pos.PriceSale(sale([]pos.SaleLineRequest{line("MILK", 2)}, tt.pay...), shop(), saleTime, rub)
			if tt.errorField != "" {
				wantError(t, err, pos.CodeValidationFailed, tt.errorField)
				return
			}
			if err != nil {
				t.Fatalf("PriceSale: %v", err)
			}
			if got, want := s.Change, pos.M(tt.change, rub); got != want {
				t.Fatalf("Change=%v, want %v", got, want)
			}
			if got := s.CardPaid(); got != tt.cardPaid {
				t.Fatalf("CardPaid=%d, want %d", got, tt.cardPaid)
			}
			if got := s.CashPaid(); got != tt.cashPaid {
				t.Fatalf("CashPaid=%d, want %d", got, tt.cashPaid)
			}
			if got, want := s.Payments, payments(tt.pay...); !reflect.DeepEqual(got, want) {
				t.Fatalf("Payments=%+v, want %+v", got, want)
			}
		})
	}
}

func TestSaleRequest_Validate(t *testing.T) {
	many := func(n int) []pos.SaleLineRequest {
		ls := make([]pos.SaleLineRequest, n)
		for i := range ls {
			ls[i] = line("MILK", 1)
		}
		return ls
	}
	manyPay := func(n int) []pos.PaymentRequest {
		ps := make([]pos.PaymentRequest, n)
		for i := range ps {
			ps[i] = cash(100)
		}
		return ps
	}
	tests := []struct {
		name  string
		edit  func(r *pos.SaleRequest)
		field string
	}{
		{"OK", func(r *pos.SaleRequest) {}, ""},
		{"MaxLines", func(r *pos.SaleRequest) { r.Lines = many(pos.MaxSaleLines) }, ""},
		{"MaxQty", func(r *pos.SaleRequest) { r.Lines[0].Qty = 1_000_000 }, ""},
		{"MaxPayments", func(r *pos.SaleRequest) { r.Payments = manyPay(pos.MaxPayments) }, ""},
		{"ReferenceOf64Runes", func(r *pos.SaleRequest) { r.Payments[0].Reference = strings.Repeat("я", 64) }, ""},
		{"NoLines", func(r *pos.SaleRequest) { r.Lines = nil }, "lines"},
		{"TooManyLines", func(r *pos.SaleRequest) { r.Lines = many(pos.MaxSaleLines + 1) }, "lines"},
		{"EmptySKU", func(r *pos.SaleRequest) { r.Lines[0].SKU = "" }, "lines[0].sku"},
		{"BadSKU", func(r *pos.SaleRequest) { r.Lines[1].SKU = "MI LK" }, "lines[1].sku"},
		{"ZeroQty", func(r *pos.SaleRequest) { r.Lines[1].Qty = 0 }, "lines[1].qty"},
		{"NegativeQty", func(r *pos.SaleRequest) { r.Lines[0].Qty = -1 }, "lines[0].qty"},
		{"QtyTooLarge", func(r *pos.SaleRequest) { r.Lines[0].Qty = 1_000_001 }, "lines[0].qty"},
		{"NoPayments", func(r *pos.SaleRequest) { r.Payments = nil }, "payments"},
		{"TooManyPayments", func(r *pos.SaleRequest) { r.Payments = manyPay(pos.MaxPayments + 1) }, "payments"},
		{"BadMethod", func(r *pos.SaleRequest) { r.Payments[1].Method = "crypto" }, "payments[1].method"},
		// Only the server records online payments (a prepaid pickup's).
		{"OnlineFromTill", func(r *pos.SaleRequest) { r.Payments[0].Method = pos.PaymentOnline }, "payments[0].method"},
		{"CurrencyMismatch", func(r *pos.SaleRequest) { r.Payments[0].Amount.Currency = "USD" }, "payments[0].amount.currency"},
		{"NoCurrency", func(r *pos.SaleRequest) { r.Payments[0].Amount.Currency = "" }, "payments[0].amount.currency"},
		{"ZeroAmount", func(r *pos.SaleRequest) { r.Payments[0].Amount.Amount = 0 }, "payments[0].amount.amount"},
		{"NegativeAmount", func(r *pos.SaleRequest) { r.Payments[1].Amount.Amount = -100 }, "payments[1].amount.amount"},
		{"AmountTooLarge", func(r *pos.SaleRequest) { r.Payments[0].Amount.Amount = pos.MaxAmount + 1 }, "payments[0].amount.amount"},
		{"LongReference", func(r *pos.SaleRequest) { r.Payments[0].Reference = strings.Repeat("x", 65) }, "payments[0].reference"},
		{"BadPhone", func(r *pos.SaleRequest) { r.Customer = &pos.CustomerRef{Phone: "call me"} }, "customer.phone"},
		{"LongCard", func(r *pos.SaleRequest) { r.Customer = &pos.CustomerRef{Card: strings.Repeat("1", 33)} }, "customer.card"},
		{"LongReservationCode", func(r *pos.SaleRequest) { r.ReservationCode = strings.Repeat("R", 65) }, "reservation_code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sale([]pos.SaleLineRequest{line("MILK", 2), line("CHEESE", 347)}, cash(20000), card(10000))
			tt.edit(r)
			err := r.Validate(rub)
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

func TestSaleRequest_Validate_Phone(t *testing.T) {
	t.Run("Normalized", func(t *testing.T) {
		r := sale([]pos.SaleLineRequest{line("MILK", 1)}, cash(10000))
		r.Customer = &pos.CustomerRef{Phone: "+7 (916) 123-45-67", Card: "4000"}
		if err := r.Validate(rub); err != nil {
			t.Fatal(err)
		}
		if got, want := r.Customer.Phone, "+79161234567"; got != want {
			t.Fatalf("Phone=%q, want %q", got, want)
		}
	})
	// The message is shown to the cashier: it must not nest another error's
	// "storeedge error: code=..." text.
	t.Run("CleanMessage", func(t *testing.T) {
		r := sale([]pos.SaleLineRequest{line("MILK", 1)}, cash(10000))
		r.Customer = &pos.CustomerRef{Phone: "garbage"}
		err := r.Validate(rub)
		if msg := pos.ErrorMessage(err); msg == "" || strings.Contains(msg, "storeedge error") || strings.Contains(msg, "code=") {
			t.Fatalf("ErrorMessage=%q, want a plain sentence", msg)
		}
	})
}
