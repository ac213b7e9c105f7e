package edge_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestMetrics(t *testing.T) {
	s := newServer(t)
	s.Gatherer = prometheus.NewRegistry() // keep the process's default metrics out
	s.do(t, "GET", "/healthz", "")
	s.do(t, "GET", "/healthz", "")
	s.do(t, "GET", "/no/such/route", "")
	r := newRequest("GET", "/api/v1/sales/S1", "")
	r.Header.Del("Authorization")
	s.send(t, r)

	res, body := s.do(t, "GET", "/metrics", "")
	if got, want := res.StatusCode, http.StatusOK; got != want {
		t.Fatalf("status=%d, want %d", got, want)
	}
	for _, want := range []string{
		`storeedge_http_requests_total{method="GET",route="/healthz",status="200"} 2`,
		`storeedge_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`storeedge_http_requests_total{method="GET",route="/api/v1/sales/:id",status="401"} 1`,
		`storeedge_http_request_duration_seconds_count{method="GET",route="/healthz"} 2`,
	} {
		if !strings.Contains(string(body), want) {
			t.Fatalf("/metrics lacks %s:\n%s", want, body)
		}
	}
}

// TestMetrics_Registerer checks that two servers may share one registry.
func TestMetrics_Registerer(t *testing.T) {
	reg := prometheus.NewRegistry()
	a, b := newServer(t), newServer(t)
	a.Registerer, a.Gatherer = reg, reg
	b.Registerer, b.Gatherer = reg, reg
	a.do(t, "GET", "/healthz", "")
	b.do(t, "GET", "/healthz", "")
	_, body := b.do(t, "GET", "/metrics", "")
	if want := `storeedge_http_requests_total{method="GET",route="/healthz",status="200"} 2`; !strings.Contains(string(body), want) {
		t.Fatalf("/metrics lacks %s:\n%s", want, body)
	}
}
