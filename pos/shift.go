package pos

import (
	"context"
	"time"
)

// OpenShiftRequest is the body of POST /api/v1/shifts.
type OpenShiftRequest struct {
	OpeningFloat Money `json:"opening_float"`
}

// Validate checks the opening float: the shop's currency, zero or more.
func (r *OpenShiftRequest) Validate(currency string) error {
	return ValidateCashAmount("opening_float", r.OpeningFloat, currency)
}

// CloseShiftRequest is the body of POST /api/v1/shifts/{id}/close.
type CloseShiftRequest struct {
	CountedCash Money `json:"counted_cash"`
}

// Validate checks the counted cash: the shop's currency, zero or more.
func (r *CloseShiftRequest) Validate(currency string) error {
	return ValidateCashAmount("counted_cash", r.CountedCash, currency)
}

// ValidateCashAmount checks an amount of cash in the drawer: in the shop's
// currency and from 0 to MaxAmount. field names it in errors.
func ValidateCashAmount(field string, m Money, currency string) error {
	switch {
	case m.Currency != currency:
		return FieldErrorf(field+".currency", "currency must be %s", currency)
	case m.Amount < 0 || m.Amount > MaxAmount:
		return FieldErrorf(field+".amount", "amount must be from 0 to %d minor units", int64(MaxAmount))
	}
	return nil
}

// Kinds of cash movement.
const (
	CashIn  = "in"
	CashOut = "out"
)

// CashMovementRequest puts cash into the drawer or takes it out mid-shift.
type CashMovementRequest struct {
	Kind   string `json:"kind"` // "in" or "out"
	Amount Money  `json:"amount"`
	Reason string `json:"reason,omitempty" text:"multiline"`
}

// Validate checks a cash movement.
func (r *CashMovementRequest) Validate(currency string) error {
	if err := CheckText(r); err != nil {
		return err
	}
	switch {
	case r.Kind != CashIn && r.Kind != CashOut:
		return FieldErrorf("kind", "kind must be in or out")
	case r.Amount.Currency != currency:
		return FieldErrorf("amount.currency", "currency must be %s", currency)
	case r.Amount.Amount <= 0 || r.Amount.Amount > MaxAmount:
		return FieldErrorf("amount.amount", "amount must be positive")
	}
	return nil
}

// ShiftTotals are a shift's running totals, updated in the same transaction
// as every sale, return and cash movement, so X and Z reports never rescan.
type ShiftTotals struct {
	Sales         int64            `json:"sales"`
	Returns       int64            `json:"returns"`
	SalesTotal    int64            `json:"sales_total"`
	SalesCash     int64            `json:"sales_cash"` // net of change
	SalesCard     int64            `json:"sales_card"`
	SalesPoints   int64            `json:"sales_points,omitempty"` // paid with loyalty points, in money
	SalesOnline   int64            `json:"sales_online,omitempty"` // click & collect orders paid online
	ReturnsTotal  int64            `json:"returns_total"`
	RefundsCash   int64            `json:"refunds_cash"`
	RefundsCard   int64            `json:"refunds_card"`
	RefundsPoints int64            `json:"refunds_points,omitempty"` // given back as points, in money
	RefundsOnline int64            `json:"refunds_online,omitempty"` // owed back to online payments (central pays)
	Discounts     int64            `json:"discounts"`
	CashIn        int64            `json:"cash_in"`
	CashOut       int64            `json:"cash_out"`
	VAT           []ShiftVATTotals `json:"vat"`
	// Manager-approved till operations: lines sold at an overridden
	// price and what that gave away, and lines voided.
	PriceOverrides      int64 `json:"price_overrides,omitempty"`
	PriceOverrideAmount int64 `json:"price_override_amount,omitempty"`
	Voids               int64 `json:"voids,omitempty"`
}

// ShiftVATTotals are the gross and VAT amounts of one rate over a shift.
type ShiftVATTotals struct {
	Rate         int64 `json:"rate"`
	SalesGross   int64 `json:"sales_gross"`
	SalesVAT     int64 `json:"sales_vat"`
	ReturnsGross int64 `json:"returns_gross"`
	ReturnsVAT   int64 `json:"returns_vat"`
}

// AddSale adds a sale to the totals.
func (t *ShiftTotals) AddSale(s *Sale) {
	t.Sales++
	t.SalesTotal += s.Total.Amount
	t.SalesCard += s.CardPaid()
	t.SalesPoints += s.PaidWith(PaymentPoints)
	t.SalesOnline += s.PaidWith(PaymentOnline)
	t.SalesCash += s.CashPaid()
	t.Discounts += s.Discount.Amount
	for i := range s.Lines {
		if s.Lines[i].PriceBefore != nil {
			t.PriceOverrides++
			t.PriceOverrideAmount += s.Lines[i].OverrideAmount()
		}
	}
	t.Voids += int64(len(s.VoidedLines))
	for _, v := range s.VAT {
		r := t.rate(v.Rate)
		r.SalesGross += v.Gross.Amount
		r.SalesVAT += v.VAT.Amount
	}
}

// AddReturn adds a return to the totals.
func (t *ShiftTotals) AddReturn(r *Return) {
	t.Returns++
	t.ReturnsTotal += r.Total.Amount
	t.RefundsCash += r.RefundCash()
	t.RefundsCard += r.RefundCard()
	t.RefundsPoints += r.refunded(PaymentPoints)
	t.RefundsOnline += r.refunded(PaymentOnline)
	for _, v := range r.VAT {
		x := t.rate(v.Rate)
		x.ReturnsGross += v.Gross.Amount
		x.ReturnsVAT += v.VAT.Amount
	}
}

// AddCash records a cash movement.
func (t *ShiftTotals) AddCash(kind string, amount int64) {
	switch kind {
	case CashIn:
		t.CashIn += amount
	case CashOut:
		t.CashOut += amount
	}
}

func (t *ShiftTotals) rate(rate int64) *ShiftVATTotals {
	i := 0
	for i < len(t.VAT) && t.VAT[i].Rate < rate {
		i++
	}
	if i == len(t.VAT) || t.VAT[i].Rate != rate {
		t.VAT = append(t.VAT, ShiftVATTotals{})
		copy(t.VAT[i+1:], t.VAT[i:])
		t.VAT[i] = ShiftVATTotals{Rate: rate}
	}
	return &t.VAT[i]
}

// Shift is a cash drawer session on one till.
type Shift struct {
	ID            string      `json:"id"`
	TerminalID    string      `json:"terminal_id"`
	CashierID     string      `json:"cashier_id"`
	CashierName   string      `json:"cashier_name"`
	OpenedAt      time.Time   `json:"opened_at"`
	ClosedAt      *time.Time  `json:"closed_at,omitempty"`
	ClosedBy      string      `json:"closed_by,omitempty"`
	OpeningFloat  Money       `json:"opening_float"`
	CountedCash   *Money      `json:"counted_cash,omitempty"`
	LastReceiptNo int64       `json:"last_receipt_no"`
	Totals        ShiftTotals `json:"totals"`
}

// Open reports whether the shift is still open.
func (s *Shift) Open() bool { return s.ClosedAt == nil }

// NextReceiptNo takes the shift's next receipt number (sales and returns
// share one gap-free sequence per till and shift).
func (s *Shift) NextReceiptNo() int64 {
	s.LastReceiptNo++
	return s.LastReceiptNo
}

// ExpectedCash is what the drawer should hold now.
func (s *Shift) ExpectedCash() int64 {
	t := s.Totals
	return s.OpeningFloat.Amount + t.CashIn - t.CashOut + t.SalesCash - t.RefundsCash
}

// ShiftReport is an X report (Kind "X", a running shift) or a Z report (Kind
// "Z", a closed shift).
type ShiftReport struct {
	Kind         string          `json:"kind"`
	Shift        *Shift          `json:"shift"`
	ReceiptCount int64           `json:"receipt_count"`
	Sales        TenderTotals    `json:"sales"`
	Returns      TenderTotals    `json:"returns"`
	Net          Money           `json:"net"`
	Discounts    Money           `json:"discounts"`
	CashIn       Money           `json:"cash_in"`
	CashOut      Money           `json:"cash_out"`
	VAT          []ReportVATLine `json:"vat"`
	ExpectedCash Money           `json:"expected_cash"`
	CountedCash  *Money          `json:"counted_cash,omitempty"`
	Difference   *Money          `json:"difference,omitempty"` // counted − expected
	// What managers approved: price overrides (lines, and the money they
	// gave away) and voided lines.
	PriceOverrides OverrideTotals `json:"price_overrides"`
	Voids          VoidTotals     `json:"voids"`
}

// OverrideTotals count a shift's price overrides and what they gave away.
type OverrideTotals struct {
	Count  int64 `json:"count"`
	Amount Money `json:"amount"`
}

// VoidTotals count a shift's voided lines.
type VoidTotals struct {
	Count int64 `json:"count"`
}

// TenderTotals split an amount by tender.
type TenderTotals struct {
	Count int64 `json:"count"`
	Total Money `json:"total"`
	Cash  Money `json:"cash"`
	Card  Money `json:"card"`
	// Online is what orders paid online brought in when handed over in
	// the shift (for returns: what is owed back to those payments). It is
	// on the receipts but never in the drawer.
	Online Money `json:"online"`
	// Points is what loyalty points paid (for returns: given back as
	// points), in money: on the receipts, never in the drawer.
	Points Money `json:"points"`
}

// ReportVATLine is one VAT rate of a report; Net = sales − returns.
type ReportVATLine struct {
	Rate       int64 `json:"rate"`
	SalesGross Money `json:"sales_gross"`
	SalesVAT   Money `json:"sales_vat"`
	ReturnsVAT Money `json:"returns_vat"`
	NetGross   Money `json:"net_gross"`
	NetVAT     Money `json:"net_vat"`
}

// Report builds the shift's X or Z report from its running totals.
func (s *Shift) Report() *ShiftReport {
	cur := s.OpeningFloat.Currency
	t := s.Totals
	r := &ShiftReport{
		Kind: "X", Shift: s, ReceiptCount: s.LastReceiptNo,
		Sales:     TenderTotals{Count: t.Sales, Total: M(t.SalesTotal, cur), Cash: M(t.SalesCash, cur), Card: M(t.SalesCard, cur), Online: M(t.SalesOnline, cur), Points: M(t.SalesPoints, cur)},
		Returns:   TenderTotals{Count: t.Returns, Total: M(t.ReturnsTotal, cur), Cash: M(t.RefundsCash, cur), Card: M(t.RefundsCard, cur), Online: M(t.RefundsOnline, cur), Points: M(t.RefundsPoints, cur)},
		Net:       M(t.SalesTotal-t.ReturnsTotal, cur),
		Discounts: M(t.Discounts, cur),
		CashIn:    M(t.CashIn, cur), CashOut: M(t.CashOut, cur),
		ExpectedCash: M(s.ExpectedCash(), cur),
		VAT:          make([]ReportVATLine, 0, len(t.VAT)),
	}
	r.PriceOverrides = OverrideTotals{Count: t.PriceOverrides, Amount: M(t.PriceOverrideAmount, cur)}
	r.Voids = VoidTotals{Count: t.Voids}
	for _, v := range t.VAT {
		r.VAT = append(r.VAT, ReportVATLine{Rate: v.Rate,
			SalesGross: M(v.SalesGross, cur), SalesVAT: M(v.SalesVAT, cur), ReturnsVAT: M(v.ReturnsVAT, cur),
			NetGross: M(v.SalesGross-v.ReturnsGross, cur), NetVAT: M(v.SalesVAT-v.ReturnsVAT, cur)})
	}
	if !s.Open() {
		r.Kind = "Z"
		if s.CountedCash != nil {
			c := *s.CountedCash
			d := M(c.Amount-r.ExpectedCash.Amount, cur)
			r.CountedCash, r.Difference = &c, &d
		}
	}
	return r
}

// ShiftService opens and closes cash drawer shifts. The till and cashier
// come from the session in ctx.
type ShiftService interface {
	// OpenShift opens a shift on the session's till. Codes:
	// validation_failed, shift_already_open, storage_full.
	OpenShift(ctx context.Context, req *OpenShiftRequest) (*Shift, error)
	// CloseShift closes a shift and returns its Z report. Closing another
	// cashier's shift needs a manager. Codes: not_found, forbidden,
	// shift_closed, validation_failed.
	CloseShift(ctx context.Context, id string, req *CloseShiftRequest) (*ShiftReport, error)
	// MoveCash records cash put in or taken out. Codes: not_found,
	// shift_closed, validation_failed, forbidden.
	MoveCash(ctx context.Context, id string, req *CashMovementRequest) (*Shift, error)
	// FindShiftByID returns a shift. Codes: not_found.
	FindShiftByID(ctx context.Context, id string) (*Shift, error)
	// FindOpenShift returns the open shift of a till. Codes: shift_not_open.
	FindOpenShift(ctx context.Context, terminalID string) (*Shift, error)
}
