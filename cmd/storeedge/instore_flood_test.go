package main_test

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// demoStock is a product of the demo shop as the staff API shows it.
type demoStock struct {
	SKU   string `json:"sku"`
	Unit  string `json:"unit"`
	Stock struct {
		OnHand   int64 `json:"on_hand"`
		Reserved int64 `json:"reserved"`
	} `json:"stock"`
}

// demoProducts lists the first n products of the catalog with their stock.
func demoProducts(t *testing.T, staff *client, n int) []demoStock {
	var page struct{ Items []demoStock }
	staff.must(t, 200, "GET", "/api/v1/products?limit="+fmt.Sprint(n), nil, nil, &page)
	return page.Items
}

// TestInstore_ReservationFlood is the attack, against the real
// binary: one client posts reservations for 40 products with hundreds of
// made-up phones, in a tight loop from several connections. The rate
// limits are set out of the way so that the storage's rules are what
// stops it: no product ends with more than half its stock held, and no
// refusal says how many are left.
func TestInstore_ReservationFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: not in -short")
	}
	dir := t.TempDir()
	p := startServe(t, dir, "--demo", "--http-shopper-rate", "1000000", "--shopper-reservation-rate", "10000")
	staff := demoClient(t, dir, p)
	products := demoProducts(t, staff, 40)
	var created, refused atomic.Int64
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			shopper := newClient(p.URL)
			for i := w; i < 800; i += 8 { // 800 phones, 3 reservations each
				for j := range 3 {
					pr := products[(i*3+j)%len(products)]
					qty := map[string]int{"piece": 5, "gram": 1000}[pr.Unit]
					body := map[string]any{"sku": pr.SKU, "qty": qty, "phone": fmt.Sprintf("+7916%07d", i)}
					floodOnce(t, shopper, body, &created, &refused)
				}
			}
		})
	}
	wg.Wait()
	t.Logf("%d reservations made, %d refused for stock", created.Load(), refused.Load())
	if created.Load() == 0 || refused.Load() == 0 {
		t.Fatalf("created=%d refused=%d: the flood did not reach the limits", created.Load(), refused.Load())
	}
	for _, pr := range demoProducts(t, staff, 40) {
		if pr.Stock.Reserved*2 > pr.Stock.OnHand {
			t.Errorf("%s: %d of %d held, more than half", pr.SKU, pr.Stock.Reserved, pr.Stock.OnHand)
		}
	}
}

// floodOnce posts one reservation; a 409 must not give a number.
func floodOnce(t *testing.T, c *client, body map[string]any, created, refused *atomic.Int64) {
	var problem struct{ Title, Detail, Code string }
	code, err := c.do("POST", "/api/v1/reservations", body, nil, &problem)
	switch {
	case err != nil:
		t.Error(err)
	case code == 201:
		created.Add(1)
	case code == 409:
		refused.Add(1)
		if strings.ContainsAny(problem.Title+problem.Detail, "0123456789") {
			t.Errorf("409 gives a number: %+v", problem)
		}
	case code != 429: // the phone's 3 active reservations
		t.Errorf("POST %v: status %d %+v", body, code, problem)
	}
}

// TestInstore_ReservationFloodDefaults: with the shipped limits, the same
// client is cut off by the rate limits long before the storage's: one
// address gets http.shopper_rate requests a minute.
func TestInstore_ReservationFloodDefaults(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: not in -short")
	}
	dir := t.TempDir()
	p := startServe(t, dir, "--demo")
	products := demoProducts(t, demoClient(t, dir, p), 40)
	shopper := newClient(p.URL)
	var ok, limited int
	for i := range 300 {
		body := map[string]any{"sku": products[i%len(products)].SKU, "qty": 1, "phone": fmt.Sprintf("+7916%07d", i)}
		code, err := shopper.do("POST", "/api/v1/reservations", body, nil, nil)
		switch {
		case err != nil:
			t.Fatal(err)
		case code == 201:
			ok++
		case code == 429:
			limited++
		}
	}
	if ok > 120 || limited < 300-120 {
		t.Fatalf("%d made, %d limited: want at most http.shopper_rate (120) a minute", ok, limited)
	}
}
