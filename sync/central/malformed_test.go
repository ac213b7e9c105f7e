package central_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/storeedge/storeedge/pos"
	storesync "github.com/storeedge/storeedge/sync"
)

// mutated returns a copy of a stored event, changed by f, under a new id.
func mutated(t *testing.T, raw json.RawMessage, f func(*pos.Event)) []byte {
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
	return storesync.EncodeBatch([]json.RawMessage{b})
}

// TestMalformed publishes hostile payloads: each is dropped and counted,
// and central goes on applying good batches.
func TestMalformed(t *testing.T) {
	h := newHarness(t)
	c := h.startCentral(t)
	s := newShop("s1")
	s.addSales(t, 3)
	first := s.events[0]
	events := storesync.EventsTopic(s.store)
	huge := append([]byte(`[{"data":"`), bytes.Repeat([]byte("x"), storesync.MaxMessageBytes)...)
	cases := []struct {
		name, topic string
		payload     []byte
	}{
		{"Empty", events, nil},
		{"Garbage", events, []byte("\x00\xff{[not json")},
		{"Object", events, []byte(`{}`)},
		{"EmptyBatch", events, []byte(`[]`)},
		{"NotCloudEvents", events, []byte(`[{"specversion":"0.3","id":"x"}]`)},
		{"Huge", events, append(huge, `"}]`...)},
		{"WrongStoreInSource", events, mutated(t, first, func(e *pos.Event) { e.Source = "/stores/s2/terminals/t1" })},
		{"SeqZero", events, mutated(t, first, func(e *pos.Event) { e.StoreSeq = 0 })},
		{"SeqBeyondInt64", events, mutated(t, first, func(e *pos.Event) { e.StoreSeq = 1 << 63 })},
		{"BadEpoch", events, mutated(t, first, func(e *pos.Event) { e.StoreEpoch = "zz" })},
		{"NULInData", events, mutated(t, first, func(e *pos.Event) { e.Data = json.RawMessage(`{"id":"a\u0000b"}`) })},
		{"InvalidUTF8InData", events, mutated(t, first, func(e *pos.Event) { e.Data = json.RawMessage("{\"id\":\"\xff\"}") })},
		{"DataNotObject", events, mutated(t, first, func(e *pos.Event) { e.Data = json.RawMessage(`[1]`) })},
		{"BadStoreInTopic", "storeedge/v1/stores/BAD!/events", s.batch(1, 1)},
		{"GarbageStatus", storesync.StatusTopic("s1"), []byte("online!")},
	}
	for _, tc := range cases {
		mustToken(t, h.client.Publish(tc.topic, 1, false, tc.payload))
	}
	waitFor(t, 15e9, "every malformed message counted", func() bool {
		return metric(t, c, "storeedge_central_malformed_messages_total") == float64(len(cases))
	})

	// An event whose data is no sale is stored, and counted, but makes no
	// sale row: refusing it would block the shop's sequence forever.
	s.add(t, pos.EventSaleCompleted, map[string]any{"id": 5})
	h.publish(t, s.store, s.batch(1, 4))
	h.acks.wait(t, s.store, s.epoch, 4, 1)
	if got, want := h.count(t, `SELECT count(*) FROM events`), 4; got != want {
		t.Fatalf("events=%d, want %d", got, want)
	}
	if got, want := h.count(t, `SELECT count(*) FROM sales`), 3; got != want {
		t.Fatalf("sales=%d, want %d", got, want)
	}
	if got, want := metric(t, c, "storeedge_central_effect_failures_total"), 1.0; got != want {
		t.Fatalf("effect failures=%v, want %v", got, want)
	}
	if !strings.HasPrefix(c.URL(), "http://") || getJSON(t, "", c.URL()+"/healthz", nil) != 200 {
		t.Fatal("central not healthy after hostile input")
	}
}
