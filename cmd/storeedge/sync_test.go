package main_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/storeedge/storeedge/sync/synctest"
)

// shop is a running edge with logged-in tills that have open shifts.
type shop struct {
	dir    string
	store  string
	tokens []string
	proc   *proc
	tills  []*client
	args   []string
}

// newShop enrols tills, imports the test catalog and starts serve.
func newShop(t *testing.T, store string, tills int, args ...string) *shop {
	s := &shop{dir: t.TempDir(), store: store, args: append([]string{"--store", store, "--http-login-rate", "10000"}, args...)}
	for i := range tills {
		s.tokens = append(s.tokens, strings.TrimSpace(mustRun(t, "terminal", "add", "--data", s.dir, "--name", fmt.Sprintf("till-%d", i))))
	}
	mustRun(t, "cashier", "add", "--data", s.dir, "--name", "sync", "--pin", "1357")
	mustRun(t, "catalog", "import", "--data", s.dir, "testdata/catalog.json")
	s.start(t)
	for i := range s.tokens {
		c := newClient(s.proc.URL)
		c.login(t, s.tokens[i], "sync", "1357")
		c.must(t, 201, "POST", "/api/v1/shifts", map[string]any{"opening_float": money(0)}, nil, nil)
		s.tills = append(s.tills, c)
	}
	return s
}

// start (re)starts the shop's server; sessions survive in the database.
func (s *shop) start(t *testing.T) {
	s.proc = startServe(t, s.dir, s.args...)
	for _, c := range s.tills {
		c.base = s.proc.URL
	}
}

// sell posts n sales spread over the tills and returns the sale ids.
func (s *shop) sell(t *testing.T, n int) []string {
	var mu sync.Mutex
	var ids []string
	var wg sync.WaitGroup
	for i, c := range s.tills {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := i; j < n; j += len(s.tills) {
				var sale struct{ ID string }
				body := map[string]any{"lines": []any{map[string]any{"sku": "A1", "qty": 1}, map[string]any{"sku": "A4", "qty": 250}},
					"payments": []any{map[string]any{"method": "cash", "amount": money(100000)}}}
				code, err := c.do("POST", "/api/v1/sales", body, map[string]string{"Idempotency-Key": uuid.NewString()}, &sale)
				if err != nil || code != 201 {
					t.Errorf("sale: %d %v", code, err)
					return
				}
				mu.Lock()
				ids = append(ids, sale.ID)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return ids
}

type syncStatus struct {
	Connected     bool   `json:"connected"`
	PendingEvents int    `json:"pending_events"`
	LastAckSeq    uint64 `json:"last_ack_seq"`
	NextSeq       uint64 `json:"next_seq"`
	StoreEpoch    string `json:"store_epoch"`
	DeadLetters   int    `json:"dead_letters"`
}

func (s *shop) status(t *testing.T) syncStatus {
	var st syncStatus
	s.tills[0].must(t, 200, "GET", "/api/v1/sync/status", nil, nil, &st)
	return st
}

// waitDrained waits until the shop's outbox is empty and central acked all.
func (s *shop) waitDrained(t *testing.T, d time.Duration) syncStatus {
	deadline := time.Now().Add(d)
	for {
		st := s.status(t)
		if st.PendingEvents == 0 && st.LastAckSeq == st.NextSeq-1 {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("store %s not drained after %v: %+v", s.store, d, st)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// startCentral starts `storeedge central` and waits for its URL.
func startCentral(t *testing.T, broker, dbURL string, args ...string) *proc {
	t.Helper()
	return startProc(t, append([]string{"central", "--broker", broker, "--database-url", dbURL, "--listen", "127.0.0.1:0"}, args...)...)
}

// centralEvents checks central's copy of a store's events: every storeseq
// of the epoch from 1 to upto exactly once, and returns the count of sales.
func centralEvents(t *testing.T, dbURL, store, epoch string, upto uint64) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n, distinct, lo, hi int64
	err = conn.QueryRow(ctx, `SELECT count(*), count(DISTINCT seq), coalesce(min(seq),0), coalesce(max(seq),0)
		FROM events WHERE store=$1 AND epoch=$2`, store, epoch).Scan(&n, &distinct, &lo, &hi)
	if err != nil {
		t.Fatal(err)
	}
	if uint64(n) != upto || uint64(distinct) != upto || (upto > 0 && (lo != 1 || uint64(hi) != upto)) {
		t.Fatalf("central has %d events (%d distinct, %d..%d) of %s/%s, want 1..%d once each", n, distinct, lo, hi, store, epoch, upto)
	}
	var sales int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM sales WHERE store=$1`, store).Scan(&sales); err != nil {
		t.Fatal(err)
	}
	return sales
}

// TestSync_OfflineBacklog records 5,000 sales with the broker down, then
// starts it: all of them reach PostgreSQL exactly once and the backlog
// drains to zero.
func TestSync_OfflineBacklog(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: not in -short")
	}
	broker := synctest.StartBroker(t)
	broker.Stop()
	dbURL := synctest.DatabaseURL(t)
	s := newShop(t, "s1", 8, "--broker", broker.URL)
	ids := s.sell(t, 5000)
	if st := s.status(t); st.Connected || st.PendingEvents < 5000 {
		t.Fatalf("offline status %+v", st)
	}
	broker.Start()
	startCentral(t, broker.URL, dbURL)
	st := s.waitDrained(t, 3*time.Minute)
	if got := centralEvents(t, dbURL, "s1", st.StoreEpoch, st.LastAckSeq); got != len(ids) {
		t.Fatalf("central has %d sales, want %d", got, len(ids))
	}
}

// TestSync_Faults drains a backlog through every fault the issue names:
// the broker killed and restarted three times, the edge killed with
// SIGKILL and restarted, central killed mid-batch and restarted, and two
// central replicas at once. No loss, no duplicate, no gap.
func TestSync_Faults(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: not in -short")
	}
	broker := synctest.StartBroker(t)
	dbURL := synctest.DatabaseURL(t)
	s := newShop(t, "s2", 4, "--broker", broker.URL, "--sync-batch-events", "50", "--sync-ack-timeout", "3s")
	total := len(s.sell(t, 3000))
	c1 := startCentral(t, broker.URL, dbURL)
	startCentral(t, broker.URL, dbURL) // a second replica shares the subscription
	for range 3 {
		time.Sleep(150 * time.Millisecond)
		broker.Restart()
	}
	s.proc.kill()
	s.start(t)
	total += len(s.sell(t, 500))
	c1.kill()
	startCentral(t, broker.URL, dbURL)
	st := s.waitDrained(t, 3*time.Minute)
	if got := centralEvents(t, dbURL, "s2", st.StoreEpoch, st.LastAckSeq); got != total {
		t.Fatalf("central has %d sales, want %d", got, total)
	}
}

// TestSync_ProxyCuts cuts and restores the edge's connection to the broker
// again and again while sales continue.
func TestSync_ProxyCuts(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: not in -short")
	}
	broker := synctest.StartBroker(t)
	proxy := synctest.StartProxy(t, broker.Addr)
	dbURL := synctest.DatabaseURL(t)
	startCentral(t, broker.URL, dbURL)
	s := newShop(t, "s3", 4, "--broker", proxy.URL())
	total := 0
	for range 8 {
		total += len(s.sell(t, 100))
		proxy.Cut()
		total += len(s.sell(t, 50))
		time.Sleep(100 * time.Millisecond)
		proxy.Restore()
	}
	st := s.waitDrained(t, 3*time.Minute)
	if got := centralEvents(t, dbURL, "s3", st.StoreEpoch, st.LastAckSeq); got != total {
		t.Fatalf("central has %d sales, want %d", got, total)
	}
}

// TestSync_PriceChange posts a chain-wide price change with a future
// effective time to central: both shops charge the old price before it and
// the new one after it.
func TestSync_PriceChange(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: not in -short")
	}
	broker := synctest.StartBroker(t)
	dbURL := synctest.DatabaseURL(t)
	central := startCentral(t, broker.URL, dbURL)
	shops := []*shop{
		newShop(t, "p1", 1, "--broker", broker.URL, "--central-url", central.URL),
		newShop(t, "p2", 1, "--broker", broker.URL, "--central-url", central.URL),
	}
	for _, s := range shops {
		s.waitDrained(t, time.Minute) // connected and acked
	}
	at := time.Now().Add(3 * time.Second).UTC().Truncate(time.Second)
	item := map[string]any{"sku": "A1", "prices": []any{
		map[string]any{"amount": 6990, "effective_from": "2020-01-01T00:00:00Z"},
		map[string]any{"amount": 7490, "effective_from": at.Format(time.RFC3339)}}, "promotions": []any{}}
	admin := newClient(central.URL)
	admin.must(t, 201, "POST", "/api/v1/downlink", map[string]any{"stream": "prices", "items": []any{item}}, nil, nil)
	for _, s := range shops {
		waitPrice(t, s, at)
	}
	body := map[string]any{"lines": []any{map[string]any{"sku": "A1", "qty": 1}},
		"payments": []any{map[string]any{"method": "cash", "amount": money(10000)}}}
	for _, want := range []int64{6990, 7490} {
		if want == 7490 {
			time.Sleep(time.Until(at) + 50*time.Millisecond)
		}
		for _, s := range shops {
			var sale struct{ Total struct{ Amount int64 } }
			s.tills[0].must(t, 201, "POST", "/api/v1/sales", body, map[string]string{"Idempotency-Key": uuid.NewString()}, &sale)
			if sale.Total.Amount != want {
				t.Fatalf("%s charged %d, want %d", s.store, sale.Total.Amount, want)
			}
		}
	}
}

// waitPrice waits until the shop knows the price change at `at`.
func waitPrice(t *testing.T, s *shop, at time.Time) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var p struct {
			NextPriceChange *time.Time `json:"next_price_change"`
		}
		s.tills[0].must(t, 200, "GET", "/api/v1/products/A1", nil, nil, &p)
		if p.NextPriceChange != nil && p.NextPriceChange.Equal(at) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never got the price change", s.store)
}

// TestSync_RestoredBackup restores a shop's database from an older backup:
// it starts a new epoch whose events central accepts from storeseq 1,
// without mistaking them for the old epoch's.
func TestSync_RestoredBackup(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: not in -short")
	}
	broker := synctest.StartBroker(t)
	dbURL := synctest.DatabaseURL(t)
	startCentral(t, broker.URL, dbURL)
	s := newShop(t, "r1", 2, "--broker", broker.URL)
	n := len(s.sell(t, 100))
	old := s.waitDrained(t, time.Minute)
	backup := t.TempDir() + "/backup.db"
	mustRun(t, "backup", "--data", s.dir, "--out", backup)
	n += len(s.sell(t, 50))
	old = s.waitDrained(t, time.Minute)
	s.proc.stop(t)
	if out, err := exec.Command("cp", backup, s.dir+"/storeedge.db").CombinedOutput(); err != nil {
		t.Fatalf("restore: %v %s", err, out)
	}
	s.start(t)
	n += len(s.sell(t, 30))
	st := s.waitDrained(t, time.Minute)
	if st.StoreEpoch == old.StoreEpoch {
		t.Fatal("the restored database kept its epoch")
	}
	// Central keeps all 150 sales of the old epoch (50 of them no longer
	// in the restored shop) and the new epoch's 30, from storeseq 1.
	centralEvents(t, dbURL, "r1", old.StoreEpoch, old.LastAckSeq)
	if got := centralEvents(t, dbURL, "r1", st.StoreEpoch, st.LastAckSeq); got != n {
		t.Fatalf("central has %d sales, want %d", got, n)
	}
}
