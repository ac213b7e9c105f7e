package pos

import (
	"time"
	"unicode/utf8"
)

// ReturnLineRequest asks to return qty sale units of a SKU.
type ReturnLineRequest struct {
	SKU string `json:"sku"`
	Qty int64  `json:"qty"`
}

// Approval is a manager's name and PIN typed at the till to approve what a
// cashier may not do alone (a return without a receipt).
type Approval struct {
	Cashier string `json:"cashier"`
	PIN     string `json:"pin"`
}

// ReturnRequest is the body of POST /api/v1/sales/{id}/returns, and of
// POST /api/v1/returns for a return without a receipt (then RefundMethod and
// a manager's approval are needed, and current prices are refunded).
type ReturnRequest struct {
	Lines        []ReturnLineRequest `json:"lines"`
	Reason       string              `json:"reason,omitempty" text:"multiline"`
	RefundMethod string              `json:"refund_method,omitempty"`
	Approval     *Approval           `json:"approval,omitempty"`
}

// Validate checks the shape of a return request.
func (r *ReturnRequest) Validate() error {
	if err := CheckText(r); err != nil {
		return err
	}
	if len(r.Lines) == 0 || len(r.Lines) > MaxSaleLines {
		return FieldErrorf("lines", "a return has 1 to %d lines", MaxSaleLines)
	}
	for i, l := range r.Lines {
		f := fieldIndex("lines", i)
		if !ValidSKU(l.SKU) {
			return FieldErrorf(f+".sku", "sku is required")
		}
		if l.Qty <= 0 || l.Qty > 1_000_000 {
			return FieldErrorf(f+".qty", "qty must be from 1 to 1000000 sale units")
		}
	}
	if utf8.RuneCountInString(r.Reason) > 200 {
		return FieldErrorf("reason", "reason is at most 200 characters")
	}
	if r.RefundMethod != "" && r.RefundMethod != PaymentCash && r.RefundMethod != PaymentCard {
		return FieldErrorf("refund_method", "refund_method must be cash or card")
	}
	return nil
}

// ReturnLine is a returned part of one sale line.
type ReturnLine struct {
	SaleLineNo int    `json:"sale_line_no,omitempty"`
	SKU        string `json:"sku"`
	Name       string `json:"name"`
	Qty        int64  `json:"qty"`
	Amount     Money  `json:"amount"`
	VATRate    int64  `json:"vat_rate"`
	VAT        Money  `json:"vat"`
}

// Return is a recorded return: goods back to stock, money back to the tender
// it came from.
type Return struct {
	ID          string       `json:"id"`
	SaleID      string       `json:"sale_id,omitempty"`
	ReceiptNo   int64        `json:"receipt_no"`
	StoreID     string       `json:"store_id"`
	TerminalID  string       `json:"terminal_id"`
	CashierID   string       `json:"cashier_id"`
	CashierName string       `json:"cashier_name"`
	ApprovedBy  string       `json:"approved_by,omitempty"`
	ShiftID     string       `json:"shift_id"`
	Reason      string       `json:"reason,omitempty" text:"multiline"`
	Lines       []ReturnLine `json:"lines"`
	Total       Money        `json:"total"`
	VAT         []VATAmount  `json:"vat"`
	Refunds     []Payment    `json:"refunds"`
	// Loyalty: the points given back (paid with the sale) and taken back
	// (earned with it) for this return's share of the sale.
	CustomerID     string    `json:"customer_id,omitempty"`
	PointsRefunded int64     `json:"points_refunded,omitempty"`
	PointsReversed int64     `json:"points_reversed,omitempty"`
	StoreSeq       uint64    `json:"storeseq"`
	CreatedAt      time.Time `json:"created_at"`
	IdempotencyKey string    `json:"idempotency_key,omitempty"`
}

// RefundCash returns the amount refunded in cash.
func (r *Return) RefundCash() int64 { return r.refunded(PaymentCash) }

// RefundCard returns the amount refunded to a card.
func (r *Return) RefundCard() int64 { return r.refunded(PaymentCard) }

// RefundOnline returns the amount refunded to the online payment of a
// prepaid click & collect order.
func (r *Return) RefundOnline() int64 { return r.refunded(PaymentOnline) }

func (r *Return) refunded(method string) int64 {
	var n int64
	for _, p := range r.Refunds {
		if p.Method == method {
			n += p.Amount.Amount
		}
	}
	return n
}

// PlanReturn validates req (ReturnRequest.Validate), works out a return
// against sale and applies it to sale's returned quantities and refunded
// totals (the caller stores both in one transaction). It refuses, with
// over_return and the field "lines[i].qty", to return more of a SKU than
// was sold minus what was already returned; a refused return leaves sale
// untouched.
//
// A SKU sold on several lines is returned from the first line that still has
// some left. A part's refund is the line total's rounded share for all the
// units returned so far, minus what was refunded before, so every part is
// within a kopeck of its exact share, none is negative, and a line returned
// in parts refunds its total to the kopeck. Money goes back to the card
// first (up to what the card paid), then as cash: a card purchase never
// turns into cash.
func PlanReturn(sale *Sale, req *ReturnRequest, at time.Time) (*Return, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	cur := sale.Total.Currency
	lines := append([]SaleLine(nil), sale.Lines...) // plan on a copy: a refusal must change nothing
	r := &Return{SaleID: sale.ID, Reason: req.Reason, CreatedAt: at}
	for i, lr := range req.Lines {
		parts, ok := takeReturn(lines, lr, cur)
		if !ok {
			return nil, &Error{Code: CodeOverReturn, Field: fieldIndex("lines", i) + ".qty",
				Message: "cannot return more than was sold minus what was already returned"}
		}
		r.Lines = append(r.Lines, parts...)
	}
	var total int64
	for _, l := range r.Lines {
		total += l.Amount.Amount
	}
	copy(sale.Lines, lines)
	r.Total = M(total, cur)
	r.VAT = returnVAT(r.Lines, cur)
	r.Refunds = refundTenders(sale, total)
	returnPoints(sale, r)
	return r, nil
}

// returnPoints takes back the share of the points the sale earned that
// follows what has been returned of it so far (points given back are in
// the refunds), so a sale returned in parts takes back exactly what it
// earned.
func returnPoints(sale *Sale, r *Return) {
	if sale.CustomerID == "" {
		return
	}
	r.CustomerID = sale.CustomerID
	r.PointsRefunded = r.refunded(PaymentPoints) / max(sale.PointValue, 1)
	reversed := ReturnedShare(sale.PointsEarned, returnedAmount(sale), sale.Total.Amount) - sale.PointsReversed
	r.PointsReversed = max(reversed, 0)
	sale.PointsReversed += r.PointsReversed
}

// returnedAmount is what the sale's returns refunded so far, in all.
func returnedAmount(sale *Sale) int64 {
	var n int64
	for _, l := range sale.Lines {
		n += l.ReturnedAmount
	}
	return n
}

// takeReturn takes lr.Qty units of lr.SKU off lines, first line first, and
// reports false when not enough are left.
func takeReturn(lines []SaleLine, lr ReturnLineRequest, cur string) ([]ReturnLine, bool) {
	var parts []ReturnLine
	left := lr.Qty
	for j := range lines {
		l := &lines[j]
		if left == 0 {
			break
		} else if l.SKU != lr.SKU || l.ReturnedQty >= l.Qty {
			continue
		}
		q := min(left, l.Qty-l.ReturnedQty)
		parts = append(parts, returnPart(l, q, cur))
		left -= q
	}
	return parts, left == 0
}

// returnPart takes q units off line l and returns the return line. The
// refund is the running share of the line total minus what was refunded
// before: rounding each part on its own would let the errors pile up on
// the last part, even below zero.
func returnPart(l *SaleLine, q int64, cur string) ReturnLine {
	amount := DivRound(l.Total.Amount, l.ReturnedQty+q, l.Qty) - l.ReturnedAmount
	amount = max(min(amount, l.Total.Amount-l.ReturnedAmount), 0)
	l.ReturnedQty += q
	l.ReturnedAmount += amount
	return ReturnLine{SaleLineNo: l.No, SKU: l.SKU, Name: l.Name, Qty: q,
		Amount: M(amount, cur), VATRate: l.VATRate, VAT: M(VATIncluded(amount, l.VATRate), cur)}
}

func returnVAT(lines []ReturnLine, cur string) []VATAmount {
	sl := make([]SaleLine, len(lines))
	for i, l := range lines {
		sl[i] = SaleLine{Total: l.Amount, VATRate: l.VATRate}
	}
	return VATBreakdown(sl, cur)
}

// refundTenders splits a refund: first the points the sale was paid
// with, in the share of the sale returned so far, then back to the online
// payment (a prepaid pickup's: central pays it back, the drawer does not),
// then to the card, each up to what it paid, then cash.
func refundTenders(sale *Sale, total int64) []Payment {
	cur := sale.Total.Currency
	points := refundPoints(sale, total)
	byPoints := points * sale.PointValue
	online := min(total-byPoints, max(sale.PaidWith(PaymentOnline)-sale.RefundedOnline, 0))
	card := min(total-byPoints-online, max(sale.CardPaid()-sale.RefundedCard, 0))
	cash := total - byPoints - online - card
	sale.PointsRefunded += points
	sale.RefundedOnline += online
	sale.RefundedCard += card
	sale.RefundedCash += cash
	var out []Payment
	if byPoints > 0 {
		out = append(out, Payment{Method: PaymentPoints, Amount: M(byPoints, cur)})
	}
	if online > 0 {
		out = append(out, Payment{Method: PaymentOnline, Amount: M(online, cur)})
	}
	if card > 0 {
		out = append(out, Payment{Method: PaymentCard, Amount: M(card, cur)})
	}
	if cash > 0 || card == 0 && byPoints == 0 && online == 0 {
		out = append(out, Payment{Method: PaymentCash, Amount: M(cash, cur)})
	}
	return out
}

// refundPoints is how many of the points a sale was paid with a refund of
// total gives back: their share for everything returned so far (this
// refund's lines are already counted) less what earlier returns gave back,
// and never worth more than total.
func refundPoints(sale *Sale, total int64) int64 {
	if sale.PointsPaid <= 0 || sale.PointValue <= 0 {
		return 0
	}
	n := ReturnedShare(sale.PointsPaid, returnedAmount(sale), sale.Total.Amount) - sale.PointsRefunded
	return min(max(n, 0), total/sale.PointValue)
}

// PlanReceiptlessReturn validates req and prices a return without a
// receipt at the prices in force at time at, refunded by req.RefundMethod
// (cash when empty). Errors name the line ("lines[1].sku").
func PlanReceiptlessReturn(req *ReturnRequest, lookup ProductLookup, at time.Time, currency string) (*Return, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	r := &Return{Reason: req.Reason, CreatedAt: at}
	var total int64
	for i, lr := range req.Lines {
		l, err := priceLine(SaleLineRequest{SKU: lr.SKU, Qty: lr.Qty}, lookup, at, currency)
		if err == nil && l.Total.Amount > MaxAmount-total {
			err = FieldErrorf("qty", "the return total would exceed %d minor units", int64(MaxAmount))
		}
		if err != nil {
			return nil, lineError(err, i)
		}
		r.Lines = append(r.Lines, ReturnLine{SKU: l.SKU, Name: l.Name, Qty: l.Qty,
			Amount: l.Total, VATRate: l.VATRate, VAT: l.VAT})
		total += l.Total.Amount
	}
	method := req.RefundMethod
	if method == "" {
		method = PaymentCash
	}
	r.Total = M(total, currency)
	r.VAT = returnVAT(r.Lines, currency)
	r.Refunds = []Payment{{Method: method, Amount: r.Total}}
	return r, nil
}
