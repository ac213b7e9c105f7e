package central_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	gosync "sync"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/sync/central"
)

// TestWebhook forwards each applied event once, keyed by its id, retrying
// a CRM that fails; duplicates from the shop are not forwarded.
func TestWebhook(t *testing.T) {
	var mu gosync.Mutex
	taken := map[string]int{}
	calls := 0
	crm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			w.WriteHeader(http.StatusServiceUnavailable) // retried
			return
		}
		var e pos.Event
		if err := json.NewDecoder(r.Body).Decode(&e); err != nil || e.ID != r.Header.Get("Idempotency-Key") {
			t.Errorf("webhook body id %q, key %q: %v", e.ID, r.Header.Get("Idempotency-Key"), err)
		}
		taken[e.ID]++
	}))
	defer crm.Close()
	h := newHarness(t)
	h.startCentral(t, func(s *central.Server) { s.CRMWebhook = crm.URL })
	s := newShop("s1")
	s.addSales(t, 5)
	h.publish(t, s.store, s.batch(1, 5))
	h.acks.wait(t, s.store, s.epoch, 5, 1)
	h.publish(t, s.store, s.batch(1, 5))
	h.acks.wait(t, s.store, s.epoch, 5, 2)
	waitFor(t, 10*time.Second, "5 events forwarded", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(taken) == 5
	})
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	for id, n := range taken {
		if n != 1 {
			t.Fatalf("event %s forwarded %d times", id, n)
		}
	}
}
