package bolt_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// linesOf returns a sale's lines as (sku, qty) pairs.
func linesOf(s *pos.Sale) []pos.SaleLineRequest {
	out := make([]pos.SaleLineRequest, len(s.Lines))
	for i, l := range s.Lines {
		out[i] = pos.SaleLineRequest{SKU: l.SKU, Qty: l.Qty}
	}
	return out
}

func sameLines(a, b []pos.SaleLineRequest) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSaleService_CreateSale_Reservation: a sale naming a reservation takes
// the reserved goods, without counting twice what the cashier scanned too.
func TestSaleService_CreateSale_Reservation(t *testing.T) {
	type line = pos.SaleLineRequest
	tests := []struct {
		name  string
		lines []line // what the till sent; 2 MILK are reserved
		want  []line
	}{
		{"CodeOnly", nil, []line{{SKU: "MILK", Qty: 2}}},
		{"OtherGoodsFirst", []line{{SKU: "TV", Qty: 1}}, []line{{SKU: "TV", Qty: 1}, {SKU: "MILK", Qty: 2}}},
		{"ScannedToo", []line{{SKU: "MILK", Qty: 2}}, []line{{SKU: "MILK", Qty: 2}}},
		{"ScannedMore", []line{{SKU: "MILK", Qty: 3}}, []line{{SKU: "MILK", Qty: 3}}},
		{"ScannedPart", []line{{SKU: "MILK", Qty: 1}}, []line{{SKU: "MILK", Qty: 1}, {SKU: "MILK", Qty: 1}}},
		{"ScannedOnTwoLines", []line{{SKU: "MILK", Qty: 1}, {SKU: "MILK", Qty: 1}}, []line{{SKU: "MILK", Qty: 1}, {SKU: "MILK", Qty: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpenDB(t)
			ctx := seed(t, db) // MILK: 100 on hand
			res := mustReserve(t, bolt.NewReservationService(db), "MILK", 2, phoneA)
			req := cashSale(tt.lines...)
			req.ReservationCode = res.Code
			sale, created, err := bolt.NewSaleService(db).CreateSale(ctx, "k1", req)
			if err != nil || !created {
				t.Fatalf("created=%v err=%v", created, err)
			}
			if got := linesOf(sale); !sameLines(got, tt.want) {
				t.Fatalf("lines=%v, want %v", got, tt.want)
			}
			var milk int64
			for _, l := range tt.want {
				if l.SKU == "MILK" {
					milk += l.Qty
				}
			}
			if got, want := stockOf(t, db, "MILK"), (pos.Stock{OnHand: 100 - milk, Available: 100 - milk}); got != want {
				t.Fatalf("stock=%+v, want %+v", got, want)
			}
			checkReserved(t, db)
		})
	}
}

func TestSaleService_CreateSale_ReservationFulfils(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db)
	rs, sales := bolt.NewReservationService(db), bolt.NewSaleService(db)
	res := mustReserve(t, rs, "TV", 1, phoneA) // the only TV
	req := cashSale()
	req.ReservationCode = res.Code

	sale, _, err := sales.CreateSale(ctx, "k1", req)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("Fulfilled", func(t *testing.T) {
		got, err := rs.FindReservation(context.Background(), res.Code)
		if err != nil || got.Status != pos.ReservationFulfilled || got.SaleID != sale.ID {
			t.Fatalf("reservation=%+v err=%v", got, err)
		}
		if st := stockOf(t, db, "TV"); st != (pos.Stock{}) {
			t.Fatalf("TV stock=%+v, want all zero", st)
		}
		evs := eventsOf(t, db, pos.EventReservationFulfilled)
		if len(evs) != 1 || evs[0].StoreSeq != sale.StoreSeq+1 || evs[0].Source != "/stores/store-1/terminals/t1" {
			t.Fatalf("fulfilled events=%+v (sale storeseq %d)", evs, sale.StoreSeq)
		}
	})
	t.Run("Replay", func(t *testing.T) {
		again, created, err := sales.CreateSale(ctx, "k1", req)
		if err != nil || created || again.ID != sale.ID {
			t.Fatalf("created=%v err=%v", created, err)
		}
	})
	t.Run("ErrReused", func(t *testing.T) {
		_, _, err := sales.CreateSale(ctx, "k2", req)
		wantErr(t, err, pos.CodeConflict, "reservation_code")
		if _, err := rs.CancelReservation(context.Background(), res.Code); pos.ErrorCode(err) != pos.CodeConflict {
			t.Fatalf("cancel after fulfil: %v", err)
		}
	})
	t.Run("ErrUnknown", func(t *testing.T) {
		for _, code := range []string{"nope", "aaaaaaaaaaaaaaaaaaaa"} {
			req := cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 1})
			req.ReservationCode = code
			_, _, err := sales.CreateSale(ctx, "k3-"+code, req)
			wantErr(t, err, pos.CodeNotFound, "reservation_code")
		}
	})
	t.Run("ErrCancelled", func(t *testing.T) {
		r := mustReserve(t, rs, "MILK", 1, phoneB)
		if _, err := rs.CancelReservation(context.Background(), r.Code); err != nil {
			t.Fatal(err)
		}
		req := cashSale()
		req.ReservationCode = r.Code
		_, _, err := sales.CreateSale(ctx, "k4", req)
		wantErr(t, err, pos.CodeConflict, "reservation_code")
	})
	t.Run("FailedSaleKeepsReservation", func(t *testing.T) {
		r := mustReserve(t, rs, "MILK", 1, phoneB)
		req := &pos.SaleRequest{ReservationCode: r.Code,
			Payments: []pos.PaymentRequest{{Method: "cash", Amount: pos.M(100, "RUB")}}} // 89.90 due
		_, _, err := sales.CreateSale(ctx, "k5", req)
		wantErr(t, err, pos.CodeValidationFailed, "payments")
		if got, _ := rs.FindReservation(context.Background(), r.Code); got.Status != pos.ReservationActive {
			t.Fatalf("status=%s after a refused sale", got.Status)
		}
	})
	checkReserved(t, db)
}

// TestSaleService_CreateSale_PersonalDiscount: a customer the shop knows
// pays the personal price on every line, on top of promotions.
func TestSaleService_CreateSale_PersonalDiscount(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db)
	mustApply(t, bolt.NewDownlinkService(db), msg(t, pos.StreamCustomers, 1,
		pos.Customer{ID: "c1", Phone: "+79161111111", Card: "CARD1", DiscountPercent: 7},
		pos.Customer{ID: "c2", Phone: "+79162222222", DiscountPercent: 0}), 2)
	s := bolt.NewSaleService(db)
	tests := []struct {
		name     string
		customer *pos.CustomerRef
		pct      int64
	}{
		{"ByPhone", &pos.CustomerRef{Phone: "8 916 111-11-11"}, 7},
		{"ByCard", &pos.CustomerRef{Card: "CARD1"}, 7},
		{"UnknownPhoneThenCard", &pos.CustomerRef{Phone: "+79169999999", Card: "CARD1"}, 7},
		{"NoDiscount", &pos.CustomerRef{Phone: "+79162222222"}, 0},
		{"Unknown", &pos.CustomerRef{Phone: "+79169999999"}, 0},
		{"Anonymous", nil, 0},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 3}, pos.SaleLineRequest{SKU: "APPLE", Qty: 347})
			req.Customer = tt.customer
			sale, _, err := s.CreateSale(ctx, fmt.Sprint("pd-", i), req)
			if err != nil {
				t.Fatal(err)
			}
			milk, apple := sale.Lines[0], sale.Lines[1]
			if got, want := milk.UnitPrice.Amount, pos.PersonalPrice(8990, tt.pct); got != want {
				t.Fatalf("MILK UnitPrice=%d, want %d", got, want)
			}
			if got, want := apple.UnitPrice.Amount, pos.PersonalPrice(18990, tt.pct); got != want {
				t.Fatalf("APPLE UnitPrice=%d, want %d", got, want)
			}
			if milk.PersonalDiscount != tt.pct || apple.PersonalDiscount != tt.pct {
				t.Fatalf("PersonalDiscount=%d,%d, want %d", milk.PersonalDiscount, apple.PersonalDiscount, tt.pct)
			}
			if got, want := sale.Total.Amount, milk.Total.Amount+apple.Total.Amount; got != want {
				t.Fatalf("Total=%d, want %d", got, want)
			}
		})
	}
}
