package pos

import (
	"context"
	"errors"
	"strings"
	"time"
)

// Payment methods.
const (
	PaymentCash = "cash"
	PaymentCard = "card"
)

// Limits on what one request may carry.
const (
	MaxSaleLines = 500
	MaxPayments  = 8
)

// SaleLineRequest is one line a till asks for: the price comes from the
// server. A line may name a scanned Barcode instead of the SKU: a scale
// label's quantity comes from the label (Qty stays 0), any other
// barcode's Qty defaults to 1.
//
// PriceOverride is a manager's unit price for the line (per piece or kg),
// never above the price in force, with the Reason for it; the sale then
// needs an approval.
type SaleLineRequest struct {
	SKU           string `json:"sku"`
	Qty           int64  `json:"qty"`
	Barcode       string `json:"barcode,omitempty"`
	PriceOverride *Money `json:"price_override,omitempty"`
	Reason        string `json:"reason,omitempty"`
}

// PaymentRequest is one tender. For cash, Amount is what the customer handed
// over (change is given back); for card it is what the card terminal charged,
// and Reference is the card terminal's reference.
type PaymentRequest struct {
	Method    string `json:"method"`
	Amount    Money  `json:"amount"`
	Reference string `json:"reference,omitempty"`
}

// CustomerRef identifies a customer by phone (E.164) or loyalty card.
type CustomerRef struct {
	Phone string `json:"phone,omitempty"`
	Card  string `json:"card,omitempty"`
}

// SaleRequest is the body of POST /api/v1/sales.
type SaleRequest struct {
	Lines           []SaleLineRequest `json:"lines"`
	Payments        []PaymentRequest  `json:"payments"`
	Customer        *CustomerRef      `json:"customer,omitempty"`
	ReservationCode string            `json:"reservation_code,omitempty"`
	// VoidedLines are goods scanned and then taken off the receipt before
	// payment: recorded with a manager's approval, they move neither
	// stock nor money.
	VoidedLines []VoidedLineRequest `json:"voided_lines,omitempty"`
	// Approval is a manager's name and PIN for what a cashier may not do
	// alone: sell stock held for shoppers, override a price, void a
	// line. The PIN is checked and then
	// forgotten: it is never stored nor part of the idempotency hash.
	Approval *Approval `json:"approval,omitempty"`
}

// WithoutApproval returns a copy of r without the approval: what a sale
// request is, for its idempotency hash. A till that retries an approved
// sale gets the same sale back, and no hash of a PIN is ever stored (a
// 4-digit PIN under a known body falls to 10,000 guesses).
func (r *SaleRequest) WithoutApproval() *SaleRequest {
	c := *r
	c.Approval = nil
	return &c
}

// Validate checks the shape of a sale request before anything is priced or
// written. currency is the shop's currency.
func (r *SaleRequest) Validate(currency string) error {
	if err := CheckText(r); err != nil {
		return err
	}
	// A sale that collects a reservation may come without lines of its
	// own: the storage layer adds the reserved ones before pricing.
	if (len(r.Lines) == 0 && r.ReservationCode == "") || len(r.Lines) > MaxSaleLines {
		return FieldErrorf("lines", "a sale has 1 to %d lines", MaxSaleLines)
	}
	for i := range r.Lines {
		if err := r.Lines[i].validate(fieldIndex("lines", i), currency); err != nil {
			return err
		}
	}
	if err := validateVoids(r.VoidedLines); err != nil {
		return err
	}
	if err := ValidatePayments(r.Payments, currency, r.Customer != nil); err != nil {
		return err
	}
	if r.Customer != nil {
		if r.Customer.Phone != "" {
			phone, err := NormalizePhone(r.Customer.Phone)
			if err != nil { // the message alone: err.Error() would nest "storeedge error: ..."
				return FieldErrorf("customer.phone", "%s", ErrorMessage(err))
			}
			r.Customer.Phone = phone
		}
		if len(r.Customer.Card) > 32 {
			return FieldErrorf("customer.card", "card is at most 32 characters")
		}
	}
	if len(r.ReservationCode) > 64 {
		return FieldErrorf("reservation_code", "reservation_code is at most 64 characters")
	}
	if err := r.Approval.validate(); err != nil {
		return err
	}
	if r.Approval == nil && r.NeedsApproval() {
		return &Error{Code: CodeForbidden, Field: "approval", Message: "A manager's approval is needed to override a price or void a line."}
	}
	return nil
}

// validate checks one line, at field f ("lines[2]"): a SKU and a qty, or
// a barcode (then the SKU, if given, must be the barcode's, and qty may
// be left out).
func (l *SaleLineRequest) validate(f, currency string) error {
	if err := l.validateOverride(f, currency); err != nil {
		return err
	}
	if l.Barcode != "" {
		if err := ValidateBarcode(l.Barcode); err != nil {
			return FieldErrorf(f+".barcode", "%s", err)
		}
		if l.SKU != "" && !ValidSKU(l.SKU) {
			return FieldErrorf(f+".sku", "sku is not a valid SKU")
		}
		if l.Qty < 0 || l.Qty > 1_000_000 {
			return FieldErrorf(f+".qty", "qty must be from 1 to 1000000 sale units")
		}
		return nil
	}
	if !ValidSKU(l.SKU) {
		return FieldErrorf(f+".sku", "sku is required")
	}
	if l.Qty <= 0 || l.Qty > 1_000_000 {
		return FieldErrorf(f+".qty", "qty must be from 1 to 1000000 sale units")
	}
	return nil
}

// SaleLine is a priced line of a sale.
type SaleLine struct {
	No           int    `json:"no"`
	SKU          string `json:"sku"`
	Name         string `json:"name"`
	Unit         Unit   `json:"unit"`
	Qty          int64  `json:"qty"`
	UnitPrice    Money  `json:"unit_price"`    // price charged per piece or kg
	RegularPrice Money  `json:"regular_price"` // list price per piece or kg
	PromotionID  string `json:"promotion_id,omitempty"`
	Discount     Money  `json:"discount"` // regular total − total
	Total        Money  `json:"total"`    // VAT included
	VATRate      int64  `json:"vat_rate"`
	VAT          Money  `json:"vat"`
	// PersonalDiscount is the customer's personal discount in percent,
	// taken off UnitPrice on top of any promotion (0: none), so the
	// receipt can say why the price is lower.
	PersonalDiscount int64 `json:"personal_discount,omitempty"`
	// Barcode is the code the line was scanned by, when the till sent one
	// (a scale label: it also says what the scale weighed).
	Barcode string `json:"barcode,omitempty"`
	// A manager's price override: the unit price the line would have had
	// (promotion and personal discount included), why, and who approved.
	PriceBefore *Money `json:"price_before,omitempty"`
	Reason      string `json:"reason,omitempty"`
	ApprovedBy  string `json:"approved_by,omitempty"`
	// Filled in as the line is returned.
	ReturnedQty    int64 `json:"returned_qty"`
	ReturnedAmount int64 `json:"returned_amount"`
}

// VATAmount is the VAT of one rate on a receipt.
type VATAmount struct {
	Rate  int64 `json:"rate"`
	Gross Money `json:"gross"` // the VAT-inclusive amount at this rate
	VAT   Money `json:"vat"`
}

// Payment is a recorded tender.
type Payment struct {
	Method    string `json:"method"`
	Amount    Money  `json:"amount"`
	Reference string `json:"reference,omitempty"`
}

// Sale is a completed sale as recorded in the shop.
type Sale struct {
	ID          string       `json:"id"`
	ReceiptNo   int64        `json:"receipt_no"`
	StoreID     string       `json:"store_id"`
	TerminalID  string       `json:"terminal_id"`
	CashierID   string       `json:"cashier_id"`
	CashierName string       `json:"cashier_name"`
	ShiftID     string       `json:"shift_id"`
	Lines       []SaleLine   `json:"lines"`
	Total       Money        `json:"total"`
	Discount    Money        `json:"discount"`
	VAT         []VATAmount  `json:"vat"`
	Payments    []Payment    `json:"payments"`
	Change      Money        `json:"change"`
	Customer    *CustomerRef `json:"customer,omitempty"`
	// Loyalty, when the shop knows the customer and central's rules: who
	// they are, the points the sale was paid with and earned (at
	// PointValue minor units a point), and what returns gave back and
	// took back of those so far.
	CustomerID     string    `json:"customer_id,omitempty"`
	PointValue     int64     `json:"point_value,omitempty"`
	PointsPaid     int64     `json:"points_paid,omitempty"`
	PointsEarned   int64     `json:"points_earned,omitempty"`
	PointsRefunded int64     `json:"points_refunded,omitempty"`
	PointsReversed int64     `json:"points_reversed,omitempty"`
	StoreSeq       uint64    `json:"storeseq"`
	CreatedAt      time.Time `json:"created_at"`
	IdempotencyKey string    `json:"idempotency_key"`
	PickupID       string    `json:"pickup_id,omitempty"` // the click & collect order it handed over
	// Totals refunded so far, per tender, so returns go back where they came from.
	RefundedCash int64 `json:"refunded_cash"`
	RefundedCard int64 `json:"refunded_card"`
	// RefundedOnline went back to an online payment (a prepaid pickup's):
	// central refunds it, never the drawer.
	RefundedOnline int64 `json:"refunded_online,omitempty"`

	// What a manager approved: stock taken out of what shoppers held,
	// lines voided before payment (price overrides are on their lines),
	// and who approved (their cashier ID and name; never the PIN).
	ReservedOverrides []ReservedOverride `json:"reserved_overrides,omitempty"`
	VoidedLines       []VoidedLine       `json:"voided_lines,omitempty"`
	ApprovedBy        string             `json:"approved_by,omitempty"`
	ApprovedByName    string             `json:"approved_by_name,omitempty"`
}

// CardPaid returns the amount paid by card.
func (s *Sale) CardPaid() int64 {
	var n int64
	for _, p := range s.Payments {
		if p.Method == PaymentCard {
			n += p.Amount.Amount
		}
	}
	return n
}

// PaidWith returns the amount paid with method.
func (s *Sale) PaidWith(method string) int64 {
	var n int64
	for _, p := range s.Payments {
		if p.Method == method {
			n += p.Amount.Amount
		}
	}
	return n
}

// CashPaid returns the net cash taken: total minus every other tender
// (change already given).
func (s *Sale) CashPaid() int64 {
	n := s.Total.Amount
	for _, p := range s.Payments {
		if p.Method != PaymentCash {
			n -= p.Amount.Amount
		}
	}
	return n
}

// ProductLookup finds a product for pricing; it returns nil when the SKU is
// unknown.
type ProductLookup func(sku string) (*Product, error)

// PriceSale validates req (SaleRequest.Validate, which also normalizes the
// customer's phone) and prices it at time at: every line gets the price in
// force then (promotion included), VAT is broken down per rate, payments
// are checked against the total and change is worked out. Errors name the
// offending field ("lines[2].sku"). It fills no IDs, receipt number or
// sequence; the storage layer does that in its transaction.
func PriceSale(req *SaleRequest, lookup ProductLookup, at time.Time, currency string) (*Sale, error) {
	return PriceSaleFor(req, lookup, at, currency, 0)
}

// PriceSaleFor is PriceSale for a known customer with a personal discount
// of personalPct percent: every line's unit price is
// PersonalPrice(price in force, personalPct), the same rule the shopper's
// page uses, and the line records the percent. 0 (or less) means none.
// A request still without lines (a reservation not yet merged in) is
// refused: there would be nothing to sell.
func PriceSaleFor(req *SaleRequest, lookup ProductLookup, at time.Time, currency string, personalPct int64) (*Sale, error) {
	if err := req.Validate(currency); err != nil {
		return nil, err
	}
	if len(req.Lines) == 0 {
		return nil, FieldErrorf("lines", "a sale has 1 to %d lines", MaxSaleLines)
	}
	s := &Sale{CreatedAt: at, Customer: req.Customer, Lines: make([]SaleLine, 0, len(req.Lines))}
	var total, discount int64
	for i, lr := range req.Lines {
		line, err := priceLineFor(lr, lookup, at, currency, personalPct)
		if err == nil && line.Total.Amount > MaxAmount-total {
			err = FieldErrorf("qty", "the sale total would exceed %d minor units", int64(MaxAmount))
		}
		if err != nil {
			return nil, lineError(err, i)
		}
		line.No = i + 1
		total += line.Total.Amount
		discount += line.Discount.Amount
		s.Lines = append(s.Lines, line)
	}
	voids, err := recordVoids(req.VoidedLines, lookup, currency)
	if err != nil {
		return nil, err
	}
	s.VoidedLines = voids
	s.Total, s.Discount = M(total, currency), M(discount, currency)
	s.VAT = VATBreakdown(s.Lines, currency)
	payments, change, err := settle(req.Payments, total)
	if err != nil {
		return nil, err
	}
	s.Payments, s.Change = payments, M(change, currency)
	return s, nil
}

// lineError puts an error of line i under "lines[i]": a domain error's
// relative field ("qty"), or "sku" when it has none, becomes
// "lines[i].qty". The *Error is copied, never changed in place, because a
// lookup may return one shared value. Other errors pass through unchanged.
func lineError(err error, i int) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	if c.Field == "" {
		c.Field = "sku"
	}
	c.Field = fieldIndex("lines", i) + "." + c.Field
	return &c
}

// priceLine prices one line for no one in particular (no personal
// discount). Its errors carry fields relative to the line.
func priceLine(lr SaleLineRequest, lookup ProductLookup, at time.Time, currency string) (SaleLine, error) {
	return priceLineFor(lr, lookup, at, currency, 0)
}

// priceLineFor prices one line: the regular price in force, the best
// promotion, then the personal discount on top. Discount is everything
// taken off the regular total. Its errors carry fields relative to the line.
func priceLineFor(lr SaleLineRequest, lookup ProductLookup, at time.Time, currency string, personalPct int64) (SaleLine, error) {
	p, err := findProduct(lr.SKU, lookup, currency)
	if err != nil {
		return SaleLine{}, err
	}
	regular, ok := p.PriceAt(at)
	if !ok {
		return SaleLine{}, Errorf(CodeUnknownSKU, "SKU %q has no price yet", lr.SKU)
	}
	promo, price := p.PromoAt(at, regular)
	price = PersonalPrice(price, personalPct)
	var before *Money
	if lr.PriceOverride != nil {
		if lr.PriceOverride.Amount > price {
			return SaleLine{}, FieldErrorf("price_override.amount", "a price override may only lower the price of %d", price)
		}
		b := M(price, currency)
		before, price, promo, personalPct = &b, lr.PriceOverride.Amount, nil, 0
	}
	if lr.Qty <= 0 { // a barcode line the storage layer did not resolve
		return SaleLine{}, FieldErrorf("qty", "qty must be from 1 to 1000000 sale units")
	}
	div := p.Unit.PriceDivisor()
	lineTotal := DivRound(price, lr.Qty, div)
	if lineTotal > MaxAmount { // keeps every sum of lines far from overflow
		return SaleLine{}, FieldErrorf("qty", "the line total would exceed %d minor units", int64(MaxAmount))
	}
	l := SaleLine{
		SKU: p.SKU, Name: p.Name, Unit: p.Unit, Qty: lr.Qty, Barcode: lr.Barcode,
		UnitPrice: M(price, currency), RegularPrice: M(regular, currency),
		Discount: M(DivRound(regular, lr.Qty, div)-lineTotal, currency),
		Total:    M(lineTotal, currency), VATRate: p.VATRate,
		VAT: M(VATIncluded(lineTotal, p.VATRate), currency),
	}
	if before != nil {
		l.PriceBefore, l.Reason = before, lr.Reason
	}
	if promo != nil {
		l.PromotionID = promo.ID
	}
	if personalPct > 0 {
		l.PersonalDiscount = min(personalPct, 100)
	}
	return l, nil
}

// findProduct looks a SKU up for sale. A lookup that reports not_found
// means an unknown SKU, as the contract names it. A product priced in
// another currency than the shop's is refused rather than relabelled; an
// empty product currency means the shop's.
func findProduct(sku string, lookup ProductLookup, currency string) (*Product, error) {
	p, err := lookup(sku)
	switch {
	case ErrorCode(err) == CodeNotFound || (err == nil && p == nil):
		return nil, Errorf(CodeUnknownSKU, "unknown SKU %q", sku)
	case err != nil:
		return nil, err
	case p.Currency != "" && p.Currency != currency:
		return nil, FieldErrorf("sku", "SKU %q is priced in %s, not %s", sku, p.Currency, currency)
	}
	return p, nil
}

// VATIncluded returns the VAT contained in a VAT-inclusive gross amount:
// gross × rate / (100 + rate), rounded to the minor unit.
func VATIncluded(gross, rate int64) int64 {
	if rate == 0 {
		return 0
	}
	return DivRound(gross, rate, 100+rate)
}

// VATBreakdown sums the lines per VAT rate and computes the VAT of each rate
// from its gross sum (one rounding per rate, as a fiscal receipt shows it).
// Rates come out in ascending order.
func VATBreakdown(lines []SaleLine, currency string) []VATAmount {
	var out []VATAmount
	for _, l := range lines {
		i := 0
		for i < len(out) && out[i].Rate < l.VATRate {
			i++
		}
		if i == len(out) || out[i].Rate != l.VATRate {
			out = append(out, VATAmount{})
			copy(out[i+1:], out[i:])
			out[i] = VATAmount{Rate: l.VATRate, Gross: M(0, currency)}
		}
		out[i].Gross.Amount += l.Total.Amount
	}
	for i := range out {
		out[i].VAT = M(VATIncluded(out[i].Gross.Amount, out[i].Rate), currency)
	}
	return out
}

// settle checks the tenders against the total: together they cover it,
// card and points never pay more than the total, and change comes only out
// of cash. (With those <= total, change <= cash always holds; the last
// check stays as a guard should the rules ever change.)
func settle(reqs []PaymentRequest, total int64) ([]Payment, int64, error) {
	var paid, exact, cash int64
	out := make([]Payment, 0, len(reqs))
	for _, p := range reqs {
		paid += p.Amount.Amount
		if p.Method == PaymentCash {
			cash += p.Amount.Amount
		} else {
			exact += p.Amount.Amount
		}
		out = append(out, Payment(p))
	}
	switch {
	case paid < total:
		return nil, 0, FieldErrorf("payments", "payments of %d do not cover the total of %d", paid, total)
	case exact > total:
		return nil, 0, FieldErrorf("payments", "card and points payments of %d exceed the total of %d", exact, total)
	case paid-total > cash:
		return nil, 0, FieldErrorf("payments", "change of %d exceeds the cash tendered", paid-total)
	}
	return out, paid - total, nil
}

// NormalizePhone turns a phone number as people type it into E.164
// ("+79161234567"). A Russian number may start with 8 or 7 or have no
// country code at all: any 10 digits not starting with 0, mobiles (9xx)
// and landlines (495, 812, …) alike. Errors are validation_failed.
func NormalizePhone(s string) (string, error) {
	var b strings.Builder
	plus := false
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r == '+' && i == 0:
			plus = true
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '.':
		default:
			return "", invalidPhone()
		}
	}
	d := b.String()
	switch {
	case !plus && len(d) == 11 && d[0] == '8':
		d = "7" + d[1:]
	case !plus && len(d) == 10 && d[0] != '0':
		d = "7" + d
	}
	if len(d) < 8 || len(d) > 15 || d[0] == '0' {
		return "", invalidPhone()
	}
	return "+" + d, nil
}

// invalidPhone returns a new error each time, so that a caller may set its
// Field without touching anyone else's.
func invalidPhone() *Error {
	return &Error{Code: CodeValidationFailed, Message: "phone must be a number in international format, e.g. +79161234567"}
}

// SaleFilter selects sales for FindSales.
type SaleFilter struct {
	ShiftID string
	Since   time.Time
	Limit   int
	Cursor  string
}

// SaleService records sales and returns.
type SaleService interface {
	// CreateSale prices and records a sale for the session in ctx, with its
	// stock changes and outgoing event, in one durable transaction. The same
	// idempotency key again returns the first sale and created=false.
	// Codes: validation_failed, unknown_sku, shift_not_open, conflict
	// (idempotency_key_reused), not_found (reservation), storage_full.
	CreateSale(ctx context.Context, key string, req *SaleRequest) (sale *Sale, created bool, err error)
	// FindSaleByID returns one sale. Codes: not_found.
	FindSaleByID(ctx context.Context, id string) (*Sale, error)
	// FindSales lists sales, newest last, with cursor paging.
	FindSales(ctx context.Context, f SaleFilter) ([]*Sale, string, error)
	// CreateReturn records a return against a sale (or, with saleID "",
	// without a receipt), with its stock changes and outgoing event, in one
	// durable transaction. key is required, as for CreateSale: the same key
	// again returns the first return and created=false. Codes:
	// validation_failed (also a missing key), not_found, over_return,
	// forbidden, shift_not_open, conflict (idempotency_key_reused),
	// storage_full.
	CreateReturn(ctx context.Context, saleID, key string, req *ReturnRequest) (ret *Return, created bool, err error)
	// FindReturnByID returns one return. Codes: not_found.
	FindReturnByID(ctx context.Context, id string) (*Return, error)
}
