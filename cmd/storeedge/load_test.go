package main_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
)

// BenchmarkSalesHTTP posts sales to the real binary from 1, 8 and 32
// concurrent tills and reports sales/s and latency percentiles. It is a
// report, not a test: `go test -run XXX -bench SalesHTTP ./cmd/storeedge/`.
// Compare with BenchmarkFsync, run on the same disk in the same run.
func BenchmarkSalesHTTP(b *testing.B) {
	for _, tills := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("tills=%d", tills), func(b *testing.B) {
			clients := benchShop(b, tills)
			b.ResetTimer()
			start := time.Now()
			lat := postConcurrently(b, clients, b.N)
			elapsed := time.Since(start)
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "sales/s")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// benchShop starts a server with a catalog and returns logged-in tills with
// open shifts.
func benchShop(b *testing.B, tills int) []*client {
	dir := b.TempDir()
	var tokens []string
	for i := range tills {
		tokens = append(tokens, strings.TrimSpace(mustRun(b, "terminal", "add", "--data", dir, "--name", fmt.Sprintf("till-%d", i))))
	}
	mustRun(b, "cashier", "add", "--data", dir, "--name", "bench", "--pin", "1357")
	mustRun(b, "catalog", "import", "--data", dir, "testdata/catalog.json")
	p := startServe(b, dir, "--http-login-rate", "10000")
	clients := make([]*client, tills)
	for i := range clients {
		clients[i] = newClient(p.URL)
		clients[i].login(b, tokens[i], "bench", "1357")
		clients[i].must(b, 201, "POST", "/api/v1/shifts", map[string]any{"opening_float": money(0)}, nil, nil)
	}
	return clients
}

// postConcurrently posts n sales spread over the clients and returns each
// sale's latency.
func postConcurrently(b *testing.B, clients []*client, n int) []time.Duration {
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	body := map[string]any{"lines": []any{map[string]any{"sku": "A1", "qty": 1}, map[string]any{"sku": "A2", "qty": 2},
		map[string]any{"sku": "A4", "qty": 320}, map[string]any{"sku": "A5", "qty": 1}},
		"payments": []any{map[string]any{"method": "cash", "amount": money(1_000_000)}}}
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, n/len(clients)+1)
			for j := i; j < n; j += len(clients) {
				t := time.Now()
				code, err := c.do("POST", "/api/v1/sales", body, map[string]string{"Idempotency-Key": uuid.NewString()}, nil)
				if err != nil || code != 201 {
					b.Errorf("sale: %d %v", code, err)
					return
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return lat
}

// BenchmarkFsync is the disk's raw durable-write rate: a loop of 4 KiB
// write + fdatasync, in the same temp directory the servers use.
func BenchmarkFsync(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "fsync"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	b.ResetTimer()
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		if _, err := f.WriteAt(buf, int64(i%256)*4096); err != nil {
			b.Fatal(err)
		}
		if err := syscall.Fdatasync(int(f.Fd())); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "fsyncs/s")
}
