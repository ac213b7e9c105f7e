package pos_test

import (
	"strings"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

var boss = &pos.Approval{Cashier: "boss", PIN: "1234"}

// override is a line of qty of sku at a manager's unit price.
func override(sku string, qty, price int64, reason string) pos.SaleLineRequest {
	m := pos.M(price, rub)
	return pos.SaleLineRequest{SKU: sku, Qty: qty, PriceOverride: &m, Reason: reason}
}

func TestSaleRequest_Validate_TillOps(t *testing.T) {
	usd := pos.M(100, "USD")
	tests := []struct {
		name        string
		req         *pos.SaleRequest
		code, field string
	}{
		{"Override", &pos.SaleRequest{Lines: []pos.SaleLineRequest{override("MILK", 1, 5000, "dented")}, Approval: boss}, "", ""},
		{"Void", &pos.SaleRequest{Lines: []pos.SaleLineRequest{line("MILK", 1)},
			VoidedLines: []pos.VoidedLineRequest{{SKU: "BREAD", Qty: 1}}, Approval: boss}, "", ""},
		{"ErrOverrideNoApproval", &pos.SaleRequest{Lines: []pos.SaleLineRequest{override("MILK", 1, 5000, "dented")}},
			pos.CodeForbidden, "approval"},
		{"ErrVoidNoApproval", &pos.SaleRequest{Lines: []pos.SaleLineRequest{line("MILK", 1)},
			VoidedLines: []pos.VoidedLineRequest{{SKU: "BREAD", Qty: 1}}}, pos.CodeForbidden, "approval"},
		{"ErrNoReason", &pos.SaleRequest{Lines: []pos.SaleLineRequest{override("MILK", 1, 5000, "")}, Approval: boss},
			pos.CodeValidationFailed, "lines[0].reason"},
		{"ErrLongReason", &pos.SaleRequest{Lines: []pos.SaleLineRequest{override("MILK", 1, 5000, strings.Repeat("я", 201))}, Approval: boss},
			pos.CodeValidationFailed, "lines[0].reason"},
		{"ErrReasonAlone", &pos.SaleRequest{Lines: []pos.SaleLineRequest{{SKU: "MILK", Qty: 1, Reason: "why"}}},
			pos.CodeValidationFailed, "lines[0].reason"},
		{"ErrNegative", &pos.SaleRequest{Lines: []pos.SaleLineRequest{line("BREAD", 1), override("MILK", 1, -1, "x")}, Approval: boss},
			pos.CodeValidationFailed, "lines[1].price_override.amount"},
		{"ErrCurrency", &pos.SaleRequest{Lines: []pos.SaleLineRequest{{SKU: "MILK", Qty: 1, PriceOverride: &usd, Reason: "x"}}, Approval: boss},
			pos.CodeValidationFailed, "lines[0].price_override.currency"},
		{"ErrVoidSKU", &pos.SaleRequest{Lines: []pos.SaleLineRequest{line("MILK", 1)},
			VoidedLines: []pos.VoidedLineRequest{{SKU: "BREAD", Qty: 1}, {SKU: "", Qty: 1}}, Approval: boss},
			pos.CodeValidationFailed, "voided_lines[1].sku"},
		{"ErrVoidQty", &pos.SaleRequest{Lines: []pos.SaleLineRequest{line("MILK", 1)},
			VoidedLines: []pos.VoidedLineRequest{{SKU: "BREAD", Qty: 0}}, Approval: boss},
			pos.CodeValidationFailed, "voided_lines[0].qty"},
		{"ErrVoidReason", &pos.SaleRequest{Lines: []pos.SaleLineRequest{line("MILK", 1)},
			VoidedLines: []pos.VoidedLineRequest{{SKU: "BREAD", Qty: 1, Reason: strings.Repeat("x", 201)}}, Approval: boss},
			pos.CodeValidationFailed, "voided_lines[0].reason"},
		{"ErrApprovalShape", &pos.SaleRequest{Lines: []pos.SaleLineRequest{line("MILK", 1)}, Approval: &pos.Approval{Cashier: "boss"}},
			pos.CodeValidationFailed, "approval.pin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.Payments = []pos.PaymentRequest{cash(100000)}
			err := tt.req.Validate(rub)
			if pos.ErrorField(err) != tt.field || (tt.code != "" && pos.ErrorCode(err) != tt.code) || (tt.code == "") != (err == nil) {
				t.Fatalf("err=%v, want %q at %q", err, tt.code, tt.field)
			}
		})
	}
}

func TestPriceSale_Override(t *testing.T) {
	t.Run("Lowers", func(t *testing.T) {
		// soap: 129.90 with 10 % off on saleTime = 116.91; sold at 100.00
		req := sale([]pos.SaleLineRequest{line("MILK", 1), override("SOAP", 3, 10000, "last ones")}, cash(100000))
		req.Approval = boss
		s := mustPriceSale(t, req, saleTime)
		l := s.Lines[1]
		if l.PriceBefore == nil || *l.PriceBefore != pos.M(11691, rub) || l.UnitPrice != pos.M(10000, rub) ||
			l.Total != pos.M(30000, rub) || l.PromotionID != "" || l.Reason != "last ones" {
			t.Fatalf("line=%+v", l)
		}
		if got, want := l.Discount.Amount, int64(3*12990-30000); got != want {
			t.Fatalf("discount=%d, want %d", got, want)
		}
		if got, want := l.OverrideAmount(), int64(3*11691-30000); got != want {
			t.Fatalf("given away %d, want %d", got, want)
		}
		if s.Lines[0].PriceBefore != nil || s.Lines[0].OverrideAmount() != 0 {
			t.Fatalf("line 0=%+v", s.Lines[0])
		}
		s.ApproveTillOps(&pos.Cashier{ID: "M1", Name: "Boss"})
		if s.Lines[1].ApprovedBy != "M1" || s.Lines[0].ApprovedBy != "" || s.ApprovedBy != "M1" || s.ApprovedByName != "Boss" {
			t.Fatalf("approved: sale %q %q, lines %q %q", s.ApprovedBy, s.ApprovedByName, s.Lines[0].ApprovedBy, s.Lines[1].ApprovedBy)
		}
	})
	t.Run("Weighed", func(t *testing.T) {
		req := sale([]pos.SaleLineRequest{override("CHEESE", 500, 15000, "end of day")}, cash(100000))
		req.Approval = boss
		s := mustPriceSale(t, req, saleTime)
		if l := s.Lines[0]; l.Total != pos.M(7500, rub) || l.OverrideAmount() != 9495-7500 {
			t.Fatalf("line=%+v", l)
		}
	})
	t.Run("ErrAbovePrice", func(t *testing.T) {
		req := sale([]pos.SaleLineRequest{line("MILK", 1), override("SOAP", 1, 11692, "x")}, cash(100000))
		req.Approval = boss
		_, err := pos.PriceSale(req, shop(), saleTime, rub)
		if pos.ErrorCode(err) != pos.CodeValidationFailed || pos.ErrorField(err) != "lines[1].price_override.amount" {
			t.Fatalf("err=%v", err)
		}
	})
}

func TestPriceSale_Voids(t *testing.T) {
	req := sale([]pos.SaleLineRequest{line("MILK", 1)}, cash(100000))
	req.VoidedLines, req.Approval = []pos.VoidedLineRequest{{SKU: "CHEESE", Qty: 300, Reason: "changed mind"}, {SKU: "BREAD", Qty: 2}}, boss
	s := mustPriceSale(t, req, saleTime)
	if len(s.VoidedLines) != 2 || s.VoidedLines[0] != (pos.VoidedLine{SKU: "CHEESE", Name: "Cheese", Unit: pos.UnitGram, Qty: 300, Reason: "changed mind"}) {
		t.Fatalf("voids=%+v", s.VoidedLines)
	}
	if s.Total != pos.M(8990, rub) {
		t.Fatalf("total=%v: a void moves no money", s.Total)
	}
	s.ApproveTillOps(&pos.Cashier{ID: "M1", Name: "Boss"})
	if s.ApprovedBy != "M1" {
		t.Fatalf("approved_by=%q", s.ApprovedBy)
	}
	t.Run("ErrUnknownSKU", func(t *testing.T) {
		req := sale([]pos.SaleLineRequest{line("MILK", 1)}, cash(100000))
		req.VoidedLines, req.Approval = []pos.VoidedLineRequest{{SKU: "BREAD", Qty: 1}, {SKU: "NOPE", Qty: 1}}, boss
		_, err := pos.PriceSale(req, shop(), saleTime, rub)
		if pos.ErrorCode(err) != pos.CodeUnknownSKU || pos.ErrorField(err) != "voided_lines[1].sku" {
			t.Fatalf("err=%v", err)
		}
	})
}

func TestShiftTotals_TillOps(t *testing.T) {
	req := sale([]pos.SaleLineRequest{override("SOAP", 2, 10000, "x"), override("MILK", 1, 8990, "same")}, cash(100000))
	req.VoidedLines, req.Approval = []pos.VoidedLineRequest{{SKU: "BREAD", Qty: 1}}, boss
	s := mustPriceSale(t, req, saleTime)
	sh := &pos.Shift{OpeningFloat: pos.M(0, rub)}
	sh.Totals.AddSale(s)
	sh.Totals.AddSale(mustPriceSale(t, sale([]pos.SaleLineRequest{line("BREAD", 1)}, cash(100000)), saleTime))
	r := sh.Report()
	if got, want := r.PriceOverrides, (pos.OverrideTotals{Count: 2, Amount: pos.M(2*11691-20000, rub)}); got != want {
		t.Fatalf("price_overrides=%+v, want %+v", got, want)
	}
	if r.Voids.Count != 1 {
		t.Fatalf("voids=%+v", r.Voids)
	}
}
