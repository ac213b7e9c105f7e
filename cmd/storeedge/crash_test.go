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
	acked  bool   // got a 2xx
	saleID string // the sale made, or the one returned against
	retID  string // the return made
	seq    uint64
}

// crashLog collects, across all tills, what was acknowledged.
type crashLog struct {
	mu      sync.Mutex
	sales   []*attempt
	returns []*attempt
	closed  []string // shifts whose close was acknowledged
	opened  []string // shifts whose open was acknowledged
}

// acked counts the acknowledged sales; ackedReturns the returns.
func (l *crashLog) acked() int        { return countAcked(l.sales) }
func (l *crashLog) ackedReturns() int { return countAcked(l.returns) }

func countAcked(as []*attempt) int {
	n := 0
	for _, a := range as {
		if a.acked {
			n++
		}
	}
	return n
}

// TestCrash kills the real server with SIGKILL at random moments while 8
// tills post sales and returns (some retried with the same key) and close
// and open shifts, restarts it, and checks, after each restart, that every
// acknowledged sale, return, shift close and open is there, and at the end
// that each sale and return is there exactly once (by its key), the
// outbox's storeseq has no gap and matches them, receipt numbers have no
// gap, and stock adds up: initial − sold + returned, return by return.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: not in -short")
	}
	runOutages(t, t.TempDir(), killOutage{}, 6)
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

// runLoad drives all tills until d has passed, then strikes (kills the
// server, and maybe more) while requests are in flight.
func runLoad(t *testing.T, tills []*client, log *crashLog, d time.Duration, strike func()) {
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
	strike()
	close(stop)
	wg.Wait()
}

// tillStep makes one sale (retrying it at once now and then) or, now and
// then, a return against an acknowledged sale.
func tillStep(c *client, log *crashLog, rng *rand.Rand) {
	switch rng.IntN(60) {
	case 0:
		closeAndReopen(c, log)
		return
	case 1, 2, 3, 4, 5, 6:
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
		Code     string `json:"code"`
	}
	code, err := c.do("POST", "/api/v1/sales", a.body, map[string]string{"Idempotency-Key": a.key}, &sale)
	if err != nil || code == 0 {
		return false
	}
	if code != 200 && code != 201 {
		panic(fmt.Sprintf("sale %s: status %d %s", a.key, code, sale.Code))
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
	postReturn(c, a, log)
}

// postReturn posts return a and records the answer; false means no answer
// (the server died). 422 over_return is fine (the line may be returned
// already), and so is a cash refund the drawer cannot pay (a shift opened
// since holds only its float).
func postReturn(c *client, a *attempt, log *crashLog) bool {
	var ret struct {
		ID       string
		StoreSeq uint64 `json:"storeseq"`
		Code     string `json:"code"`
		Field    string `json:"field"`
		Detail   string `json:"detail"`
	}
	code, err := c.do("POST", "/api/v1/sales/"+a.saleID+"/returns", a.body, map[string]string{"Idempotency-Key": a.key}, &ret)
	if err != nil || code == 0 {
		return false
	}
	refused := code == 422 || code == 400 && ret.Field == "" // over_return, or more cash than a new shift's drawer holds
	if code != 200 && code != 201 && !refused {
		panic(fmt.Sprintf("return %s: status %d %s %s %s", a.key, code, ret.Code, ret.Field, ret.Detail))
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	if !refused {
		a.acked, a.retID, a.seq = true, ret.ID, ret.StoreSeq
	}
	return true
}

// checkAcked runs after a restart: every sale and return acknowledged so
// far is still there, under its key.
func checkAcked(t *testing.T, c *client, log *crashLog) {
	t.Helper()
	log.mu.Lock()
	defer log.mu.Unlock()
	for _, a := range log.sales {
		if a.acked {
			checkRecord(t, c, "/api/v1/sales/"+a.saleID, a)
		}
	}
	for _, a := range log.returns {
		if a.acked {
			checkRecord(t, c, "/api/v1/returns/"+a.retID, a)
		}
	}
}

// checkRecord GETs an acknowledged sale or return and checks its key and
// storeseq.
func checkRecord(t *testing.T, c *client, path string, a *attempt) {
	t.Helper()
	var got struct {
		Key      string `json:"idempotency_key"`
		StoreSeq uint64 `json:"storeseq"`
	}
	if code, err := c.do("GET", path, nil, nil, &got); err != nil || code != 200 || got.Key != a.key || got.StoreSeq != a.seq {
		t.Fatalf("after a restart, acknowledged %s (key %s, storeseq %d): status %d %v, key %q storeseq %d",
			path, a.key, a.seq, code, err, got.Key, got.StoreSeq)
	}
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
		if !a.acked && !postReturn(c, a, log) {
			t.Fatalf("retry of return %s failed", a.key)
		}
	}
}

// verifyCrash reads the database after the last clean stop.
func verifyCrash(t *testing.T, dir string, log *crashLog, initial map[string]int64) {
	db := openForCheck(t, dir)
	defer db.Close()
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
	events, returns := verifyOutbox(t, db, byID)
	verifyReturns(t, db, log, returns)
	verifyStock(t, db, sales, returns, initial)
	verifyReceipts(t, db, sales, returns)
	t.Logf("%d sales, %d returns, %d events, after the kills", len(sales), len(returns), events)
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

// verifyOutbox checks that storeseq runs 1..N with no gap, that every
// sale has its sale.completed event at its storeseq, and returns the
// number of events and the returns their sale.returned events carry (the
// outbox is never trimmed here: nothing syncs).
func verifyOutbox(t *testing.T, db *bolt.DB, byID map[string]*pos.Sale) (int, []*pos.Return) {
	raw, err := bolt.NewOutboxService(db).Events(context.Background(), 1, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	var returns []*pos.Return
	saleEvents := 0
	for i, r := range raw {
		var ev pos.Event
		if err := json.Unmarshal(r, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.StoreSeq != uint64(i+1) || ev.StoreEpoch != db.Epoch() {
			t.Fatalf("event %d has storeseq %d epoch %s: gap or reuse", i+1, ev.StoreSeq, ev.StoreEpoch)
		}
		switch ev.Type {
		case pos.EventSaleCompleted:
			var s pos.Sale
			_ = json.Unmarshal(ev.Data, &s)
			if got := byID[s.ID]; got == nil || got.StoreSeq != ev.StoreSeq {
				t.Fatalf("event %d is for sale %s, which is not at that storeseq", ev.StoreSeq, s.ID)
			}
			saleEvents++
		case pos.EventSaleReturned:
			var ret pos.Return
			if err := json.Unmarshal(ev.Data, &ret); err != nil || ret.StoreSeq != ev.StoreSeq {
				t.Fatalf("event %d: return %s at storeseq %d (%v)", ev.StoreSeq, ret.ID, ret.StoreSeq, err)
			}
			returns = append(returns, &ret)
		}
	}
	if saleEvents != len(byID) {
		t.Fatalf("%d sale events for %d sales", saleEvents, len(byID))
	}
	return len(raw), returns
}

// verifyReturns checks that every acknowledged return is recorded exactly
// once under its key, against its sale, with the lines asked for and its
// own record, and that no return was recorded that no till was told of.
func verifyReturns(t *testing.T, db *bolt.DB, log *crashLog, returns []*pos.Return) {
	byKey := map[string]*pos.Return{}
	for _, r := range returns {
		if byKey[r.IdempotencyKey] != nil {
			t.Fatalf("return key %s recorded twice: %s and %s", r.IdempotencyKey, byKey[r.IdempotencyKey].ID, r.ID)
		}
		byKey[r.IdempotencyKey] = r
	}
	acked := 0
	for _, a := range log.returns {
		r := byKey[a.key]
		if !a.acked {
			if r != nil {
				t.Fatalf("return %s was refused at its last try but is recorded as %s", a.key, r.ID)
			}
			continue
		}
		acked++
		if r == nil || r.ID != a.retID || r.SaleID != a.saleID || r.StoreSeq != a.seq || returnedQty(r) != 1 {
			t.Fatalf("acknowledged return %s (key %s, sale %s) missing or changed: %+v", a.retID, a.key, a.saleID, r)
		}
		if _, err := bolt.NewSaleService(db).FindReturnByID(context.Background(), r.ID); err != nil {
			t.Fatalf("return %s has an event but no record: %v", r.ID, err)
		}
	}
	if len(returns) != acked {
		t.Fatalf("%d returns recorded, %d acknowledged", len(returns), acked)
	}
}

func returnedQty(r *pos.Return) int64 {
	var n int64
	for _, l := range r.Lines {
		n += l.Qty
	}
	return n
}

// verifyStock checks that every sale's returned quantities are the sum of
// its returns, and stock = initial − sold + returned for every SKU.
func verifyStock(t *testing.T, db *bolt.DB, sales []*pos.Sale, returns []*pos.Return, initial map[string]int64) {
	type saleSKU struct{ sale, sku string }
	returned := map[saleSKU]int64{}
	want := map[string]int64{}
	for _, r := range returns {
		for _, l := range r.Lines {
			returned[saleSKU{r.SaleID, l.SKU}] += l.Qty
			want[l.SKU] += l.Qty
		}
	}
	for _, s := range sales {
		got := map[string]int64{}
		for _, l := range s.Lines {
			want[l.SKU] -= l.Qty
			got[l.SKU] += l.ReturnedQty
		}
		for sku, n := range got {
			if n != returned[saleSKU{s.ID, sku}] {
				t.Fatalf("sale %s shows %d of %s returned, its returns %d", s.ID, n, sku, returned[saleSKU{s.ID, sku}])
			}
		}
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
