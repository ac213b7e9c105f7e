package central_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
)

const sqlEvents = `SELECT count(*) FROM events WHERE store = $1 AND epoch = $2`

func TestApply_InOrder(t *testing.T) {
	h := newHarness(t)
	c := h.startCentral(t)
	s := newShop("s1")
	s.addSales(t, 10)
	h.publish(t, s.store, s.batch(1, 5))
	h.publish(t, s.store, s.batch(6, 10))
	h.acks.wait(t, s.store, s.epoch, 10, 1)
	if got, want := h.count(t, sqlEvents, s.store, s.epoch), 10; got != want {
		t.Fatalf("events=%d, want %d", got, want)
	}
	if got, want := h.count(t, `SELECT upto_seq FROM watermarks WHERE store = $1 AND epoch = $2`, s.store, s.epoch), 10; got != want {
		t.Fatalf("watermark=%d, want %d", got, want)
	}
	if got, want := metric(t, c, "storeedge_central_events_applied_total"), 10.0; got != want {
		t.Fatalf("applied=%v, want %v", got, want)
	}
}

func TestApply_Sales(t *testing.T) {
	h := newHarness(t)
	h.startCentral(t)
	s := newShop("s1")
	s.addSales(t, 20)
	h.publish(t, s.store, s.batch(1, 20))
	h.acks.wait(t, s.store, s.epoch, 20, 1)

	var want int64
	for _, sale := range s.sales {
		want += sale.Total.Amount
	}
	if got := h.count(t, `SELECT sum(total) FROM sales WHERE store = 's1'`); int64(got) != want {
		t.Fatalf("sum(sales.total)=%d, want %d", got, want)
	}
	if got := h.count(t, `SELECT sum(total) FROM sale_lines WHERE store = 's1'`); int64(got) != want {
		t.Fatalf("sum(sale_lines.total)=%d, want %d", got, want)
	}
	if got := h.count(t, `SELECT sum(paid_card) FROM sales WHERE store = 's1'`); int64(got) != want {
		t.Fatalf("sum(paid_card)=%d, want %d", got, want)
	}
	if got, want := h.count(t, `SELECT count(*) FROM sale_lines WHERE store = 's1'`), 40; got != want {
		t.Fatalf("sale_lines=%d, want %d", got, want)
	}
	first := s.sales[0]
	var receipt, seq int64
	var sku string
	err := h.db.QueryRow(t.Context(), `SELECT s.receipt_no, s.seq, l.sku FROM sales s JOIN sale_lines l
		ON l.store = s.store AND l.sale_id = s.id AND l.line_no = 2 WHERE s.id = $1`, first.ID).Scan(&receipt, &seq, &sku)
	if err != nil {
		t.Fatal(err)
	}
	if receipt != first.ReceiptNo || uint64(seq) != first.StoreSeq || sku != "B2" {
		t.Fatalf("sale row: receipt %d seq %d sku %s, want %d %d B2", receipt, seq, sku, first.ReceiptNo, first.StoreSeq)
	}
}

func TestApply_ReturnsAndShifts(t *testing.T) {
	h := newHarness(t)
	h.startCentral(t)
	s := newShop("s1")
	s.addSales(t, 1)
	sale := s.sales[0]
	ret := pos.Return{ID: "r1", SaleID: sale.ID, ReceiptNo: 2, StoreID: "s1", TerminalID: "till-1", CashierID: "c1",
		CashierName: "Anna", ShiftID: "shift-1", Reason: "broken",
		Lines: []pos.ReturnLine{{SaleLineNo: 1, SKU: "A1", Name: "Item A1", Qty: 1, Amount: pos.M(12990, "RUB"), VATRate: 20, VAT: pos.M(2165, "RUB")}},
		Total: pos.M(12990, "RUB"), Refunds: []pos.Payment{{Method: pos.PaymentCard, Amount: pos.M(12990, "RUB")}}, CreatedAt: time.Now().UTC()}
	s.add(t, pos.EventSaleReturned, &ret)
	closed := time.Now().UTC()
	counted := pos.M(500000, "RUB")
	shift := &pos.Shift{ID: "shift-1", TerminalID: "till-1", CashierID: "c1", CashierName: "Anna", OpenedAt: closed.Add(-8 * time.Hour),
		ClosedAt: &closed, ClosedBy: "c1", OpeningFloat: pos.M(500000, "RUB"), CountedCash: &counted, LastReceiptNo: 2}
	shift.Totals.AddSale(&sale)
	shift.Totals.AddReturn(&ret)
	s.add(t, pos.EventShiftClosed, shift.Report())
	s.add(t, pos.EventShiftOpened, shift) // kept in events only
	h.publish(t, s.store, s.batch(1, 4))
	h.acks.wait(t, s.store, s.epoch, 4, 1)

	if got, want := h.count(t, `SELECT refund_card FROM returns WHERE id = 'r1'`), 12990; got != want {
		t.Fatalf("refund_card=%d, want %d", got, want)
	}
	if got, want := h.count(t, `SELECT sum(amount) FROM return_lines WHERE return_id = 'r1'`), 12990; got != want {
		t.Fatalf("return_lines amount=%d, want %d", got, want)
	}
	var net, salesTotal, diff int64
	err := h.db.QueryRow(t.Context(), `SELECT net, sales_total, difference FROM shifts WHERE id = 'shift-1'`).Scan(&net, &salesTotal, &diff)
	if err != nil {
		t.Fatal(err)
	}
	if net != sale.Total.Amount-12990 || salesTotal != sale.Total.Amount || diff != 0 {
		t.Fatalf("shift: net %d sales %d difference %d", net, salesTotal, diff)
	}
}

func TestApply_DuplicateBatch(t *testing.T) {
	h := newHarness(t)
	c := h.startCentral(t)
	s := newShop("s1")
	s.addSales(t, 5)
	h.publish(t, s.store, s.batch(1, 5))
	h.acks.wait(t, s.store, s.epoch, 5, 1)
	h.publish(t, s.store, s.batch(1, 5))
	h.acks.wait(t, s.store, s.epoch, 5, 2) // the ack is sent again: the shop may have lost the first
	if got, want := h.count(t, sqlEvents, s.store, s.epoch), 5; got != want {
		t.Fatalf("events=%d, want %d", got, want)
	}
	if got, want := h.count(t, `SELECT count(*) FROM sales`), 5; got != want {
		t.Fatalf("sales=%d, want %d", got, want)
	}
	if got, want := metric(t, c, "storeedge_central_duplicates_dropped_total"), 5.0; got != want {
		t.Fatalf("duplicates=%v, want %v", got, want)
	}
}

func TestApply_Reordered(t *testing.T) {
	h := newHarness(t)
	h.startCentral(t)
	s := newShop("s1")
	s.addSales(t, 4)
	h.publish(t, s.store, s.batch(3, 4))
	h.waitCount(t, 2, sqlEvents, s.store, s.epoch)
	time.Sleep(200 * time.Millisecond) // an ack, if wrongly sent, would be here by now
	if upto, n := h.acks.get(s.store, s.epoch); n != 0 {
		t.Fatalf("acked %d across a gap", upto)
	}
	h.publish(t, s.store, s.batch(1, 2))
	h.acks.wait(t, s.store, s.epoch, 4, 1)
	if got, want := h.count(t, `SELECT count(*) FROM sales`), 4; got != want {
		t.Fatalf("sales=%d, want %d", got, want)
	}
}

func TestApply_ReplayAfterAck(t *testing.T) {
	h := newHarness(t)
	h.startCentral(t)
	s := newShop("s1")
	s.addSales(t, 8)
	h.publish(t, s.store, s.batch(1, 8))
	h.acks.wait(t, s.store, s.epoch, 8, 1)
	for _, r := range [][2]uint64{{3, 5}, {1, 8}, {8, 8}} {
		h.publish(t, s.store, s.batch(r[0], r[1]))
	}
	h.acks.wait(t, s.store, s.epoch, 8, 4)
	if got, want := h.count(t, sqlEvents, s.store, s.epoch), 8; got != want {
		t.Fatalf("events=%d, want %d", got, want)
	}
	if got, want := h.count(t, `SELECT count(*) FROM sale_lines`), 16; got != want {
		t.Fatalf("sale_lines=%d, want %d", got, want)
	}
}

// TestApply_NewEpoch restores a shop's database from a backup: the new
// epoch's sequence starts at 1 again and is not mistaken for duplicates.
func TestApply_NewEpoch(t *testing.T) {
	h := newHarness(t)
	h.startCentral(t)
	old := newShop("s1")
	old.addSales(t, 6)
	h.publish(t, old.store, old.batch(1, 6))
	h.acks.wait(t, old.store, old.epoch, 6, 1)

	restored := newShop("s1")
	restored.addSales(t, 4)
	h.publish(t, restored.store, restored.batch(1, 4))
	h.acks.wait(t, restored.store, restored.epoch, 4, 1)
	if got, want := h.count(t, `SELECT count(*) FROM events WHERE store = 's1'`), 10; got != want {
		t.Fatalf("events=%d, want %d", got, want)
	}
	if got, want := h.count(t, `SELECT count(*) FROM watermarks WHERE store = 's1'`), 2; got != want {
		t.Fatalf("watermarks=%d, want %d", got, want)
	}
	// The old epoch's unacked tail still arrives after the restore.
	old.addSales(t, 2)
	h.publish(t, old.store, old.batch(7, 8))
	h.acks.wait(t, old.store, old.epoch, 8, 2)
}

// TestApply_SameIDNewSeq is a shop that sends events again under another
// epoch (it moved them after a conflict): the ids keep them from being
// stored twice, and the new places are aliases of the stored ones, so the
// new epoch is acked over them with the digest of the same ids.
func TestApply_SameIDNewSeq(t *testing.T) {
	h := newHarness(t)
	h.startCentral(t)
	s := newShop("s1")
	s.addSales(t, 2)
	h.publish(t, s.store, s.batch(1, 2))
	h.acks.wait(t, s.store, s.epoch, 2, 1)
	other := newShop("s1")
	for _, raw := range s.events { // the same ids under another epoch
		var e pos.Event
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatal(err)
		}
		e.StoreEpoch = other.epoch
		b, _ := json.Marshal(&e)
		other.events = append(other.events, b)
	}
	h.publish(t, s.store, other.batch(1, 2))
	h.acks.wait(t, other.store, other.epoch, 2, 1)
	if got, want := h.count(t, `SELECT count(*) FROM events`), 2; got != want {
		t.Fatalf("events=%d, want %d", got, want)
	}
	if got, want := h.count(t, `SELECT count(*) FROM sales`), 2; got != want {
		t.Fatalf("sales=%d, want %d (stored once)", got, want)
	}
	if got, want := h.count(t, `SELECT count(*) FROM sequence_fill WHERE kind = 'alias' AND alias_epoch = $1`, s.epoch), 2; got != want {
		t.Fatalf("aliases=%d, want %d", got, want)
	}
	if got, want := h.acks.digestOf(other.store, other.epoch), s.digest(t, 2).String(); got != want {
		t.Fatalf("digest %s, want %s (the same ids)", got, want)
	}
}

// A prepaid click & collect order is handed over as a sale paid online,
// and its return refunds online: the office sees both apart from the
// drawer's cash and the card terminal's.
func TestApply_OnlinePickup(t *testing.T) {
	h := newHarness(t)
	h.startCentral(t)
	s := newShop("s1")
	line := saleLine(1, "A1", 2, 12990)
	sale := pos.Sale{ID: "sale-online", ReceiptNo: 1, StoreID: s.store, TerminalID: "till-1", CashierID: "c1",
		CashierName: "Anna", ShiftID: "shift-1", Lines: []pos.SaleLine{line}, Total: line.Total, Discount: pos.M(0, "RUB"),
		Payments: []pos.Payment{{Method: pos.PaymentOnline, Amount: line.Total}}, Change: pos.M(0, "RUB"),
		PickupID: "order-7", CreatedAt: time.Now().UTC()}
	s.add(t, pos.EventSaleCompleted, &sale)
	ret := pos.Return{ID: "r-online", SaleID: sale.ID, ReceiptNo: 2, StoreID: "s1", TerminalID: "till-1", CashierID: "c1",
		CashierName: "Anna", ShiftID: "shift-1",
		Lines: []pos.ReturnLine{{SaleLineNo: 1, SKU: "A1", Name: "Item A1", Qty: 1, Amount: pos.M(12990, "RUB"), VATRate: 20, VAT: pos.M(2165, "RUB")}},
		Total: pos.M(12990, "RUB"), Refunds: []pos.Payment{{Method: pos.PaymentOnline, Amount: pos.M(12990, "RUB")}}, CreatedAt: time.Now().UTC()}
	s.add(t, pos.EventSaleReturned, &ret)
	h.publish(t, s.store, s.batch(1, 2))
	h.acks.wait(t, s.store, s.epoch, 2, 1)

	var online, cash, card int64
	var pickup string
	if err := h.db.QueryRow(t.Context(), `SELECT paid_online, paid_cash, paid_card, pickup_id FROM sales WHERE id = 'sale-online'`).
		Scan(&online, &cash, &card, &pickup); err != nil {
		t.Fatal(err)
	}
	if online != 25980 || cash != 0 || card != 0 || pickup != "order-7" {
		t.Fatalf("sale row: online %d cash %d card %d pickup %q", online, cash, card, pickup)
	}
	if got := h.count(t, `SELECT refund_online FROM returns WHERE id = 'r-online'`); got != 12990 {
		t.Fatalf("refund_online=%d, want 12990", got)
	}
	if got := h.count(t, `SELECT count(*) FROM quarantine`); got != 0 {
		t.Fatalf("%d events quarantined", got)
	}
}
