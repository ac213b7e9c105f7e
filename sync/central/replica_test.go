package central_test

import (
	"fmt"
	gosync "sync"
	"testing"
	"time"

	"github.com/storeedge/storeedge/sync/central"
)

// checkShops asserts that central holds every event of every shop once,
// with a watermark at the last storeseq and one sale per event.
func (h *harness) checkShops(t *testing.T, shops []*shop) {
	t.Helper()
	for _, s := range shops {
		n := len(s.events)
		var count, distinct, lo, hi, upto int
		err := h.db.QueryRow(t.Context(), `SELECT count(*), count(DISTINCT seq), coalesce(min(seq), 0), coalesce(max(seq), 0),
			(SELECT upto_seq FROM watermarks WHERE store = $1 AND epoch = $2) FROM events WHERE store = $1 AND epoch = $2`,
			s.store, s.epoch).Scan(&count, &distinct, &lo, &hi, &upto)
		if err != nil {
			t.Fatal(err)
		}
		if count != n || distinct != n || lo != 1 || hi != n || upto != n {
			t.Fatalf("%s: %d events (%d distinct, %d..%d), watermark %d; want 1..%d once each", s.store, count, distinct, lo, hi, upto, n)
		}
		if got := h.count(t, `SELECT count(*) FROM sales WHERE store = $1`, s.store); got != n {
			t.Fatalf("%s: %d sales, want %d", s.store, got, n)
		}
	}
}

// drainAll drains every shop at once.
func (h *harness) drainAll(t *testing.T, shops []*shop, size int) {
	t.Helper()
	var wg gosync.WaitGroup
	errs := make(chan error, len(shops))
	for _, s := range shops {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- h.drain(s, size, 3*time.Minute) }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func makeShops(t *testing.T, n, events int) []*shop {
	var shops []*shop
	for i := range n {
		s := newShop(fmt.Sprintf("shop-%d", i))
		s.addSales(t, events)
		shops = append(shops, s)
	}
	return shops
}

// TestReplicas_SharedSubscription runs two replicas, opened at the same
// moment on an empty database (their migrations must not race), on one
// shared subscription: each event is stored once and both do some work.
func TestReplicas_SharedSubscription(t *testing.T) {
	h := newHarness(t)
	replicas := make([]*central.Server, 2)
	errs := make(chan error, 2)
	for i := range replicas {
		replicas[i] = h.newServer()
		go func() { errs <- replicas[i].Open() }()
	}
	for range replicas {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range replicas {
		t.Cleanup(func() { r.Close() })
		waitFor(t, 10*time.Second, "subscribed", r.Ready)
	}
	shops := makeShops(t, 6, 200)
	h.drainAll(t, shops, 20)
	h.checkShops(t, shops)
	a := metric(t, replicas[0], "storeedge_central_events_applied_total")
	b := metric(t, replicas[1], "storeedge_central_events_applied_total")
	if a == 0 || b == 0 || a+b != 1200 {
		t.Fatalf("replicas applied %v and %v events, want both > 0 and 1200 in all", a, b)
	}
	if got, want := h.count(t, `SELECT count(*) FROM schema_migrations`), h.count(t, `SELECT max(version) FROM schema_migrations`); got != want {
		t.Fatalf("schema_migrations=%d, want %d: each migration once", got, want)
	}
}

// TestReplicas_CrashAndRestart kills one of two replicas mid-drain (no
// draining: its transactions in flight roll back), later the other one
// too, and starts a fresh replica: no loss, no duplicate, no gap.
func TestReplicas_CrashAndRestart(t *testing.T) {
	h := newHarness(t)
	crash := func(s *central.Server) { s.DrainTimeout = -1 }
	a := h.startCentral(t, crash)
	b := h.startCentral(t, crash)
	shops := makeShops(t, 4, 500)
	done := make(chan struct{})
	go func() { defer close(done); h.drainAll(t, shops, 25) }()

	h.waitCount(t, 1, `SELECT (count(*) >= 300)::int FROM events`)
	a.Close()
	h.waitCount(t, 1, `SELECT (count(*) >= 1000)::int FROM events`)
	b.Close()
	time.Sleep(300 * time.Millisecond) // the shops resend into the void
	h.startCentral(t)
	<-done
	if t.Failed() {
		return
	}
	h.checkShops(t, shops)
}

// TestReplicas_CommitWithoutAck is a replica that dies after its commit
// and before its ack: the shop resends, central drops the duplicates and
// acks then.
func TestReplicas_CommitWithoutAck(t *testing.T) {
	h := newHarness(t)
	var mu gosync.Mutex
	dropped := 0
	h.startCentral(t, func(s *central.Server) {
		central.SetTestDropAck(s, func(store string) bool {
			mu.Lock()
			defer mu.Unlock()
			dropped++
			return dropped == 1
		})
	})
	s := newShop("s1")
	s.addSales(t, 5)
	h.publish(t, s.store, s.batch(1, 5))
	h.waitCount(t, 5, sqlEvents, s.store, s.epoch)
	time.Sleep(200 * time.Millisecond)
	if upto, n := h.acks.get(s.store, s.epoch); n != 0 {
		t.Fatalf("ack %d published, want it dropped", upto)
	}
	if err := h.drain(s, 5, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	h.checkShops(t, []*shop{s})
}

// TestThroughput reports the drain rate of a 20,000-event backlog in
// batches of 500 through Mosquitto into PostgreSQL.
func TestThroughput(t *testing.T) {
	h := newHarness(t)
	h.startCentral(t)
	shops := makeShops(t, 4, 5000)
	start := time.Now()
	h.drainAll(t, shops, 500)
	took := time.Since(start)
	t.Logf("applied 20000 events (4 shops, batches of 500) in %v: %.0f events/s", took.Round(time.Millisecond), 20000/took.Seconds())
	h.checkShops(t, shops)
}

// TestBrokerRestart kills the broker between two batches: central
// reconnects, subscribes again, and applies and acks what follows.
func TestBrokerRestart(t *testing.T) {
	h := newHarness(t)
	c := h.startCentral(t)
	s := newShop("s1")
	s.addSales(t, 10)
	h.publish(t, s.store, s.batch(1, 5))
	h.acks.wait(t, s.store, s.epoch, 5, 1)
	h.broker.Restart()
	waitFor(t, 30*time.Second, "central connected again", func() bool {
		return metric(t, c, "storeedge_central_broker_connects_total") == 2 && c.Ready()
	})
	if err := h.drain(s, 5, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	h.checkShops(t, []*shop{s})
}

// TestOpen_BrokerDown starts central while the broker is down: it serves
// HTTP (not ready), and consumes once the broker is back.
func TestOpen_BrokerDown(t *testing.T) {
	h := newHarness(t)
	h.broker.Stop()
	s := h.newServer(func(s *central.Server) { s.ConnectWait = 200 * time.Millisecond })
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if code := getJSON(t, "", s.URL()+"/readyz", nil); code != 503 {
		t.Fatalf("readyz %d without a broker, want 503", code)
	}
	h.broker.Start()
	waitFor(t, 30*time.Second, "central subscribed", s.Ready)
	shop := newShop("s1")
	shop.addSales(t, 3)
	if err := h.drain(shop, 3, 30*time.Second); err != nil {
		t.Fatal(err)
	}
}
