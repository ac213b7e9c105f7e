package central_test

import (
	"bytes"
	"strings"
	"testing"

	storesync "github.com/storeedge/storeedge/sync"
)

// TestMalformed publishes payloads a shop signed that are no batch at all:
// each is dropped and counted, and central goes on applying good batches.
// (Events that are bad one by one are quarantined: trust_test.go.)
func TestMalformed(t *testing.T) {
	h := newHarness(t)
	c := h.startCentral(t)
	s := newShop("s1")
	s.addSales(t, 3)
	huge := append([]byte(`[{"data":"`), bytes.Repeat([]byte("x"), storesync.MaxMessageBytes)...)
	cases := []struct {
		name, kind string
		payload    []byte
	}{
		{"Empty", storesync.KindEvents, []byte(`""`)},
		{"Object", storesync.KindEvents, []byte(`{}`)},
		{"EmptyBatch", storesync.KindEvents, []byte(`[]`)},
		{"Number", storesync.KindEvents, []byte(`12`)},
		{"Huge", storesync.KindEvents, append(huge, `"}]`...)},
		{"GarbageStatus", storesync.KindStatus, []byte(`"online!"`)},
	}
	for _, tc := range cases {
		topic := storesync.EventsTopic(s.store)
		if tc.kind == storesync.KindStatus {
			topic = storesync.StatusTopic(s.store)
		}
		h.publishRaw(t, topic, h.seal(s.store, tc.kind, tc.payload))
	}
	h.publishRaw(t, "storeedge/v1/stores/BAD!/events", h.sealed(s.store, s.batch(1, 1)))
	waitFor(t, 15e9, "every malformed message counted", func() bool {
		return metric(t, c, "storeedge_central_malformed_messages_total") == float64(len(cases)+1)
	})
	h.publish(t, s.store, s.batch(1, 3))
	h.acks.wait(t, s.store, s.epoch, 3, 1)
	if got, want := h.count(t, `SELECT count(*) FROM sales`), 3; got != want {
		t.Fatalf("sales=%d, want %d", got, want)
	}
	if !strings.HasPrefix(c.URL(), "http://") || getJSON(t, "", c.URL()+"/healthz", nil) != 200 {
		t.Fatal("central not healthy after hostile input")
	}
}
