package edge

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestMetrics_NoAlloc checks that recording a request allocates nothing once
// its label set exists.
func TestMetrics_NoAlloc(t *testing.T) {
	s := NewServer()
	s.Logger, s.Registerer = discardLogger(), prometheus.NewRegistry()
	s.log = s.Logger
	m := s.newMetrics()
	m.observe("GET", "/api/v1/sales/:id", 200, time.Millisecond)
	if n := testing.AllocsPerRun(100, func() {
		m.observe("GET", "/api/v1/sales/:id", 200, time.Millisecond)
	}); n != 0 {
		t.Fatalf("observe allocates %v times per request, want 0", n)
	}
}

func TestStatusLabel(t *testing.T) {
	for code, want := range map[int]string{200: "200", 404: "404", 507: "507", 999: "other", -1: "other"} {
		if got := statusLabel(code); got != want {
			t.Fatalf("statusLabel(%d)=%q, want %q", code, got, want)
		}
	}
}
