package central_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	storesync "github.com/storeedge/storeedge/sync"
	"github.com/storeedge/storeedge/sync/central"
)

// addPoints appends a loyalty event of customer to the shop.
func (s *shop) addPoints(t *testing.T, typ, customer, saleID, returnID string, points int64) uint64 {
	t.Helper()
	return s.add(t, typ, pos.LoyaltyEvent{CustomerID: customer, SaleID: saleID, ReturnID: returnID,
		Points: points, Value: pos.M(points*100, "RUB"), At: time.Now().UTC()})
}

// loyalty reads a customer's account from central's HTTP API.
func loyalty(t *testing.T, c *central.Server, token, id string) central.LoyaltyAccount {
	t.Helper()
	var acc central.LoyaltyAccount
	if code := getJSON(t, token, c.URL()+"/api/v1/customers/"+id+"/loyalty", &acc); code != http.StatusOK {
		t.Fatalf("GET loyalty of %s: %d", id, code)
	}
	return acc
}

// lastCustomer is the newest customers item for id published chain-wide.
func (l *downlinkLog) lastCustomer(t *testing.T, id string) (pos.Customer, uint64, bool) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var best pos.Customer
	var version uint64
	for _, d := range l.msgs[storesync.AllDownlinkTopic] {
		if d.Stream != pos.StreamCustomers || d.Version < version {
			continue
		}
		items, err := pos.DecodeDownlinkItems(d.Stream, d.Items)
		if err != nil {
			t.Fatalf("customers message %d: %v", d.Version, err)
		}
		for _, c := range items.([]pos.Customer) {
			if c.ID == id {
				best, version = c, d.Version
			}
		}
	}
	return best, version, version > 0
}

// waitBalance waits until a customers item for id with points comes down.
func (l *downlinkLog) waitBalance(t *testing.T, id string, points int64) pos.Customer {
	t.Helper()
	var c pos.Customer
	waitFor(t, 15*time.Second, "customers item of "+id, func() bool {
		var ok bool
		c, _, ok = l.lastCustomer(t, id)
		return ok && c.LoyaltyPoints == points
	})
	return c
}

// TestLoyalty_LedgerBalanceReplay books a shop's points events, sends the
// balance down with the shop's position, and counts nothing twice when
// the batch comes again, whole or overlapping.
func TestLoyalty_LedgerBalanceReplay(t *testing.T) {
	h := newLabHarness(t)
	c := h.startCentral(t)
	dl := h.watchDownlink(t)
	admin := h.addToken(t, central.RoleAdmin)
	office := map[string]any{"stream": "customers", "items": []any{
		map[string]any{"id": "cust-1", "phone": "+79161234567", "name": "Анна", "loyalty_points": 1000}}}
	if code := post(t, admin, c.URL()+"/api/v1/downlink", office, nil); code != http.StatusCreated {
		t.Fatalf("POST customers: %d", code)
	}
	dl.waitBalance(t, "cust-1", 1000)

	s := newShop("s1")
	s.addSales(t, 1)
	s.addPoints(t, pos.EventLoyaltyRedeemed, "cust-1", "sale-1", "", 200)
	s.addPoints(t, pos.EventLoyaltyAccrued, "cust-1", "sale-1", "", 50)
	s.addPoints(t, pos.EventLoyaltyRedeemed, "cust-1", "sale-1", "ret-1", -20) // a return gives back
	s.addPoints(t, pos.EventLoyaltyAccrued, "cust-1", "sale-1", "ret-1", -5)   // and takes back
	s.add(t, pos.EventCustomerRegistered, pos.CustomerRegistered{Customer: pos.Customer{ID: "c-new", Phone: "+79160000001", Name: "Борис"},
		Consent: true, At: time.Now().UTC(), TerminalID: "till-1"})
	s.addPoints(t, pos.EventLoyaltyAccrued, "c-new", "sale-2", "", 7)
	n := uint64(len(s.events))
	want := int64(1000 - 200 + 50 + 20 - 5)

	h.publish(t, s.store, s.batch(1, n))
	h.acks.wait(t, s.store, s.epoch, n, 1)
	got := dl.waitBalance(t, "cust-1", want)
	if len(got.PointsAsOf) != 1 || got.PointsAsOf[0] != (pos.PointsPosition{Store: "s1", Epoch: s.epoch, Seq: n}) {
		t.Fatalf("points_as_of=%+v, want s1/%s/%d", got.PointsAsOf, s.epoch, n)
	}
	if nc := dl.waitBalance(t, "c-new", 7); nc.Phone != "+79160000001" || nc.Name != "Борис" {
		t.Fatalf("registered customer came down as %+v", nc)
	}
	checkAccount(t, loyalty(t, c, admin, "cust-1"), want, 45, 180, 4)

	// The same batch again, and an overlapping one: acked, counted once.
	h.publish(t, s.store, s.batch(1, n))
	h.publish(t, s.store, s.batch(3, n))
	h.acks.wait(t, s.store, s.epoch, n, 3)
	if got, want := h.count(t, `SELECT count(*) FROM loyalty_ledger`), 5; got != want {
		t.Fatalf("ledger rows=%d after replay, want %d", got, want)
	}
	checkAccount(t, loyalty(t, c, admin, "cust-1"), want, 45, 180, 4)
	if got, want := h.count(t, `SELECT count(*) FROM downlink WHERE stream = 'customers'`), 2; got != want {
		t.Fatalf("customers messages=%d after replay, want %d (a replay sends nothing)", got, want)
	}
}

func checkAccount(t *testing.T, acc central.LoyaltyAccount, balance, earned, burned int64, rows int) {
	t.Helper()
	if acc.PointsBalance != balance || acc.Earned != earned || acc.Burned != burned || len(acc.Ledger) != rows || acc.Uncounted != 0 {
		t.Fatalf("account=%+v, want balance %d earned %d burned %d with %d rows", acc, balance, earned, burned, rows)
	}
}

// TestLoyalty_GapCountsLater: a shop's event stored past a gap in its
// sequence is not in the balance (nor in points_as_of) until the gap is
// filled, so the shop never drops a pending change central has not counted
// and never adds one central has.
func TestLoyalty_GapCountsLater(t *testing.T) {
	h := newLabHarness(t)
	c := h.startCentral(t)
	dl := h.watchDownlink(t)
	admin := h.addToken(t, central.RoleAdmin)
	post(t, admin, c.URL()+"/api/v1/downlink", map[string]any{"stream": "customers", "items": []any{
		map[string]any{"id": "cust-1", "phone": "+79161234567", "loyalty_points": 100}}}, nil)
	s := newShop("s2")
	s.addPoints(t, pos.EventLoyaltyAccrued, "cust-1", "sale-1", "", 10)
	s.addPoints(t, pos.EventLoyaltyAccrued, "cust-1", "sale-2", "", 20)

	h.publish(t, s.store, s.batch(2, 2))
	h.waitCount(t, 1, `SELECT count(*) FROM loyalty_ledger`)
	acc := loyalty(t, c, admin, "cust-1")
	if acc.PointsBalance != 100 || acc.Uncounted != 20 || len(acc.PointsAsOf) != 0 {
		t.Fatalf("past a gap: %+v, want balance 100, 20 uncounted, no position", acc)
	}
	h.publish(t, s.store, s.batch(1, 1))
	h.acks.wait(t, s.store, s.epoch, 2, 1)
	got := dl.waitBalance(t, "cust-1", 130)
	if len(got.PointsAsOf) != 1 || got.PointsAsOf[0].Seq != 2 {
		t.Fatalf("points_as_of=%+v, want seq 2", got.PointsAsOf)
	}
}

// TestLoyalty_OfficeBase: the office's loyalty_points is the base the
// ledger adds to; an item without it keeps the base.
func TestLoyalty_OfficeBase(t *testing.T) {
	h := newLabHarness(t)
	c := h.startCentral(t)
	dl := h.watchDownlink(t)
	admin := h.addToken(t, central.RoleAdmin)
	push := func(item map[string]any) {
		t.Helper()
		if code := post(t, admin, c.URL()+"/api/v1/downlink", map[string]any{"stream": "customers", "items": []any{item}}, nil); code != http.StatusCreated {
			t.Fatalf("POST customers: %d", code)
		}
	}
	push(map[string]any{"id": "cust-1", "phone": "+79161234567", "loyalty_points": 100})
	s := newShop("s3")
	s.addPoints(t, pos.EventLoyaltyAccrued, "cust-1", "sale-1", "", 10)
	h.publish(t, s.store, s.batch(1, 1))
	dl.waitBalance(t, "cust-1", 110)

	push(map[string]any{"id": "cust-1", "phone": "+79161234567", "name": "Анна", "tier": "gold"})
	waitFor(t, 15*time.Second, "the profile push", func() bool {
		got, _, _ := dl.lastCustomer(t, "cust-1")
		return got.Name == "Анна"
	})
	if got, _, _ := dl.lastCustomer(t, "cust-1"); got.LoyaltyPoints != 110 || got.Tier != "gold" || len(got.PointsAsOf) != 1 {
		t.Fatalf("profile push came down as %+v, want 110 points, tier gold, one position", got)
	}
	push(map[string]any{"id": "cust-1", "phone": "+79161234567", "loyalty_points": 500})
	dl.waitBalance(t, "cust-1", 510)
	if acc := loyalty(t, c, admin, "cust-1"); acc.BasePoints != 500 || acc.PointsBalance != 510 {
		t.Fatalf("account=%+v, want base 500, balance 510", acc)
	}

	viewer := h.addToken(t, central.RoleViewer)
	if code := getJSON(t, viewer, c.URL()+"/api/v1/customers/nobody/loyalty", nil); code != http.StatusNotFound {
		t.Fatalf("unknown customer: %d, want 404", code)
	}
	if code := getJSON(t, "", c.URL()+"/api/v1/customers/cust-1/loyalty", nil); code != http.StatusUnauthorized {
		t.Fatalf("without a token: %d, want 401", code)
	}
	if code := getJSON(t, viewer, c.URL()+"/api/v1/customers/cust-1/loyalty?limit=x", nil); code != http.StatusBadRequest {
		t.Fatalf("bad limit: %d, want 400", code)
	}
}

// TestLoyalty_Quarantine: a loyalty event central cannot book is kept in
// quarantine and acked past; the shop's other points still count.
func TestLoyalty_Quarantine(t *testing.T) {
	h := newLabHarness(t)
	c := h.startCentral(t)
	admin := h.addToken(t, central.RoleAdmin)
	post(t, admin, c.URL()+"/api/v1/downlink", map[string]any{"stream": "customers", "items": []any{
		map[string]any{"id": "cust-1", "phone": "+79161234567"}}}, nil)
	s := newShop("s4")
	s.addPoints(t, pos.EventLoyaltyAccrued, "", "sale-1", "", 10) // no customer
	s.addPoints(t, pos.EventLoyaltyAccrued, "cust-1", "sale-2", "", 0)
	s.addPoints(t, pos.EventLoyaltyAccrued, "cust-1", "sale-3", "", 30)
	h.publish(t, s.store, s.batch(1, 3))
	h.acks.wait(t, s.store, s.epoch, 3, 1)
	if got, want := h.count(t, `SELECT count(*) FROM quarantine WHERE store = 's4' AND stored`), 2; got != want {
		t.Fatalf("quarantined=%d, want %d", got, want)
	}
	if acc := loyalty(t, c, admin, "cust-1"); acc.PointsBalance != 30 || len(acc.Ledger) != 1 {
		t.Fatalf("account=%+v, want 30 points from one row", acc)
	}
}

// TestLoyalty_ReplicasKeepVersionsInOrder: two shops' points for one
// customer applied by two replicas at once. With accruals only, the
// balance can only grow, so every customers message must carry at least
// the balance of every lower version: a higher version is never older.
func TestLoyalty_ReplicasKeepVersionsInOrder(t *testing.T) {
	h := newLabHarness(t)
	c := h.startCentral(t)
	h.startCentral(t)
	dl := h.watchDownlink(t)
	admin := h.addToken(t, central.RoleAdmin)
	post(t, admin, c.URL()+"/api/v1/downlink", map[string]any{"stream": "customers", "items": []any{
		map[string]any{"id": "cust-1", "phone": "+79161234567"}}}, nil)
	shops := []*shop{newShop("r1"), newShop("r2")}
	for _, s := range shops {
		for i := range 40 {
			s.addPoints(t, pos.EventLoyaltyAccrued, "cust-1", "sale-"+s.store+"-"+strconv.Itoa(i), "", 1)
		}
	}
	for from := uint64(1); from <= 40; from += 4 {
		for _, s := range shops {
			h.publish(t, s.store, s.batch(from, from+3))
		}
	}
	for _, s := range shops {
		h.acks.wait(t, s.store, s.epoch, 40, 1)
	}
	dl.waitBalance(t, "cust-1", 80)
	rows, err := h.db.Query(t.Context(), `SELECT version, (items->0->>'loyalty_points')::bigint FROM downlink
		WHERE stream = 'customers' ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	prev := int64(-1)
	for rows.Next() {
		var v, points int64
		if err := rows.Scan(&v, &points); err != nil {
			t.Fatal(err)
		}
		if points < prev {
			t.Fatalf("version %d carries %d points, below an earlier version's %d", v, points, prev)
		}
		prev = points
	}
	if prev != 80 {
		t.Fatalf("the newest balance is %d, want 80", prev)
	}
}
