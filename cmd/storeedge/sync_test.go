package main_test

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
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

// shopSetup is what may differ between shops: the tests' shops use the
// test catalog and a client per till, the benchmark's its own.
type shopSetup struct {
	catalog string       // the catalog file to import
	cashier string       // the cashier every till logs in as (PIN 1357)
	http    *http.Client // the tills' client; nil: a default one each
}

// newShop enrols tills, imports the test catalog and starts serve.
func newShop(tb testing.TB, store string, tills int, args ...string) *shop {
	tb.Helper()
	return newShopWith(tb, shopSetup{catalog: "testdata/catalog.json", cashier: "sync"}, store, tills, args...)
}

// newShopWith is newShop with the catalog, cashier and client of setup.
func newShopWith(tb testing.TB, setup shopSetup, store string, tills int, args ...string) *shop {
	tb.Helper()
	s := &shop{dir: tb.TempDir(), store: store, args: append([]string{"--store", store, "--http-login-rate", "10000"}, args...)}
	for i := range tills {
		s.tokens = append(s.tokens, strings.TrimSpace(mustRun(tb, "terminal", "add", "--data", s.dir, "--name", fmt.Sprintf("till-%d", i))))
	}
	mustRun(tb, "cashier", "add", "--data", s.dir, "--name", setup.cashier, "--pin", "1357")
	mustRun(tb, "catalog", "import", "--data", s.dir, setup.catalog)
	s.start(tb)
	for i := range s.tokens {
		c := newClient(s.proc.URL)
		if setup.http != nil {
			c.http = setup.http
		}
		c.login(tb, s.tokens[i], setup.cashier, "1357")
		c.must(tb, 201, "POST", "/api/v1/shifts", map[string]any{"opening_float": money(0)}, nil, nil)
		s.tills = append(s.tills, c)
	}
	return s
}

// start (re)starts the shop's server; sessions survive in the database.
func (s *shop) start(tb testing.TB) {
	tb.Helper()
	s.proc = startServe(tb, s.dir, s.args...)
	for _, c := range s.tills {
		c.base = s.proc.URL
	}
}

// sell posts n sales of the test catalog spread over the tills and returns
// the sale ids.
func (s *shop) sell(tb testing.TB, n int) []string {
	tb.Helper()
	return s.sellEach(tb, n, func(int) any {
		return map[string]any{"lines": []any{map[string]any{"sku": "A1", "qty": 1}, map[string]any{"sku": "A4", "qty": 250}},
			"payments": []any{map[string]any{"method": "cash", "amount": money(100000)}}}
	})
}

// sellEach posts n sales spread over the tills, the j-th with body(j), and
// returns the sale ids. The first failure stops every till.
func (s *shop) sellEach(tb testing.TB, n int, body func(j int) any) []string {
	tb.Helper()
	var mu sync.Mutex
	var ids []string
	var wg sync.WaitGroup
	var failed atomic.Bool
	for i, c := range s.tills {
		wg.Go(func() {
			for j := i; j < n && !failed.Load(); j += len(s.tills) {
				var sale struct{ ID string }
				code, err := c.do("POST", "/api/v1/sales", body(j), map[string]string{"Idempotency-Key": uuid.NewString()}, &sale)
				if err != nil || code != 201 {
					failed.Store(true)
					tb.Errorf("sale %d of %d: status %d, %v", j, n, code, err)
					return
				}
				mu.Lock()
				ids = append(ids, sale.ID)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if failed.Load() {
		tb.FailNow()
	}
	return ids
}

// syncStatus is the answer of GET /api/v1/sync/status.
type syncStatus struct {
	Connected     bool   `json:"connected"`
	PendingEvents int    `json:"pending_events"`
	LastAckSeq    uint64 `json:"last_ack_seq"`
	NextSeq       uint64 `json:"next_seq"`
	StoreEpoch    string `json:"store_epoch"`
	DeadLetters   int    `json:"dead_letters"`

	RejectedMessages int64 `json:"rejected_messages"`
	RefusedAcks      int64 `json:"refused_acks"`
	Conflicts        int64 `json:"conflicts"`
	RebasedEvents    int64 `json:"rebased_events"`
}

// drained reports whether the outbox is empty and central acked all of it.
func (st syncStatus) drained() bool { return st.PendingEvents == 0 && st.LastAckSeq == st.NextSeq-1 }

// status reads the shop's sync status through its first till.
func (s *shop) status(tb testing.TB) syncStatus {
	tb.Helper()
	var st syncStatus
	s.tills[0].must(tb, 200, "GET", "/api/v1/sync/status", nil, nil, &st)
	return st
}

// waitDrained waits until the shop's outbox is empty and central acked all.
func (s *shop) waitDrained(tb testing.TB, d time.Duration) syncStatus {
	tb.Helper()
	return s.pollDrained(tb, d, 100*time.Millisecond, nil)
}

// pollDrained polls the shop's status every `every`, passing each to seen
// (if not nil), until it is drained, and fails with the tail of the edge's
// log if that takes longer than d.
func (s *shop) pollDrained(tb testing.TB, d, every time.Duration, seen func(syncStatus)) syncStatus {
	tb.Helper()
	deadline := time.Now().Add(d)
	for {
		st := s.status(tb)
		if seen != nil {
			seen(st)
		}
		if st.drained() {
			return st
		}
		if time.Now().After(deadline) {
			tb.Fatalf("store %s not drained after %v: %+v\nedge log:\n%s", s.store, d, st, tail(s.proc.stderr.String(), 4000))
		}
		time.Sleep(every)
	}
}

// tail returns the last n bytes of s.
func tail(s string, n int) string { return s[max(len(s)-n, 0):] }

// startCentral starts `storeedge central` and waits for its URL.
func startCentral(tb testing.TB, broker, dbURL string, args ...string) *proc {
	tb.Helper()
	return startProc(tb, append([]string{"central", "--broker", broker, "--database-url", dbURL, "--listen", "127.0.0.1:0"}, args...)...)
}

// centralEvents checks central's copy of a store's events: every storeseq
// of the epoch from 1 to upto exactly once, and returns the count of sales.
func centralEvents(tb testing.TB, dbURL, store, epoch string, upto uint64) int {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	var n, distinct, lo, hi int64
	err = conn.QueryRow(ctx, `SELECT count(*), count(DISTINCT seq), coalesce(min(seq),0), coalesce(max(seq),0)
		FROM events WHERE store=$1 AND epoch=$2`, store, epoch).Scan(&n, &distinct, &lo, &hi)
	if err != nil {
		tb.Fatal(err)
	}
	if uint64(n) != upto || uint64(distinct) != upto || (upto > 0 && (lo != 1 || uint64(hi) != upto)) {
		tb.Fatalf("central has %d events (%d distinct, %d..%d) of %s/%s, want 1..%d once each", n, distinct, lo, hi, store, epoch, upto)
	}
	var sales int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM sales WHERE store=$1`, store).Scan(&sales); err != nil {
		tb.Fatal(err)
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
	ch := newChain(t)
	ch.broker.Stop()
	s := newShop(t, "s1", 8, ch.shopArgs(t, "s1")...)
	ids := s.sell(t, 5000)
	if st := s.status(t); st.Connected || st.PendingEvents < 5000 {
		t.Fatalf("offline status %+v", st)
	}
	ch.broker.Start()
	ch.central(t)
	st := s.waitDrained(t, 3*time.Minute)
	if got := centralEvents(t, ch.dbURL, "s1", st.StoreEpoch, st.LastAckSeq); got != len(ids) {
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
	ch := newChain(t)
	s := newShop(t, "s2", 4, append(ch.shopArgs(t, "s2"), "--sync-batch-events", "50", "--sync-ack-timeout", "3s")...)
	total := len(s.sell(t, 3000))
	c1 := ch.central(t)
	ch.central(t) // a second replica shares the subscription
	for range 3 {
		time.Sleep(150 * time.Millisecond)
		ch.broker.Restart()
	}
	s.proc.kill()
	s.start(t)
	total += len(s.sell(t, 500))
	c1.kill()
	ch.central(t)
	st := s.waitDrained(t, 3*time.Minute)
	if got := centralEvents(t, ch.dbURL, "s2", st.StoreEpoch, st.LastAckSeq); got != total {
		t.Fatalf("central has %d sales, want %d", got, total)
	}
}

// TestSync_ProxyCuts cuts and restores the edge's connection to the broker
// again and again while sales continue.
func TestSync_ProxyCuts(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: not in -short")
	}
	ch := newChain(t)
	proxy := synctest.StartProxy(t, ch.broker.Addr)
	ch.central(t)
	s := newShop(t, "s3", 4, "--broker", ch.via(proxy), "--sync-identity", ch.enroll(t, "s3"))
	total := 0
	for range 8 {
		total += len(s.sell(t, 100))
		proxy.Cut()
		total += len(s.sell(t, 50))
		time.Sleep(100 * time.Millisecond)
		proxy.Restore()
	}
	st := s.waitDrained(t, 3*time.Minute)
	if got := centralEvents(t, ch.dbURL, "s3", st.StoreEpoch, st.LastAckSeq); got != total {
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
	ch := newChain(t)
	central := ch.central(t)
	shops := []*shop{
		newShop(t, "p1", 1, append(ch.shopArgs(t, "p1"), "--central-url", central.URL)...),
		newShop(t, "p2", 1, append(ch.shopArgs(t, "p2"), "--central-url", central.URL)...),
	}
	for _, s := range shops {
		s.waitDrained(t, time.Minute) // connected and acked
	}
	at := time.Now().Add(3 * time.Second).UTC().Truncate(time.Second)
	item := map[string]any{"sku": "A1", "prices": []any{
		map[string]any{"amount": 6990, "effective_from": "2020-01-01T00:00:00Z"},
		map[string]any{"amount": 7490, "effective_from": at.Format(time.RFC3339)}}, "promotions": []any{}}
	admin := newClient(central.URL)
	admin.token = ch.adminToken(t, "prices")
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
func waitPrice(tb testing.TB, s *shop, at time.Time) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var p struct {
			NextPriceChange *time.Time `json:"next_price_change"`
		}
		s.tills[0].must(tb, 200, "GET", "/api/v1/products/A1", nil, nil, &p)
		if p.NextPriceChange != nil && p.NextPriceChange.Equal(at) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("%s never got the price change", s.store)
}

// TestSync_RestoredBackup restores a shop's database from an older backup:
// it starts a new epoch whose events central accepts from storeseq 1,
// without mistaking them for the old epoch's.
func TestSync_RestoredBackup(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: not in -short")
	}
	ch := newChain(t)
	ch.central(t)
	s := newShop(t, "r1", 2, ch.shopArgs(t, "r1")...)
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
	centralEvents(t, ch.dbURL, "r1", old.StoreEpoch, old.LastAckSeq)
	if got := centralEvents(t, ch.dbURL, "r1", st.StoreEpoch, st.LastAckSeq); got != n {
		t.Fatalf("central has %d sales, want %d", got, n)
	}
}
