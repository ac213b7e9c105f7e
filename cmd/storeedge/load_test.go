package main_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The load generator and the disk reference shared by the stand-alone
// benchmarks below and by `make bench` (BenchmarkSuite).

// BenchmarkSalesHTTP posts b.N sales to the real binary from 1, 8 and 32
// concurrent tills and reports sales/s and latency percentiles. It is a
// report, not a test: `go test -run XXX -bench SalesHTTP ./cmd/storeedge/`.
// Compare with BenchmarkFsync, run on the same disk in the same run.
// Scenario 1 of BenchmarkSuite is the same load for a fixed time per level.
func BenchmarkSalesHTTP(b *testing.B) {
	for _, tills := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("tills=%d", tills), func(b *testing.B) {
			s := newBenchShop(b, "bench", tills)
			b.ResetTimer()
			r := postSales(b, s.tills, b.N, 0)
			b.StopTimer()
			b.ReportMetric(r.rate(), "sales/s")
			b.ReportMetric(ms(r.percentile(50)), "p50-ms")
			b.ReportMetric(ms(r.percentile(99)), "p99-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkFsync is the disk's raw durable-write rate: a loop of 4 KiB
// write + fdatasync, in the same temp directory the servers use.
func BenchmarkFsync(b *testing.B) {
	b.ResetTimer()
	n, elapsed := fsyncLoop(b, b.TempDir(), b.N, 0)
	b.ReportMetric(float64(n)/elapsed.Seconds(), "fsyncs/s")
}

// fsyncLoop writes 4 KiB and fdatasyncs, n times (n > 0) or for d, in a
// file of dir, cycling over 1 MiB of it; it returns the count and the time.
func fsyncLoop(tb testing.TB, dir string, n int, d time.Duration) (int, time.Duration) {
	f, err := os.Create(filepath.Join(dir, "fsync"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	start := time.Now()
	i := 0
	for ; (n > 0 && i < n) || (n <= 0 && time.Since(start) < d); i++ {
		if _, err := f.WriteAt(buf, int64(i%256)*4096); err != nil {
			tb.Fatal(err)
		}
		if err := syscall.Fdatasync(int(f.Fd())); err != nil {
			tb.Fatal(err)
		}
	}
	return i, time.Since(start)
}

// loadResult is what a closed-loop load saw: the latency of every counted
// call (sorted), how many other calls it made, and the time it took.
type loadResult struct {
	lat     []time.Duration
	other   int
	elapsed time.Duration
}

// rate is counted calls per second.
func (r loadResult) rate() float64 { return float64(len(r.lat)) / r.elapsed.Seconds() }

// percentile returns the p-th percentile (0 < p < 100) of the latencies,
// nearest rank.
func (r loadResult) percentile(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(math.Ceil(float64(len(r.lat))*p/100)) - 1
	return r.lat[min(max(i, 0), len(r.lat)-1)]
}

// ms is a duration in milliseconds, for the figures.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// closedLoop runs workers goroutines, each calling op back to back (a
// closed loop: the next call leaves when the last one is answered) until
// n calls in all were made (n > 0) or d has passed. op(w, j) makes the
// j-th call of worker w and says whether its latency counts as a figure.
// The first error stops every worker and fails tb.
func closedLoop(tb testing.TB, workers, n int, d time.Duration, op func(w, j int) (bool, error)) loadResult {
	var (
		mu     sync.Mutex
		res    loadResult
		issued atomic.Int64
		failed atomic.Bool
		wg     sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(d)
	more := func() bool {
		if failed.Load() {
			return false
		}
		if n > 0 {
			return issued.Add(1) <= int64(n)
		}
		return time.Now().Before(deadline)
	}
	for w := range workers {
		wg.Go(func() {
			lat, other := make([]time.Duration, 0, 1024), 0
			for j := 0; more(); j++ {
				t := time.Now()
				counted, err := op(w, j)
				if err != nil {
					failed.Store(true)
					tb.Errorf("worker %d, call %d: %v", w, j, err)
					return
				}
				if counted {
					lat = append(lat, time.Since(t))
				} else {
					other++
				}
			}
			mu.Lock()
			res.lat, res.other = append(res.lat, lat...), res.other+other
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	if failed.Load() {
		tb.FailNow()
	}
	if len(res.lat) == 0 {
		tb.Fatal("the load made no counted call")
	}
	slices.Sort(res.lat)
	return res
}
