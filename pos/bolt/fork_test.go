package bolt_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	"go.etcd.io/bbolt"
)

// pendingEvents returns every pending event of epoch ("" = current), decoded.
func pendingEvents(tb testing.TB, s *bolt.OutboxService, epoch string) []pos.Event {
	tb.Helper()
	raw, err := s.PendingEvents(context.Background(), epoch, 0, 100000, 0)
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]pos.Event, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal(r, &out[i]); err != nil {
			tb.Fatal(err)
		}
	}
	return out
}

// digestOf is central's digest of evs (an epoch's events from seq 1).
func digestOf(evs []pos.Event) pos.ChainDigest {
	var d pos.ChainDigest
	for _, e := range evs {
		d = d.Next(e.ID)
	}
	return d
}

func ackWith(tb testing.TB, s *bolt.OutboxService, epoch string, upto uint64, d pos.ChainDigest) pos.AckResult {
	tb.Helper()
	res, err := s.AckEvents(context.Background(), epoch, upto, &d)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func TestOutboxService_AckDigest(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db)
	sellN(t, db, ctx, "d", 9) // seqs 1..10
	s := bolt.NewOutboxService(db)
	epoch := db.Epoch()
	evs := pendingEvents(t, s, "")

	t.Run("Mismatch", func(t *testing.T) {
		other := append([]pos.Event(nil), evs[:4]...)
		other[2].ID = "01890000-0000-7000-8000-000000000000" // another device's event at seq 3
		res := ackWith(t, s, epoch, 4, digestOf(other))
		if res.Outcome != pos.AckMismatch || res.Trimmed != 0 {
			t.Fatalf("res=%+v, want a refused mismatch", res)
		}
		if st, _ := s.OutboxStats(ctx); st.Pending != 10 {
			t.Fatalf("pending=%d after a refused ack, want 10", st.Pending)
		}
	})
	t.Run("Beyond", func(t *testing.T) {
		if res := ackWith(t, s, epoch, 1_000_000, digestOf(evs)); res.Outcome != pos.AckBeyond || res.Trimmed != 0 {
			t.Fatalf("res=%+v, want refused as beyond", res)
		}
	})
	t.Run("Applied", func(t *testing.T) {
		res := ackWith(t, s, epoch, 4, digestOf(evs[:4]))
		if res.Outcome != pos.AckApplied || res.Trimmed != 4 || res.LastAckSeq != 4 {
			t.Fatalf("res=%+v", res)
		}
		// The next ack is checked from the stored digest at 4.
		res = ackWith(t, s, epoch, 7, digestOf(evs[:7]))
		if res.Outcome != pos.AckApplied || res.Trimmed != 3 || res.LastAckSeq != 7 {
			t.Fatalf("res=%+v", res)
		}
	})
	t.Run("Replay", func(t *testing.T) {
		if res := ackWith(t, s, epoch, 4, digestOf(evs[:4])); res.Outcome != pos.AckReplay || res.Trimmed != 0 {
			t.Fatalf("res=%+v", res)
		}
	})
	t.Run("DigestSurvivesReopen", func(t *testing.T) {
		MustCloseDB(t, db)
		again := bolt.NewDB(db.Dir)
		if err := again.Open(); err != nil {
			t.Fatal(err)
		}
		defer MustCloseDB(t, again)
		s := bolt.NewOutboxService(again)
		if res := ackWith(t, s, epoch, 10, digestOf(evs)); res.Outcome != pos.AckApplied || res.Trimmed != 3 {
			t.Fatalf("res=%+v", res)
		}
	})
}

// TestOutboxService_Fork plays the copied data directory: the events of
// the forked epoch are set aside, new sales go on in a new epoch, and the
// set-aside events come back after them with new storeseqs and their ids.
func TestOutboxService_Fork(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db)
	sellN(t, db, ctx, "f", 5) // seqs 1..6
	s := bolt.NewOutboxService(db)
	old := db.Epoch()
	before := pendingEvents(t, s, "")
	ackWith(t, s, old, 2, digestOf(before[:2]))

	id, ok, err := s.PendingEventID(ctx, old, 3)
	if err != nil || !ok || id != before[2].ID {
		t.Fatalf("PendingEventID = %q %v %v, want %q", id, ok, err, before[2].ID)
	}
	moved, err := s.ForkEpoch(ctx, old)
	if err != nil || !moved {
		t.Fatalf("ForkEpoch = %v, %v", moved, err)
	}
	if db.Epoch() == old {
		t.Fatal("the epoch did not change")
	}
	if cur, prev, _ := s.Epochs(ctx); cur != db.Epoch() || len(prev) != 0 {
		t.Fatalf("Epochs = %s %v: a forked epoch is never sent as itself", cur, prev)
	}
	if res := ackWith(t, s, old, 6, digestOf(before)); res.Outcome != pos.AckUnknownEpoch {
		t.Fatalf("an ack of the forked epoch: %+v", res)
	}
	if _, err := db.Prune(ctx, t0.AddDate(1, 0, 0)); err != nil {
		t.Fatal(err)
	}
	sellN(t, db, ctx, "g", 2) // the new epoch's seqs 1, 2

	for {
		n, err := s.RebaseForked(ctx, 3)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	after := pendingEvents(t, s, "")
	if len(after) != 2+4 {
		t.Fatalf("%d pending, want 2 new + 4 re-based", len(after))
	}
	for i, e := range after {
		if e.StoreEpoch != db.Epoch() || e.StoreSeq != uint64(i+1) {
			t.Fatalf("event %d: epoch %s seq %d", i, e.StoreEpoch, e.StoreSeq)
		}
	}
	for i, e := range after[2:] {
		if want := before[2+i]; e.ID != want.ID || e.Type != want.Type || string(e.Data) != string(want.Data) || !e.Time.Equal(want.Time) {
			t.Fatalf("re-based event %d = %+v, want %+v with a new place", i, e, want)
		}
	}
	if res := ackWith(t, s, db.Epoch(), 6, digestOf(after)); res.Outcome != pos.AckApplied || res.Trimmed != 6 {
		t.Fatalf("res=%+v", res)
	}
	if n, err := s.RebaseForked(ctx, 3); n != 0 || err != nil {
		t.Fatalf("RebaseForked after all = %d, %v", n, err)
	}
}

// TestOutboxService_ForkPreviousEpoch forks an older epoch (a restored
// backup's), which is set aside without starting another epoch.
func TestOutboxService_ForkPreviousEpoch(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db)
	sellN(t, db, ctx, "p", 2)
	old := db.Epoch()
	MustCloseDB(t, db)
	if err := bolt.MarkRestored(db.Path()); err != nil {
		t.Fatal(err)
	}
	db = reopen(t, db)
	s := bolt.NewOutboxService(db)
	cur := db.Epoch()
	if moved, err := s.ForkEpoch(ctx, old); err != nil || !moved {
		t.Fatalf("ForkEpoch = %v, %v", moved, err)
	}
	if db.Epoch() != cur {
		t.Fatal("forking an older epoch changed the current one")
	}
	if moved, err := s.ForkEpoch(ctx, "0123456789abcdef0123456789abcdef"); err != nil || moved {
		t.Fatalf("ForkEpoch of an unknown epoch = %v, %v", moved, err)
	}
	if n, err := s.RebaseForked(ctx, 100); n != 3 || err != nil {
		t.Fatalf("RebaseForked = %d, %v, want the 3 events", n, err)
	}
	if got := pendingEvents(t, s, ""); len(got) != 3 || got[0].StoreEpoch != cur {
		t.Fatalf("pending = %+v", got)
	}
}

// TestOutboxService_RebaseSurvivesReopen stops half way through a re-base.
func TestOutboxService_RebaseSurvivesReopen(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db)
	sellN(t, db, ctx, "r", 9)
	s := bolt.NewOutboxService(db)
	before := pendingEvents(t, s, "")
	if _, err := s.ForkEpoch(ctx, db.Epoch()); err != nil {
		t.Fatal(err)
	}
	if n, err := s.RebaseForked(ctx, 4); n != 4 || err != nil {
		t.Fatalf("RebaseForked = %d, %v", n, err)
	}
	db = reopen(t, db)
	s = bolt.NewOutboxService(db)
	if n, err := s.RebaseForked(ctx, 100); n != 6 || err != nil {
		t.Fatalf("RebaseForked after reopen = %d, %v", n, err)
	}
	after := pendingEvents(t, s, "")
	if len(after) != len(before) {
		t.Fatalf("%d events after, %d before", len(after), len(before))
	}
	for i := range after {
		if after[i].ID != before[i].ID {
			t.Fatalf("event %d is %s, want %s (order kept)", i, after[i].ID, before[i].ID)
		}
	}
}

func TestDB_BindStore(t *testing.T) {
	db := MustOpenDB(t)
	if err := db.BindStore("msk-001"); err != nil {
		t.Fatal(err)
	}
	if err := db.BindStore("msk-001"); err != nil {
		t.Fatalf("the same store again: %v", err)
	}
	db = reopen(t, db)
	if err := db.BindStore("msk-002"); !errors.Is(err, bolt.ErrWrongStore) {
		t.Fatalf("another store: %v, want ErrWrongStore", err)
	}
}

// TestMigrateV6_NewEpochForAckedLegacy opens a database central acked
// before acks carried digests: it starts a new epoch, and its pending
// events drain under the old one.
func TestMigrateV6_NewEpochForAckedLegacy(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db)
	sellN(t, db, ctx, "m", 4)
	s := bolt.NewOutboxService(db)
	mustAck(t, s, db.Epoch(), 2)
	old := db.Epoch()
	err := db.Bolt().Update(func(tx *bbolt.Tx) error {
		meta := tx.Bucket([]byte("meta"))
		if err := meta.Delete([]byte("ack_digest")); err != nil {
			return err
		}
		if err := tx.DeleteBucket([]byte("outbox_forked")); err != nil {
			return err
		}
		return meta.Put([]byte("schema_version"), []byte{0, 0, 0, 0, 0, 0, 0, 4})
	})
	if err != nil {
		t.Fatal(err)
	}
	db = reopen(t, db)
	s = bolt.NewOutboxService(db)
	cur, prev, err := s.Epochs(ctx)
	if err != nil || cur == old || len(prev) != 1 || prev[0] != old {
		t.Fatalf("Epochs = %s %v %v, want a new epoch and %s pending", cur, prev, err, old)
	}
	if got := pendingEvents(t, s, old); len(got) != 3 || got[0].StoreSeq != 3 {
		t.Fatalf("old epoch pending = %d events", len(got))
	}
}

// reopen closes db and opens its file again.
func reopen(tb testing.TB, db *bolt.DB) *bolt.DB {
	tb.Helper()
	MustCloseDB(tb, db)
	again := bolt.NewDB(db.Dir)
	again.Now = db.Now
	if err := again.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = again.Close() })
	return again
}
