package pos_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
)

// busyShift opens a shift with a 5000.00 float and runs three sales, two
// returns and two cash movements through it, as the storage layer does.
//
//	sale A  2 × milk 17980, cash 20000 (change 2020)     VAT 10: 17980 / 1635
//	sale B  soap 11691 + book 59900 = 71591,
//	        card 50000 + cash 30000 (change 8409)         VAT 0: 59900 / 0, VAT 22: 11691 / 2108
//	sale C  347 g cheese 6590, card                        VAT 10: 6590 / 599
//	return  1 milk of A: 8990 cash                         VAT 10: 8990 / 817
//	return  book of B: 59900 = 50000 card + 9900 cash      VAT 0: 59900 / 0
//	cash in 10000, cash out 200000
func busyShift(t *testing.T) *pos.Shift {
	t.Helper()
	sh := &pos.Shift{ID: "SH1", OpenedAt: saleTime, OpeningFloat: pos.M(500000, rub)}
	a := mustPriceSale(t, sale([]pos.SaleLineRequest{line("MILK", 2)}, cash(20000)), saleTime)
	b := mustPriceSale(t, sale([]pos.SaleLineRequest{line("SOAP", 1), line("BOOK", 1)}, card(50000), cash(30000)), saleTime)
	c := mustPriceSale(t, sale([]pos.SaleLineRequest{line("CHEESE", 347)}, card(6590)), saleTime)
	for _, s := range []*pos.Sale{a, b, c} {
		s.ReceiptNo = sh.NextReceiptNo()
		sh.Totals.AddSale(s)
	}
	for _, r := range []*pos.Return{mustPlanReturn(t, a, ret("MILK", 1)), mustPlanReturn(t, b, ret("BOOK", 1))} {
		r.ReceiptNo = sh.NextReceiptNo()
		sh.Totals.AddReturn(r)
	}
	sh.Totals.AddCash("in", 10000)
	sh.Totals.AddCash("out", 200000)
	return sh
}

func TestShiftTotals(t *testing.T) {
	got := busyShift(t).Totals
	want := pos.ShiftTotals{
		Sales: 3, Returns: 2,
		SalesTotal:   96161, // 17980 + 71591 + 6590
		SalesCash:    39571, // 17980 + (71591 − 50000) + 0
		SalesCard:    56590, // 50000 + 6590
		Discounts:    1299,  // soap 12990 − 11691
		ReturnsTotal: 68890, RefundsCash: 18890, RefundsCard: 50000,
		CashIn: 10000, CashOut: 200000,
		VAT: []pos.ShiftVATTotals{
			{Rate: 0, SalesGross: 59900, SalesVAT: 0, ReturnsGross: 59900, ReturnsVAT: 0},
			{Rate: 10, SalesGross: 24570, SalesVAT: 2234, ReturnsGross: 8990, ReturnsVAT: 817}, // 1635 + 599
			{Rate: 22, SalesGross: 11691, SalesVAT: 2108},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Totals=%+v\nwant %+v", got, want)
	}
	if got.SalesCash+got.SalesCard != got.SalesTotal {
		t.Fatalf("cash %d + card %d != total %d", got.SalesCash, got.SalesCard, got.SalesTotal)
	}
	if got.RefundsCash+got.RefundsCard != got.ReturnsTotal {
		t.Fatalf("refunds cash %d + card %d != total %d", got.RefundsCash, got.RefundsCard, got.ReturnsTotal)
	}
}

func TestShift_Report_X(t *testing.T) {
	sh := busyShift(t)
	r := sh.Report()
	if r.Kind != "X" || r.Shift != sh {
		t.Fatalf("Kind=%q Shift=%p, want X %p", r.Kind, r.Shift, sh)
	}
	if got, want := r.ReceiptCount, int64(5); got != want { // 3 sales + 2 returns
		t.Fatalf("ReceiptCount=%d, want %d", got, want)
	}
	if want := (pos.TenderTotals{Count: 3, Total: pos.M(96161, rub), Cash: pos.M(39571, rub), Card: pos.M(56590, rub), Online: pos.M(0, rub), Points: pos.M(0, rub)}); r.Sales != want {
		t.Fatalf("Sales=%+v, want %+v", r.Sales, want)
	}
	if want := (pos.TenderTotals{Count: 2, Total: pos.M(68890, rub), Cash: pos.M(18890, rub), Card: pos.M(50000, rub), Online: pos.M(0, rub), Points: pos.M(0, rub)}); r.Returns != want {
		t.Fatalf("Returns=%+v, want %+v", r.Returns, want)
	}
	for _, c := range []struct {
		name      string
		got, want pos.Money
	}{
		{"Net", r.Net, pos.M(27271, rub)}, // 96161 − 68890
		{"Discounts", r.Discounts, pos.M(1299, rub)},
		{"CashIn", r.CashIn, pos.M(10000, rub)},
		{"CashOut", r.CashOut, pos.M(200000, rub)},
		// 500000 + 10000 − 200000 + 39571 − 18890
		{"ExpectedCash", r.ExpectedCash, pos.M(330681, rub)},
	} {
		if c.got != c.want {
			t.Fatalf("%s=%v, want %v", c.name, c.got, c.want)
		}
	}
	wantVAT := []pos.ReportVATLine{
		{Rate: 0, SalesGross: pos.M(59900, rub), SalesVAT: pos.M(0, rub), ReturnsVAT: pos.M(0, rub), NetGross: pos.M(0, rub), NetVAT: pos.M(0, rub)},
		{Rate: 10, SalesGross: pos.M(24570, rub), SalesVAT: pos.M(2234, rub), ReturnsVAT: pos.M(817, rub), NetGross: pos.M(15580, rub), NetVAT: pos.M(1417, rub)},
		{Rate: 22, SalesGross: pos.M(11691, rub), SalesVAT: pos.M(2108, rub), ReturnsVAT: pos.M(0, rub), NetGross: pos.M(11691, rub), NetVAT: pos.M(2108, rub)},
	}
	if !reflect.DeepEqual(r.VAT, wantVAT) {
		t.Fatalf("VAT=%+v\nwant %+v", r.VAT, wantVAT)
	}
	if r.CountedCash != nil || r.Difference != nil {
		t.Fatalf("X report has CountedCash=%v Difference=%v, want none", r.CountedCash, r.Difference)
	}
}

func TestShift_Report_Z(t *testing.T) {
	tests := []struct {
		name    string
		counted int64
		diff    int64
	}{
		{"Short", 330000, -681},
		{"Exact", 330681, 0},
		{"Over", 331000, 319},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sh := busyShift(t)
			closed, counted := saleTime.Add(8*time.Hour), pos.M(tt.counted, rub)
			sh.ClosedAt, sh.CountedCash = &closed, &counted
			r := sh.Report()
			if r.Kind != "Z" {
				t.Fatalf("Kind=%q, want Z", r.Kind)
			}
			if r.CountedCash == nil || *r.CountedCash != counted {
				t.Fatalf("CountedCash=%v, want %v", r.CountedCash, counted)
			}
			if r.Difference == nil || *r.Difference != pos.M(tt.diff, rub) {
				t.Fatalf("Difference=%v, want %d", r.Difference, tt.diff)
			}
			if got, want := r.ExpectedCash, pos.M(330681, rub); got != want {
				t.Fatalf("ExpectedCash=%v, want %v", got, want)
			}
		})
	}
	t.Run("NotCounted", func(t *testing.T) {
		sh := busyShift(t)
		closed := saleTime.Add(8 * time.Hour)
		sh.ClosedAt = &closed
		if r := sh.Report(); r.Kind != "Z" || r.CountedCash != nil || r.Difference != nil {
			t.Fatalf("Kind=%q CountedCash=%v Difference=%v, want Z without counts", r.Kind, r.CountedCash, r.Difference)
		}
	})
}

func TestShift_Report_Empty(t *testing.T) {
	sh := &pos.Shift{ID: "SH0", OpenedAt: saleTime, OpeningFloat: pos.M(500000, rub)}
	r := sh.Report()
	if r.Kind != "X" || r.ReceiptCount != 0 || r.ExpectedCash != pos.M(500000, rub) || r.Net != pos.M(0, rub) {
		t.Fatalf("report=%+v, want X, 0 receipts, 5000.00 expected, 0 net", r)
	}
	if r.VAT == nil || len(r.VAT) != 0 { // JSON [] rather than null
		t.Fatalf("VAT=%#v, want an empty slice", r.VAT)
	}
}

func TestShift_ExpectedCash(t *testing.T) {
	tests := []struct {
		name                                          string
		float, in, out, salesCash, salesCard, refunds int64
		want                                          int64
	}{
		{"FloatOnly", 500000, 0, 0, 0, 0, 0, 500000},
		{"CardSalesDoNotCount", 500000, 0, 0, 0, 99999, 0, 500000},
		{"CashSales", 500000, 0, 0, 17980, 0, 0, 517980},
		{"CashInOut", 500000, 10000, 200000, 0, 0, 0, 310000},
		{"Refunds", 0, 0, 0, 17980, 0, 8990, 8990},
		{"All", 500000, 10000, 200000, 39571, 56590, 18890, 330681},
		{"MoreOutThanIn", 0, 0, 10000, 0, 0, 0, -10000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sh := &pos.Shift{OpeningFloat: pos.M(tt.float, rub), Totals: pos.ShiftTotals{
				CashIn: tt.in, CashOut: tt.out, SalesCash: tt.salesCash, SalesCard: tt.salesCard, RefundsCash: tt.refunds}}
			if got := sh.ExpectedCash(); got != tt.want {
				t.Fatalf("ExpectedCash=%d, want %d", got, tt.want)
			}
		})
	}
}

func TestShift_NextReceiptNo(t *testing.T) {
	sh := &pos.Shift{}
	for want := int64(1); want <= 3; want++ {
		if got := sh.NextReceiptNo(); got != want {
			t.Fatalf("NextReceiptNo=%d, want %d", got, want)
		}
	}
	if !sh.Open() {
		t.Fatal("Open()=false for a shift without ClosedAt")
	}
}

func TestShiftTotals_AddCash(t *testing.T) {
	var tot pos.ShiftTotals
	tot.AddCash("in", 10000)
	tot.AddCash("in", 500)
	tot.AddCash("out", 3000)
	if tot.CashIn != 10500 || tot.CashOut != 3000 {
		t.Fatalf("CashIn=%d CashOut=%d, want 10500, 3000", tot.CashIn, tot.CashOut)
	}
}

func TestCashMovementRequest_Validate(t *testing.T) {
	tests := []struct {
		name  string
		req   pos.CashMovementRequest
		field string
	}{
		{"In", pos.CashMovementRequest{Kind: "in", Amount: pos.M(10000, rub)}, ""},
		{"Out", pos.CashMovementRequest{Kind: "out", Amount: pos.M(pos.MaxAmount, rub), Reason: "bank"}, ""},
		{"BadKind", pos.CashMovementRequest{Kind: "sideways", Amount: pos.M(10000, rub)}, "kind"},
		{"Currency", pos.CashMovementRequest{Kind: "in", Amount: pos.M(10000, "USD")}, "amount.currency"},
		{"Zero", pos.CashMovementRequest{Kind: "in", Amount: pos.M(0, rub)}, "amount.amount"},
		{"Negative", pos.CashMovementRequest{Kind: "out", Amount: pos.M(-1, rub)}, "amount.amount"},
		{"TooLarge", pos.CashMovementRequest{Kind: "out", Amount: pos.M(pos.MaxAmount+1, rub)}, "amount.amount"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.req.Validate(rub)
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

// Points and online money are on the report by tender, and never in the
// drawer.
func TestShift_Report_PointsOnline(t *testing.T) {
	const rub = "RUB"
	sh := &pos.Shift{ID: "s", OpeningFloat: pos.M(100000, rub)}
	sh.Totals.AddSale(&pos.Sale{Total: pos.M(30000, rub), Discount: pos.M(0, rub), Payments: []pos.Payment{
		{Method: pos.PaymentPoints, Amount: pos.M(10000, rub)}, {Method: pos.PaymentCash, Amount: pos.M(20000, rub)}}, Change: pos.M(0, rub)})
	sh.Totals.AddSale(&pos.Sale{Total: pos.M(5000, rub), Discount: pos.M(0, rub), Payments: []pos.Payment{
		{Method: pos.PaymentOnline, Amount: pos.M(5000, rub)}}, Change: pos.M(0, rub)})
	r := sh.Report()
	if r.Sales.Points.Amount != 10000 || r.Sales.Online.Amount != 5000 || r.Sales.Cash.Amount != 20000 {
		t.Fatalf("sales %+v", r.Sales)
	}
	if r.ExpectedCash.Amount != 120000 {
		t.Fatalf("expected cash %v, want the float and the cash sale only", r.ExpectedCash)
	}
}
