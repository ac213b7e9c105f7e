package central_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	gosync "sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/storeedge/storeedge/pos"
	storesync "github.com/storeedge/storeedge/sync"
	"github.com/storeedge/storeedge/sync/central"
	"github.com/storeedge/storeedge/sync/synctest"
)

func TestMain(m *testing.M) { os.Exit(synctest.Main(m)) }

// harness is a private broker and database, plus an MQTT client that
// publishes like a shop and records every ack central publishes.
type harness struct {
	broker   *synctest.Broker
	dbURL    string
	db       *pgxpool.Pool
	client   mqtt.Client
	acks     *ackLog
	logs     *testLog
	central  ed25519.PrivateKey // central's signing key
	insecure bool               // lab mode: plain messages both ways

	mu   gosync.Mutex
	keys map[string]*ecdsa.PrivateKey // each shop's enrolled key
}

// newHarness starts the broker, creates the database and connects the
// shop-side client. Everything is torn down at cleanup.
func newHarness(t *testing.T) *harness {
	t.Helper()
	if testing.Short() {
		t.Skip("integration: needs Mosquitto and PostgreSQL; not in -short")
	}
	_, centralKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{logs: newTestLog(t), central: centralKey, keys: map[string]*ecdsa.PrivateKey{}}
	h.acks = newAckLog(storesync.VerifyEd25519([]ed25519.PublicKey{centralKey.Public().(ed25519.PublicKey)}))
	h.broker = synctest.StartBroker(t)
	h.dbURL = synctest.DatabaseURL(t)
	pool, err := pgxpool.New(context.Background(), h.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	h.db = pool
	h.client = h.connect(t, "test-shop-"+randomHex(4))
	return h
}

// newLabHarness is a harness in lab mode (--insecure-sync): plain
// messages both ways.
func newLabHarness(t *testing.T) *harness {
	h := newHarness(t)
	h.insecure, h.acks.lab = true, true
	return h
}

// connect returns a client subscribed to every store's acks.
func (h *harness) connect(t *testing.T, id string) mqtt.Client {
	t.Helper()
	opts := mqtt.NewClientOptions().AddBroker(h.broker.URL).SetClientID(id).SetCleanSession(true).
		SetProtocolVersion(4).SetAutoReconnect(true).SetConnectRetry(true).SetConnectRetryInterval(100 * time.Millisecond).
		SetOrderMatters(false).SetOnConnectHandler(func(c mqtt.Client) {
		c.Subscribe(storesync.TopicRoot+"/stores/+/acks", 1, h.acks.handle)
	})
	c := mqtt.NewClient(opts)
	mustToken(t, c.Connect())
	t.Cleanup(func() { c.Disconnect(100) })
	return c
}

// startCentral opens a replica on the harness's broker and database and
// waits until it is subscribed. It is closed at cleanup.
func (h *harness) startCentral(t *testing.T, configure ...func(*central.Server)) *central.Server {
	t.Helper()
	s := h.newServer(configure...)
	if err := s.Open(); err != nil {
		s.Close()
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	waitFor(t, 10*time.Second, "central subscribed", s.Ready)
	return s
}

// newServer is a replica on the harness's broker, database and keys, not
// yet opened.
func (h *harness) newServer(configure ...func(*central.Server)) *central.Server {
	s := &central.Server{Broker: h.broker.URL, DatabaseURL: h.dbURL, Listen: "127.0.0.1:0",
		Logger: h.logs.logger(), Workers: 4, SigningKey: h.central, ShopKeys: h.shopKeys, Insecure: h.insecure}
	for _, f := range configure {
		f(s)
	}
	return s
}

// publish sends a batch on a store's events topic, QoS 1, signed with the
// store's enrolled key as the shop would.
func (h *harness) publish(t *testing.T, store string, payload []byte) {
	t.Helper()
	mustToken(t, h.client.Publish(storesync.EventsTopic(store), 1, false, h.sealed(store, payload)))
}

// publishRaw sends a payload as it is.
func (h *harness) publishRaw(t *testing.T, topic string, payload []byte) {
	t.Helper()
	mustToken(t, h.client.Publish(topic, 1, false, payload))
}

// key returns a store's enrolled key, enrolling it on first use.
func (h *harness) key(store string) *ecdsa.PrivateKey {
	h.mu.Lock()
	defer h.mu.Unlock()
	k, ok := h.keys[store]
	if !ok {
		k, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		h.keys[store] = k
	}
	return k
}

// shopKeys is central's view of the enrolled keys (Server.ShopKeys).
func (h *harness) shopKeys(store string) ([]*ecdsa.PublicKey, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if k, ok := h.keys[store]; ok {
		return []*ecdsa.PublicKey{&k.PublicKey}, nil
	}
	return nil, errors.New("not enrolled")
}

// sealed signs a batch as store (plain in lab mode).
func (h *harness) sealed(store string, payload []byte) []byte {
	return h.seal(store, storesync.KindEvents, payload)
}

// seal signs a message of kind as store would (plain in lab mode).
func (h *harness) seal(store, kind string, payload []byte) []byte {
	if h.insecure {
		return payload
	}
	b, err := storesync.Seal(storesync.NewECDSASigner(h.key(store)), kind, store, storesync.CentralName, payload)
	if err != nil {
		panic(err)
	}
	return b
}

// count runs a count query.
func (h *harness) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := h.db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// waitCount waits until a count query returns want.
func (h *harness) waitCount(t *testing.T, want int, sql string, args ...any) {
	t.Helper()
	waitFor(t, 15*time.Second, fmt.Sprintf("%s = %d", sql, want), func() bool { return h.count(t, sql, args...) == want })
}

func mustToken(t *testing.T, tok mqtt.Token) {
	t.Helper()
	select {
	case <-tok.Done():
		if err := tok.Error(); err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("mqtt token timed out")
	}
}

func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ackLog records the acks and conflict notices seen on the broker, per
// store and epoch, once their signature is verified as a shop would.
type ackLog struct {
	verify    storesync.Verifier
	mu        gosync.Mutex
	upto      map[string]uint64
	digest    map[string]string
	n         map[string]int
	conflicts []storesync.Conflict
	unsigned  int  // messages that did not verify
	lab       bool // accept plain messages (a lab-mode harness)
	notify    chan struct{}
}

func newAckLog(verify storesync.Verifier) *ackLog {
	return &ackLog{verify: verify, upto: map[string]uint64{}, digest: map[string]string{}, n: map[string]int{},
		notify: make(chan struct{})}
}

func (a *ackLog) handle(_ mqtt.Client, m mqtt.Message) {
	store, _ := storesync.StoreFromTopic(m.Topic())
	env, err := storesync.Open(m.Payload(), storesync.Expect{Kinds: []string{storesync.KindAck, storesync.KindConflict},
		From: storesync.CentralName, To: []string{store}}, a.verify)
	payload, kind := m.Payload(), ""
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case err == nil:
		payload, kind = env.Payload, env.Kind
	case a.lab && errors.Is(err, storesync.ErrUnsigned):
	default:
		a.unsigned++
		return
	}
	defer func() { close(a.notify); a.notify = make(chan struct{}) }()
	if kind == storesync.KindConflict || kind == "" && bytes.Contains(payload, []byte(`"held_id"`)) {
		if c, err := storesync.DecodeConflict(payload); err == nil {
			a.conflicts = append(a.conflicts, *c)
		}
		return
	}
	ack, err := storesync.DecodeAck(payload)
	if err != nil {
		return
	}
	k := ack.Store + "/" + ack.Epoch
	if ack.UptoSeq >= a.upto[k] {
		a.upto[k], a.digest[k] = ack.UptoSeq, ack.Digest
	}
	a.n[k]++
}

// conflictsOf returns the conflict notices seen for store.
func (a *ackLog) conflictsOf(store string) []storesync.Conflict {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []storesync.Conflict
	for _, c := range a.conflicts {
		if c.Store == store {
			out = append(out, c)
		}
	}
	return out
}

// unverified counts the messages on ack topics that did not verify.
func (a *ackLog) unverified() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.unsigned
}

// digestOf returns the digest of the highest ack of a store's epoch.
func (a *ackLog) digestOf(store, epoch string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.digest[store+"/"+epoch]
}

// get returns the highest ack of a store's epoch and how many acks came.
func (a *ackLog) get(store, epoch string) (upto uint64, n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.upto[store+"/"+epoch], a.n[store+"/"+epoch]
}

// changed returns a channel closed at the next ack.
func (a *ackLog) changed() <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.notify
}

// wait waits until an ack covers upto, and at least n acks came.
func (a *ackLog) wait(t *testing.T, store, epoch string, upto uint64, n int) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		ch := a.changed()
		if got, count := a.get(store, epoch); got >= upto && count >= n {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			got, count := a.get(store, epoch)
			t.Fatalf("ack of %s/%s: upto %d after %d acks, want %d after %d", store, epoch, got, count, upto, n)
		}
	}
}

// shop builds a store's events as the edge would: storeseq from 1, ids
// made once and kept across resends.
type shop struct {
	store, epoch string
	events       []json.RawMessage
	sales        []pos.Sale
}

func newShop(store string) *shop { return &shop{store: store, epoch: randomHex(16)} }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// add appends an event of type typ with data and returns its storeseq.
func (s *shop) add(t *testing.T, typ string, data any) uint64 {
	t.Helper()
	b, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	seq := uint64(len(s.events) + 1)
	e := pos.Event{SpecVersion: "1.0", ID: uuid.Must(uuid.NewV7()).String(), Type: typ,
		Source: "/stores/" + s.store + "/terminals/till-1", Time: time.Now().UTC(),
		DataContentType: "application/json", StoreSeq: seq, StoreEpoch: s.epoch, Data: b}
	raw, err := json.Marshal(&e)
	if err != nil {
		t.Fatal(err)
	}
	s.events = append(s.events, raw)
	return seq
}

// addSales appends n sale.completed events, each a sale of two lines.
func (s *shop) addSales(t *testing.T, n int) {
	t.Helper()
	for range n {
		i := int64(len(s.sales))
		lines := []pos.SaleLine{saleLine(1, "A1", 1+i%3, 12990), saleLine(2, "B2", 2, 4550+i)}
		total := lines[0].Total.Amount + lines[1].Total.Amount
		sale := pos.Sale{ID: uuid.NewString(), ReceiptNo: i + 1, StoreID: s.store, TerminalID: "till-1",
			CashierID: "c1", CashierName: "Anna", ShiftID: "shift-1", Lines: lines, Total: pos.M(total, "RUB"),
			Discount: pos.M(0, "RUB"), Payments: []pos.Payment{{Method: pos.PaymentCard, Amount: pos.M(total, "RUB")}},
			Change: pos.M(0, "RUB"), CreatedAt: time.Now().UTC()}
		sale.StoreSeq = s.add(t, pos.EventSaleCompleted, &sale)
		s.sales = append(s.sales, sale)
	}
}

func saleLine(no int, sku string, qty, price int64) pos.SaleLine {
	total := qty * price
	return pos.SaleLine{No: no, SKU: sku, Name: "Item " + sku, Unit: pos.UnitPiece, Qty: qty,
		UnitPrice: pos.M(price, "RUB"), RegularPrice: pos.M(price, "RUB"), Discount: pos.M(0, "RUB"),
		Total: pos.M(total, "RUB"), VATRate: 20, VAT: pos.M(pos.VATIncluded(total, 20), "RUB")}
}

// digest is the ChainDigest of the shop's events 1..upto, as it would
// check central's ack.
func (s *shop) digest(t *testing.T, upto int) pos.ChainDigest {
	t.Helper()
	var d pos.ChainDigest
	for _, raw := range s.events[:upto] {
		var e pos.Event
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatal(err)
		}
		d = d.Next(e.ID)
	}
	return d
}

// batch is the CloudEvents batch of storeseqs from..to.
func (s *shop) batch(from, to uint64) []byte {
	return storesync.EncodeBatch(s.events[from-1 : to])
}

// resendAfter is the harness shop's ack timeout. The edge's default is
// 30 s; one second made the harness resend every window of 500-event
// batches whenever a loaded machine took a second per batch, until the
// broker's queue to central held tens of megabytes and central's own ack
// publishes timed out behind it.
const resendAfter = 3 * time.Second

// drain plays the shop's uplink: it keeps a window of batches in flight
// after the last ack, and resends from the last ack + 1 when acks stop
// coming, until the ack covers every event.
func (h *harness) drain(s *shop, size int, d time.Duration) error {
	const window = 8
	n := uint64(len(s.events))
	deadline := time.Now().Add(d)
	sent, last, progress := uint64(0), uint64(0), time.Now()
	for {
		ch := h.acks.changed()
		acked, _ := h.acks.get(s.store, s.epoch)
		switch {
		case acked >= n:
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("%s: acked %d of %d after %v", s.store, acked, n, d)
		case acked > last:
			last, progress = acked, time.Now()
		case time.Since(progress) > resendAfter:
			sent, progress = acked, time.Now() // resend: something was lost
		}
		sent = max(sent, acked)
		for sent < n && sent-acked < window*uint64(size) {
			to := min(sent+uint64(size), n)
			h.client.Publish(storesync.EventsTopic(s.store), 1, false, h.sealed(s.store, s.batch(sent+1, to)))
			sent = to
		}
		select {
		case <-ch:
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// testLog sends the replicas' logs to t.Log while the test runs.
type testLog struct {
	mu   gosync.Mutex
	t    *testing.T
	done bool
}

func newTestLog(t *testing.T) *testLog {
	l := &testLog{t: t}
	t.Cleanup(func() { l.mu.Lock(); l.done = true; l.mu.Unlock() }) // runs last
	return l
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.t.Log(strings.TrimSpace(string(p)))
	}
	return len(p), nil
}

func (l *testLog) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// request sends method url, with token as its Bearer credential ("": none)
// and body (nil: none), and returns the status, headers and body.
func request(t *testing.T, method, url, token string, body io.Reader) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// getJSON fetches url with token and decodes its JSON body into v; it
// returns the status.
func getJSON(t *testing.T, token, url string, v any) int {
	t.Helper()
	code, _, b := request(t, http.MethodGet, url, token, nil)
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("GET %s: %d %s: %v", url, code, b, err)
		}
	}
	return code
}

// addToken creates an office token of role in the harness's database,
// which a started central has migrated.
func (h *harness) addToken(t *testing.T, role central.Role) string {
	t.Helper()
	tok, err := central.AddToken(context.Background(), h.db, string(role)+"-"+randomHex(4), role)
	if err != nil {
		t.Fatalf("AddToken: %v", err)
	}
	return tok
}

// metric returns a counter's value from /metrics.
func metric(t *testing.T, s *central.Server, name string) float64 {
	t.Helper()
	resp, err := http.Get(s.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			var f float64
			fmt.Sscan(v, &f)
			return f
		}
	}
	t.Fatalf("metric %s not found", name)
	return 0
}
