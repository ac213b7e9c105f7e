package central

import (
	"time"

	"github.com/storeedge/storeedge/pos"
)

// returnRow is a row of returns; its JSON names are the column names.
type returnRow struct {
	Store        string    `json:"store"`
	ID           string    `json:"id"`
	SaleID       *string   `json:"sale_id"`
	Epoch        string    `json:"epoch"`
	Seq          uint64    `json:"seq"`
	EventID      string    `json:"event_id"`
	ReceiptNo    int64     `json:"receipt_no"`
	TerminalID   string    `json:"terminal_id"`
	CashierID    string    `json:"cashier_id"`
	CashierName  string    `json:"cashier_name"`
	ApprovedBy   *string   `json:"approved_by"`
	ShiftID      string    `json:"shift_id"`
	Reason       *string   `json:"reason"`
	Currency     string    `json:"currency"`
	Total        int64     `json:"total"`
	RefundCash   int64     `json:"refund_cash"`
	RefundCard   int64     `json:"refund_card"`
	CreatedAt    time.Time `json:"created_at"`
	RefundOnline int64     `json:"refund_online"`
}

// returnLineRow is a row of return_lines.
type returnLineRow struct {
	Store      string `json:"store"`
	ReturnID   string `json:"return_id"`
	LineNo     int    `json:"line_no"`
	SaleLineNo *int   `json:"sale_line_no"`
	SKU        string `json:"sku"`
	Name       string `json:"name"`
	Qty        int64  `json:"qty"`
	Amount     int64  `json:"amount"`
	VATRate    int64  `json:"vat_rate"`
	VAT        int64  `json:"vat"`
}

// sqlInsertReturns inserts returns, then the lines of those it inserted.
const sqlInsertReturns = `WITH r AS (
	INSERT INTO returns SELECT * FROM jsonb_populate_recordset(NULL::returns, $1::jsonb)
	ON CONFLICT DO NOTHING RETURNING store, id)
INSERT INTO return_lines
SELECT l.* FROM jsonb_populate_recordset(NULL::return_lines, $2::jsonb) l
JOIN r ON r.store = l.store AND r.id = l.return_id
ON CONFLICT DO NOTHING`

// addReturn adds a sale.returned event's return and lines.
func (fx *effects) addReturn(store string, e *pos.Event) string {
	var r pos.Return
	if reason := decodeData(e, &r); reason != "" {
		return reason
	}
	switch {
	case r.ID == "":
		return "return without an id"
	case r.Total.Amount < 0:
		return "negative total"
	}
	row := returnRow{Store: store, ID: text(r.ID), SaleID: optText(r.SaleID), Epoch: e.StoreEpoch,
		Seq: e.StoreSeq, EventID: e.ID, ReceiptNo: r.ReceiptNo, TerminalID: text(r.TerminalID),
		CashierID: text(r.CashierID), CashierName: text(r.CashierName), ApprovedBy: optText(r.ApprovedBy),
		ShiftID: text(r.ShiftID), Reason: optText(r.Reason), Currency: text(r.Total.Currency),
		Total: r.Total.Amount, RefundCash: r.RefundCash(), RefundCard: r.RefundCard(), CreatedAt: r.CreatedAt,
		RefundOnline: r.RefundOnline()}
	fx.returns = append(fx.returns, row)
	for i, l := range r.Lines {
		fx.returnLines = append(fx.returnLines, returnLineRow{Store: store, ReturnID: row.ID, LineNo: i + 1,
			SaleLineNo: int32OrNil(l.SaleLineNo), SKU: text(l.SKU), Name: text(l.Name), Qty: l.Qty,
			Amount: l.Amount.Amount, VATRate: l.VATRate, VAT: l.VAT.Amount})
	}
	return ""
}
