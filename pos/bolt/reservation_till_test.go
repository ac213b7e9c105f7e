package bolt_test

import (
	"context"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// TestReservationService_FindActiveReservationByShortCode: staff find an
// active reservation by its short code alone; an ended one is gone.
func TestReservationService_FindActiveReservationByShortCode(t *testing.T) {
	db := MustOpenDB(t)
	seed(t, db)
	clock := newTestClock(db, t0)
	s := bolt.NewReservationService(db)
	ctx := context.Background()
	r := mustReserve(t, s, "MILK", 2, phoneA)
	t.Run("OK", func(t *testing.T) {
		got, err := s.FindActiveReservationByShortCode(ctx, " "+r.ShortCode+" ")
		if err != nil || got.Code != r.Code || got.Status != pos.ReservationActive {
			t.Fatalf("got %+v err=%v", got, err)
		}
	})
	for _, short := range []string{"", "12345", "1234567", "abcdef", r.Code} {
		t.Run("ErrNotFound/"+short, func(t *testing.T) {
			_, err := s.FindActiveReservationByShortCode(ctx, short)
			wantErr(t, err, pos.CodeNotFound, "code")
		})
	}
	t.Run("ErrExpired", func(t *testing.T) {
		clock.Set(r.ExpiresAt)
		defer clock.Set(t0)
		_, err := s.FindActiveReservationByShortCode(ctx, r.ShortCode)
		wantErr(t, err, pos.CodeNotFound, "code")
	})
	t.Run("ErrCancelled", func(t *testing.T) {
		if _, err := s.CancelReservation(ctx, r.Code); err != nil {
			t.Fatal(err)
		}
		_, err := s.FindActiveReservationByShortCode(ctx, r.ShortCode)
		wantErr(t, err, pos.CodeNotFound, "code")
	})
}

// TestSaleService_CreateSale_ShortCode: a till collects a reservation by
// the short code the shopper reads out, as by the full code.
func TestSaleService_CreateSale_ShortCode(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db)
	clock := newTestClock(db, t0)
	rs, sales := bolt.NewReservationService(db), bolt.NewSaleService(db)
	r := mustReserve(t, rs, "MILK", 2, phoneA)
	req := cashSale()
	req.ReservationCode = r.ShortCode
	sale, created, err := sales.CreateSale(ctx, "k1", req)
	if err != nil || !created {
		t.Fatalf("created=%v err=%v", created, err)
	}
	if got := linesOf(sale); len(got) != 1 || got[0] != (pos.SaleLineRequest{SKU: "MILK", Qty: 2}) {
		t.Fatalf("lines=%v", got)
	}
	if got, _ := rs.FindReservation(context.Background(), r.Code); got.Status != pos.ReservationFulfilled || got.SaleID != sale.ID {
		t.Fatalf("reservation %+v, want fulfilled by %s", got, sale.ID)
	}
	checkReserved(t, db)
	t.Run("ErrFulfilled", func(t *testing.T) {
		_, _, err := sales.CreateSale(ctx, "k2", req)
		wantErr(t, err, pos.CodeNotFound, "reservation_code")
	})
	t.Run("ErrExpired", func(t *testing.T) {
		r := mustReserve(t, rs, "MILK", 1, phoneB)
		clock.Set(r.ExpiresAt.Add(time.Second))
		defer clock.Set(t0)
		req := cashSale()
		req.ReservationCode = r.ShortCode
		_, _, err := sales.CreateSale(ctx, "k3", req)
		wantErr(t, err, pos.CodeNotFound, "reservation_code")
	})
}
