package sync

import (
	"fmt"
	"testing"
	"time"
)

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
