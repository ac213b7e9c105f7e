package bolt_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// sellN records n sales of one MILK each with keys prefix0.., and returns
// the last storeseq.
func sellN(tb testing.TB, db *bolt.DB, ctx context.Context, prefix string, n int) uint64 {
	tb.Helper()
	var seq uint64
	for i := range n {
		sale, _, err := bolt.NewSaleService(db).CreateSale(ctx, fmt.Sprint(prefix, i), cashSale(pos.SaleLineRequest{SKU: "MILK", Qty: 1}))
		if err != nil {
			tb.Fatal(err)
		}
		seq = sale.StoreSeq
	}
	return seq
}

// mustAck acks in lab mode (no digest: trusted, clamped).
func mustAck(tb testing.TB, s *bolt.OutboxService, epoch string, upto uint64) pos.AckResult {
	tb.Helper()
	res, err := s.AckEvents(context.Background(), epoch, upto, nil)
	if err != nil {
		tb.Fatalf("ack %s %d: %v", epoch, upto, err)
	}
	return res
}

func mustStatus(tb testing.TB, s *bolt.OutboxService) *pos.SyncStatus {
	tb.Helper()
	st, err := s.SyncStatus(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

func TestOutboxService_AckEvents(t *testing.T) {
	db := MustOpenDB(t)
	now := t0
	db.Now = func() time.Time { return now }
	ctx := seed(t, db) // seq 1: shift.opened
	if got, want := sellN(t, db, ctx, "a", 9), uint64(10); got != want {
		t.Fatalf("last seq=%d, want %d", got, want)
	}
	s := bolt.NewOutboxService(db)
	epoch := db.Epoch()

	t.Run("Prefix", func(t *testing.T) {
		res := mustAck(t, s, epoch, 4)
		if res.Trimmed != 4 || res.LastAckSeq != 4 {
			t.Fatalf("res=%+v, want 4 trimmed up to 4", res)
		}
		st, _ := s.OutboxStats(ctx)
		if st.FirstSeq != 5 || st.Pending != 6 {
			t.Fatalf("stats=%+v", st)
		}
		sst := mustStatus(t, s)
		if sst.LastAckSeq != 4 || sst.LastAckAt == nil || !sst.LastAckAt.Equal(t0) || sst.PendingEvents != 6 {
			t.Fatalf("status=%+v", sst)
		}
	})
	t.Run("Replay", func(t *testing.T) {
		now = t0.Add(time.Minute)
		for _, upto := range []uint64{4, 2, 0} {
			if res := mustAck(t, s, epoch, upto); res.Trimmed != 0 || res.LastAckSeq != 4 {
				t.Fatalf("ack %d: res=%+v, want nothing trimmed, watermark 4", upto, res)
			}
		}
		if sst := mustStatus(t, s); sst.LastAckSeq != 4 || !sst.LastAckAt.Equal(t0) {
			t.Fatalf("a replay moved the status: %+v", sst)
		}
	})
	t.Run("UnknownEpoch", func(t *testing.T) {
		for _, e := range []string{"", "0123456789abcdef0123456789abcdef", "junk"} {
			if res := mustAck(t, s, e, 100); res.Trimmed != 0 {
				t.Fatalf("epoch %q: res=%+v", e, res)
			}
		}
		if st, _ := s.OutboxStats(ctx); st.Pending != 6 {
			t.Fatalf("pending=%d, want 6", st.Pending)
		}
	})
	t.Run("BeyondLast", func(t *testing.T) {
		res := mustAck(t, s, epoch, 1000)
		if res.Trimmed != 6 || res.LastAckSeq != 10 {
			t.Fatalf("res=%+v, want 6 trimmed, clamped to 10", res)
		}
		sst := mustStatus(t, s)
		if sst.PendingEvents != 0 || sst.LastAckSeq != sst.NextSeq-1 || !sst.LastAckAt.Equal(now) {
			t.Fatalf("status=%+v", sst)
		}
		// The next event is not covered by the earlier, too-high ack.
		if got := sellN(t, db, ctx, "b", 1); got != 11 {
			t.Fatalf("seq=%d, want 11", got)
		}
		if res := mustAck(t, s, epoch, 10); res.Trimmed != 0 || res.LastAckSeq != 10 {
			t.Fatalf("res=%+v", res)
		}
		if st, _ := s.OutboxStats(ctx); st.Pending != 1 || st.FirstSeq != 11 {
			t.Fatalf("stats=%+v", st)
		}
	})
	t.Run("SurvivesReopen", func(t *testing.T) {
		MustCloseDB(t, db)
		again := bolt.NewDB(db.Dir)
		if err := again.Open(); err != nil {
			t.Fatal(err)
		}
		defer MustCloseDB(t, again)
		if sst := mustStatus(t, bolt.NewOutboxService(again)); sst.LastAckSeq != 10 || sst.PendingEvents != 1 || sst.NextSeq != 12 {
			t.Fatalf("status=%+v", sst)
		}
	})
}

// TestOutboxService_AckConcurrent acks while tills sell: the outbox stays
// one contiguous range and ends empty with the watermark at the last seq.
func TestOutboxService_AckConcurrent(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db)
	s := bolt.NewOutboxService(db)
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			st, err := s.OutboxStats(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := s.AckEvents(ctx, db.Epoch(), st.LastSeq, nil); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	last := sellN(t, db, ctx, "c", 60)
	close(done)
	wg.Wait()
	mustAck(t, s, db.Epoch(), last)
	if sst := mustStatus(t, s); sst.PendingEvents != 0 || sst.LastAckSeq != last {
		t.Fatalf("status=%+v, want drained at %d", sst, last)
	}
}

func TestOutboxService_PendingEvents(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db)
	sellN(t, db, ctx, "p", 9) // seqs 1..10
	s := bolt.NewOutboxService(db)
	all, err := s.PendingEvents(ctx, "", 0, 100, 0)
	if err != nil || len(all) != 10 {
		t.Fatalf("len=%d err=%v", len(all), err)
	}
	// Events 4 and 5 as one batch: "[" + e4 + "," + e5 + "]". Sizes differ
	// by a few bytes (timestamps, receipt numbers), so take the real ones.
	two := len(all[3]) + len(all[4]) + 3
	tests := []struct {
		name     string
		epoch    string
		from     uint64
		limit    int
		maxBytes int
		want     []uint64
	}{
		{"Limit", "", 0, 3, 0, []uint64{1, 2, 3}},
		{"From", db.Epoch(), 8, 100, 0, []uint64{8, 9, 10}},
		{"FromPastEnd", "", 11, 100, 0, nil},
		{"DefaultLimit", "", 1, 0, 0, []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{"MaxBytes", "", 4, 100, two, []uint64{4, 5}},
		{"AtLeastOne", "", 4, 100, 10, []uint64{4}},
		{"UnknownEpoch", "0123456789abcdef0123456789abcdef", 0, 100, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := s.PendingEvents(ctx, tt.epoch, tt.from, tt.limit, tt.maxBytes)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := seqsOf(t, evs), fmt.Sprint(tt.want); got != want {
				t.Fatalf("seqs=%s, want %s", got, want)
			}
			if tt.maxBytes > 1 && len(evs) > 1 {
				if n := len(encodeBatch(evs)); n > tt.maxBytes {
					t.Fatalf("batch of %d bytes, max %d", n, tt.maxBytes)
				}
			}
		})
	}
}

func seqsOf(tb testing.TB, evs []json.RawMessage) string {
	tb.Helper()
	var seqs []uint64
	for _, raw := range evs {
		var ev pos.Event
		if err := json.Unmarshal(raw, &ev); err != nil {
			tb.Fatal(err)
		}
		seqs = append(seqs, ev.StoreSeq)
	}
	return fmt.Sprint(seqs)
}

func encodeBatch(evs []json.RawMessage) []byte {
	parts := make([][]byte, len(evs))
	for i, e := range evs {
		parts[i] = e
	}
	return append(append([]byte("["), bytes.Join(parts, []byte(","))...), ']')
}

// TestOutboxService_OldEpoch restores a backup whose outbox had events not
// yet acked: they stay sendable under their own epoch, acks for that epoch
// trim them and drop the epoch when it is done, and the new epoch's
// watermark starts from zero.
func TestOutboxService_OldEpoch(t *testing.T) {
	db := MustOpenDB(t)
	ctx := seed(t, db)
	sellN(t, db, ctx, "o", 5) // seqs 1..6
	old := bolt.NewOutboxService(db)
	mustAck(t, old, db.Epoch(), 2)
	restored := restoreCopy(t, db)
	s := bolt.NewOutboxService(restored)

	cur, prev, err := s.Epochs(ctx)
	if err != nil || cur != restored.Epoch() || fmt.Sprint(prev) != fmt.Sprint([]string{db.Epoch()}) {
		t.Fatalf("Epochs=%s %v %v", cur, prev, err)
	}
	if sst := mustStatus(t, s); sst.LastAckSeq != 0 || sst.PendingEvents != 0 || sst.NextSeq != 1 {
		t.Fatalf("status=%+v: the new epoch inherited the old watermark", sst)
	}
	evs, _ := s.PendingEvents(ctx, db.Epoch(), 0, 100, 0)
	if got, want := seqsOf(t, evs), "[3 4 5 6]"; got != want {
		t.Fatalf("old epoch events=%s, want %s", got, want)
	}
	// The new epoch's sequence starts at 1, and an ack of it leaves the old one alone.
	if got := sellN(t, restored, ctx, "n", 2); got != 2 {
		t.Fatalf("new seq=%d, want 2", got)
	}
	if res := mustAck(t, s, restored.Epoch(), 2); res.Trimmed != 2 || res.LastAckSeq != 2 {
		t.Fatalf("res=%+v", res)
	}
	if res := mustAck(t, s, db.Epoch(), 4); res.Trimmed != 2 || res.LastAckSeq != 4 {
		t.Fatalf("old ack res=%+v", res)
	}
	if res := mustAck(t, s, db.Epoch(), 3); res.Trimmed != 0 || res.LastAckSeq != 4 {
		t.Fatalf("old replay res=%+v", res)
	}
	if res := mustAck(t, s, db.Epoch(), 99); res.Trimmed != 2 || res.LastAckSeq != 6 {
		t.Fatalf("old final ack res=%+v", res)
	}
	if _, prev, _ := s.Epochs(ctx); len(prev) != 0 {
		t.Fatalf("previous=%v after the old epoch was acked", prev)
	}
	if res := mustAck(t, s, db.Epoch(), 99); res.Trimmed != 0 {
		t.Fatalf("ack of a finished epoch: %+v", res)
	}
	if sst := mustStatus(t, s); sst.LastAckSeq != 2 {
		t.Fatalf("current watermark=%d, want 2", sst.LastAckSeq)
	}
}

// restoreCopy backs db up into a new directory, marks it restored and
// opens it (a new epoch).
func restoreCopy(tb testing.TB, db *bolt.DB) *bolt.DB {
	tb.Helper()
	var buf bytes.Buffer
	if _, err := db.Backup(&buf, nil); err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	path := filepath.Join(dir, bolt.FileName)
	if _, err := bolt.WriteFileAtomic(path, &buf); err != nil {
		tb.Fatal(err)
	}
	if err := bolt.MarkRestored(path); err != nil {
		tb.Fatal(err)
	}
	restored := bolt.NewDB(dir)
	restored.Now = db.Now
	if err := restored.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { MustCloseDB(tb, restored) })
	if !restored.Restored() {
		tb.Fatal("not restored")
	}
	return restored
}
