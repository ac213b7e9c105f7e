package bolt_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// seed imports a few products and opens a shift on till t1 for cashier c1.
func seed(tb testing.TB, db *bolt.DB) context.Context {
	tb.Helper()
	items := []pos.ProductImport{
		{Product: pos.Product{SKU: "MILK", Name: "Молоко 3,2%", NameEn: "Milk", Barcodes: []string{"4600000000008"},
			Unit: pos.UnitPiece, VATRate: 10, Prices: []pos.PricePoint{{Amount: 8990}}}, StockSet: true, OnHand: 100},
		{Product: pos.Product{SKU: "TV", Name: "Телевизор", NameEn: "TV set", Barcodes: []string{"4006381333931"},
			Unit: pos.UnitPiece, VATRate: 22, Prices: []pos.PricePoint{{Amount: 2999000}}}, StockSet: true, OnHand: 1},
		{Product: pos.Product{SKU: "APPLE", Name: "Яблоки Гала", NameEn: "Gala apples",
			Unit: pos.UnitGram, VATRate: 10, Prices: []pos.PricePoint{{Amount: 18990}}}, StockSet: true, OnHand: 50000},
	}
	if _, err := bolt.NewCatalogService(db).ImportProducts(context.Background(), items); err != nil {
		tb.Fatal(err)
	}
	ctx := ctxAs("t1", "c1", pos.RoleCashier)
	if _, err := bolt.NewShiftService(db).OpenShift(ctx, &pos.OpenShiftRequest{OpeningFloat: pos.M(500000, "RUB")}); err != nil {
		tb.Fatal(err)
	}
	return ctx
}

func cashSale(lines ...pos.SaleLineRequest) *pos.SaleRequest {
	return &pos.SaleRequest{Lines: lines, Payments: []pos.PaymentRequest{{Method: "cash", Amount: pos.M(100000000, "RUB")}}}
}

func TestSaleService_CreateSale(t *testing.T) {
	db := MustOpenDB(t)
	db.Now = func() time.Time { return t0 }
	ctx := seed(t, db)
	s := bolt.NewSaleService(db)

	t.Run("OK", func(t *testing.T) {
		sale, created, err := s.CreateSale(ctx, "k1", cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 2}, pos.SaleLineRequest{SKU: "APPLE", Qty: 347}))
		if err != nil {
			t.Fatal(err)
		}
		// 2 × 89.90 = 179.80; 347 g × 189.90/kg = 65.8953 → 65.90.
		if got, want := sale.Total.Amount, int64(17980+6590); !created || got != want {
			t.Fatalf("Total=%d created=%v, want %d", got, created, want)
		}
		if sale.ReceiptNo != 1 || sale.StoreSeq != 2 { // seq 1 is shift.opened
			t.Fatalf("ReceiptNo=%d StoreSeq=%d", sale.ReceiptNo, sale.StoreSeq)
		}
		p, _ := bolt.NewCatalogService(db).FindProductBySKU(ctx, "MILK")
		if got, want := p.Stock.OnHand, int64(98); got != want {
			t.Fatalf("OnHand=%d, want %d", got, want)
		}
	})
	t.Run("Replay", func(t *testing.T) {
		again, created, err := s.CreateSale(ctx, "k1", cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 2}, pos.SaleLineRequest{SKU: "APPLE", Qty: 347}))
		if err != nil || created || again.ReceiptNo != 1 {
			t.Fatalf("err=%v created=%v receipt=%d", err, created, again.ReceiptNo)
		}
	})
	t.Run("ErrKeyReused", func(t *testing.T) {
		_, _, err := s.CreateSale(ctx, "k1", cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 3}))
		if got, want := pos.ErrorCode(err), pos.CodeIdempotencyKey; got != want {
			t.Fatalf("code=%q, want %q", got, want)
		}
	})
	t.Run("ErrUnknownSKU", func(t *testing.T) {
		_, _, err := s.CreateSale(ctx, "k2", cashSale(pos.SaleLineRequest{SKU: "NOPE", Qty: 1}))
		if pos.ErrorCode(err) != pos.CodeUnknownSKU || pos.ErrorField(err) != "lines[0].sku" {
			t.Fatalf("err=%v", err)
		}
	})
	t.Run("ErrShiftNotOpen", func(t *testing.T) {
		_, _, err := s.CreateSale(ctxAs("t2", "c2", pos.RoleCashier), "k3", cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 1}))
		if got, want := pos.ErrorCode(err), pos.CodeShiftNotOpen; got != want {
			t.Fatalf("code=%q, want %q", got, want)
		}
	})
	t.Run("NegativeStock", func(t *testing.T) {
		sale, _, err := s.CreateSale(ctx, "k4", cashSale(pos.SaleLineRequest{SKU: "TV", Qty: 2}))
		if err != nil {
			t.Fatal(err)
		}
		evs, err := bolt.NewOutboxService(db).Events(ctx, sale.StoreSeq, 10)
		if err != nil || len(evs) != 2 {
			t.Fatalf("events=%d err=%v", len(evs), err)
		}
		var ev pos.Event
		_ = json.Unmarshal(evs[1], &ev)
		if ev.Type != pos.EventStockNegative || ev.StoreSeq != sale.StoreSeq+1 {
			t.Fatalf("event=%s seq=%d", ev.Type, ev.StoreSeq)
		}
	})
}

// TestSaleService_Concurrent runs many tills at once through the group
// commit: every sale is recorded once, sequences are contiguous and stock
// adds up.
func TestSaleService_Concurrent(t *testing.T) {
	db := MustOpenDB(t)
	seed(t, db)
	s, shifts := bolt.NewSaleService(db), bolt.NewShiftService(db)
	const tills, perTill = 16, 25
	var wg sync.WaitGroup
	errs := make(chan error, tills*perTill*2)
	for i := range tills {
		ctx := ctxAs(fmt.Sprintf("till%d", i), fmt.Sprintf("c%d", i), pos.RoleCashier)
		if _, err := shifts.OpenShift(ctx, &pos.OpenShiftRequest{OpeningFloat: pos.M(0, "RUB")}); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range perTill {
				key := fmt.Sprintf("till%d-k%d", i, j)
				for range 2 { // every sale is retried once with its key
					if _, _, err := s.CreateSale(ctx, key, cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 1})); err != nil {
						errs <- err
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	st, err := bolt.NewOutboxService(db).OutboxStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// 1 + tills shift.opened events, one event per sale, and a
	// stock.negative event for each sale after the 100 in stock ran out.
	if got, want := st.Pending, 1+tills+tills*perTill+(tills*perTill-100); got != want || st.FirstSeq != 1 {
		t.Fatalf("pending=%d first=%d, want %d from 1", got, st.FirstSeq, want)
	}
	p, _ := bolt.NewCatalogService(db).FindProductBySKU(context.Background(), "MILK")
	if got, want := p.Stock.OnHand, int64(100-tills*perTill); got != want {
		t.Fatalf("OnHand=%d, want %d", got, want)
	}
}

func TestSaleService_StorageFull(t *testing.T) {
	db := bolt.NewDB(t.TempDir())
	db.MaxSize = 256 << 10
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { MustCloseDB(t, db) })
	ctx := seed(t, db)
	s := bolt.NewSaleService(db)
	var ok int
	var err error
	for i := 0; i < 5000 && err == nil; i++ {
		_, _, err = s.CreateSale(ctx, fmt.Sprint(i), cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 1}))
		if err == nil {
			ok++
		}
	}
	if got, want := pos.ErrorCode(err), pos.CodeStorageFull; got != want {
		t.Fatalf("after %d sales: code=%q (%v), want %q", ok, got, err, want)
	}
	// Nothing acknowledged was lost and nothing half-written remains.
	sales, _, err := s.FindSales(ctx, pos.SaleFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := bolt.NewOutboxService(db).OutboxStats(ctx)
	p, _ := bolt.NewCatalogService(db).FindProductBySKU(ctx, "MILK")
	if len(sales) != min(ok, 500) || st.Pending != ok+1 || p.Stock.OnHand != int64(100-ok) {
		t.Fatalf("ok=%d listed=%d pending=%d onhand=%d", ok, len(sales), st.Pending, p.Stock.OnHand)
	}
}

func TestSaleService_FindSales(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db)
	s := bolt.NewSaleService(db)
	for i := range 7 {
		if _, _, err := s.CreateSale(ctx, fmt.Sprint(i), cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 1})); err != nil {
			t.Fatal(err)
		}
	}
	shift, _ := bolt.NewShiftService(db).FindOpenShift(ctx, "t1")
	for _, f := range []pos.SaleFilter{{Limit: 3}, {Limit: 3, ShiftID: shift.ID}} {
		var all []*pos.Sale
		for page := 0; page < 5; page++ {
			items, next, err := s.FindSales(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, items...)
			if next == "" {
				break
			}
			f.Cursor = next
		}
		if len(all) != 7 || all[0].ReceiptNo != 1 || all[6].ReceiptNo != 7 {
			t.Fatalf("filter %+v: got %d sales", f, len(all))
		}
	}
}
