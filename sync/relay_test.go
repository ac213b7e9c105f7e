package sync_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/storeedge/storeedge/pos/bolt"
	storesync "github.com/storeedge/storeedge/sync"
	"github.com/storeedge/storeedge/sync/synctest"
)

func TestRelay_Open(t *testing.T) {
	db := MustOpenDB(t)
	for _, tt := range []struct {
		name string
		set  func(r *storesync.Relay)
	}{
		{"BadStore", func(r *storesync.Relay) { r.StoreID = "Shop 1" }},
		{"BadScheme", func(r *storesync.Relay) { r.Broker = "http://127.0.0.1:1883" }},
		{"NoHost", func(r *storesync.Relay) { r.Broker = "tcp://" }},
		{"NoOutbox", func(r *storesync.Relay) { r.Outbox = nil }},
		{"NoDownlink", func(r *storesync.Relay) { r.Downlink = nil }},
		{"ZeroWindow", func(r *storesync.Relay) { r.Window = 0 }},
		{"HalfCert", func(r *storesync.Relay) { r.CertFile = "x.pem" }},
		{"MissingCA", func(r *storesync.Relay) { r.CAFile = "/nonexistent/ca.pem" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := newRelay(t, "tcp://127.0.0.1:1", db)
			tt.set(r)
			if err := r.Open(); err == nil {
				t.Fatal("Open succeeded")
			}
		})
	}
	t.Run("Offline", func(t *testing.T) {
		r, _ := newRelay(t, "", db)
		if err := r.Open(); err != nil {
			t.Fatal(err)
		}
		st, err := r.SyncStatus(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st.Connected || st.StoreEpoch != db.Epoch() || st.DownlinkVersions == nil {
			t.Fatalf("status=%+v", st)
		}
	})
}

// A backlog recorded while the broker is down drains once it is up: every
// storeseq reaches central, and central's acks empty the outbox.
func TestRelay_BacklogDrains(t *testing.T) {
	b := synctest.StartBroker(t)
	b.Stop()
	db := MustOpenDB(t)
	r, reg := newRelay(t, b.URL, db)
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	last := addSales(t, db, 1500)
	if got, want := pending(t, db), int(last); got != want {
		t.Fatalf("pending=%d, want %d", got, want)
	}
	time.Sleep(300 * time.Millisecond) // the relay tries and fails meanwhile
	b.Start()
	c := startCentral(t, b.URL)
	checkDrained(t, db, c, last, 60*time.Second)

	st, err := r.SyncStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !st.Connected || st.PendingEvents != 0 || st.LastAckSeq != last || st.LastAckAt == nil {
		t.Fatalf("status=%+v", st)
	}
	if got := metric(t, reg, "storeedge_sync_acks_total"); got == 0 {
		t.Fatal("no acks counted")
	}
	if got, want := metric(t, reg, "storeedge_sync_events_acked_total"), float64(last); got != want {
		t.Fatalf("events acked=%v, want %v", got, want)
	}
	if got := metric(t, reg, "storeedge_sync_publish_ack_seconds"); got == 0 {
		t.Fatal("no publish-to-ack latency observed")
	}
}

// Killing the broker twice during a drain only delays it.
func TestRelay_BrokerKilledMidDrain(t *testing.T) {
	if testing.Short() {
		t.Skip("a drain under faults: not in -short")
	}
	b := synctest.StartBroker(t)
	db := MustOpenDB(t)
	last := addSales(t, db, 3000)
	c := startCentral(t, b.URL)
	r, reg := newRelay(t, b.URL, db)
	r.BatchEvents, r.Window = 20, 2 // a slow drain, to be cut in the middle
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		left := pending(t, db)
		waitFor(t, 30*time.Second, "the drain to progress", func() bool { return pending(t, db) < left-200 })
		b.Stop()
		time.Sleep(300 * time.Millisecond)
		b.Start()
		t.Logf("restart %d with %d pending", i+1, pending(t, db))
	}
	checkDrained(t, db, c, last, 90*time.Second)
	if got := metric(t, reg, "storeedge_sync_reconnects_total"); got < 2 {
		t.Fatalf("reconnects=%v, want at least 2", got)
	}
}

// A relay stopped in the middle of a drain leaves the rest in the outbox;
// the next one (the edge restarted) sends it.
func TestRelay_RestartMidDrain(t *testing.T) {
	b := synctest.StartBroker(t)
	db := MustOpenDB(t)
	last := addSales(t, db, 1000)
	c := startCentral(t, b.URL)
	c.delay = 5 * time.Millisecond
	r, _ := newRelay(t, b.URL, db)
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "the drain to start", func() bool { return pending(t, db) < int(last)-100 })
	closeRelay(t, r)
	left := pending(t, db)
	if left == 0 {
		t.Fatal("drained before the restart")
	}
	t.Logf("%d pending at the restart", left)
	r2, _ := newRelay(t, b.URL, db)
	if err := r2.Open(); err != nil {
		t.Fatal(err)
	}
	checkDrained(t, db, c, last, 30*time.Second)
}

// A proxy cuts the relay's connection again and again while tills keep
// selling; everything still arrives.
func TestRelay_ProxyCuts(t *testing.T) {
	if testing.Short() {
		t.Skip("a drain under faults: not in -short")
	}
	b := synctest.StartBroker(t)
	p := synctest.StartProxy(t, b.Addr)
	db := MustOpenDB(t)
	c := startCentral(t, b.URL)
	r, _ := newRelay(t, p.URL(), db)
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 20 {
			if err := sellFrom(db, "t9", 25); err != nil {
				t.Error(err)
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	for range 4 {
		time.Sleep(700 * time.Millisecond)
		p.Cut()
		time.Sleep(200 * time.Millisecond)
		p.Restore()
	}
	wg.Wait()
	last := addSales(t, db, 0)
	checkDrained(t, db, c, last, 120*time.Second)
}

// A sale made during a long drain reaches central long before the drain
// reaches it: one window slot is kept for live events (M5).
func TestRelay_LiveBeforeBacklog(t *testing.T) {
	if testing.Short() {
		t.Skip("a drain under faults: not in -short")
	}
	b := synctest.StartBroker(t)
	db := MustOpenDB(t)
	c := startCentral(t, b.URL)
	c.delay = 20 * time.Millisecond // about 2,500 events/s with 50-event batches
	backlog := addSales(t, db, 3000)
	r, _ := newRelay(t, b.URL, db)
	r.AckTimeout = 10 * time.Second
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "the drain to start", func() bool { return c.has(db.Epoch(), 100) })
	live := addSales(t, db, 1)
	start := time.Now()
	waitFor(t, 20*time.Second, "the live sale at central", func() bool { return c.stored(db.Epoch(), live) })
	if c.has(db.Epoch(), backlog) {
		t.Fatalf("the backlog drained first (live sale after %v)", time.Since(start))
	}
	t.Logf("live sale stored after %v, backlog still draining", time.Since(start))
	checkDrained(t, db, c, live, 60*time.Second)
}

// A lost batch gets no ack; after AckTimeout the relay resends from the
// oldest unacked event.
func TestRelay_AckLost(t *testing.T) {
	b := synctest.StartBroker(t)
	db := MustOpenDB(t)
	c := startCentral(t, b.URL)
	c.loseOnce[1] = true
	c.loseOnce[120] = true
	last := addSales(t, db, 300)
	r, reg := newRelay(t, b.URL, db)
	r.AckTimeout = time.Second
	start := time.Now()
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	checkDrained(t, db, c, last, 30*time.Second)
	if d := time.Since(start); d < time.Second {
		t.Fatalf("drained in %v: the lost batch was not waited for", d)
	}
	if got := metric(t, reg, "storeedge_sync_batches_resent_total"); got == 0 {
		t.Fatal("no batch counted as resent")
	}
}

// While central stores but does not ack, nothing leaves the outbox; its
// next ack trims it all.
func TestRelay_NoAckNoDelete(t *testing.T) {
	b := synctest.StartBroker(t)
	db := MustOpenDB(t)
	c := startCentral(t, b.URL)
	c.setSilent(true)
	last := addSales(t, db, 100)
	r, _ := newRelay(t, b.URL, db)
	r.AckTimeout = 500 * time.Millisecond
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "central to store everything", func() bool { return c.has(db.Epoch(), last) })
	time.Sleep(1200 * time.Millisecond) // past the ack timeout: resends, no deletes
	if got, want := pending(t, db), int(last); got != want {
		t.Fatalf("pending=%d, want %d: deleted without an ack", got, want)
	}
	c.setSilent(false)
	c.ackNow(db.Epoch())
	checkDrained(t, db, c, last, 20*time.Second)
}

// The relay publishes a retained online status and, on Close, offline; a
// cut connection makes the broker publish the will (offline).
func TestRelay_Status(t *testing.T) {
	b := synctest.StartBroker(t)
	p := synctest.StartProxy(t, b.Addr)
	db := MustOpenDB(t)
	statuses := make(chan storesync.Status, 100)
	testClient(t, b.URL, "test-observer", func(c mqtt.Client) {
		c.Subscribe(storesync.StatusTopic(store), 1, func(_ mqtt.Client, m mqtt.Message) {
			env, err := storesync.Open(m.Payload(), storesync.Expect{Kinds: []string{storesync.KindStatus}, From: store,
				To: []string{storesync.CentralName}}, storesync.VerifyECDSA(func(string) ([]*ecdsa.PublicKey, error) {
				return []*ecdsa.PublicKey{&shopKey.PublicKey}, nil
			}))
			if err != nil {
				t.Errorf("status %q not signed by the shop: %v", m.Payload(), err)
				return
			}
			var s storesync.Status
			if err := json.Unmarshal(env.Payload, &s); err != nil {
				t.Errorf("status %q: %v", env.Payload, err)
			}
			statuses <- s
		})
	})
	last := addSales(t, db, 3)
	r, _ := newRelay(t, p.URL(), db)
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	want := func(step string, online bool) storesync.Status {
		t.Helper()
		for {
			select {
			case s := <-statuses:
				t.Logf("%s: %+v", step, s)
				if s.Online == online {
					return s
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("%s: no status online=%v", step, online)
			}
		}
	}
	if s := want("open", true); s.Version != "test" || s.PendingEvents != int(last) {
		t.Fatalf("status=%+v", s)
	}
	p.Cut()
	want("cut", false) // the will
	p.Restore()
	want("restore", true)
	closeRelay(t, r)
	want("close", false)
	if st, _ := r.SyncStatus(context.Background()); st.Connected {
		t.Fatal("connected after Close")
	}
}

// An old epoch's pending events (a restored backup) are drained too,
// acked under their own epoch.
func TestRelay_OldEpoch(t *testing.T) {
	b := synctest.StartBroker(t)
	dir := t.TempDir()
	db := MustOpenDBAt(t, dir)
	old := db.Epoch()
	if err := sellFrom(db, "t1", 30); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := bolt.MarkRestored(db.Path()); err != nil {
		t.Fatal(err)
	}
	db = MustOpenDBAt(t, dir)
	if db.Epoch() == old {
		t.Fatal("no new epoch")
	}
	if err := sellFrom(db, "t2", 20); err != nil {
		t.Fatal(err)
	}
	c := startCentral(t, b.URL)
	r, _ := newRelay(t, b.URL, db)
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	checkDrained(t, db, c, 21, 30*time.Second)
	waitFor(t, 30*time.Second, "the old epoch to drain", func() bool {
		_, prev, err := bolt.NewOutboxService(db).Epochs(context.Background())
		return err == nil && len(prev) == 0
	})
	if !c.has(old, 31) {
		t.Fatal("central lacks the old epoch's events")
	}
}
