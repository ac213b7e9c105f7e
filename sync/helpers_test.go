package sync_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	storesync "github.com/storeedge/storeedge/sync"
	"go.etcd.io/bbolt"
)

const store = "s1"

// The test chain's keys: the shop's (its certificate key, signing its
// batches) and central's (signing acks, downlink and pull pages).
var (
	shopKey, _       = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, centralKey, _ = ed25519.GenerateKey(rand.Reader)
	centralPub       = centralKey.Public().(ed25519.PublicKey)
)

// signedBy seals payload as central for the audience to (a store or "*").
func signedBy(kind, to string, payload []byte) []byte {
	b, err := storesync.Seal(storesync.NewEd25519Signer(centralKey), kind, storesync.CentralName, to, payload)
	if err != nil {
		panic(err)
	}
	return b
}

// downlinkOn seals a downlink message for the audience of topic.
func downlinkOn(topic string, payload []byte) []byte {
	if topic == storesync.AllDownlinkTopic {
		return signedBy(storesync.KindDownlink, storesync.AudienceAll, payload)
	}
	return signedBy(storesync.KindDownlink, store, payload)
}

// testLogger logs to stderr with -v and STOREEDGE_TEST_LOG=1, else nowhere.
func testLogger() *slog.Logger {
	if os.Getenv("STOREEDGE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// MustOpenDB opens a real bbolt database in a temp dir with a small
// catalog; cleanup checks the file and closes it.
func MustOpenDB(tb testing.TB) *bolt.DB {
	tb.Helper()
	return MustOpenDBAt(tb, tb.TempDir())
}

// MustOpenDBAt opens (or reopens) the database in dir.
func MustOpenDBAt(tb testing.TB, dir string) *bolt.DB {
	tb.Helper()
	db := bolt.NewDB(dir)
	db.StoreID = store
	db.Logger = testLogger()
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if db.Bolt() == nil {
			return // closed by the test
		}
		err := db.Bolt().View(func(tx *bbolt.Tx) error {
			for err := range tx.Check() {
				return err
			}
			return nil
		})
		if err != nil {
			tb.Errorf("check: %v", err)
		}
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	if !db.Created() {
		return db
	}
	items := []pos.ProductImport{{Product: pos.Product{SKU: "MILK", Name: "Молоко", Unit: pos.UnitPiece,
		VATRate: 10, Prices: []pos.PricePoint{{Amount: 8990}}}, StockSet: true, OnHand: 1 << 40}}
	if _, err := bolt.NewCatalogService(db).ImportProducts(context.Background(), items); err != nil {
		tb.Fatal(err)
	}
	return db
}

func tillCtx(terminal string) context.Context {
	return pos.NewContextWithSession(context.Background(), &pos.Session{
		TerminalID: terminal, CashierID: "c1", CashierName: "c1", Role: pos.RoleCashier,
		ExpiresAt: time.Now().Add(time.Hour)})
}

// addSales records n sales from 4 tills at once (each till opens its shift
// first, which is an event too) and returns the last storeseq.
func addSales(tb testing.TB, db *bolt.DB, n int) uint64 {
	tb.Helper()
	const tills = 4
	var wg sync.WaitGroup
	errs := make(chan error, tills)
	for till := range tills {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- sellFrom(db, fmt.Sprintf("t%d", till), (n+tills-1-till)/tills)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			tb.Fatal(err)
		}
	}
	st, err := bolt.NewOutboxService(db).SyncStatus(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return st.NextSeq - 1
}

func sellFrom(db *bolt.DB, terminal string, n int) error {
	ctx := tillCtx(terminal)
	if _, err := bolt.NewShiftService(db).FindOpenShift(ctx, terminal); err != nil {
		if _, err := bolt.NewShiftService(db).OpenShift(ctx, &pos.OpenShiftRequest{OpeningFloat: pos.M(0, "RUB")}); err != nil {
			return err
		}
	}
	req := &pos.SaleRequest{Lines: []pos.SaleLineRequest{{SKU: "MILK", Qty: 1}},
		Payments: []pos.PaymentRequest{{Method: "cash", Amount: pos.M(10000, "RUB")}}}
	for range n {
		if _, _, err := bolt.NewSaleService(db).CreateSale(ctx, newKey(), req); err != nil {
			return err
		}
	}
	return nil
}

var keyN struct {
	sync.Mutex
	n int
}

func newKey() string {
	keyN.Lock()
	defer keyN.Unlock()
	keyN.n++
	return fmt.Sprintf("sale-%d-%d", time.Now().UnixNano(), keyN.n)
}

// newRelay returns a relay on db with test-sized timers; Close and a
// goroutine-leak check run at cleanup.
func newRelay(tb testing.TB, broker string, db *bolt.DB) (*storesync.Relay, *prometheus.Registry) {
	tb.Helper()
	reg := prometheus.NewRegistry()
	r := storesync.NewRelay()
	r.Broker, r.StoreID, r.Version = broker, store, "test"
	r.BatchEvents, r.Window, r.AckTimeout = 50, 4, 2*time.Second
	r.Outbox, r.Local = bolt.NewOutboxService(db), bolt.NewOutboxService(db)
	r.Downlink = bolt.NewDownlinkService(db)
	r.Notify = db.Notify()
	r.Logger, r.Registerer = testLogger(), reg
	r.ShopKey, r.CentralKeys = shopKey, []ed25519.PublicKey{centralPub}
	tb.Cleanup(func() { closeRelay(tb, r) })
	return r, reg
}

// closeRelay closes r and checks that none of its goroutines is left.
func closeRelay(tb testing.TB, r *storesync.Relay) {
	tb.Helper()
	start := time.Now()
	if err := r.Close(); err != nil {
		tb.Error(err)
	}
	if d := time.Since(start); d > 8*time.Second {
		tb.Errorf("Close took %v", d)
	}
	checkNoLeak(tb)
}

// checkNoLeak fails if a goroutine still runs code of package sync (paho's
// own goroutines may linger briefly after Disconnect; ours may not).
func checkNoLeak(tb testing.TB) {
	tb.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		var leaked []string
		for _, g := range strings.Split(stacks, "\n\n") {
			if strings.Contains(g, "storeedge/storeedge/sync.") {
				leaked = append(leaked, g)
			}
		}
		if len(leaked) == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%d goroutines of the relay left after Close:\n%s", len(leaked), strings.Join(leaked, "\n\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func pending(tb testing.TB, db *bolt.DB) int {
	tb.Helper()
	st, err := bolt.NewOutboxService(db).OutboxStats(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return st.Pending
}

// metric returns the value of a counter or gauge (summed over labels).
func metric(tb testing.TB, reg *prometheus.Registry, name string) float64 {
	tb.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	var v float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			v += m.GetCounter().GetValue() + m.GetGauge().GetValue() + float64(m.GetHistogram().GetSampleCount())
		}
	}
	return v
}

// testClient connects a plain paho client for the test's side of the
// broker (a fake central, an observer).
func testClient(tb testing.TB, broker, id string, onConnect func(mqtt.Client)) mqtt.Client {
	tb.Helper()
	o := mqtt.NewClientOptions().AddBroker(broker).SetClientID(id).SetCleanSession(true).
		SetAutoReconnect(true).SetConnectRetry(true).SetConnectRetryInterval(100 * time.Millisecond).
		SetMaxReconnectInterval(time.Second).SetOrderMatters(false).SetOnConnectHandler(onConnect).
		SetConnectTimeout(2 * time.Second).SetWriteTimeout(2 * time.Second)
	c := mqtt.NewClient(o)
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		tb.Fatalf("test client %s: connect: %v", id, tok.Error())
	}
	tb.Cleanup(func() { c.Disconnect(100) })
	return c
}

func mustWait(tb testing.TB, tok mqtt.Token) {
	tb.Helper()
	if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		tb.Fatalf("mqtt: %v", tok.Error())
	}
}

// central is a tiny stand-in for sync/central: it stores each event once
// per (epoch, storeseq), keeps the gap-free watermark and publishes the
// contract's retained ack after "storing", as the real one does after its
// commit.
type central struct {
	tb     testing.TB
	client mqtt.Client

	mu         sync.Mutex
	got        map[string]map[uint64]int // epoch → storeseq → deliveries
	ids        map[string]map[uint64]string
	digest     map[string]pos.ChainDigest // at mark
	mark       map[string]uint64
	deliveries int
	loseOnce   map[uint64]bool // a batch holding one of these is lost, once
	silent     bool            // store, but never ack
	delay      time.Duration   // time to "commit" each batch (one at a time)
	subscribed chan struct{}
}

func startCentral(tb testing.TB, broker string) *central {
	tb.Helper()
	c := &central{tb: tb, got: map[string]map[uint64]int{}, mark: map[string]uint64{},
		ids: map[string]map[uint64]string{}, digest: map[string]pos.ChainDigest{},
		loseOnce: map[uint64]bool{}, subscribed: make(chan struct{}, 16)}
	c.client = testClient(tb, broker, "test-central", func(cl mqtt.Client) {
		go func() {
			tok := cl.Subscribe(storesync.EventsTopic(store), 1, c.handle)
			if tok.WaitTimeout(10*time.Second) && tok.Error() == nil {
				c.subscribed <- struct{}{}
			}
		}()
	})
	select {
	case <-c.subscribed:
	case <-time.After(10 * time.Second):
		tb.Fatal("central: not subscribed")
	}
	return c
}

func (c *central) handle(_ mqtt.Client, m mqtt.Message) {
	env, err := storesync.Open(m.Payload(), storesync.Expect{Kinds: []string{storesync.KindEvents}, From: store,
		To: []string{storesync.CentralName}}, storesync.VerifyECDSA(func(string) ([]*ecdsa.PublicKey, error) {
		return []*ecdsa.PublicKey{&shopKey.PublicKey}, nil
	}))
	if err != nil {
		c.tb.Errorf("central: batch not signed by the shop: %v", err)
		return
	}
	evs, err := storesync.DecodeBatch(store, env.Payload)
	if err != nil {
		c.tb.Errorf("central: bad batch: %v", err)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	time.Sleep(c.delay)
	for _, e := range evs {
		if c.loseOnce[e.StoreSeq] {
			for _, e := range evs {
				delete(c.loseOnce, e.StoreSeq)
			}
			return
		}
	}
	epoch := evs[0].StoreEpoch
	if c.got[epoch] == nil {
		c.got[epoch], c.ids[epoch] = map[uint64]int{}, map[uint64]string{}
	}
	for _, e := range evs {
		c.got[epoch][e.StoreSeq]++
		c.deliveries++
		if _, ok := c.ids[epoch][e.StoreSeq]; !ok {
			c.ids[epoch][e.StoreSeq] = e.ID
		}
	}
	for c.got[epoch][c.mark[epoch]+1] > 0 {
		c.mark[epoch]++
		c.digest[epoch] = c.digest[epoch].Next(c.ids[epoch][c.mark[epoch]])
	}
	if c.silent {
		return
	}
	c.publishAck(epoch) // under the lock: acks go out in order
}

// publishAck publishes the signed, retained ack of epoch's watermark.
func (c *central) publishAck(epoch string) {
	b, _ := json.Marshal(storesync.Ack{Store: store, Epoch: epoch, UptoSeq: c.mark[epoch], Digest: c.digest[epoch].String()})
	c.client.Publish(storesync.AcksTopic(store), 1, true, signedBy(storesync.KindAck, store, b))
}

// stored reports whether central stored the event seq of epoch.
func (c *central) stored(epoch string, seq uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.got[epoch][seq] > 0
}

// idsOf returns the ids central holds for epoch, in storeseq order.
func (c *central) idsOf(epoch string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for seq := uint64(1); ; seq++ {
		id, ok := c.ids[epoch][seq]
		if !ok {
			return out
		}
		out = append(out, id)
	}
}

// has reports whether central stored every storeseq 1..last of epoch.
func (c *central) has(epoch string, last uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mark[epoch] >= last
}

func (c *central) stats(epoch string) (distinct, deliveries int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.got[epoch]), c.deliveries
}

func (c *central) setSilent(v bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.silent = v
}

// ackNow publishes the current watermark (after a silent spell).
func (c *central) ackNow(epoch string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.publishAck(epoch)
}

// checkDrained waits until central has every event up to last and the
// outbox is empty, then checks each storeseq was stored.
func checkDrained(tb testing.TB, db *bolt.DB, c *central, last uint64, timeout time.Duration) {
	tb.Helper()
	waitFor(tb, timeout, "central to store everything", func() bool { return c.has(db.Epoch(), last) })
	waitFor(tb, timeout, "the outbox to drain", func() bool { return pending(tb, db) == 0 })
	distinct, deliveries := c.stats(db.Epoch())
	if got, want := distinct, int(last); got != want {
		tb.Fatalf("distinct storeseqs at central=%d, want %d", got, want)
	}
	tb.Logf("%d events, %d deliveries", distinct, deliveries)
}
