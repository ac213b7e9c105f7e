package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// crashTills is the number of tills ringing up sales at once.
const crashTills = 8

// attempt is one sale (or return) a till tried: its idempotency key and
// body, and what the server said. A till that got no answer retries the same
// key later, as a real till must.
type attempt struct {
	key    string
	body   map[string]any
	acked  bool // got a 2xx
	saleID string
	seq    uint64
}

// crashLog collects, across all tills, what was acknowledged.
type crashLog struct {
	mu      sync.Mutex
	sales   []*attempt
	returns []*attempt
}

// TestCrash kills the real server with SIGKILL at random moments while 8
// tills post sales and returns (some retried with the same key), restarts
// it, and checks that every acknowledged sale is there exactly once, the
// outbox's storeseq has no gap and matches the sales, and stock adds up.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: not in -short")
	}
	dir := t.TempDir()
	tokens := enrolTills(t, dir)
	initial := initialStock(t, dir)
	tills := make([]*client, crashTills)
	log := &crashLog{}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	const kills = 6
	for round := 0; round <= kills; round++ {
		p := startServe(t, dir)
		for i := range tills {
			if tills[i] == nil {
				tills[i] = newClient(p.URL)
				tills[i].login(t, tokens[i], "crash", "2468")
				tills[i].must(t, 201, "POST", "/api/v1/shifts", map[string]any{"opening_float": money(100000)}, nil, nil)
			}
			tills[i].base = p.URL
		}
		if round == kills {
			resolveUnknown(t, tills[0], log)
			p.stop(t)
			break
		}
		runLoad(t, tills, log, p, time.Duration(300+rng.IntN(900))*time.Millisecond)
	}
	verifyCrash(t, dir, log, initial)
}

// enrolTills makes 8 terminals and a cashier, and loads the test catalog.
func enrolTills(t *testing.T, dir string) []string {
	var tokens []string
	for i := range crashTills {
		tokens = append(tokens, strings.TrimSpace(mustRun(t, "terminal", "add", "--data", dir, "--name", fmt.Sprintf("till-%d", i))))
	}
	mustRun(t, "cashier", "add", "--data", dir, "--name", "crash", "--pin", "2468", "--role", "manager")
	mustRun(t, "catalog", "import", "--data", dir, "testdata/catalog.json")
	return tokens
}

func initialStock(t *testing.T, dir string) map[string]int64 {
	db := openForCheck(t, dir)
	defer db.Close()
	items, _, err := bolt.NewCatalogService(db).FindProducts(context.Background(), pos.ProductFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, p := range items {
		out[p.SKU] = p.Stock.OnHand
	}
	return out
}

func openForCheck(t *testing.T, dir string) *bolt.DB {
	t.Helper()
	db := bolt.NewDB(dir)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	return db
}

// runLoad drives all tills until d has passed, then kills the server while
// requests are in flight.
func runLoad(t *testing.T, tills []*client, log *crashLog, p *proc, d time.Duration) {
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i, c := range tills {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(i)))
			for {
				select {
				case <-stop:
					return
				default:
				}
				tillStep(c, log, rng)
			}
		}()
	}
	time.Sleep(d)
	p.kill()
	close(stop)
	wg.Wait()
}

// tillStep makes one sale (retrying it at once now and then) or, now and
// then, a return against an acknowledged sale.
func tillStep(c *client, log *crashLog, rng *rand.Rand) {
	if rng.IntN(10) == 0 {
		tryReturn(c, log, rng)
		return
	}
	a := &attempt{key: uuid.NewString(), body: randomSale(rng)}
	log.mu.Lock()
	log.sales = append(log.sales, a)
	log.mu.Unlock()
	for try := 0; try < 1+rng.IntN(2); try++ {
		if !postSale(c, a, log) {
			return // server gone: the key stays unknown until the final check
		}
	}
}

func randomSale(rng *rand.Rand) map[string]any {
	skus := []string{"A1", "A2", "A3", "A4", "A5"}
	var lines []map[string]any
	for range 1 + rng.IntN(4) {
		sku := skus[rng.IntN(len(skus))]
		qty := 1 + rng.IntN(3)
		if sku == "A4" {
			qty = 100 + rng.IntN(900) // grams
		}
		lines = append(lines, map[string]any{"sku": sku, "qty": qty})
	}
	return map[string]any{"lines": lines, "payments": []any{map[string]any{"method": "cash", "amount": money(10_000_000)}}}
}

// postSale posts a; false means no answer (the server died).
func postSale(c *client, a *attempt, log *crashLog) bool {
	var sale struct {
		ID       string
		StoreSeq uint64 `json:"storeseq"`
	}
	code, err := c.do("POST", "/api/v1/sales", a.body, map[string]string{"Idempotency-Key": a.key}, &sale)
	if err != nil || code == 0 {
		return false
	}
	if code != 200 && code != 201 {
		panic(fmt.Sprintf("sale %s: status %d", a.key, code))
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	if a.acked && (a.saleID != sale.ID || a.seq != sale.StoreSeq) {
		panic(fmt.Sprintf("sale %s: replay returned %s/%d, first %s/%d", a.key, sale.ID, sale.StoreSeq, a.saleID, a.seq))
	}
	a.acked, a.saleID, a.seq = true, sale.ID, sale.StoreSeq
	return true
}

// tryReturn returns one unit of the first line of a random acknowledged sale.
func tryReturn(c *client, log *crashLog, rng *rand.Rand) {
	log.mu.Lock()
	if len(log.sales) == 0 {
		log.mu.Unlock()
		return
	}
	s := log.sales[rng.IntN(len(log.sales))]
	if !s.acked {
		log.mu.Unlock()
		return
	}
	line := s.body["lines"].([]map[string]any)[0]
	a := &attempt{key: uuid.NewString(), saleID: s.saleID,
		body: map[string]any{"lines": []any{map[string]any{"sku": line["sku"], "qty": 1}}}}
	log.returns = append(log.returns, a)
	log.mu.Unlock()
	// a.saleID is ours; s may be written by its own till's retry meanwhile.
	var ret struct{ ID string }
	code, err := c.do("POST", "/api/v1/sales/"+a.saleID+"/returns", a.body, map[string]string{"Idempotency-Key": a.key}, &ret)
	if err == nil && (code == 200 || code == 201) {
		log.mu.Lock()
		a.acked = true
		log.mu.Unlock()
	}
	// 422 over_return is fine: the line may be returned already.
}

// resolveUnknown retries every sale and return that got no answer, with its
// key: each is then either found (200) or recorded now (201), never twice.
func resolveUnknown(t *testing.T, c *client, log *crashLog) {
	for _, a := range log.sales {
		if !a.acked && !postSale(c, a, log) {
			t.Fatalf("retry of sale %s failed", a.key)
		}
	}
	for _, a := range log.returns {
		if a.acked {
			continue
		}
		code, err := c.do("POST", "/api/v1/sales/"+a.saleID+"/returns", a.body, map[string]string{"Idempotency-Key": a.key}, nil)
		if err != nil {
			t.Fatal(err)
		}
		a.acked = code == 200 || code == 201
	}
}

// verifyCrash reads the database after the last clean stop.
func verifyCrash(t *testing.T, dir string, log *crashLog, initial map[string]int64) {
	db := openForCheck(t, dir)
	defer db.Close()
	ctx := context.Background()
	sales := allSales(t, db)
	byID := map[string]*pos.Sale{}
	for _, s := range sales {
		if byID[s.ID] != nil {
			t.Fatalf("sale %s listed twice", s.ID)
		}
		byID[s.ID] = s
	}
	keys := map[string]bool{}
	for _, a := range log.sales {
		s := byID[a.saleID]
		if s == nil || s.StoreSeq != a.seq || s.IdempotencyKey != a.key {
			t.Fatalf("acknowledged sale %s (key %s) missing or changed", a.saleID, a.key)
		}
		keys[a.key] = true
	}
	if len(sales) != len(keys) {
		t.Fatalf("%d sales in the database, %d distinct keys posted", len(sales), len(keys))
	}
	events := verifyOutbox(t, db, byID)
	verifyStock(t, db, sales, events, initial)
	t.Logf("%d sales, %d returns, %d events, after the kills", len(sales), events[pos.EventSaleReturned], events["total"])
	_ = ctx
}

func allSales(t *testing.T, db *bolt.DB) []*pos.Sale {
	var out []*pos.Sale
	f := pos.SaleFilter{Limit: 500}
	for {
		items, next, err := bolt.NewSaleService(db).FindSales(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, items...)
		if next == "" {
			return out
		}
		f.Cursor = next
	}
}

// verifyOutbox checks that storeseq runs 1..N with no gap and that every
// sale has its sale.completed event at its storeseq, and counts event types.
func verifyOutbox(t *testing.T, db *bolt.DB, byID map[string]*pos.Sale) map[string]int {
	raw, err := bolt.NewOutboxService(db).Events(context.Background(), 1, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{"total": len(raw)}
	for i, r := range raw {
		var ev pos.Event
		if err := json.Unmarshal(r, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.StoreSeq != uint64(i+1) || ev.StoreEpoch != db.Epoch() {
			t.Fatalf("event %d has storeseq %d epoch %s: gap or reuse", i+1, ev.StoreSeq, ev.StoreEpoch)
		}
		counts[ev.Type]++
		if ev.Type == pos.EventSaleCompleted {
			var s pos.Sale
			_ = json.Unmarshal(ev.Data, &s)
			if got := byID[s.ID]; got == nil || got.StoreSeq != ev.StoreSeq {
				t.Fatalf("event %d is for sale %s, which is not at that storeseq", ev.StoreSeq, s.ID)
			}
		}
	}
	if counts[pos.EventSaleCompleted] != len(byID) {
		t.Fatalf("%d sale events for %d sales", counts[pos.EventSaleCompleted], len(byID))
	}
	return counts
}

// verifyStock checks stock = initial − sold + returned for every SKU.
func verifyStock(t *testing.T, db *bolt.DB, sales []*pos.Sale, events map[string]int, initial map[string]int64) {
	want := map[string]int64{}
	maps := func(sku string, d int64) { want[sku] += d }
	returns := 0
	for _, s := range sales {
		for _, l := range s.Lines {
			maps(l.SKU, -l.Qty+l.ReturnedQty)
			if l.ReturnedQty > 0 {
				returns++
			}
		}
	}
	if events[pos.EventSaleReturned] < returns/4 { // a return may cover one line of several
		t.Fatalf("%d return events for %d returned lines", events[pos.EventSaleReturned], returns)
	}
	for sku, start := range initial {
		p, err := bolt.NewCatalogService(db).FindProductBySKU(context.Background(), sku)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := p.Stock.OnHand, start+want[sku]; got != want {
			t.Fatalf("%s: on hand %d, want %d", sku, got, want)
		}
	}
}
