package central

import (
	"time"

	"github.com/storeedge/storeedge/pos"
)

// shiftRow is a row of shifts: a closed shift and its Z report totals.
type shiftRow struct {
	Store        string              `json:"store"`
	ID           string              `json:"id"`
	Epoch        string              `json:"epoch"`
	Seq          uint64              `json:"seq"`
	EventID      string              `json:"event_id"`
	TerminalID   string              `json:"terminal_id"`
	CashierID    string              `json:"cashier_id"`
	CashierName  string              `json:"cashier_name"`
	OpenedAt     time.Time           `json:"opened_at"`
	ClosedAt     *time.Time          `json:"closed_at"`
	ClosedBy     *string             `json:"closed_by"`
	Currency     string              `json:"currency"`
	OpeningFloat int64               `json:"opening_float"`
	ReceiptCount int64               `json:"receipt_count"`
	SalesCount   int64               `json:"sales_count"`
	SalesTotal   int64               `json:"sales_total"`
	SalesCash    int64               `json:"sales_cash"`
	SalesCard    int64               `json:"sales_card"`
	ReturnsCount int64               `json:"returns_count"`
	ReturnsTotal int64               `json:"returns_total"`
	RefundsCash  int64               `json:"refunds_cash"`
	RefundsCard  int64               `json:"refunds_card"`
	Net          int64               `json:"net"`
	Discounts    int64               `json:"discounts"`
	CashIn       int64               `json:"cash_in"`
	CashOut      int64               `json:"cash_out"`
	ExpectedCash int64               `json:"expected_cash"`
	CountedCash  *int64              `json:"counted_cash"`
	Difference   *int64              `json:"difference"`
	VAT          []pos.ReportVATLine `json:"vat"`
}

const sqlInsertShifts = `INSERT INTO shifts
SELECT * FROM jsonb_populate_recordset(NULL::shifts, $1::jsonb)
ON CONFLICT DO NOTHING`

// addShift adds a shift.closed event's Z report.
func (fx *effects) addShift(store string, e *pos.Event) string {
	var r pos.ShiftReport
	if reason := decodeData(e, &r); reason != "" {
		return reason
	}
	if r.Shift == nil || r.Shift.ID == "" {
		return "Z report without a shift id"
	}
	sh := r.Shift
	row := shiftRow{Store: store, ID: text(sh.ID), Epoch: e.StoreEpoch, Seq: e.StoreSeq, EventID: e.ID,
		TerminalID: text(sh.TerminalID), CashierID: text(sh.CashierID), CashierName: text(sh.CashierName),
		OpenedAt: sh.OpenedAt, ClosedAt: sh.ClosedAt, ClosedBy: optText(sh.ClosedBy),
		Currency: text(sh.OpeningFloat.Currency), OpeningFloat: sh.OpeningFloat.Amount,
		ReceiptCount: r.ReceiptCount, SalesCount: r.Sales.Count, SalesTotal: r.Sales.Total.Amount,
		SalesCash: r.Sales.Cash.Amount, SalesCard: r.Sales.Card.Amount, ReturnsCount: r.Returns.Count,
		ReturnsTotal: r.Returns.Total.Amount, RefundsCash: r.Returns.Cash.Amount, RefundsCard: r.Returns.Card.Amount,
		Net: r.Net.Amount, Discounts: r.Discounts.Amount, CashIn: r.CashIn.Amount, CashOut: r.CashOut.Amount,
		ExpectedCash: r.ExpectedCash.Amount, VAT: r.VAT}
	if r.CountedCash != nil {
		row.CountedCash = &r.CountedCash.Amount
	}
	if r.Difference != nil {
		row.Difference = &r.Difference.Amount
	}
	if row.VAT == nil {
		row.VAT = []pos.ReportVATLine{}
	}
	fx.shifts = append(fx.shifts, row)
	return ""
}
