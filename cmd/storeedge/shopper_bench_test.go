package main_test

import (
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkShopper loads the shopper's page and the price check of the real
// binary with 64 keep-alive connections and reports requests/s, p50/p99
// and the page's size: `go test -run XXX -bench Shopper -benchtime 20000x
// ./cmd/storeedge/`. Scenario 3 of BenchmarkSuite is the same load for a
// fixed time, against a fiber reference.
func BenchmarkShopper(b *testing.B) {
	p, label := startShopperEdge(b)
	for _, tt := range []struct{ name, url string }{
		{"page", label.URL},
		{"price-check", p.URL + "/api/v1/price-check/" + label.Barcode},
	} {
		b.Run(tt.name, func(b *testing.B) {
			b.ResetTimer()
			size, r := loadGET(b, tt.url, 64, b.N, 0)
			b.StopTimer()
			b.ReportMetric(r.rate(), "req/s")
			b.ReportMetric(ms(r.percentile(50)), "p50-ms")
			b.ReportMetric(ms(r.percentile(99)), "p99-ms")
			b.ReportMetric(float64(size), "bytes")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// shopperLabel is what a printed tag holds: the page's URL and the barcode.
type shopperLabel struct{ URL, Barcode string }

// startShopperEdge starts the demo shop with the shopper rate limit out of
// the way and returns it with the tag of its first product.
func startShopperEdge(tb testing.TB) (*proc, shopperLabel) {
	dir := tb.TempDir()
	p := startServe(tb, dir, "--demo", "--http-shopper-rate", "1000000")
	var label shopperLabel
	demoClient(tb, dir, p).must(tb, 200, "GET", "/api/v1/products/DEMO-0001/tag.json", nil, nil, &label)
	return p, label
}

// loadGET sends GETs to url over conns keep-alive connections, n in all
// (n > 0) or for d, and returns the body size and the latencies. Anything
// but a 200 fails tb.
func loadGET(tb testing.TB, url string, conns, n int, d time.Duration) (int, loadResult) {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var size atomic.Int64
	r := closedLoop(tb, conns, n, d, func(_, _ int) (bool, error) {
		resp, err := hc.Get(url)
		if err != nil {
			return true, err
		}
		nb, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return true, err
		}
		if resp.StatusCode != 200 {
			return true, fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
		}
		size.Store(nb)
		return true, nil
	})
	return int(size.Load()), r
}
