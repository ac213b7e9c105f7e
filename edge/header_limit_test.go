package edge_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v3"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/storeedge/storeedge/edge"
)

// TestHeaderTooLarge sends a request line and a header that do not fit
// fasthttp's read buffer (fiber's ReadBufferSize, 4 KiB) over a real
// connection: each is 431 problem+json, not a 500, counted under its real
// status, and the server goes on serving.
func TestHeaderTooLarge(t *testing.T) {
	s := newServer(t)
	reg := prometheus.NewRegistry()
	s.Registerer = reg
	mustOpen(t, s)
	long := strings.Repeat("x", fiber.DefaultReadBufferSize)
	for name, raw := range map[string]string{
		"URL":    "GET /api/v1/products?q=" + long + " HTTP/1.1\r\nHost: x\r\n\r\n",
		"Header": "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: " + long + "\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			res, body := rawRequest(t, s.URL(), raw)
			wantProblem(t, res, body, http.StatusRequestHeaderFieldsTooLarge, "header_too_large", "")
			if allow := res.Header.Get("Allow"); allow != "" {
				t.Fatalf("Allow=%q on a request that was never routed", allow)
			}
		})
	}
	t.Run("BodyStill413", func(t *testing.T) {
		// Only the head: fasthttp refuses by Content-Length before reading
		// the body (a client still writing a large one would see a reset).
		res, body := rawRequest(t, s.URL(), "POST /api/v1/sales HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"+
			"Content-Length: "+strconv.Itoa(edge.DefaultBodyLimit+1)+"\r\n\r\n")
		wantProblem(t, res, body, http.StatusRequestEntityTooLarge, "payload_too_large", "")
	})
	res, body := rawRequest(t, s.URL(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	wantJSON(t, res, body, http.StatusOK, nil)
	if got := requestCount(t, reg, "unmatched", "431"); got != 2 {
		t.Fatalf("%v requests counted as unmatched 431, want 2", got)
	}
	if got := requestCount(t, reg, "unmatched", "405"); got != 0 {
		t.Fatalf("%v requests counted as unmatched 405, want none", got)
	}
}

// requestCount is storeedge_http_requests_total of a route and status.
func requestCount(tb testing.TB, g prometheus.Gatherer, route, status string) float64 {
	tb.Helper()
	mfs, err := g.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	var n float64
	for _, mf := range mfs {
		if mf.GetName() != "storeedge_http_requests_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["route"] == route && labels["status"] == status {
				n += m.GetCounter().GetValue()
			}
		}
	}
	return n
}
