package sync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	storesync "github.com/storeedge/storeedge/sync"
	"github.com/storeedge/storeedge/sync/synctest"
)

func relayStatus(tb testing.TB, r *storesync.Relay) *pos.SyncStatus {
	tb.Helper()
	st, err := r.SyncStatus(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

func ackPayload(epoch string, upto uint64, digest string) []byte {
	b, _ := json.Marshal(storesync.Ack{Store: store, Epoch: epoch, UptoSeq: upto, Digest: digest})
	return b
}

// TestTrust_ForgedAck is the first attack: with central away, a
// retained ack "up to 1,000,000" from anyone on the broker. Unsigned it is
// refused; signed by central but beyond what the shop wrote it deletes
// nothing either; the shop's sales reach the real central afterwards, and
// its next sale is not stuck behind a watermark it never had.
func TestTrust_ForgedAck(t *testing.T) {
	b := synctest.StartBroker(t)
	db := MustOpenDB(t)
	last := addSales(t, db, 3)
	r, reg := newRelay(t, b.URL, db)
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	attacker := testClient(t, b.URL, "attacker", nil)
	epoch := db.Epoch()
	mustWait(t, attacker.Publish(storesync.AcksTopic(store), 1, true, ackPayload(epoch, 1_000_000, "")))
	waitFor(t, 10*time.Second, "the forged ack refused", func() bool { return relayStatus(t, r).RejectedMessages == 1 })
	beyond := signedBy(storesync.KindAck, store, ackPayload(epoch, 1_000_000, pos.ChainDigest{}.String()))
	mustWait(t, attacker.Publish(storesync.AcksTopic(store), 1, true, beyond))
	waitFor(t, 10*time.Second, "the ack beyond refused", func() bool { return relayStatus(t, r).RefusedAcks == 1 })
	if got := pending(t, db); got != int(last) {
		t.Fatalf("pending=%d, want %d: an ack deleted events central does not have", got, last)
	}
	if got := metric(t, reg, "storeedge_sync_rejected_messages_total"); got != 1 {
		t.Fatalf("rejected metric=%v", got)
	}
	mustWait(t, attacker.Publish(storesync.AcksTopic(store), 1, true, []byte{})) // clear the retained forgery
	c := startCentral(t, b.URL)
	last = addSales(t, db, 2)
	checkDrained(t, db, c, last, 30*time.Second)
}

// TestTrust_ForgedDownlink is the second attack: one publish of a
// prices message at 0.01 RUB with a huge version. Unsigned, or signed for
// another shop, it is kept aside and counted, never applied, and central's
// real (lower) version still applies.
func TestTrust_ForgedDownlink(t *testing.T) {
	b := synctest.StartBroker(t)
	db := MustOpenDB(t)
	r, _ := newRelay(t, b.URL, db)
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	pub := testClient(t, b.URL, "attacker", nil)
	price := func(v uint64, amount int64) []byte {
		return fmt.Appendf(nil, `{"stream":"prices","version":%d,"items":[{"sku":"MILK","prices":[{"amount":%d,"effective_from":"2020-01-01T00:00:00Z"}],"promotions":[]}]}`, v, amount)
	}
	for _, topic := range []string{storesync.DownlinkTopic(store), storesync.AllDownlinkTopic} {
		publishUntil(t, pub, topic, price(1, 8990), "subscribed to "+topic, func() bool {
			return syncStatus(t, db).DownlinkVersions[pos.StreamPrices] == 1
		})
	}
	forged := [][]byte{
		price(9223372036854775807, 1),
		signedBy(storesync.KindDownlink, "s2", price(999999, 1)),         // another shop's
		signedBy(storesync.KindAck, store, price(999999, 1)),             // another kind
		downlinkOn(storesync.DownlinkTopic(store), price(999999, 1))[1:], // broken envelope
	}
	for _, m := range forged {
		mustWait(t, pub.Publish(storesync.AllDownlinkTopic, 1, false, m))
		mustWait(t, pub.Publish(storesync.DownlinkTopic(store), 1, false, m))
	}
	waitFor(t, 20*time.Second, "forgeries kept aside", func() bool { return syncStatus(t, db).DeadLetters == 2*len(forged) })
	if got := relayStatus(t, r).RejectedMessages; got < int64(2*len(forged)-2) {
		t.Fatalf("rejected=%d", got)
	}
	if v := syncStatus(t, db).DownlinkVersions[pos.StreamPrices]; v != 1 {
		t.Fatalf("prices version %d after forgeries", v)
	}
	publishUntil(t, pub, storesync.AllDownlinkTopic, price(5, 9990), "central's v5", func() bool {
		return syncStatus(t, db).DownlinkVersions[pos.StreamPrices] == 5
	})
	p, err := bolt.NewCatalogService(db).FindProductBySKU(context.Background(), "MILK")
	if err != nil {
		t.Fatal(err)
	}
	if amount, _ := p.PriceAt(time.Now()); amount != 9990 {
		t.Fatalf("MILK at %d, want central's 99.90", amount)
	}
}

// TestTrust_ConflictForks plays the copied database from this shop's
// side: central reports that it holds another device's event at one of
// this shop's storeseqs. The shop moves its unacked events, ids kept, to a
// new epoch, and they all reach central there.
func TestTrust_ConflictForks(t *testing.T) {
	b := synctest.StartBroker(t)
	db := MustOpenDB(t)
	c := startCentral(t, b.URL)
	c.setSilent(true)
	last := addSales(t, db, 6)
	ids := pendingIDs(t, db)
	r, _ := newRelay(t, b.URL, db)
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	old := db.Epoch()
	waitFor(t, 10*time.Second, "central got the batch", func() bool { return c.has(old, last) })
	cf, _ := json.Marshal(storesync.Conflict{Store: store, Epoch: old, Seq: 3, HeldID: uuid.NewString(), OfferedID: ids[2]})
	pub := testClient(t, b.URL, "central-notices", nil)
	mustWait(t, pub.Publish(storesync.AcksTopic(store), 1, false, signedBy(storesync.KindConflict, store, cf)))
	waitFor(t, 10*time.Second, "a new epoch", func() bool { return db.Epoch() != old })
	c.setSilent(false)
	checkDrained(t, db, c, last, 30*time.Second)
	st := relayStatus(t, r)
	if st.Conflicts != 1 || st.RebasedEvents != int64(last) {
		t.Fatalf("status=%+v, want 1 conflict and %d events re-based", st, last)
	}
	if got := c.idsOf(db.Epoch()); fmt.Sprint(got) != fmt.Sprint(ids) {
		t.Fatalf("the new epoch holds %v, want the same ids in order %v", got, ids)
	}
}

// TestTrust_DigestMismatch: central's signed ack whose digest is not of
// this shop's events (central holds another device's) deletes nothing,
// and the shop moves to a new epoch.
func TestTrust_DigestMismatch(t *testing.T) {
	b := synctest.StartBroker(t)
	db := MustOpenDB(t)
	last := addSales(t, db, 4)
	r, _ := newRelay(t, b.URL, db)
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	old := db.Epoch()
	pub := testClient(t, b.URL, "central-acks", nil)
	var other pos.ChainDigest
	for range last {
		other = other.Next(uuid.NewString())
	}
	waitFor(t, 10*time.Second, "the shop forked", func() bool {
		mustWait(t, pub.Publish(storesync.AcksTopic(store), 1, false, signedBy(storesync.KindAck, store, ackPayload(old, last, other.String()))))
		time.Sleep(100 * time.Millisecond)
		return db.Epoch() != old
	})
	if st := relayStatus(t, r); st.RefusedAcks == 0 {
		t.Fatalf("status=%+v, want the ack refused", st)
	}
	c := startCentral(t, b.URL)
	checkDrained(t, db, c, last, 30*time.Second)
}

// pendingIDs returns the ids of the current epoch's pending events.
func pendingIDs(tb testing.TB, db *bolt.DB) []string {
	tb.Helper()
	raws, err := bolt.NewOutboxService(db).PendingEvents(context.Background(), "", 0, 100000, 0)
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]string, len(raws))
	for i, raw := range raws {
		var e pos.Event
		if err := json.Unmarshal(raw, &e); err != nil {
			tb.Fatal(err)
		}
		out[i] = e.ID
	}
	return out
}
