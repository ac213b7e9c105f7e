package main_test

import (
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// BenchmarkShopper loads the shopper's page and the price check of the real
// binary with 64 keep-alive connections and reports requests/s, p50/p99
// and the page's size: `go test -run XXX -bench Shopper -benchtime 20000x
// ./cmd/storeedge/`.
func BenchmarkShopper(b *testing.B) {
	dir := b.TempDir()
	p := startServe(b, dir, "--demo", "--http-shopper-rate", "1000000")
	c := demoClient(b, dir, p)
	var label struct{ URL, Barcode string }
	c.must(b, 200, "GET", "/api/v1/products/DEMO-0001/tag.json", nil, nil, &label)
	for _, tt := range []struct{ name, url string }{
		{"page", label.URL},
		{"price-check", p.URL + "/api/v1/price-check/" + label.Barcode},
	} {
		b.Run(tt.name, func(b *testing.B) {
			size, lat, elapsed := loadGET(b, tt.url, 64, b.N)
			slices.Sort(lat)
			b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(size), "bytes")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// loadGET sends n GETs to url over conns keep-alive connections and returns
// the body size, every latency and the elapsed time.
func loadGET(b *testing.B, url string, conns, n int) (int, []time.Duration, time.Duration) {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var mu sync.Mutex
	var all []time.Duration
	size := 0
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, n/conns+1)
			for j := i; j < n; j += conns {
				t := time.Now()
				resp, err := hc.Get(url)
				if err != nil {
					b.Error(err)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Errorf("%s: %d", url, resp.StatusCode)
					return
				}
				lat = append(lat, time.Since(t))
				mu.Lock()
				size = len(body)
				mu.Unlock()
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if len(all) == 0 {
		b.Fatalf("no successful requests to %s", url)
	}
	return size, all, elapsed
}
