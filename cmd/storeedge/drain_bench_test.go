package main_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/storeedge/storeedge/pos/bolt"
	storesync "github.com/storeedge/storeedge/sync"
	"github.com/storeedge/storeedge/sync/pki"
)

// Settings of BenchmarkDrain.
const (
	benchStore       = "bench1"
	benchTills       = 32
	benchRefMax      = 20_000            // the reference publishes at most this many and extrapolates
	benchRefStore    = "bench-reference" // the reference publishes as a shop of its own, under the broker's ACL
	benchRefDeadline = 10 * time.Second  // per PUBACK: never a bare Wait
	benchDrainMax    = 30 * time.Minute
)

// BenchmarkDrain measures, in one run, the drain of an offline backlog of
// STOREEDGE_BENCH_EVENTS events (default 100,000) from a real `storeedge
// serve`, through a private Mosquitto, acked by a real `storeedge central`
// on PostgreSQL, and as its reference a plain paho loop publishing the
// same stored CloudEvents one per QoS-1 message to the same broker, each
// PUBACK awaited before the next. It runs once whatever b.N is:
//
//	go test -run XXX -bench Drain -benchtime 1x ./cmd/storeedge/
//
// Order: the backlog is built with the broker down; the shop stops so its
// outbox can be read for the reference; the broker starts and the
// reference runs alone on it; central starts; then the shop starts again
// and the clock runs from its process start to an empty, fully acked
// outbox. Restarting the shop with the broker already up keeps paho's
// reconnect back-off (up to 30 s, jittered) out of the figure.
//
// STOREEDGE_BENCH_SERVE_ARGS adds flags to the shop's serve, for tuning
// runs (e.g. "--sync-batch-bytes 1MiB --sync-window 16").
func BenchmarkDrain(b *testing.B) {
	if testing.Short() {
		b.Skip("integration: not in -short")
	}
	r := runDrain(b, false)
	reportDrain(b, r.offline, r.sales, r.build, r.avg, r.ref, r.d)
}

// drainRun is one run of the drain and its reference, as BenchmarkDrain
// and scenario 2 of `make bench` report it.
type drainRun struct {
	offline syncStatus // the shop's status with the backlog built
	sales   int
	build   time.Duration
	avg     float64 // bytes per stored event
	ref     refResult
	d       drainResult
	genCPU  time.Duration // this process's CPU while the edge drained
	profile []string      // notes: the profiles of the edge and central
}

// runDrain builds the backlog offline, runs the reference on the broker
// alone, then measures the drain and checks central holds every sale once.
// With profile, perf samples the edge and central while they drain.
func runDrain(b *testing.B, profile bool) drainRun {
	n := benchEvents(b)
	ch := newChain(b)
	ch.broker.Stop()
	s := newBenchShop(b, benchStore, benchTills, append(ch.shopArgs(b, benchStore), strings.Fields(os.Getenv("STOREEDGE_BENCH_SERVE_ARGS"))...)...)

	var r drainRun
	t0 := time.Now()
	r.sales, r.offline = fillOutbox(b, s, n)
	r.build = time.Since(t0)

	s.proc.stop(b)
	var payloads [][]byte
	payloads, r.avg = readPayloads(b, s.dir, min(n, benchRefMax))
	ch.broker.Start()
	r.ref = publishReference(b, ch, payloads)

	central := ch.central(b)
	waitReady(b, central.URL+"/readyz")
	var perfs []*perfRun
	if profile {
		perfs = append(perfs, startPerf("central-draining", central.cmd.Process.Pid))
	}
	self0 := rusageCPU(syscall.RUSAGE_SELF)
	r.d = measureDrain(b, s, central, r.offline.PendingEvents, func(pid int) {
		if profile {
			perfs = append(perfs, startPerf("edge-draining", pid))
		}
	})
	r.genCPU = rusageCPU(syscall.RUSAGE_SELF) - self0
	for _, p := range perfs {
		r.profile = append(r.profile, p.stop()...)
	}
	if r.d.final.LastAckSeq < r.offline.NextSeq-1 || r.d.final.StoreEpoch != r.offline.StoreEpoch {
		b.Fatalf("drained status %+v does not cover the backlog %+v", r.d.final, r.offline)
	}
	if got := centralEvents(b, ch.dbURL, s.store, r.d.final.StoreEpoch, r.d.final.LastAckSeq); got != r.sales {
		b.Fatalf("central has %d sales, want %d", got, r.sales)
	}
	return r
}

// benchEvents reads the backlog size from STOREEDGE_BENCH_EVENTS.
func benchEvents(tb testing.TB) int {
	v := os.Getenv("STOREEDGE_BENCH_EVENTS")
	if v == "" {
		return 100_000
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		tb.Fatalf("STOREEDGE_BENCH_EVENTS=%q: want a positive integer", v)
	}
	return n
}

// newBenchShop is newShop with a catalog whose stock never runs out:
// with the test catalog, sales past its stock also write a stock.negative
// event each, and the backlog would no longer be one event per sale.
func newBenchShop(tb testing.TB, store string, tills int, args ...string) *shop {
	// One keep-alive pool for all tills: with http.DefaultTransport's two
	// idle connections per host, 32 tills would open a connection per
	// sale and run out of ephemeral ports long before 100,000 sales.
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 2 * tills}}
	return newShopWith(tb, shopSetup{catalog: writeBenchCatalog(tb), cashier: "bench", http: hc}, store, tills, args...)
}

// benchSKUs are the products the benchmark sells; the last is by weight.
var benchSKUs = []string{"B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B09", "B10", "B11", "W01"}

// writeBenchCatalog writes a catalog of benchSKUs with a billion in stock.
func writeBenchCatalog(tb testing.TB) string {
	var products []map[string]any
	for i, sku := range benchSKUs {
		p := map[string]any{"sku": sku, "name": fmt.Sprintf("Товар %d", i+1), "name_en": fmt.Sprintf("Product %d", i+1),
			"barcodes": []string{ean13(fmt.Sprintf("46%010d", 1000+i))}, "unit": "piece", "vat_rate": 10 + 12*(i%2),
			"price": 4990 + 1500*int64(i), "stock": 1_000_000_000}
		if strings.HasPrefix(sku, "W") {
			p["unit"], p["price"], p["barcodes"] = "gram", 89900, []string{}
		}
		products = append(products, p)
	}
	buf, err := json.Marshal(map[string]any{"products": products})
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "catalog.json")
	if err := os.WriteFile(path, buf, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// ean13 appends the check digit to a 12-digit code.
func ean13(code string) string {
	sum := 0
	for i, c := range code {
		sum += int(c-'0') * (1 + 2*(i%2))
	}
	return code + strconv.Itoa((10-sum%10)%10)
}

// benchSale is the i-th sale: 3 to 8 distinct lines, some quantities
// above one and a weighed line in every third sale, paid in cash with
// change.
func benchSale(i int) map[string]any {
	nLines := 3 + i%6
	var lines []any
	for j := range nLines {
		sku := benchSKUs[(i+j)%(len(benchSKUs)-1)]
		lines = append(lines, map[string]any{"sku": sku, "qty": 1 + (i+j)%3})
	}
	if i%3 == 0 {
		lines = append(lines[:len(lines)-1], map[string]any{"sku": "W01", "qty": 150 + 50*(i%7)})
	}
	return map[string]any{"lines": lines, "payments": []any{map[string]any{"method": "cash", "amount": money(10_000_000)}}}
}

// fillOutbox sells in chunks until the outbox holds at least n pending
// events, and returns the number of sales and the final status.
func fillOutbox(tb testing.TB, s *shop, n int) (int, syncStatus) {
	sales := 0
	for {
		st := s.status(tb)
		if st.Connected {
			tb.Fatalf("the shop is connected while the broker is down: %+v", st)
		}
		if st.PendingEvents >= n {
			return sales, st
		}
		chunk := min(n-st.PendingEvents, 20_000)
		first := sales
		s.sellEach(tb, chunk, func(j int) any { return benchSale(first + j) })
		sales += chunk
	}
}

// readPayloads opens the stopped shop's database read-only and returns
// its first limit pending events, as stored, and the average size of all
// of them.
func readPayloads(tb testing.TB, dir string, limit int) ([][]byte, float64) {
	db := bolt.NewDB(dir)
	db.ReadOnly = true
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	out := bolt.NewOutboxService(db)
	var keep [][]byte
	var total, count int
	for from := uint64(1); ; {
		evs, err := out.Events(context.Background(), from, 5000)
		if err != nil {
			tb.Fatal(err)
		}
		if len(evs) == 0 {
			break
		}
		for _, e := range evs {
			total, count = total+len(e), count+1
			if len(keep) < limit {
				keep = append(keep, e)
			}
		}
		from += uint64(len(evs))
	}
	if count == 0 {
		tb.Fatal("the outbox is empty")
	}
	return keep, float64(total) / float64(count)
}

// refResult is the reference loop's outcome.
type refResult struct {
	msgs    int
	elapsed time.Duration
}

func (r refResult) rate() float64 { return float64(r.msgs) / r.elapsed.Seconds() }

// publishReference publishes each payload as its own QoS-1 message to a
// topic nobody subscribes to, awaiting every PUBACK (with a deadline)
// before the next: what a naive forwarder of the outbox would do.
func publishReference(tb testing.TB, ch *chain, payloads [][]byte) refResult {
	id, err := pki.LoadIdentity(ch.enroll(tb, benchRefStore))
	if err != nil {
		tb.Fatal(err)
	}
	o := mqtt.NewClientOptions().AddBroker(ch.broker.URL).SetClientID("storeedge-bench-reference").
		SetCleanSession(true).SetStore(mqtt.NewMemoryStore()).SetAutoReconnect(false).
		SetConnectTimeout(10 * time.Second).SetWriteTimeout(10 * time.Second).SetOrderMatters(false).
		SetTLSConfig(&tls.Config{MinVersion: tls.VersionTLS12, RootCAs: id.Roots, Certificates: []tls.Certificate{id.Certificate}})
	c := mqtt.NewClient(o)
	if err := awaitBenchToken(c.Connect(), benchRefDeadline); err != nil {
		tb.Fatalf("reference: connect: %v", err)
	}
	defer c.Disconnect(250)
	start := time.Now()
	for i, p := range payloads {
		if err := awaitBenchToken(c.Publish(storesync.EventsTopic(benchRefStore), 1, false, p), benchRefDeadline); err != nil {
			tb.Fatalf("reference: publish %d: %v", i, err)
		}
	}
	return refResult{msgs: len(payloads), elapsed: time.Since(start)}
}

// awaitBenchToken waits for a paho token with a deadline.
func awaitBenchToken(tok mqtt.Token, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-tok.Done():
		return tok.Error()
	case <-t.C:
		return fmt.Errorf("no answer in %v", d)
	}
}

// waitReady polls a /readyz URL until it answers 200.
func waitReady(tb testing.TB, url string) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("%s never answered 200", url)
}

// drainResult is what measureDrain saw.
type drainResult struct {
	pending   int           // events in the outbox when the shop started
	ready     time.Duration // process start → serving
	connected time.Duration // process start → status connected (50 ms polls)
	drained   time.Duration // process start → empty outbox, all acked
	final     syncStatus
	mem       memPeaks
	edgeCPU   time.Duration // CPU the edge used from serving to drained
	centrCPU  time.Duration // CPU central used in the same span
	// machineBusy is the share of all cores busy in that span, whoever
	// used them: other work on the machine skews the figure.
	machineBusy float64
	dbBytes     int64 // the edge's database file once drained

	edgeMetrics, centralMetrics map[string]float64 // scraped once drained
}

// rate is the headline: pending events over the time from the edge's
// process start to the drained outbox.
func (d drainResult) rate() float64 { return float64(d.pending) / d.drained.Seconds() }

// measureDrain starts the shop, holding pending events, with broker and
// central up, and polls its status every 50 ms until the outbox is empty
// and all of it acked, while sampling the edge's memory every 100 ms.
// started (if not nil) gets the edge's pid as soon as it serves.
func measureDrain(tb testing.TB, s *shop, central *proc, pending int, started func(pid int)) drainResult {
	start := time.Now()
	s.start(tb)
	d := drainResult{pending: pending, ready: time.Since(start)}
	if started != nil {
		started(s.proc.cmd.Process.Pid)
	}
	mem := startMemSampler(s.proc.cmd.Process.Pid, 100*time.Millisecond)
	edgeCPU0, centrCPU0 := procCPU(s.proc.cmd.Process.Pid), procCPU(central.cmd.Process.Pid)
	busy0, total0 := machineCPU()
	d.final = s.pollDrained(tb, benchDrainMax, 50*time.Millisecond, func(st syncStatus) {
		if st.Connected && d.connected == 0 {
			d.connected = time.Since(start)
		}
	})
	d.drained = time.Since(start)
	d.edgeCPU = procCPU(s.proc.cmd.Process.Pid) - edgeCPU0
	d.centrCPU = procCPU(central.cmd.Process.Pid) - centrCPU0
	if busy1, total1 := machineCPU(); total1 > total0 {
		d.machineBusy = float64(busy1-busy0) / float64(total1-total0)
	}
	if fi, err := os.Stat(filepath.Join(s.dir, bolt.FileName)); err == nil {
		d.dbBytes = fi.Size()
	}
	d.mem = mem.stop()
	d.edgeMetrics, d.centralMetrics = scrapeMetrics(tb, s.proc.MetricsURL), scrapeMetrics(tb, central.URL+"/metrics")
	return d
}

// scrapeMetrics reads the unlabelled samples of a Prometheus text page.
func scrapeMetrics(tb testing.TB, url string) map[string]float64 {
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]float64{}
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		if len(f) != 2 || strings.HasPrefix(f[0], "#") || strings.ContainsRune(f[0], '{') {
			continue
		}
		if v, err := strconv.ParseFloat(f[1], 64); err == nil {
			out[f[0]] = v
		}
	}
	return out
}

// mean returns a histogram's mean, 0 when it is empty.
func mean(m map[string]float64, histogram string) float64 {
	if n := m[histogram+"_count"]; n > 0 {
		return m[histogram+"_sum"] / n
	}
	return 0
}

// memPeaks are the edge's memory figures while draining, in bytes.
type memPeaks struct {
	rss, anon, hwm int64
	samples        int
}

// memSampler reads /proc/<pid>/status on a ticker.
type memSampler struct {
	pid  int
	done chan struct{}
	out  chan memPeaks
}

func startMemSampler(pid int, every time.Duration) *memSampler {
	m := &memSampler{pid: pid, done: make(chan struct{}), out: make(chan memPeaks, 1)}
	go m.loop(every)
	return m
}

func (m *memSampler) loop(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	var p memPeaks
	for {
		if st := procStatus(m.pid); st != nil {
			p.rss, p.anon, p.samples = max(p.rss, st["VmRSS"]), max(p.anon, st["RssAnon"]), p.samples+1
		}
		select {
		case <-m.done:
			p.hwm = procStatus(m.pid)["VmHWM"]
			m.out <- p
			return
		case <-t.C:
		}
	}
}

// stop ends the sampling and returns the peaks, VmHWM read last.
func (m *memSampler) stop() memPeaks {
	close(m.done)
	return <-m.out
}

// procStatus returns the kB fields of /proc/<pid>/status in bytes, nil
// when the process is gone.
func procStatus(pid int) map[string]int64 {
	return procStatusFile(fmt.Sprintf("/proc/%d/status", pid))
}

// procCPU returns the user+system CPU time of a process from
// /proc/<pid>/stat, assuming the usual 100 clock ticks per second.
func procCPU(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the ")" that closes the command name: state is the
	// first, utime the 12th and stime the 13th.
	i := strings.LastIndexByte(string(data), ')')
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// machineCPU returns the busy and total jiffies of all cores from
// /proc/stat (idle and iowait count as not busy).
func machineCPU() (busy, total int64) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	for i, f := range strings.Fields(line)[1:] {
		v, _ := strconv.ParseInt(f, 10, 64)
		total += v
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return busy, total
}

// reportDrain reports the metrics and logs the table.
func reportDrain(b *testing.B, offline syncStatus, sales int, build time.Duration, avg float64, ref refResult, d drainResult) {
	const mib = 1 << 20
	ratio := d.rate() / ref.rate()
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(d.rate(), "drain-events/s")
	b.ReportMetric(ref.rate(), "reference-msgs/s")
	b.ReportMetric(ratio, "ratio")
	b.ReportMetric(float64(max(d.mem.hwm, d.mem.rss))/mib, "edge-rss-peak-MiB")
	b.ReportMetric(build.Seconds(), "backlog-build-s")
	// go test shows only the first ten lines of a benchmark's log without
	// -v, so the table stays within them.
	var t strings.Builder
	row := func(name, format string, v ...any) { fmt.Fprintf(&t, "\n%-24s "+format, append([]any{name}, v...)...) }
	row("backlog", "%d events, %d sales, avg %.0f B/event, built in %.1f s", offline.PendingEvents, sales, avg, build.Seconds())
	row("edge start →", "serving %.2f s, connected %.2f s, drained %.2f s", d.ready.Seconds(), d.connected.Seconds(), d.drained.Seconds())
	row("drain", "%.0f events/s", d.rate())
	row("reference", "%.0f msgs/s (%d msgs in %.2f s; %.1f s for the backlog)", ref.rate(), ref.msgs, ref.elapsed.Seconds(), float64(d.pending)/ref.rate())
	row("ratio drain/reference", "%.2f", ratio)
	row("edge memory", "VmRSS peak %.1f MiB, RssAnon peak %.1f MiB (%d samples), VmHWM %.1f MiB; db file %.0f MiB",
		float64(d.mem.rss)/mib, float64(d.mem.anon)/mib, d.mem.samples, float64(d.mem.hwm)/mib, float64(d.dbBytes)/mib)
	row("CPU while draining", "edge %.1f s, central %.1f s; machine %.0f%% busy (%d cores)",
		d.edgeCPU.Seconds(), d.centrCPU.Seconds(), 100*d.machineBusy, runtime.NumCPU())
	em, cm := d.edgeMetrics, d.centralMetrics
	row("pipeline", "%.0f batches (%.0f resent), %.1f events/batch, central apply %.1f ms/batch, publish→ack %.0f ms",
		em["storeedge_sync_batches_sent_total"], em["storeedge_sync_batches_resent_total"], mean(cm, "storeedge_central_batch_events"),
		1000*mean(cm, "storeedge_central_apply_seconds"), 1000*mean(em, "storeedge_sync_publish_ack_seconds"))
	b.Logf("%s", t.String())
}
