package main_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/storeedge/storeedge/pos/bolt"
)

// The offline points test's rules and customer: a point is worth 1 ₽, a
// sale earns 5% of what is paid in money, points pay at most half a
// receipt, and a customer may burn at most offlineCap points a day at one
// shop. The balance is above the cap, so each shop can burn the whole cap
// and the two together overspend the balance: by at most one cap.
const (
	loyaltyBalance = 150 // B: the balance central sends down
	offlineCap     = 100 // C: offline_daily_cap
	loyaltyPhone   = "+79161234567"
)

// pointsSale is a sale of one A1 (69,90 ₽) to the customer, points
// worth of it paid in points and the rest in cash.
func pointsSale(points int64) map[string]any {
	return map[string]any{"lines": []any{map[string]any{"sku": "A1", "qty": 1}},
		"customer": map[string]any{"phone": loyaltyPhone},
		"payments": []any{map[string]any{"method": "points", "amount": money(points * 100)},
			map[string]any{"method": "cash", "amount": money(6990 - points*100)}}}
}

// burnUntilRefused sells with points, 30, then 10, then 1 at a time, each
// until the shop refuses it, and returns the points burned and earned and
// the refusals' codes.
func burnUntilRefused(t *testing.T, s *shop) (burned, earned int64, refusals map[string]int) {
	t.Helper()
	refusals = map[string]int{}
	for _, p := range []int64{30, 10, 1} {
		for {
			var sale struct {
				PointsPaid   int64  `json:"points_paid"`
				PointsEarned int64  `json:"points_earned"`
				Code         string `json:"code"`
			}
			code, err := s.tills[0].do("POST", "/api/v1/sales", pointsSale(p), map[string]string{"Idempotency-Key": uuid.NewString()}, &sale)
			if err != nil {
				t.Fatal(err)
			}
			if code == 422 && (sale.Code == "points_cap_reached" || sale.Code == "insufficient_points") {
				refusals[sale.Code]++
				break
			}
			if code != 201 || sale.PointsPaid != p {
				t.Fatalf("%s: sale paying %d points: %d %+v", s.store, p, code, sale)
			}
			burned, earned = burned+sale.PointsPaid, earned+sale.PointsEarned
		}
	}
	return burned, earned, refusals
}

// TestLoyalty_TwoShopsOffline: a customer with balance B spends points in
// two shops while the broker is down. Each shop lets them burn at most
// min(balance there, C) a day, so both together burn at most B + C (with
// n shops, B + (n-1)·C beyond what they earn). After the broker is back,
// central's balance is B + earned - burned from its ledger and from the
// sales, and both shops show exactly central's balance: the changes they
// kept pending are dropped once central's balance counts them.
func TestLoyalty_TwoShopsOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: not in -short")
	}
	ch := newChain(t)
	central := ch.central(t)
	shops := []*shop{
		newShop(t, "loy1", 1, append(ch.shopArgs(t, "loy1"), "--central-url", central.URL)...),
		newShop(t, "loy2", 1, append(ch.shopArgs(t, "loy2"), "--central-url", central.URL)...),
	}
	for _, s := range shops {
		s.waitDrained(t, time.Minute)
	}
	admin := newClient(central.URL)
	admin.token = ch.adminToken(t, "loyalty")
	var rules, cust struct{ Version uint64 }
	admin.must(t, 201, "POST", "/api/v1/downlink", map[string]any{"stream": "loyalty", "items": []any{map[string]any{
		"id": "rules", "point_value": 100, "earn_bp": 500, "max_redeem_pct": 50, "offline_daily_cap": offlineCap}}}, nil, &rules)
	admin.must(t, 201, "POST", "/api/v1/downlink", map[string]any{"stream": "customers", "items": []any{map[string]any{
		"id": "cust-1", "phone": loyaltyPhone, "name": "Анна", "loyalty_points": loyaltyBalance}}}, nil, &cust)
	for _, s := range shops {
		waitDownlink(t, s, "loyalty", rules.Version)
		waitDownlink(t, s, "customers", cust.Version)
	}

	ch.broker.Stop()
	var burned, earned int64
	for _, s := range shops {
		b, e, refusals := burnUntilRefused(t, s)
		t.Logf("%s offline: burned %d, earned %d, then refused %v", s.store, b, e, refusals)
		if b > min(loyaltyBalance+e, offlineCap) {
			t.Fatalf("%s burned %d offline, more than min(balance %d, cap %d)", s.store, b, loyaltyBalance+e, offlineCap)
		}
		burned, earned = burned+b, earned+e
	}
	if burned > loyaltyBalance+offlineCap {
		t.Fatalf("burned %d offline in two shops, more than B + C = %d", burned, loyaltyBalance+offlineCap)
	}
	t.Logf("two shops offline: burned %d of balance %d (bound B + C = %d), earned %d", burned, loyaltyBalance, loyaltyBalance+offlineCap, earned)

	ch.broker.Start()
	for _, s := range shops {
		s.waitDrained(t, time.Minute)
	}
	want := loyaltyBalance + earned - burned
	var acc struct {
		PointsBalance int64 `json:"points_balance"`
		Earned        int64 `json:"earned"`
		Burned        int64 `json:"burned"`
		Uncounted     int64 `json:"uncounted_points"`
		Ledger        []any `json:"ledger"`
	}
	admin.must(t, 200, "GET", "/api/v1/customers/cust-1/loyalty", nil, nil, &acc)
	if acc.PointsBalance != want || acc.Earned != earned || acc.Burned != burned || acc.Uncounted != 0 {
		t.Fatalf("central's account %+v, want balance %d = %d + %d - %d", acc, want, loyaltyBalance, earned, burned)
	}
	if paid, got := salesPoints(t, ch.dbURL, "cust-1"); paid != burned || got != earned {
		t.Fatalf("central's sales: %d points paid, %d earned; want %d, %d", paid, got, burned, earned)
	}
	t.Logf("central: balance %d = B %d + earned %d - burned %d, %d ledger rows", acc.PointsBalance, loyaltyBalance, earned, burned, len(acc.Ledger))
	for _, s := range shops {
		waitLookupPoints(t, s, want)
		var refusal struct{ Code string }
		s.tills[0].must(t, 422, "POST", "/api/v1/sales", pointsSale(1), map[string]string{"Idempotency-Key": uuid.NewString()}, &refusal)
		if refusal.Code != "insufficient_points" {
			t.Fatalf("%s: a points sale on a balance of %d was refused with %q, want insufficient_points", s.store, want, refusal.Code)
		}
		s.proc.stop(t)
		if got := edgeBalance(t, s); got != want {
			t.Fatalf("%s: the till's balance is %d, central's %d", s.store, got, want)
		}
	}
}

// waitDownlink waits until the shop holds stream at version or later.
func waitDownlink(t *testing.T, s *shop, stream string, version uint64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var st struct {
			Versions map[string]uint64 `json:"downlink_versions"`
		}
		s.tills[0].must(t, 200, "GET", "/api/v1/sync/status", nil, nil, &st)
		if st.Versions[stream] >= version {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s stream at %d, want %d", s.store, stream, st.Versions[stream], version)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitLookupPoints waits until the shop's profile of the customer carries
// central's balance (a new customers item came down) and the till's
// points_balance is that balance: the shop's pending changes central
// counted are not added twice.
func waitLookupPoints(t *testing.T, s *shop, want int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var c struct {
			LoyaltyPoints int64 `json:"loyalty_points"`
			PointsBalance int64 `json:"points_balance"`
		}
		s.tills[0].must(t, 200, "GET", "/api/v1/customers/lookup?phone=%2B79161234567", nil, nil, &c)
		if c.LoyaltyPoints == want && c.PointsBalance == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: the customer's loyalty_points is %d and points_balance %d, want central's %d", s.store, c.LoyaltyPoints, c.PointsBalance, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// edgeBalance reads the till's balance of the customer from the stopped
// shop's database: central's last balance plus the pending changes.
func edgeBalance(t *testing.T, s *shop) int64 {
	t.Helper()
	db := bolt.NewDB(s.dir)
	db.ReadOnly = true
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	acc, err := bolt.NewLoyaltyService(db).FindAccount(context.Background(), loyaltyPhone, "")
	if err != nil {
		t.Fatal(err)
	}
	return acc.PointsBalance
}

// salesPoints sums the points central's sale rows say were paid and earned
// by a customer.
func salesPoints(t *testing.T, dbURL, customer string) (paid, earned int64) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	err = conn.QueryRow(context.Background(), `SELECT COALESCE(sum(points_paid), 0), COALESCE(sum(points_earned), 0)
		FROM sales WHERE customer_id = $1`, customer).Scan(&paid, &earned)
	if err != nil {
		t.Fatal(fmt.Errorf("sales points: %w", err))
	}
	return paid, earned
}
