package edge_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/storeedge/storeedge/edge"
)

// mustOpenMetrics serves g on a MetricsServer on a free loopback port and
// returns the URL of its /metrics.
func mustOpenMetrics(tb testing.TB, g prometheus.Gatherer) string {
	tb.Helper()
	m := &edge.MetricsServer{Addr: "127.0.0.1:0", Gatherer: g}
	if err := m.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := m.Close(); err != nil {
			tb.Error(err)
		}
	})
	return m.URL() + "/metrics"
}

// scrape GETs url and returns the body of a 200.
func scrape(tb testing.TB, url string) string {
	tb.Helper()
	res, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		tb.Fatalf("GET %s: %d %v %s", url, res.StatusCode, err, body)
	}
	return string(body)
}

func TestMetrics(t *testing.T) {
	s := newServer(t)
	reg := prometheus.NewRegistry() // keep the process's default metrics out
	s.Registerer = reg
	url := mustOpenMetrics(t, reg)
	s.do(t, "GET", "/healthz", "")
	s.do(t, "GET", "/healthz", "")
	s.do(t, "GET", "/no/such/route", "")
	r := newRequest("GET", "/api/v1/sales/S1", "")
	r.Header.Del("Authorization")
	s.send(t, r)

	body := scrape(t, url)
	for _, want := range []string{
		`storeedge_http_requests_total{method="GET",route="/healthz",status="200"} 2`,
		`storeedge_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`storeedge_http_requests_total{method="GET",route="/api/v1/sales/:id",status="401"} 1`,
		`storeedge_http_request_duration_seconds_count{method="GET",route="/healthz"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Fatalf("/metrics lacks %s:\n%s", want, body)
		}
	}
}

// TestMetrics_NotForShoppers checks that the main listener, which
// shoppers reach, has no /metrics.
func TestMetrics_NotForShoppers(t *testing.T) {
	s := newShopServer(t)
	res, body := s.shop(t, "GET", "/metrics", "")
	wantProblem(t, res, body, http.StatusNotFound, "not_found", "")
}

// TestMetrics_Registerer checks that two servers may share one registry.
func TestMetrics_Registerer(t *testing.T) {
	reg := prometheus.NewRegistry()
	a, b := newServer(t), newServer(t)
	a.Registerer, b.Registerer = reg, reg
	a.do(t, "GET", "/healthz", "")
	b.do(t, "GET", "/healthz", "")
	body := scrape(t, mustOpenMetrics(t, reg))
	if want := `storeedge_http_requests_total{method="GET",route="/healthz",status="200"} 2`; !strings.Contains(body, want) {
		t.Fatalf("/metrics lacks %s:\n%s", want, body)
	}
}

// TestMetricsServer_Close checks that Close frees the port and that only
// GET /metrics is served.
func TestMetricsServer_Close(t *testing.T) {
	m := &edge.MetricsServer{Addr: "127.0.0.1:0", Gatherer: prometheus.NewRegistry()}
	if err := m.Open(); err != nil {
		t.Fatal(err)
	}
	base := m.URL()
	if res, err := http.Get(base + "/"); err != nil || res.StatusCode != http.StatusNotFound {
		t.Fatalf("GET /: %v %v, want 404", res, err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(base + "/metrics"); err == nil {
		t.Fatal("still serving after Close")
	}
	if err := m.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
