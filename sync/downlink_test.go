package sync_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	storesync "github.com/storeedge/storeedge/sync"
	"github.com/storeedge/storeedge/sync/synctest"
)

func customers(v uint64) []byte {
	return fmt.Appendf(nil, `{"stream":"customers","version":%d,"items":[{"id":"c%d","phone":"+79161234567","discount_percent":5,"loyalty_points":%d}]}`, v, v, v)
}

func syncStatus(tb testing.TB, db *bolt.DB) *pos.SyncStatus {
	tb.Helper()
	st, err := bolt.NewOutboxService(db).SyncStatus(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

// publishUntil publishes msg until cond holds: the relay's subscription
// may not be in place yet, and a replay changes nothing.
func publishUntil(tb testing.TB, c mqtt.Client, topic string, msg []byte, what string, cond func() bool) {
	tb.Helper()
	waitFor(tb, 20*time.Second, what, func() bool {
		mustWait(tb, c.Publish(topic, 1, false, downlinkOn(topic, msg)))
		time.Sleep(100 * time.Millisecond)
		return cond()
	})
}

// A downlink message is applied; malformed and hostile ones become dead
// letters, and the relay keeps applying and sending.
func TestRelay_Downlink(t *testing.T) {
	b := synctest.StartBroker(t)
	db := MustOpenDB(t)
	c := startCentral(t, b.URL)
	r, reg := newRelay(t, b.URL, db)
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	pub := testClient(t, b.URL, "test-publisher", nil)
	version := func() uint64 { return syncStatus(t, db).DownlinkVersions[pos.StreamCustomers] }
	publishUntil(t, pub, storesync.DownlinkTopic(store), customers(1), "v1 applied", func() bool { return version() == 1 })

	bad := [][]byte{
		[]byte(`{{ not json`),
		{0xff, 0xfe, 0x00, 0x01},
		[]byte(`{"stream":"customers","version":2,"items":[{"id":""}]}`),           // fails the item's validation
		[]byte(`{"stream":"customers","version":2,"items":[{"id":"x","evil":1}]}`), // unknown field
		[]byte(`{"stream":"bombs","version":2,"items":[]}`),
		[]byte(`[]`),
	}
	for _, m := range bad {
		mustWait(t, pub.Publish(storesync.DownlinkTopic(store), 1, false, downlinkOn(storesync.DownlinkTopic(store), m)))
	}
	waitFor(t, 20*time.Second, "dead letters", func() bool { return syncStatus(t, db).DeadLetters == len(bad) })
	if got, want := metric(t, reg, "storeedge_sync_dead_letters_total"), float64(len(bad)); got != want {
		t.Fatalf("dead letters metric=%v, want %v", got, want)
	}
	if got, want := version(), uint64(1); got != want {
		t.Fatalf("version=%d, want %d", got, want)
	}

	// Still working: a chain-wide message applies and sales still go up.
	publishUntil(t, pub, storesync.AllDownlinkTopic, customers(3), "v3 applied", func() bool { return version() == 3 })
	last := addSales(t, db, 20)
	checkDrained(t, db, c, last, 20*time.Second)
	st, err := r.SyncStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !st.Connected || st.DeadLetters != len(bad) || st.DownlinkVersions[pos.StreamCustomers] != 3 {
		t.Fatalf("status=%+v", st)
	}
}

// The downlink session is persistent: a message published while the shop
// is offline arrives when it is back.
func TestRelay_DownlinkSession(t *testing.T) {
	b := synctest.StartBroker(t)
	db := MustOpenDB(t)
	pub := testClient(t, b.URL, "test-publisher", nil)
	version := func() uint64 { return syncStatus(t, db).DownlinkVersions[pos.StreamCustomers] }

	r, _ := newRelay(t, b.URL, db)
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	publishUntil(t, pub, storesync.DownlinkTopic(store), customers(1), "v1 applied", func() bool { return version() == 1 })
	closeRelay(t, r)

	mustWait(t, pub.Publish(storesync.DownlinkTopic(store), 1, false, downlinkOn(storesync.DownlinkTopic(store), customers(2))))
	r2, _ := newRelay(t, b.URL, db)
	if err := r2.Open(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "v2 from the session", func() bool { return version() == 2 })
}
