package edge

import (
	"testing"
	"time"
)

func TestRateLimiter(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	a, b := limiterKey("192.0.2.1"), limiterKey("192.0.2.2")
	l := newRateLimiter(3, time.Minute, 4)
	for i := 0; i < 3; i++ {
		if ok, _ := l.allow(a, t0.Add(time.Duration(i)*time.Second)); !ok {
			t.Fatalf("request %d refused", i+1)
		}
	}
	ok, wait := l.allow(a, t0.Add(20*time.Second))
	if ok || wait != 40*time.Second {
		t.Fatalf("4th request: ok=%v wait=%v, want refused for 40s", ok, wait)
	}
	if ok, _ := l.allow(b, t0.Add(20*time.Second)); !ok {
		t.Fatal("another client shares the first one's count")
	}
	if ok, _ := l.allow(a, t0.Add(time.Minute)); !ok {
		t.Fatal("a new window did not reset the count")
	}
	if ok, _ := l.allow(a, t0.Add(-time.Hour)); !ok {
		t.Fatal("a clock that went back did not start a new window")
	}
}

func TestRateLimiter_Bounded(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	l := newRateLimiter(10, time.Minute, 2)
	l.allow(limiterKey("192.0.2.1"), t0)
	l.allow(limiterKey("192.0.2.2"), t0)
	if ok, wait := l.allow(limiterKey("192.0.2.3"), t0.Add(time.Second)); ok || wait != 59*time.Second {
		t.Fatalf("a client past the bound: ok=%v wait=%v, want refused until the window ends", ok, wait)
	}
	if ok, _ := l.allow(limiterKey("192.0.2.1"), t0.Add(time.Second)); !ok {
		t.Fatal("a known client was refused when the map is full")
	}
	if ok, _ := l.allow(limiterKey("192.0.2.3"), t0.Add(time.Minute)); !ok {
		t.Fatal("the new window did not free the map")
	}
	if n := len(l.counts); n != 1 {
		t.Fatalf("%d keys after a new window, want 1", n)
	}
}

func TestLimiterKey(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"192.0.2.1", "192.0.2.1", true},
		{"192.0.2.1", "::ffff:192.0.2.1", true},
		{"192.0.2.1", "192.0.2.2", false},
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true}, // one /64
		{"2001:db8:1:2::1", "2001:db8:1:3::1", false},
		{"garbage", "", true},
	}
	for _, tc := range tests {
		if got := limiterKey(tc.a) == limiterKey(tc.b); got != tc.same {
			t.Errorf("limiterKey(%q)==limiterKey(%q) is %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want int
	}{{0, 1}, {time.Millisecond, 1}, {time.Second, 1}, {1001 * time.Millisecond, 2}, {time.Minute, 60}} {
		if got := retryAfterSeconds(tc.d); got != tc.want {
			t.Errorf("retryAfterSeconds(%v)=%d, want %d", tc.d, got, tc.want)
		}
	}
}

func BenchmarkRateLimiter(b *testing.B) {
	l := newRateLimiter(1<<30, time.Minute, maxLimiterKeys)
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		l.allow(limiterKey("192.0.2.1"), now)
	}
}
