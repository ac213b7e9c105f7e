package sync_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/storeedge/storeedge/sync/synctest"
)

// BenchmarkRelay_Drain drains a backlog of b.N events through a real
// Mosquitto to the test's central with the default batch and window
// settings, and reports events per second and the heap in use at the end.
func BenchmarkRelay_Drain(b *testing.B) {
	br := synctest.StartBroker(b)
	db := MustOpenDB(b)
	last := addSales(b, db, max(b.N, 1000))
	c := startCentral(b, br.URL)
	r, _ := newRelay(b, br.URL, db)
	r.BatchEvents, r.BatchBytes, r.Window, r.AckTimeout = 500, 64<<10, 8, 30*time.Second
	b.ResetTimer()
	start := time.Now()
	if err := r.Open(); err != nil {
		b.Fatal(err)
	}
	checkDrained(b, db, c, last, 10*time.Minute)
	d := time.Since(start)
	b.StopTimer()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(last)/d.Seconds(), "events/s")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
}
