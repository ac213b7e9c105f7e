package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/storeedge/storeedge/pos/bolt"
)

// Scenario 1 of `make bench`: durable sales over HTTP against the real
// binary from 1, 8, 32 and 128 tills, each level for a fixed time, judged
// against the raw fsync rate of the same disk measured first. The 32-till
// level runs again under the raspberry-pi-zero-2w profile.
const (
	salesScenario = "1 durable sales"
	salesJudged   = 32 // the level the targets are about
	returnEvery   = 20 // every 20th sale is partly returned, by its till, next
	piProfile     = "raspberry-pi-zero-2w"
	piMemLimit    = 224 << 20 // the profile's runtime.memory_limit
	salesRSS      = 150e6     // the "<= 150 MB" under scenario 1
	salesP99      = 20 * time.Millisecond
)

// salesLevels are the numbers of concurrent tills.
var salesLevels = []int{1, 8, 32, 128}

func init() { registerScenario(salesScenario, runSales) }

// runSales is scenario 1. One edge serves every level (its database grows
// from level to level, as a shop's does); the tills of a level are the
// first n of its 128 enrolled tills.
func runSales(b *testing.B) []benchFigure {
	fsyncs, took := fsyncLoop(b, b.TempDir(), 0, benchWindow(b, 3*time.Second))
	ref := float64(fsyncs) / took.Seconds()
	figs := []benchFigure{{Scenario: salesScenario, Name: "raw fsync rate of the temp dir's disk (the reference)", Unit: "fsync/s", Value: ref,
		Note: fmt.Sprintf("4 KiB write + fdatasync, %d times in %.1f s, in the file system the servers' data dirs are on", fsyncs, took.Seconds())}}
	s := newBenchShop(b, "bench", salesLevels[len(salesLevels)-1])
	mem := startMemSampler(s.proc.cmd.Process.Pid, 100*time.Millisecond)
	for _, tills := range salesLevels {
		lv := measureSalesLevel(b, s, tills, tills == salesJudged)
		figs = append(figs, salesFigures(lv, ref, "")...)
	}
	figs = append(figs, salesMemFigures(mem.stop(), dbSize(s.dir), "1-128 tills")...)

	pi := newBenchShop(b, "bench-pi", salesJudged, "--profile", piProfile)
	piMem := startMemSampler(pi.proc.cmd.Process.Pid, 100*time.Millisecond)
	lv := measureSalesLevel(b, pi, salesJudged, false)
	figs = append(figs, salesFigures(lv, ref, piProfile)...)
	return append(figs, salesMemFigures(piMem.stop(), dbSize(pi.dir), piProfile)...)
}

// salesLevel is what one level of tills measured.
type salesLevel struct {
	tills int
	res   loadResult
	cpu   cpuUse
}

// measureSalesLevel warms the first `tills` tills up for a second (new
// connections, the edge's pools), then measures them for the window (10 s
// by default), with perf sampling the edge when profile is set.
func measureSalesLevel(b *testing.B, s *shop, tills int, profile bool) salesLevel {
	clients := s.tills[:tills]
	// The tills share one pool. Connections left idle, some never used
	// (the transport dials ahead), would sit until the edge's read
	// timeout, which answers them with an unsolicited 503.
	clients[0].http.CloseIdleConnections()
	defer clients[0].http.CloseIdleConnections()
	postSales(b, clients, 0, time.Second)
	pid := s.proc.cmd.Process.Pid
	var perf *perfRun
	if profile {
		perf = startPerf(fmt.Sprintf("edge-sales-%d-tills", tills), pid)
	}
	w := startCPUWindow(pid)
	res := postSales(b, clients, 0, benchWindow(b, 10*time.Second))
	lv := salesLevel{tills: tills, res: res, cpu: w.stop()}
	if perf != nil {
		for _, l := range perf.stop() {
			benchNotef("%s", l)
		}
	}
	return lv
}

// salesFigures are a level's rate against the fsync rate and its latency
// percentiles; the judged level carries the targets.
func salesFigures(lv salesLevel, ref float64, profile string) []benchFigure {
	at := fmt.Sprintf("%d tills", lv.tills)
	if lv.tills == 1 {
		at = "1 till"
	}
	if profile != "" {
		at += ", " + profile
	}
	rate, judged := lv.res.rate(), lv.tills == salesJudged
	sales := benchFigure{Scenario: salesScenario, Name: "sales/s, " + at, Unit: "sales/s", Value: rate,
		RefName: "fsync/s", Ref: ref, Ratio: rate / ref,
		Note: fmt.Sprintf("%d sales and %d partial returns in %.1f s; CPU: edge %.1f s (%.0f µs a sale), load generator %.1f s (%.0f%% of the two)",
			len(lv.res.lat), lv.res.other, lv.res.elapsed.Seconds(), lv.cpu.servers.Seconds(),
			1e6*lv.cpu.servers.Seconds()/float64(len(lv.res.lat)+lv.res.other), lv.cpu.gen.Seconds(), 100*lv.cpu.share())}
	p99 := lv.res.percentile(99)
	figs := []benchFigure{sales,
		{Scenario: salesScenario, Name: "p50 latency of a sale, " + at, Unit: "ms", Value: ms(lv.res.percentile(50))},
		{Scenario: salesScenario, Name: "p99 latency of a sale, " + at, Unit: "ms", Value: ms(p99)},
		{Scenario: salesScenario, Name: "p99.9 latency of a sale, " + at, Unit: "ms", Value: ms(lv.res.percentile(99.9))},
	}
	if judged {
		figs[0].Target, figs[0].Met = ">= 5x ref", benchMet(rate >= 5*ref)
		figs[2].Target, figs[2].Met = "<= 20 ms", benchMet(p99 <= salesP99)
	}
	return figs
}

// salesMemFigures are the edge's resident memory under the load: VmHWM,
// which the target is about, and its own part (RssAnon), which
// the profile's memory limit governs.
func salesMemFigures(m memPeaks, db int64, what string) []benchFigure {
	const mib = 1 << 20
	hwm := max(m.hwm, m.rss)
	figs := []benchFigure{
		{Scenario: salesScenario, Name: "edge resident memory under load (VmHWM), " + what, Unit: "MiB", Value: float64(hwm) / mib,
			Target: fmt.Sprintf("<= 150 MB (%.0f MiB)", salesRSS/mib), Met: benchMet(hwm <= salesRSS),
			Note: fmt.Sprintf("includes the pages of the %.0f MiB bbolt file mapped in memory; RssAnon below is the process's own", float64(db)/mib)},
		{Scenario: salesScenario, Name: "edge own memory under load (RssAnon peak), " + what, Unit: "MiB", Value: float64(m.anon) / mib},
	}
	if what == piProfile {
		figs[1].RefName, figs[1].Ref, figs[1].Ratio = "MiB profile's memory limit", piMemLimit/mib, float64(m.anon)/piMemLimit
		figs[1].Target, figs[1].Met = "<= the limit", benchMet(m.anon <= piMemLimit)
	}
	return figs
}

// dbSize is the size of the shop's database file.
func dbSize(dir string) int64 {
	fi, err := os.Stat(filepath.Join(dir, bolt.FileName))
	if err != nil {
		return 0
	}
	return fi.Size()
}

// saleBodies are benchSale's bodies, marshalled once so the load generator
// spends its CPU on requests, and for each the body of a partial return
// (one unit of its first line).
var saleBodies = sync.OnceValues(func() ([][]byte, [][]byte) {
	const n = 462 // every combination of benchSale's cycles (6 line counts, 11 SKUs, 3, 7)
	sales, returns := make([][]byte, n), make([][]byte, n)
	for i := range n {
		sale := benchSale(i)
		first := sale["lines"].([]any)[0].(map[string]any)
		sales[i], _ = json.Marshal(sale)
		returns[i], _ = json.Marshal(map[string]any{"lines": []any{map[string]any{"sku": first["sku"], "qty": 1}}})
	}
	return sales, returns
})

// postSales posts realistic sales from every till in a closed loop until
// n calls (n > 0) or for d. Every returnEvery-th sale is partly returned
// by its till as its next call; returns are made but not counted as
// figures. Each call has its own Idempotency-Key.
func postSales(tb testing.TB, tills []*client, n int, d time.Duration) loadResult {
	sales, returns := saleBodies()
	var seq atomic.Int64
	type toReturn struct {
		sale string
		body []byte
	}
	pending := make([]toReturn, len(tills)) // per till, touched only by its worker
	return closedLoop(tb, len(tills), n, d, func(w, _ int) (bool, error) {
		c := tills[w]
		if r := pending[w]; r.sale != "" {
			pending[w] = toReturn{}
			return false, postRaw(c, "/api/v1/sales/"+r.sale+"/returns", r.body, 201, nil)
		}
		i := int(seq.Add(1))
		var sale struct{ ID string }
		var out any
		if i%returnEvery == 0 {
			out = &sale
		}
		if err := postRaw(c, "/api/v1/sales", sales[i%len(sales)], 201, out); err != nil {
			return true, err
		}
		if sale.ID != "" {
			pending[w] = toReturn{sale.ID, returns[i%len(returns)]}
		}
		return true, nil
	})
}

// postRaw posts a marshalled JSON body as the till, with a new
// Idempotency-Key, and decodes the answer into out (if not nil).
func postRaw(c *client, path string, body []byte, want int, out any) error {
	req, err := http.NewRequest("POST", c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Idempotency-Key", uuid.NewString())
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 500))
		return fmt.Errorf("POST %s: status %d, want %d: %s", path, resp.StatusCode, want, msg)
	}
	if out != nil {
		return json.NewDecoder(resp.Body).Decode(out)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}
