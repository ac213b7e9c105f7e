package sync

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

func TestWindow(t *testing.T) {
	t0 := time.Now()
	a1 := &batch{epoch: "a", first: 1, last: 10, sentAt: t0}
	live := &batch{epoch: "a", first: 90, last: 99, sentAt: t0.Add(time.Millisecond), live: true}
	a2 := &batch{epoch: "a", first: 11, last: 20, sentAt: t0.Add(2 * time.Millisecond)}
	b1 := &batch{epoch: "b", first: 1, last: 5, sentAt: t0.Add(3 * time.Millisecond)}
	var w window
	for _, b := range []*batch{a1, live, a2, b1} {
		w.add(b)
	}
	if got, want := w.seq(), 3; got != want {
		t.Fatalf("seq=%d, want %d", got, want)
	}
	if got, want := w.live(), 1; got != want {
		t.Fatalf("live=%d, want %d", got, want)
	}
	if got := w.oldest(); got != a1 {
		t.Fatalf("oldest=%+v, want a1", got)
	}

	t.Run("PartialAck", func(t *testing.T) {
		if got := w.ack("a", 15); len(got) != 1 || got[0] != a1 || !a1.gone {
			t.Fatalf("acked=%v", got)
		}
		if got := w.oldest(); got != a2 {
			t.Fatalf("oldest=%+v, want a2", got)
		}
	})
	t.Run("OtherEpoch", func(t *testing.T) {
		if got := w.ack("b", 100); len(got) != 1 || got[0] != b1 {
			t.Fatalf("acked=%v", got)
		}
	})
	t.Run("Drop", func(t *testing.T) {
		w.drop("a")
		if got := len(w.batches); got != 0 {
			t.Fatalf("left %d", got)
		}
		if !live.gone || !a2.gone {
			t.Fatal("dropped batches not marked gone")
		}
		if w.oldest() != nil {
			t.Fatal("oldest of an empty window")
		}
	})
}

func TestLiveFrom(t *testing.T) {
	for _, tt := range []struct {
		next, liveNext, last uint64
		batch                int
		want                 uint64
	}{
		{next: 1, liveNext: 0, last: 1000, batch: 50, want: 951},   // the newest batch
		{next: 1, liveNext: 980, last: 1000, batch: 50, want: 980}, // not what was sent ahead already
		{next: 990, liveNext: 0, last: 1000, batch: 50, want: 990}, // not what in-order sending covered
		{next: 1, liveNext: 0, last: 10, batch: 50, want: 1},       // a short outbox
		{next: 1, liveNext: 0, last: 50, batch: 50, want: 1},
	} {
		t.Run(fmt.Sprint(tt), func(t *testing.T) {
			if got := liveFrom(tt.next, tt.liveNext, tt.last, tt.batch); got != tt.want {
				t.Fatalf("liveFrom=%d, want %d", got, tt.want)
			}
		})
	}
}

func TestSeqRange(t *testing.T) {
	ev := func(seq int) json.RawMessage { return json.RawMessage(fmt.Sprintf(`{"storeseq":%d,"data":{}}`, seq)) }
	for _, tt := range []struct {
		name        string
		evs         []json.RawMessage
		first, last uint64
		ok          bool
	}{
		{"One", []json.RawMessage{ev(7)}, 7, 7, true},
		{"Many", []json.RawMessage{ev(3), ev(4), ev(5)}, 3, 5, true},
		{"Backwards", []json.RawMessage{ev(5), ev(3)}, 0, 0, false},
		{"Zero", []json.RawMessage{ev(0)}, 0, 0, false},
		{"NotJSON", []json.RawMessage{json.RawMessage(`{`)}, 0, 0, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			first, last, err := seqRange(tt.evs)
			if (err == nil) != tt.ok || first != tt.first || last != tt.last {
				t.Fatalf("seqRange=%d,%d,%v", first, last, err)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want time.Duration
	}{
		{0, 250 * time.Millisecond}, {1, 500 * time.Millisecond}, {3, 2 * time.Second},
		{7, 30 * time.Second}, {62, 30 * time.Second}, {1000, 30 * time.Second},
	} {
		if got := backoff(tt.n, 250*time.Millisecond, 30*time.Second); got != tt.want {
			t.Fatalf("backoff(%d)=%v, want %v", tt.n, got, tt.want)
		}
	}
	for range 1000 {
		if d := jittered(time.Second); d < 500*time.Millisecond || d >= time.Second {
			t.Fatalf("jittered=%v, want in [0.5s, 1s)", d)
		}
	}
	if got := jittered(0); got != 0 {
		t.Fatalf("jittered(0)=%v", got)
	}
}

func TestTickFor(t *testing.T) {
	for _, tt := range []struct{ timeout, want time.Duration }{
		{time.Minute, time.Second}, {2 * time.Second, 500 * time.Millisecond}, {time.Millisecond, 20 * time.Millisecond},
	} {
		if got := tickFor(tt.timeout); got != tt.want {
			t.Fatalf("tickFor(%v)=%v, want %v", tt.timeout, got, tt.want)
		}
	}
}

func TestStream_Rewind(t *testing.T) {
	s := &stream{epoch: "a", next: 500, acked: 120, maxSent: 499}
	s.rewind()
	if got, want := s.next, uint64(121); got != want {
		t.Fatalf("next=%d, want %d", got, want)
	}
}

func TestLogLimiter(t *testing.T) {
	l := newLogLimiter(time.Hour)
	if _, ok := l.allow("a"); !ok {
		t.Fatal("first message held back")
	}
	for range 3 {
		if _, ok := l.allow("a"); ok {
			t.Fatal("repeat let through")
		}
	}
	if _, ok := l.allow("b"); !ok {
		t.Fatal("another key held back")
	}
	l.last["a"] = time.Now().Add(-2 * time.Hour)
	if n, ok := l.allow("a"); !ok || n != 3 {
		t.Fatalf("allow=%d,%v, want 3 suppressed", n, ok)
	}
}
