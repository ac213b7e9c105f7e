package central

import (
	"fmt"
	"time"

	"github.com/storeedge/storeedge/pos"
)

// saleRow is a row of sales; its JSON names are the column names.
type saleRow struct {
	Store         string    `json:"store"`
	ID            string    `json:"id"`
	Epoch         string    `json:"epoch"`
	Seq           uint64    `json:"seq"`
	EventID       string    `json:"event_id"`
	ReceiptNo     int64     `json:"receipt_no"`
	TerminalID    string    `json:"terminal_id"`
	CashierID     string    `json:"cashier_id"`
	CashierName   string    `json:"cashier_name"`
	ShiftID       string    `json:"shift_id"`
	Currency      string    `json:"currency"`
	Total         int64     `json:"total"`
	Discount      int64     `json:"discount"`
	Change        int64     `json:"change"`
	PaidCash      int64     `json:"paid_cash"`
	PaidCard      int64     `json:"paid_card"`
	CustomerPhone *string   `json:"customer_phone"`
	CustomerCard  *string   `json:"customer_card"`
	CreatedAt     time.Time `json:"created_at"`
	CustomerID    *string   `json:"customer_id"`
	PointsPaid    int64     `json:"points_paid"`
	PointsEarned  int64     `json:"points_earned"`
	PaidOnline    int64     `json:"paid_online"`
	PickupID      *string   `json:"pickup_id"`
}

// saleLineRow is a row of sale_lines.
type saleLineRow struct {
	Store        string  `json:"store"`
	SaleID       string  `json:"sale_id"`
	LineNo       int     `json:"line_no"`
	SKU          string  `json:"sku"`
	Name         string  `json:"name"`
	Unit         string  `json:"unit"`
	Qty          int64   `json:"qty"`
	UnitPrice    int64   `json:"unit_price"`
	RegularPrice int64   `json:"regular_price"`
	PromotionID  *string `json:"promotion_id"`
	Discount     int64   `json:"discount"`
	Total        int64   `json:"total"`
	VATRate      int64   `json:"vat_rate"`
	VAT          int64   `json:"vat"`
}

// sqlInsertSales inserts sales, then the lines of the sales it actually
// inserted: a sale id seen before (from another event) gets no lines twice.
const sqlInsertSales = `WITH s AS (
	INSERT INTO sales SELECT * FROM jsonb_populate_recordset(NULL::sales, $1::jsonb)
	ON CONFLICT DO NOTHING RETURNING store, id)
INSERT INTO sale_lines
SELECT l.* FROM jsonb_populate_recordset(NULL::sale_lines, $2::jsonb) l
JOIN s ON s.store = l.store AND s.id = l.sale_id
ON CONFLICT DO NOTHING`

// addSale adds a sale.completed event's sale and lines, or says why the
// event is not a sale central can book.
func (fx *effects) addSale(store string, e *pos.Event) string {
	var s pos.Sale
	if reason := decodeData(e, &s); reason != "" {
		return reason
	}
	if reason := checkSale(&s); reason != "" {
		return reason
	}
	row := saleRow{Store: store, ID: text(s.ID), Epoch: e.StoreEpoch, Seq: e.StoreSeq, EventID: e.ID,
		ReceiptNo: s.ReceiptNo, TerminalID: text(s.TerminalID), CashierID: text(s.CashierID),
		CashierName: text(s.CashierName), ShiftID: text(s.ShiftID), Currency: text(s.Total.Currency),
		Total: s.Total.Amount, Discount: s.Discount.Amount, Change: s.Change.Amount,
		PaidCash: s.CashPaid(), PaidCard: s.CardPaid(), CreatedAt: s.CreatedAt,
		CustomerID: optText(s.CustomerID), PointsPaid: s.PointsPaid, PointsEarned: s.PointsEarned,
		PaidOnline: s.PaidWith(pos.PaymentOnline), PickupID: optText(s.PickupID)}
	if s.Customer != nil {
		row.CustomerPhone, row.CustomerCard = optText(s.Customer.Phone), optText(s.Customer.Card)
	}
	fx.sales = append(fx.sales, row)
	for i, l := range s.Lines {
		fx.saleLines = append(fx.saleLines, saleLineRow{Store: store, SaleID: row.ID, LineNo: i + 1,
			SKU: text(l.SKU), Name: text(l.Name), Unit: text(string(l.Unit)), Qty: l.Qty,
			UnitPrice: l.UnitPrice.Amount, RegularPrice: l.RegularPrice.Amount,
			PromotionID: optText(l.PromotionID), Discount: l.Discount.Amount, Total: l.Total.Amount,
			VATRate: l.VATRate, VAT: l.VAT.Amount})
	}
	return ""
}

// checkSale is what a sale must be to be booked: an id, lines, and no
// negative money or quantity (a shop never records one).
func checkSale(s *pos.Sale) string {
	switch {
	case s.ID == "":
		return "sale without an id"
	case len(s.Lines) == 0:
		return "sale without lines"
	case s.Total.Amount < 0 || s.Discount.Amount < 0 || s.Change.Amount < 0:
		return "negative total, discount or change"
	}
	for i, l := range s.Lines {
		if l.Qty <= 0 || l.Total.Amount < 0 || l.UnitPrice.Amount < 0 {
			return fmt.Sprintf("line %d: quantity or money out of range", i+1)
		}
	}
	for i, p := range s.Payments {
		if p.Amount.Amount < 0 {
			return fmt.Sprintf("payment %d: negative amount", i+1)
		}
	}
	return ""
}
