package bolt_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// reserve places a reservation for an anonymous shopper, or for customer
// when it is not "".
func reserve(s *bolt.ReservationService, sku string, qty int64, phone, customer string) (*pos.Reservation, error) {
	return s.CreateReservation(context.Background(), &pos.ReservationRequest{SKU: sku, Qty: qty, Phone: phone, CustomerID: customer})
}

// anonPhone is the i-th phone of made-up shoppers.
func anonPhone(i int) string { return fmt.Sprintf("+7916%07d", i) }

// wantNoCount checks that a refusal gives no stock number.
func wantNoCount(tb testing.TB, err error) {
	tb.Helper()
	if msg := pos.ErrorMessage(err); strings.ContainsAny(msg, "0123456789") {
		tb.Fatalf("message %q gives a number", msg)
	}
}

func TestReservationService_AnonymousLimits(t *testing.T) {
	db := MustOpenDB(t)
	clock := newTestClock(db, t0)
	ctx := seed(t, db) // MILK 100, TV 1, APPLE 50000 g
	s := bolt.NewReservationService(db)

	t.Run("ErrOverMaxQty", func(t *testing.T) {
		_, err := reserve(s, "MILK", 6, anonPhone(0), "")
		wantErr(t, err, pos.CodeValidationFailed, "qty")
		_, err = reserve(s, "APPLE", 1001, anonPhone(0), "")
		wantErr(t, err, pos.CodeValidationFailed, "qty")
	})
	var codes []string
	t.Run("HalfOfTheShelf", func(t *testing.T) {
		for i := range 10 {
			r, err := reserve(s, "MILK", 5, anonPhone(i), "")
			if err != nil {
				t.Fatalf("reservation %d: %v", i+1, err)
			}
			codes = append(codes, r.Code)
		}
		_, err := reserve(s, "MILK", 1, anonPhone(10), "")
		wantErr(t, err, pos.CodeInsufficientStock, "qty")
		wantNoCount(t, err)
		if got := bolt.AnonymousHeld(db, "MILK"); got != 50 {
			t.Fatalf("held anonymously=%d, want 50", got)
		}
	})
	t.Run("IdentifiedKeepTodaysRules", func(t *testing.T) {
		if _, err := reserve(s, "MILK", 30, phoneA, customerC1); err != nil {
			t.Fatal(err)
		}
		if _, err := reserve(s, "TV", 1, phoneA, customerC1); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ShareOfWhatOthersLeave", func(t *testing.T) {
		// 100 on hand, 30 held by a customer: anonymous holds may take 35
		// of the other 70, and hold 50, so cancelling three of them (15)
		// still leaves no room, and a fourth (5 more) leaves exactly 5.
		for _, code := range codes[:4] {
			if _, err := s.CancelReservation(context.Background(), code); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := reserve(s, "MILK", 5, anonPhone(20), ""); err != nil {
			t.Fatal(err)
		}
		_, err := reserve(s, "MILK", 1, anonPhone(21), "")
		wantErr(t, err, pos.CodeInsufficientStock, "qty")
	})
	t.Run("ErrLastItem", func(t *testing.T) {
		_, err := reserve(s, "TV", 1, anonPhone(30), "")
		wantErr(t, err, pos.CodeInsufficientStock, "qty")
		wantNoCount(t, err)
	})
	t.Run("SaleReleases", func(t *testing.T) {
		req := cashSale()
		req.ReservationCode = codes[4]
		if _, _, err := bolt.NewSaleService(db).CreateSale(ctx, "k-anon", req); err != nil {
			t.Fatal(err)
		}
		if got := bolt.AnonymousHeld(db, "MILK"); got != 30 {
			t.Fatalf("held anonymously=%d after a sale took 5 of 35, want 30", got)
		}
	})
	t.Run("ExpiryReleases", func(t *testing.T) {
		clock.Set(t0.Add(25 * time.Hour))
		if _, err := s.ExpireReservations(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := bolt.AnonymousHeld(db, "MILK"); got != 0 {
			t.Fatalf("held anonymously=%d after expiry, want 0", got)
		}
	})
	checkReserved(t, db)
}

// TestReservationService_Flood is the attack on the storage: one
// client reserves many products with many made-up phones as fast as it
// can, from several goroutines. No product ends with more than half its
// stock held, and no refusal tells a count.
func TestReservationService_Flood(t *testing.T) {
	db := MustOpenDB(t)
	var items []pos.ProductImport
	for i := range 39 {
		items = append(items, pos.ProductImport{Product: pos.Product{SKU: fmt.Sprintf("P%02d", i), Name: "Товар",
			Unit: pos.UnitPiece, VATRate: 22, Prices: []pos.PricePoint{{Amount: 10000}}}, StockSet: true, OnHand: int64(1 + i*3)})
	}
	if _, err := bolt.NewCatalogService(db).ImportProducts(context.Background(), items); err != nil {
		t.Fatal(err)
	}
	s := bolt.NewReservationService(db)
	var wg sync.WaitGroup
	var mu sync.Mutex
	refused := map[string]int{}
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < 400; i += 8 {
				for j := range 3 { // a phone may hold 3
					_, err := reserve(s, items[(i+j*13)%len(items)].SKU, 5, anonPhone(i), "")
					if err != nil {
						wantNoCount(t, err)
						mu.Lock()
						refused[pos.ErrorCode(err)]++
						mu.Unlock()
					}
				}
			}
		})
	}
	wg.Wait()
	if refused[pos.CodeInsufficientStock] == 0 || len(refused) != 1 {
		t.Fatalf("refusals %v, want only insufficient_stock", refused)
	}
	for _, it := range items {
		st := stockOf(t, db, it.SKU)
		if st.Reserved*2 > st.OnHand {
			t.Errorf("%s: %d of %d held, more than half", it.SKU, st.Reserved, st.OnHand)
		}
	}
	checkReserved(t, db)
}
