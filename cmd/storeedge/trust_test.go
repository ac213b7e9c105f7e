package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/jackc/pgx/v5"
	"github.com/storeedge/storeedge/pos"
	storesync "github.com/storeedge/storeedge/sync"
	"github.com/storeedge/storeedge/sync/synctest"
)

// TestTrust_CopiedDataDirectory copies a shop's data directory with cp
// (as a cloned SD card would) while it has unsynced sales, and runs both
// copies as the same shop. Central sees it within a minute (conflicts on
// the shop's status), the copy that loses moves its events to a new epoch,
// and every sale of both reaches central exactly once: nothing dropped as
// a duplicate, nothing twice.
func TestTrust_CopiedDataDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: not in -short")
	}
	ch := newChain(t)
	central := ch.central(t)
	a := newShop(t, "c1", 2, ch.shopArgs(t, "c1")...)
	ids := a.sell(t, 40)
	a.waitDrained(t, time.Minute)
	ch.broker.Stop()
	ids = append(ids, a.sell(t, 20)...) // unsynced when the copy is made
	a.proc.stop(t)
	b := a.copyTo(t, t.TempDir())
	a.start(t)
	b.start(t)
	ch.broker.Start()

	ids = append(ids, a.sell(t, 30)...)
	ids = append(ids, b.sell(t, 30)...)
	viewer := newClient(central.URL)
	viewer.token = strings.TrimSpace(mustRun(t, "central", "token", "add", "--database-url", ch.dbURL, "--name", "office", "--role", "viewer"))
	seen := time.Now()
	var info struct {
		Conflicts int64 `json:"conflicts"`
	}
	for info.Conflicts == 0 {
		if time.Since(seen) > time.Minute {
			t.Fatal("central did not show the two devices within a minute")
		}
		time.Sleep(200 * time.Millisecond)
		viewer.do("GET", "/api/v1/stores/c1", nil, nil, &info)
	}
	t.Logf("central showed the conflict after %v", time.Since(seen).Round(time.Millisecond))
	sa, sb := a.waitDrained(t, 2*time.Minute), b.waitDrained(t, 2*time.Minute)
	if sa.StoreEpoch == sb.StoreEpoch {
		t.Fatalf("both copies still write epoch %s", sa.StoreEpoch)
	}
	centralSalesOnce(t, ch.dbURL, "c1", ids)
}

// copyTo copies the stopped shop's data directory to dir with cp -r and
// returns a shop on the copy, with the same tills (their sessions are in
// the database).
func (s *shop) copyTo(tb testing.TB, dir string) *shop {
	tb.Helper()
	if out, err := exec.Command("cp", "-r", s.dir+"/.", dir).CombinedOutput(); err != nil {
		tb.Fatalf("cp: %v %s", err, out)
	}
	c := &shop{dir: dir, store: s.store, tokens: s.tokens, args: s.args}
	for _, till := range s.tills {
		cl := newClient("")
		cl.token = till.token
		c.tills = append(c.tills, cl)
	}
	return c
}

// centralSalesOnce checks central holds each sale of ids exactly once, and
// no other sale of the store.
func centralSalesOnce(tb testing.TB, dbURL, store string, ids []string) {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT id FROM sales WHERE store = $1`, store)
	if err != nil {
		tb.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		tb.Fatal(err)
	}
	count := map[string]int{}
	for _, id := range got {
		count[id]++
	}
	for _, id := range ids {
		if count[id] != 1 {
			tb.Fatalf("sale %s is at central %d times, want once (%d sales there, %d made)", id, count[id], len(got), len(ids))
		}
	}
	if len(got) != len(ids) {
		tb.Fatalf("central has %d sales of %s, want %d", len(got), store, len(ids))
	}
}

// TestTrust_ForgeriesOnAnOpenBroker runs the chain signed but on an
// anonymous broker (no ACL), as docs/SYNC.md's old walk-through did, and
// plays the issue's attacks from the shop's LAN: a retained ack "up to
// 1,000,000", a chain-wide 0.01 RUB price with a huge version, and events
// forged as another shop and ahead of this shop's own. Signatures alone
// refuse each: nothing is erased, repriced or stored, and the shop's real
// sales reach central exactly once.
func TestTrust_ForgeriesOnAnOpenBroker(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: not in -short")
	}
	ch := newChain(t) // for its PKI and database; its mTLS broker stays unused
	open := synctest.StartBroker(t)
	s := newShop(t, "o1", 2, "--broker", open.URL, "--sync-identity", ch.enroll(t, "o1"), "--sync-ack-timeout", "3s")
	ch.enroll(t, "o2")
	ids := s.sell(t, 30)
	epoch := s.status(t).StoreEpoch
	attacker := attackerClient(t, open.URL)
	forge := func(topic string, retained bool, payload any) {
		b, _ := json.Marshal(payload)
		if tok := attacker.Publish(topic, 1, retained, b); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
			t.Fatalf("publish %s: %v", topic, tok.Error())
		}
	}
	forge(storesync.AcksTopic("o1"), true, storesync.Ack{Store: "o1", Epoch: epoch, UptoSeq: 1_000_000})
	forge(storesync.AllDownlinkTopic, false, map[string]any{"stream": "prices", "version": uint64(9223372036854775807),
		"items": []any{map[string]any{"sku": "A1", "prices": []any{map[string]any{"amount": 1, "effective_from": "2020-01-01T00:00:00Z"}}, "promotions": []any{}}}})
	fake := fakeEvents(t, "o1", epoch, 2, 3)
	forge(storesync.EventsTopic("o2"), false, fakeEvents(t, "o2", strings.Repeat("ab", 16), 1, 2))
	forge(storesync.EventsTopic("o1"), false, fake)

	waitStatus(t, s, "the forged ack and downlink refused", func(st syncStatus) bool { return st.RejectedMessages >= 2 })
	if st := s.status(t); st.PendingEvents == 0 || st.LastAckSeq != 0 {
		t.Fatalf("after a forged ack: %+v", st)
	}
	var p struct{ Price struct{ Amount int64 } }
	s.tills[0].must(t, 200, "GET", "/api/v1/products/A1", nil, nil, &p)
	if p.Price.Amount == 1 {
		t.Fatal("the forged downlink repriced the shop")
	}

	central := startCentral(t, open.URL, ch.dbURL, "--pki", ch.pki)
	ids = append(ids, s.sell(t, 10)...)
	st := s.waitDrained(t, time.Minute)
	centralSalesOnce(t, ch.dbURL, "o1", ids)
	if n := centralEvents(t, ch.dbURL, "o2", strings.Repeat("ab", 16), 0); n != 0 {
		t.Fatalf("central stored %d sales forged as o2", n)
	}
	centralEvents(t, ch.dbURL, "o1", st.StoreEpoch, st.LastAckSeq)
	_ = central
}

// attackerClient is an anonymous MQTT client on the shop's LAN.
func attackerClient(tb testing.TB, broker string) mqtt.Client {
	tb.Helper()
	c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(broker).SetClientID("attacker").SetConnectTimeout(5 * time.Second))
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		tb.Fatalf("attacker connect: %v", tok.Error())
	}
	tb.Cleanup(func() { c.Disconnect(100) })
	return c
}

// fakeEvents is a batch of made-up sales of store at storeseqs from..to.
func fakeEvents(tb testing.TB, store, epoch string, from, to uint64) []json.RawMessage {
	tb.Helper()
	var out []json.RawMessage
	for seq := from; seq <= to; seq++ {
		data, _ := json.Marshal(map[string]any{"id": fmt.Sprintf("fake-%d", seq), "lines": []any{map[string]any{"qty": 1}},
			"total": map[string]any{"amount": 100, "currency": "RUB"}})
		b, _ := json.Marshal(pos.Event{SpecVersion: "1.0", ID: fmt.Sprintf("01900000-0000-7000-8000-%012d", seq),
			Source: "/stores/" + store + "/terminals/t1", Type: pos.EventSaleCompleted, Time: time.Now().UTC(),
			DataContentType: "application/json", StoreSeq: seq, StoreEpoch: epoch, Data: data})
		out = append(out, b)
	}
	return out
}

// waitStatus polls the shop's sync status until cond holds.
func waitStatus(tb testing.TB, s *shop, what string, cond func(syncStatus) bool) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st := s.status(tb)
		if cond(st) {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s: %+v", what, st)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
