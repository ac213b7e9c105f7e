package bolt_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// The chain's rules in these tests: a point is a rouble, 5% back, points
// pay at most half a receipt, 300 points a day per customer per shop.
var testRules = pos.LoyaltyRules{ID: pos.LoyaltyRulesID, PointValue: 100, EarnBP: 500, MaxRedeemPct: 50, OfflineDailyCap: 300}

const annPhone = "+79990000001"

// seedLoyalty seeds the shop, the rules and Ann with 1000 points.
func seedLoyalty(t *testing.T, db *bolt.DB) context.Context {
	t.Helper()
	ctx := seed(t, db)
	dl := bolt.NewDownlinkService(db)
	mustApply(t, dl, msg(t, pos.StreamLoyalty, 1, testRules), 1)
	mustApply(t, dl, msg(t, pos.StreamCustomers, 1, pos.Customer{ID: "ann", Phone: annPhone, Name: "Анна", LoyaltyPoints: 1000}), 1)
	return ctx
}

func pointsSale(points, cash int64, lines ...pos.SaleLineRequest) *pos.SaleRequest {
	req := &pos.SaleRequest{Lines: lines, Customer: &pos.CustomerRef{Phone: annPhone}}
	if points > 0 {
		req.Payments = append(req.Payments, pos.PaymentRequest{Method: pos.PaymentPoints, Amount: pos.M(points, "RUB")})
	}
	req.Payments = append(req.Payments, pos.PaymentRequest{Method: "cash", Amount: pos.M(cash, "RUB")})
	return req
}

func mustAccount(t *testing.T, s *bolt.LoyaltyService, wantBalance, wantCap int64) {
	t.Helper()
	acc, err := s.FindAccount(context.Background(), annPhone, "")
	if err != nil {
		t.Fatal(err)
	}
	if acc.PointsBalance != wantBalance || acc.OfflinePointsCap != wantCap {
		t.Fatalf("balance=%d cap=%d, want %d and %d", acc.PointsBalance, acc.OfflinePointsCap, wantBalance, wantCap)
	}
}

func TestLoyalty_EarnBurnReturn(t *testing.T) {
	db := MustOpenDB(t)
	db.Now = func() time.Time { return t0 }
	ctx := seedLoyalty(t, db)
	sales, loyalty := bolt.NewSaleService(db), bolt.NewLoyaltyService(db)
	milk2 := pos.SaleLineRequest{SKU: "MILK", Qty: 2} // 179.80

	mustAccount(t, loyalty, 1000, 300)

	// Paid in money: 5% of 179.80 is 8.99, so 8 points.
	sale, _, err := sales.CreateSale(ctx, "earn", pointsSale(0, 20000, milk2))
	if err != nil {
		t.Fatal(err)
	}
	if sale.CustomerID != "ann" || sale.PointsEarned != 8 || sale.PointsPaid != 0 {
		t.Fatalf("customer=%q earned=%d paid=%d", sale.CustomerID, sale.PointsEarned, sale.PointsPaid)
	}
	mustAccount(t, loyalty, 1008, 300)

	// 50 points pay 50.00; the rest, 129.80, earns 6 points.
	sale, _, err = sales.CreateSale(ctx, "burn", pointsSale(5000, 20000, milk2))
	if err != nil {
		t.Fatal(err)
	}
	if sale.PointsPaid != 50 || sale.PointsEarned != 6 || sale.CashPaid() != 12980 || sale.Change.Amount != 7020 {
		t.Fatalf("paid=%d earned=%d cash=%d change=%d", sale.PointsPaid, sale.PointsEarned, sale.CashPaid(), sale.Change.Amount)
	}
	mustAccount(t, loyalty, 964, 250)

	// A replay changes nothing.
	if _, created, err := sales.CreateSale(ctx, "burn", pointsSale(5000, 20000, milk2)); err != nil || created {
		t.Fatalf("replay: created=%v err=%v", created, err)
	}
	mustAccount(t, loyalty, 964, 250)

	// Returning one of two bottles gives back half the points paid and
	// takes back half the points earned (rounded), refunds the rest in cash.
	ret, _, err := sales.CreateReturn(ctx, sale.ID, "ret1", &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{{SKU: "MILK", Qty: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if ret.PointsRefunded != 25 || ret.PointsReversed != 3 || ret.RefundCash() != 8990-2500 {
		t.Fatalf("refunded=%d reversed=%d cash=%d", ret.PointsRefunded, ret.PointsReversed, ret.RefundCash())
	}
	mustAccount(t, loyalty, 986, 250) // the daily cap counts burns, not what came back
	// The other bottle: the rest of both, so parts add up.
	ret, _, err = sales.CreateReturn(ctx, sale.ID, "ret2", &pos.ReturnRequest{Lines: []pos.ReturnLineRequest{{SKU: "MILK", Qty: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if ret.PointsRefunded != 25 || ret.PointsReversed != 3 || ret.RefundCash() != 8990-2500 {
		t.Fatalf("refunded=%d reversed=%d cash=%d", ret.PointsRefunded, ret.PointsReversed, ret.RefundCash())
	}
	mustAccount(t, loyalty, 1008, 250)

	// The outbox carries the points events, each after its sale or return.
	evs, err := bolt.NewOutboxService(db).Events(ctx, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, raw := range evs {
		var ev struct {
			Type string `json:"type"`
			Data struct {
				Points int64 `json:"points"`
			} `json:"data"`
		}
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Data.Points != 0 {
			got = append(got, fmt.Sprintf("%s:%d", ev.Type[len("ru.storeedge."):], ev.Data.Points))
		}
	}
	want := []string{"loyalty.accrued:8", "loyalty.redeemed:50", "loyalty.accrued:6",
		"loyalty.redeemed:-25", "loyalty.accrued:-3", "loyalty.redeemed:-25", "loyalty.accrued:-3"}
	if len(got) != len(want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("events %v, want %v", got, want)
		}
	}
}

func TestLoyalty_Refusals(t *testing.T) {
	db := MustOpenDB(t)
	db.Now = func() time.Time { return t0 }
	ctx := seedLoyalty(t, db)
	mustApply(t, bolt.NewDownlinkService(db), msg(t, pos.StreamCustomers, 2,
		pos.Customer{ID: "bob", Phone: "+79990000002", Name: "Боб", LoyaltyPoints: 100}), 1)
	sales := bolt.NewSaleService(db)
	milk2 := pos.SaleLineRequest{SKU: "MILK", Qty: 2} // 179.80: points pay at most 89.90
	tv := pos.SaleLineRequest{SKU: "TV", Qty: 1}      // 29 990.00
	bob := func(req *pos.SaleRequest) *pos.SaleRequest {
		req.Customer = &pos.CustomerRef{Phone: "+79990000002"}
		return req
	}
	for _, tc := range []struct {
		name string
		req  *pos.SaleRequest
		code string
	}{
		{"PartPoint", pointsSale(150, 20000, milk2), pos.CodeValidationFailed},
		{"OverShare", pointsSale(9000, 20000, milk2), pos.CodePointsLimit},
		{"OverCap", pointsSale(30100, 3000000, tv), pos.CodePointsCap},
		{"OverBalance", bob(pointsSale(10100, 3000000, tv)), pos.CodeInsufficientPoints},
		{"NoCustomer", &pos.SaleRequest{Lines: []pos.SaleLineRequest{milk2},
			Payments: []pos.PaymentRequest{{Method: pos.PaymentPoints, Amount: pos.M(1000, "RUB")}, {Method: "cash", Amount: pos.M(20000, "RUB")}}},
			pos.CodeValidationFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := stockOf(t, db, "TV")
			_, _, err := sales.CreateSale(ctx, "refused-"+tc.name, tc.req)
			if got := pos.ErrorCode(err); got != tc.code {
				t.Fatalf("code=%q (%v), want %q", got, err, tc.code)
			}
			if after := stockOf(t, db, "TV"); after != before {
				t.Fatalf("a refused sale moved stock: %+v -> %+v", before, after)
			}
		})
	}
	mustAccount(t, bolt.NewLoyaltyService(db), 1000, 300)

	// At the cap exactly is fine, and then nothing more today; tomorrow
	// the cap is whole again.
	if _, _, err := sales.CreateSale(ctx, "at-cap", pointsSale(30000, 3000000, tv)); err != nil {
		t.Fatal(err)
	}
	mustAccount(t, bolt.NewLoyaltyService(db), 700+1484, 0) // 5% of 29 690.00 earned
	db.Now = func() time.Time { return t0.Add(24 * time.Hour) }
	mustAccount(t, bolt.NewLoyaltyService(db), 700+1484, 300)
}

func TestLoyalty_Unavailable(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db)
	mustApply(t, bolt.NewDownlinkService(db), msg(t, pos.StreamCustomers, 1, pos.Customer{ID: "ann", Phone: annPhone, LoyaltyPoints: 1000}), 1)
	sale, _, err := bolt.NewSaleService(db).CreateSale(ctx, "no-rules", pointsSale(1000, 20000, pos.SaleLineRequest{SKU: "MILK", Qty: 2}))
	wantErr(t, err, pos.CodeLoyaltyUnavailable, "payments[0]")
	if sale != nil {
		t.Fatal("a refused sale came back")
	}
	// Without rules a sale still sells, and earns nothing.
	sale, _, err = bolt.NewSaleService(db).CreateSale(ctx, "no-rules-cash", pointsSale(0, 20000, pos.SaleLineRequest{SKU: "MILK", Qty: 2}))
	if err != nil || sale.PointsEarned != 0 {
		t.Fatalf("earned=%v err=%v", sale, err)
	}
}

// Central's balance counts the shop's changes up to points_as_of: the
// shop drops those from its pending ones and adds only the rest.
func TestLoyalty_CentralCounts(t *testing.T) {
	db := MustOpenDB(t)
	db.Now = func() time.Time { return t0 }
	ctx := seedLoyalty(t, db)
	sales, loyalty, dl := bolt.NewSaleService(db), bolt.NewLoyaltyService(db), bolt.NewDownlinkService(db)
	milk2 := pos.SaleLineRequest{SKU: "MILK", Qty: 2}
	if _, _, err := sales.CreateSale(ctx, "s1", pointsSale(5000, 20000, milk2)); err != nil { // -50 +6
		t.Fatal(err)
	}
	mustAccount(t, loyalty, 956, 250)
	st, err := bolt.NewOutboxService(db).OutboxStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	upto, store, epoch := st.LastSeq, db.StoreID, db.Epoch()
	if _, _, err := sales.CreateSale(ctx, "s2", pointsSale(0, 20000, milk2)); err != nil { // +8
		t.Fatal(err)
	}
	mustAccount(t, loyalty, 964, 250)

	// Central counted s1 (and 200 points from elsewhere): 1000-50+6-200.
	mustApply(t, dl, msg(t, pos.StreamCustomers, 2, pos.Customer{ID: "ann", Phone: annPhone, LoyaltyPoints: 756,
		PointsAsOf: []pos.PointsPosition{{Store: store, Epoch: epoch, Seq: upto}}}), 1)
	mustAccount(t, loyalty, 764, 250) // the day's cap is the shop's own: it stays
	// The same message again counts nothing twice.
	mustApply(t, dl, msg(t, pos.StreamCustomers, 3, pos.Customer{ID: "ann", Phone: annPhone, LoyaltyPoints: 756,
		PointsAsOf: []pos.PointsPosition{{Store: store, Epoch: epoch, Seq: upto}}}), 1)
	mustAccount(t, loyalty, 764, 250)
}

func TestLoyalty_Register(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seedLoyalty(t, db)
	s := bolt.NewLoyaltyService(db)
	acc, err := s.RegisterCustomer(ctx, &pos.CustomerRegistration{Phone: "8 (916) 555-01-02", Name: "Ольга", Consent: true})
	if err != nil {
		t.Fatal(err)
	}
	if acc.Phone != "+79165550102" || acc.ID == "" || acc.PointsBalance != 0 || acc.PointValue != 100 {
		t.Fatalf("account %+v", acc)
	}
	found, err := s.FindAccount(ctx, "+79165550102", "")
	if err != nil || found.ID != acc.ID {
		t.Fatalf("find: %+v %v", found, err)
	}
	_, err = s.RegisterCustomer(ctx, &pos.CustomerRegistration{Phone: annPhone, Name: "Другая Анна"})
	wantErr(t, err, pos.CodeConflict, "phone")
	_, err = s.RegisterCustomer(ctx, &pos.CustomerRegistration{Phone: "+79165550103", Name: ""})
	wantErr(t, err, pos.CodeValidationFailed, "name")
}
