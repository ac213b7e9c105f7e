package main_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// applyDownlink applies central's messages to the shop's file while no
// server holds it, as a pull on connect would.
func applyDownlink(tb testing.TB, dir string, msgs ...*pos.Downlink) {
	tb.Helper()
	db := bolt.NewDB(dir)
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	for _, m := range msgs {
		if _, err := bolt.NewDownlinkService(db).ApplyDownlink(context.Background(), m); err != nil {
			tb.Fatal(err)
		}
	}
}

func downlink(tb testing.TB, stream string, version uint64, items ...any) *pos.Downlink {
	tb.Helper()
	d := &pos.Downlink{Stream: stream, Version: version}
	for _, it := range items {
		b, err := json.Marshal(it)
		if err != nil {
			tb.Fatal(err)
		}
		d.Items = append(d.Items, b)
	}
	return d
}

// TestServe_ClickAndCollect walks two orders through the real binary: a
// prepaid one handed over against its online payment, one paid at the
// till; an order not ready is refused; the X report shows the online money
// apart from the drawer; the till orders goods for a customer and sees
// another shop's stock.
func TestServe_ClickAndCollect(t *testing.T) {
	dir := t.TempDir()
	token := mustRun(t, "terminal", "add", "--data", dir, "--name", "till-1")
	mustRun(t, "cashier", "add", "--data", dir, "--name", "anna", "--pin", "1234")
	mustRun(t, "cashier", "add", "--data", dir, "--name", "boris", "--pin", "9876", "--role", "manager")
	mustRun(t, "catalog", "import", "--data", dir, "testdata/catalog.json")
	now := time.Now().UTC()
	applyDownlink(t, dir,
		downlink(t, pos.StreamPickups, 1,
			pos.Pickup{ID: "web-1", OrderNo: "W-1", Phone: "+79161234567", Name: "Иван", Paid: true, CreatedAt: now,
				Lines: []pos.PickupLine{{SKU: "A3", Name: "Наушники", Qty: 2, Amount: pos.M(390000, "RUB")}}, Total: pos.M(390000, "RUB")},
			pos.Pickup{ID: "web-2", OrderNo: "W-2", Phone: "+79161234567", Status: "pending", CreatedAt: now,
				Lines: []pos.PickupLine{{SKU: "A1", Name: "Хлеб", Qty: 1, Amount: pos.M(6500, "RUB")}}, Total: pos.M(6500, "RUB")}),
		downlink(t, pos.StreamStock, 1, pos.RemoteStock{Store: "store-2", StoreName: "Тверская", SKU: "A3", Available: 7, At: now.Add(-time.Minute)}))
	p := startServe(t, dir)
	c := newClient(p.URL)
	c.login(t, strings.TrimSpace(token), "anna", "1234")
	var shift struct{ ID string }
	c.must(t, 201, "POST", "/api/v1/shifts", map[string]any{"opening_float": money(500000)}, nil, &shift)

	type product struct {
		Stock struct {
			OnHand    int64 `json:"on_hand"`
			Reserved  int64
			Available int64
		} `json:"stock"`
		StockElsewhere []struct {
			Store     string
			Available int64
			AgeS      int64 `json:"age_s"`
		} `json:"stock_elsewhere"`
	}
	var a3 product
	c.must(t, 200, "GET", "/api/v1/products/A3", nil, nil, &a3)
	if a3.Stock.Reserved != 2 || a3.Stock.Available != 3 {
		t.Fatalf("A3 stock %+v: the order must hold 2", a3.Stock)
	}
	if len(a3.StockElsewhere) != 1 || a3.StockElsewhere[0].Store != "store-2" || a3.StockElsewhere[0].AgeS < 60 {
		t.Fatalf("stock elsewhere %+v", a3.StockElsewhere)
	}

	var list struct {
		Items  []struct{ ID, Status string }
		Counts map[string]int
	}
	c.must(t, 200, "GET", "/api/v1/pickups", nil, nil, &list)
	if len(list.Items) != 2 || list.Counts["received"] != 2 {
		t.Fatalf("list %+v", list)
	}
	var problem struct{ Code, Field string }
	key := map[string]string{"Idempotency-Key": "collect-1"}
	c.must(t, 409, "POST", "/api/v1/pickups/web-1/collect", nil, key, &problem)
	if problem.Code != "pickup_not_ready" {
		t.Fatalf("collect before ready: %+v", problem)
	}
	c.must(t, 200, "POST", "/api/v1/pickups/web-1/picking", nil, nil, nil)
	c.must(t, 200, "POST", "/api/v1/pickups/web-1/ready", nil, nil, nil)
	type collected struct {
		ID       string
		Payments []struct{ Method string }
		Pickup   struct{ Status string }
	}
	var got, again collected
	c.must(t, 201, "POST", "/api/v1/pickups/web-1/collect", nil, key, &got)
	if len(got.Payments) != 1 || got.Payments[0].Method != "online" || got.Pickup.Status != "collected" {
		t.Fatalf("collected %+v", got)
	}
	c.must(t, 200, "POST", "/api/v1/pickups/web-1/collect", nil, key, &again)
	if again.ID != got.ID {
		t.Fatalf("replay made sale %s, first %s", again.ID, got.ID)
	}
	c.must(t, 200, "GET", "/api/v1/products/A3", nil, nil, &a3)
	if a3.Stock.OnHand != 3 || a3.Stock.Reserved != 0 {
		t.Fatalf("A3 stock after hand-over %+v", a3.Stock)
	}

	c.must(t, 200, "POST", "/api/v1/pickups/web-2/ready", nil, nil, nil)
	pay := map[string]any{"payments": []any{map[string]any{"method": "online", "amount": money(6500)}}}
	c.must(t, 400, "POST", "/api/v1/pickups/web-2/collect", pay, map[string]string{"Idempotency-Key": "collect-2"}, &problem)
	if problem.Field != "payments[0].method" {
		t.Fatalf("online from a till: %+v", problem)
	}
	pay = map[string]any{"payments": []any{map[string]any{"method": "cash", "amount": money(10000)}}}
	var cash struct{ Change struct{ Amount int64 } }
	c.must(t, 201, "POST", "/api/v1/pickups/web-2/collect", pay, map[string]string{"Idempotency-Key": "collect-2"}, &cash)
	if cash.Change.Amount != 3500 {
		t.Fatalf("change %d", cash.Change.Amount)
	}

	var x struct {
		Sales        struct{ Cash, Online struct{ Amount int64 } }
		ExpectedCash struct{ Amount int64 } `json:"expected_cash"`
	}
	c.must(t, 200, "GET", "/api/v1/shifts/"+shift.ID+"/report", nil, nil, &x)
	if x.Sales.Online.Amount != 390000 || x.Sales.Cash.Amount != 6500 || x.ExpectedCash.Amount != 506500 {
		t.Fatalf("X report %+v", x)
	}

	var order struct{ ID, Channel, Phone string }
	body := map[string]any{"sku": "A2", "qty": 3, "customer": map[string]any{"phone": "+7 916 765-43-21"}, "name": "Пётр"}
	c.must(t, 201, "POST", "/api/v1/orders", body, nil, &order)
	if order.ID == "" || order.Channel != "till" || order.Phone != "+79167654321" {
		t.Fatalf("order %+v", order)
	}
	p.stop(t)
}

// TestServe_DemoPickups checks that --demo seeds click & collect orders
// that hold their stock, so the cashier screen's walk-through has some.
func TestServe_DemoPickups(t *testing.T) {
	dir := t.TempDir()
	p := startServe(t, dir, "--demo")
	c := demoClient(t, dir, p)
	var list struct {
		Items []struct {
			ID      string
			Prepaid bool
			Items   []struct{ SKU string }
		}
		Counts map[string]int
	}
	c.must(t, 200, "GET", "/api/v1/pickups", nil, nil, &list)
	if len(list.Items) != 2 || list.Counts["received"] != 2 || list.Items[0].Prepaid == list.Items[1].Prepaid {
		t.Fatalf("demo pickups %+v", list)
	}
	var prod struct {
		Stock struct{ Reserved int64 }
	}
	c.must(t, 200, "GET", "/api/v1/products/"+list.Items[0].Items[0].SKU, nil, nil, &prod)
	if prod.Stock.Reserved == 0 {
		t.Fatalf("a demo order holds no stock: %+v", prod)
	}
	p.stop(t)
}
