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

func TestStream_Rewind(t *testing.T) {
	s := &stream{epoch: "a", next: 500, acked: 120, maxSent: 499}
	s.rewind()
	if got, want := s.next, uint64(121); got != want {
		t.Fatalf("next=%d, want %d", got, want)
	}
}
