package central_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/google/uuid"
	"github.com/storeedge/storeedge/pos"
	storesync "github.com/storeedge/storeedge/sync"
	"github.com/storeedge/storeedge/sync/central"
)

// TestTrust_ForgedBatches: a batch that is unsigned, signed by another
// shop, or signed by a shop on another shop's topic stores nothing and
// acks nothing; the shop's own signed batch goes through.
func TestTrust_ForgedBatches(t *testing.T) {
	h := newHarness(t)
	c := h.startCentral(t)
	s := newShop("s1")
	s.addSales(t, 2)
	h.key("s2") // enrolled too
	forged := []struct {
		name    string
		payload []byte
	}{
		{"Unsigned", s.batch(1, 2)},
		{"AnotherShopsKey", mustSeal(t, h.key("s2"), storesync.KindEvents, "s1", s.batch(1, 2))},
		{"AnotherShopOnThisTopic", h.seal("s2", storesync.KindEvents, s.batch(1, 2))},
		{"AnAckKind", h.seal("s1", storesync.KindAck, s.batch(1, 2))},
		{"AddressedElsewhere", mustSealTo(t, h.key("s1"), storesync.KindEvents, "s1", "s2", s.batch(1, 2))},
	}
	for _, f := range forged {
		h.publishRaw(t, storesync.EventsTopic("s1"), f.payload)
	}
	waitFor(t, 15*time.Second, "every forged batch refused", func() bool {
		return metric(t, c, `storeedge_central_rejected_messages_total{kind="events"}`) == float64(len(forged))
	})
	if got := h.count(t, `SELECT count(*) FROM events`); got != 0 {
		t.Fatalf("%d events stored from forged batches", got)
	}
	if _, n := h.acks.get(s.store, s.epoch); n != 0 {
		t.Fatal("a forged batch was acked")
	}
	h.publish(t, s.store, s.batch(1, 2))
	h.acks.wait(t, s.store, s.epoch, 2, 1)
	if n := h.acks.unverified(); n != 0 {
		t.Fatalf("%d acks did not verify", n)
	}
}

// TestTrust_PreemptedSequence is another device writing the shop's epoch
// first (a copied data directory, or a stolen key): central keeps what it
// got first, never stores the other events at those places, records and
// shows the conflict, tells the shop, and acks with a digest that is not
// the shop's, so the shop deletes nothing. Moved to a new epoch, the
// shop's events are stored.
func TestTrust_PreemptedSequence(t *testing.T) {
	h := newHarness(t)
	c := h.startCentral(t)
	real := newShop("s1")
	real.addSales(t, 3)
	clone := &shop{store: real.store, epoch: real.epoch, events: append([]json.RawMessage(nil), real.events[:1]...)}
	clone.addSales(t, 2) // its own seq 2 and 3

	h.publish(t, real.store, real.batch(1, 1))
	h.publish(t, clone.store, clone.batch(2, 3))
	h.acks.wait(t, real.store, real.epoch, 3, 2)
	h.publish(t, real.store, real.batch(1, 3))
	waitFor(t, 15*time.Second, "conflict notice", func() bool { return len(h.acks.conflictsOf("s1")) > 0 })

	cs := h.acks.conflictsOf("s1")
	if got, want := cs[0], (storesync.Conflict{Store: "s1", Epoch: real.epoch, Seq: 2,
		HeldID: eventID(t, clone.events[1]), OfferedID: eventID(t, real.events[1])}); got != want {
		t.Fatalf("conflict = %+v, want %+v", got, want)
	}
	if got, want := h.count(t, `SELECT count(*) FROM conflicts WHERE store = 's1'`), 2; got != want {
		t.Fatalf("conflicts=%d, want %d", got, want)
	}
	var info central.StoreInfo
	if code := getJSON(t, h.addToken(t, central.RoleViewer), c.URL()+"/api/v1/stores/s1", &info); code != 200 ||
		info.Conflicts != 2 || info.LastConflictAt == nil {
		t.Fatalf("GET stores/s1: %d %+v, want 2 conflicts shown", code, info)
	}
	if got := metric(t, c, `storeedge_central_conflicts_total{store="s1"}`); got != 2 {
		t.Fatalf("conflicts metric=%v, want 2", got)
	}
	if got, want := h.acks.digestOf("s1", real.epoch), clone.digest(t, 3).String(); got != want {
		t.Fatalf("ack digest %s, want the held events' %s", got, want)
	}
	if h.acks.digestOf("s1", real.epoch) == real.digest(t, 3).String() {
		t.Fatal("the ack's digest matches the shop's events it does not hold")
	}

	moved := newShop("s1") // the shop moves its events 2 and 3, ids kept
	for _, raw := range real.events[1:] {
		var e pos.Event
		_ = json.Unmarshal(raw, &e)
		e.StoreEpoch, e.StoreSeq = moved.epoch, uint64(len(moved.events)+1)
		b, _ := json.Marshal(&e)
		moved.events = append(moved.events, b)
	}
	h.publish(t, moved.store, moved.batch(1, 2))
	h.acks.wait(t, moved.store, moved.epoch, 2, 1)
	if got, want := h.acks.digestOf("s1", moved.epoch), moved.digest(t, 2).String(); got != want {
		t.Fatalf("digest %s, want %s", got, want)
	}
	if got, want := h.count(t, `SELECT count(*) FROM events WHERE store = 's1'`), 5; got != want {
		t.Fatalf("events=%d, want %d: each device's sales once", got, want)
	}
}

// TestTrust_Quarantine: events central cannot book are kept verbatim with
// their reason and acked past, so the shop's sequence moves on; a resend
// keeps nothing twice.
func TestTrust_Quarantine(t *testing.T) {
	h := newHarness(t)
	c := h.startCentral(t)
	s := newShop("s1")
	s.addSales(t, 1)
	s.addRaw(t, func(e *pos.Event) { e.Data = json.RawMessage(`{"id":"x","ref":"a\u0000b"}`) })
	s.addRaw(t, func(e *pos.Event) { e.Source = "/stores/s2/terminals/t1" })
	s.add(t, pos.EventSaleCompleted, map[string]any{"id": uuid.NewString(), "lines": []any{map[string]any{"qty": 1}},
		"total": map[string]any{"amount": -500, "currency": "RUB"}})
	s.addSales(t, 1)
	unslotted := mutatedRaw(t, s.events[0], func(e *pos.Event) { e.StoreEpoch = "zz" })
	batch := storesync.EncodeBatch(append(append([]json.RawMessage{}, s.events...), unslotted))

	for range 2 {
		h.publish(t, s.store, batch)
	}
	h.acks.wait(t, s.store, s.epoch, 5, 2)
	if got, want := h.count(t, `SELECT count(*) FROM sales WHERE store = 's1'`), 2; got != want {
		t.Fatalf("sales=%d, want %d (the negative one refused)", got, want)
	}
	if got, want := h.count(t, `SELECT count(*) FROM quarantine WHERE store = 's1'`), 4; got != want {
		t.Fatalf("quarantine=%d, want %d", got, want)
	}
	for seq, want := range map[int]string{2: `\u0000`, 3: "source", 4: "negative"} {
		reason := h.text(t, `SELECT reason FROM quarantine WHERE store = 's1' AND seq = $1`, seq)
		if !strings.Contains(reason, want) {
			t.Fatalf("seq %d quarantined for %q, want it to say %q", seq, reason, want)
		}
	}
	if got := h.count(t, `SELECT count(*) FROM quarantine WHERE seq IS NULL AND event LIKE '%"zz"%'`); got != 1 {
		t.Fatalf("the event without a place: %d rows", got)
	}
	if got := h.count(t, `SELECT quarantined FROM stores WHERE store = 's1'`); got != 4 {
		t.Fatalf("stores.quarantined=%d, want 4", got)
	}
	if got := metric(t, c, `storeedge_central_quarantined_events_total{store="s1"}`); got != 4 {
		t.Fatalf("quarantined metric=%v", got)
	}
	if got, want := h.acks.digestOf("s1", s.epoch), s.digest(t, 5).String(); got != want {
		t.Fatalf("digest %s, want %s: quarantined places count with their ids", got, want)
	}
}

// TestTrust_SignedDownlink: every downlink message and pull page is
// signed by central for its audience, so a shop can tell it from a forgery
// and another shop's message from its own.
func TestTrust_SignedDownlink(t *testing.T) {
	h := newHarness(t)
	c := h.startCentral(t)
	pub := h.central.Public().(ed25519.PublicKey)
	verify := storesync.VerifyEd25519([]ed25519.PublicKey{pub})
	got := make(chan mqtt.Message, 4)
	handle := func(_ mqtt.Client, m mqtt.Message) { got <- m }
	mustToken(t, h.client.Subscribe(storesync.DownlinkTopic("s1"), 1, handle))
	mustToken(t, h.client.Subscribe(storesync.AllDownlinkTopic, 1, handle))

	admin := h.addToken(t, central.RoleAdmin)
	h.postDownlink(t, admin, c.URL(), map[string]any{"store": "s1", "stream": "prices", "items": []any{priceItem("A1", 100)}})
	h.postDownlink(t, admin, c.URL(), map[string]any{"stream": "prices", "items": []any{priceItem("A1", 200)}})
	for range 2 {
		m := <-got
		to := "s1"
		if m.Topic() == storesync.AllDownlinkTopic {
			to = storesync.AudienceAll
		}
		env, err := storesync.Open(m.Payload(), storesync.Expect{Kinds: []string{storesync.KindDownlink},
			From: storesync.CentralName, To: []string{to}}, verify)
		if err != nil {
			t.Fatalf("%s: %v", m.Topic(), err)
		}
		if _, err := storesync.DecodeDownlink(env.Payload); err != nil {
			t.Fatal(err)
		}
		if _, err := storesync.Open(m.Payload(), storesync.Expect{Kinds: []string{storesync.KindDownlink},
			From: storesync.CentralName, To: []string{"s2"}}, verify); err == nil {
			t.Fatalf("%s: s2 would accept s1's message", m.Topic())
		}
	}
	body := h.get(t, shopToken(t, "s1", h.key("s1"), time.Now()), c.URL()+"/api/v1/stores/s1/downlink?stream=prices")
	env, err := storesync.Open(body, storesync.Expect{Kinds: []string{storesync.KindPull}, From: storesync.CentralName,
		To: []string{"s1"}}, verify)
	if err != nil {
		t.Fatalf("pull page: %v", err)
	}
	var page storesync.PullPage
	if err := json.Unmarshal(env.Payload, &page); err != nil || len(page.Messages) != 2 {
		t.Fatalf("page %s: %v", env.Payload, err)
	}
}

// TestTrust_LabMode: with Insecure, plain batches are taken and plain acks
// sent, as before signatures (a lab only).
func TestTrust_LabMode(t *testing.T) {
	h := newLabHarness(t)
	h.startCentral(t)
	s := newShop("s1")
	s.addSales(t, 3)
	h.publishRaw(t, storesync.EventsTopic(s.store), s.batch(1, 3))
	h.acks.wait(t, s.store, s.epoch, 3, 1)
}

func mustSeal(t *testing.T, k *ecdsa.PrivateKey, kind, from string, payload []byte) []byte {
	return mustSealTo(t, k, kind, from, storesync.CentralName, payload)
}

func mustSealTo(t *testing.T, k *ecdsa.PrivateKey, kind, from, to string, payload []byte) []byte {
	t.Helper()
	signer := storesync.NewECDSASigner(k)
	b, err := storesync.Seal(signer, kind, from, to, payload)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func eventID(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var e pos.Event
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatal(err)
	}
	return e.ID
}

// mutatedRaw returns a copy of a stored event changed by f, under a new id.
func mutatedRaw(t *testing.T, raw json.RawMessage, f func(*pos.Event)) json.RawMessage {
	t.Helper()
	var e pos.Event
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatal(err)
	}
	e.ID = uuid.NewString()
	f(&e)
	b, err := json.Marshal(&e)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// addRaw appends a sale event at the next storeseq, changed by f.
func (s *shop) addRaw(t *testing.T, f func(*pos.Event)) {
	t.Helper()
	s.addSales(t, 1)
	last := len(s.events) - 1
	var e pos.Event
	if err := json.Unmarshal(s.events[last], &e); err != nil {
		t.Fatal(err)
	}
	f(&e)
	b, err := json.Marshal(&e)
	if err != nil {
		t.Fatal(err)
	}
	s.events[last] = b
	s.sales = s.sales[:len(s.sales)-1]
}

// text runs a query returning one text value.
func (h *harness) text(t *testing.T, sql string, args ...any) string {
	t.Helper()
	var v string
	if err := h.db.QueryRow(t.Context(), sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

// postDownlink posts a downlink message as the office would.
func (h *harness) postDownlink(t *testing.T, token, base string, body map[string]any) {
	t.Helper()
	if code := post(t, token, base+"/api/v1/downlink", body, nil); code != 201 {
		t.Fatalf("POST downlink: %d", code)
	}
}

// get returns a GET's body with token, failing on anything but 200.
func (h *harness) get(t *testing.T, token, url string) []byte {
	t.Helper()
	code, _, b := request(t, http.MethodGet, url, token, nil)
	if code != 200 {
		t.Fatalf("GET %s: %d %s", url, code, b)
	}
	return b
}
