package main_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// Scenario 5 of `make bench`: how fast the real binary is ready with a
// full shop (50,000 products, 100,000 pending events), what it holds in
// memory idle, and the size of the binaries a Raspberry Pi runs.
const (
	fpScenario  = "5 start and footprint"
	fpTills     = 32 // goroutines (each its own till and shift) building the backlog
	fpStarts    = 3  // clean starts; the median is the figure
	fpPoll      = 5 * time.Millisecond
	fpIdle      = 2 * time.Second
	fpMemTarget = 60_000_000 // bytes: "≤ 60 MB"
	fpBinTarget = 30_000_000 // bytes: "≤ 30 MB"
	fpPIN       = "2468"
)

func init() { registerScenario(fpScenario, runFootprint) }

// runFootprint is scenario 5. The cross-compiles run while the backlog is
// built, which measures nothing, to keep the scenario within its budget.
func runFootprint(b *testing.B) []benchFigure {
	events := fpEvents(b)
	builds := startCrossBuilds(b)
	dir := b.TempDir()
	bl := buildBacklog(b, dir, scaleProducts, events)
	bins := builds.wait(b)
	st := measureStarts(b, dir)
	benchNotef("the shop's file is %.0f MiB; each sale added %.1f KiB to it: its event averages %.0f B of JSON, and the sale record beside it about as much",
		float64(bl.fileBytes)/(1<<20), bl.perSale/1024, bl.eventBytes)
	benchNotef("with storage.freelist_sync false (the default) bbolt rebuilds its freelist at each start by walking every page of the file, " +
		"so start time and VmRSS grow with the file; the freelist_sync: true rows show the same shop without that walk")
	figs := startFigures(bl, st)
	figs = append(figs, memFigures(st.clean[len(st.clean)-1].mem, st.syncWarm.mem)...)
	return append(figs, binFigures(bins)...)
}

// fpEvents reads the backlog size from STOREEDGE_BENCH_EVENTS (default
// 100,000), as scenario 2 does.
func fpEvents(tb testing.TB) int {
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

// backlog describes the data directory buildBacklog made.
type backlog struct {
	products, sales, pending int
	took                     time.Duration // the whole build
	salesTook                time.Duration // the sales alone
	fileBytes                int64
	eventBytes               float64 // average size of the first 1,000 stored events
	perSale                  float64 // bytes of file (up to the high-water mark) each sale added
}

// buildBacklog fills dir in-process through pos/bolt, far faster than
// over HTTP: the products in chunks as `catalog import` loads them, a till
// and a shift per goroutine, then sales (one event each) from fpTills
// goroutines until the outbox holds events pending events.
func buildBacklog(tb testing.TB, dir string, products, events int) backlog {
	start := time.Now()
	db := bolt.NewDB(dir)
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	defer db.Close() // after a failure; Close again is a no-op
	importInProcess(tb, db, products)
	catalogHWM := fpHighWater(tb, db)
	tills := openTills(tb, db, min(fpTills, events))
	bl := backlog{products: products, sales: events - fpPending(tb, db)}
	salesStart := time.Now()
	sellInProcess(tb, db, tills, bl.sales, products)
	bl.salesTook = time.Since(salesStart)
	if bl.pending = fpPending(tb, db); bl.pending < events {
		tb.Fatalf("the outbox holds %d events, want %d", bl.pending, events)
	}
	bl.eventBytes = fpEventSize(tb, db)
	bl.perSale = float64(fpHighWater(tb, db)-catalogHWM) / float64(max(bl.sales, 1))
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	bl.took = time.Since(start)
	if fi, err := os.Stat(db.Path()); err == nil {
		bl.fileBytes = fi.Size()
	}
	return bl
}

// importInProcess loads products 0..n-1 in chunks of 5,000, as `catalog
// import` does.
func importInProcess(tb testing.TB, db *bolt.DB, n int) {
	for i := 0; i < n; i += 5000 {
		items := make([]pos.ProductImport, 0, 5000)
		for j := i; j < min(i+5000, n); j++ {
			items = append(items, scaleProduct(j))
		}
		if _, err := bolt.NewCatalogService(db).ImportProducts(context.Background(), items); err != nil {
			tb.Fatal(err)
		}
	}
}

// openTills enrols n tills and a cashier, logs in at each till and opens
// its shift; it returns each till's session context.
func openTills(tb testing.TB, db *bolt.DB, n int) []context.Context {
	ctx := context.Background()
	auth := bolt.NewAuthService(db)
	if _, err := auth.CreateCashier(ctx, "bench", fpPIN, pos.RoleCashier); err != nil {
		tb.Fatal(err)
	}
	var out []context.Context
	for i := range n {
		_, token, err := auth.CreateTerminal(ctx, fmt.Sprintf("till-%d", i))
		if err != nil {
			tb.Fatal(err)
		}
		_, sess, err := auth.Login(ctx, &pos.LoginRequest{TerminalToken: token, Cashier: "bench", PIN: fpPIN})
		if err != nil {
			tb.Fatal(err)
		}
		sctx := pos.NewContextWithSession(ctx, sess)
		if _, err := bolt.NewShiftService(db).OpenShift(sctx, &pos.OpenShiftRequest{OpeningFloat: pos.M(0, "RUB")}); err != nil {
			tb.Fatal(err)
		}
		out = append(out, sctx)
	}
	return out
}

// sellInProcess records n sales from one goroutine per till.
func sellInProcess(tb testing.TB, db *bolt.DB, tills []context.Context, n, products int) {
	s := bolt.NewSaleService(db)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, len(tills))
	for _, ctx := range tills {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if _, _, err := s.CreateSale(ctx, fmt.Sprintf("bench-sale-%d", i), fpSale(i, products)); err != nil {
					errs <- fmt.Errorf("sale %d: %w", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		tb.Fatal(err)
	}
}

// fpSale is the i-th sale of the backlog: 3 to 8 distinct products from
// the whole catalog, 1 to 3 of each, paid in cash with change.
func fpSale(i, products int) *pos.SaleRequest {
	req := &pos.SaleRequest{Payments: []pos.PaymentRequest{{Method: "cash", Amount: pos.M(100_000_000, "RUB")}}}
	for j := range 3 + i%6 {
		sku := fmt.Sprintf("P%06d", (i*7919+j*104729)%products)
		req.Lines = append(req.Lines, pos.SaleLineRequest{SKU: sku, Qty: int64(1 + (i+j)%3)})
	}
	return req
}

// fpEventSize returns the average size of the first 1,000 stored events.
func fpEventSize(tb testing.TB, db *bolt.DB) float64 {
	evs, err := bolt.NewOutboxService(db).Events(context.Background(), 1, 1000)
	if err != nil || len(evs) == 0 {
		tb.Fatalf("read events: %d, %v", len(evs), err)
	}
	total := 0
	for _, e := range evs {
		total += len(e)
	}
	return float64(total) / float64(len(evs))
}

// fpHighWater returns the size of the file up to bbolt's high-water mark.
func fpHighWater(tb testing.TB, db *bolt.DB) int64 {
	tx, err := db.Bolt().Begin(false)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	return tx.Size()
}

func fpPending(tb testing.TB, db *bolt.DB) int {
	st, err := bolt.NewOutboxService(db).SyncStatus(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return st.PendingEvents
}

// startRun is one start of serve.
type startRun struct {
	ready time.Duration    // exec → /readyz 200
	open  time.Duration    // serve's own "ready took=": database, relay, HTTP
	mem   map[string]int64 // /proc/<pid>/status after fpIdle, when asked for
}

// starts is what measureStarts saw.
type starts struct {
	clean    []startRun // after a clean stop; the last one has mem
	unclean  startRun   // after a kill -9: the consistency check runs
	cold     startRun   // clean, with the file dropped from the page cache
	syncWarm startRun   // storage.freelist_sync: true, with mem
	syncCold startRun   // the same, file dropped from the page cache
}

// fpSyncFlag makes bbolt write its freelist on every commit, so that a
// start reads it instead of walking the whole file to rebuild it.
const fpSyncFlag = "--storage-freelist-sync=true"

// measureStarts starts serve fpStarts times after a clean stop (the last
// one also stays idle for the memory figures, then is killed with -9),
// once after that kill, once with the file out of the page cache, and
// then the same with storage.freelist_sync on, for comparison.
func measureStarts(tb testing.TB, dir string) starts {
	var st starts
	for i := range fpStarts {
		last := i == fpStarts-1
		st.clean = append(st.clean, runOnce(tb, dir, last, last))
	}
	st.unclean = runOnce(tb, dir, false, false)
	dropPageCache(tb, filepath.Join(dir, bolt.FileName))
	st.cold = runOnce(tb, dir, false, false)
	runOnce(tb, dir, false, false, fpSyncFlag) // its first start walks the file and writes the freelist
	st.syncWarm = runOnce(tb, dir, true, false, fpSyncFlag)
	dropPageCache(tb, filepath.Join(dir, bolt.FileName))
	st.syncCold = runOnce(tb, dir, false, false, fpSyncFlag)
	return st
}

// runOnce starts serve, waits fpIdle and reads its memory if idle is set,
// and stops it: with kill -9 if kill is set, else with SIGTERM.
func runOnce(tb testing.TB, dir string, idle, kill bool, args ...string) startRun {
	p, d := startTimed(tb, dir, args...)
	r := startRun{ready: d, open: p.openTook()}
	if idle {
		time.Sleep(fpIdle)
		r.mem = fpProcStatus(p.cmd.Process.Pid)
	}
	if kill {
		p.kill()
	} else {
		p.stop(tb)
	}
	return r
}

// startTimed execs serve on a free port and polls its /readyz every fpPoll
// from the moment of exec; it returns the time to the first 200. The port
// is picked before exec, since the URL serve prints comes only once ready.
func startTimed(tb testing.TB, dir string, args ...string) (*proc, time.Duration) {
	tb.Helper()
	addr := freeAddr(tb)
	hc := &http.Client{Timeout: 2 * time.Second}
	start := time.Now()
	p := launch(tb, append([]string{binPath, "serve", "--data", dir, "--listen", addr}, args...))
	for deadline := start.Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(fpPoll) {
		resp, err := hc.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p, time.Since(start)
			}
		}
		select {
		case <-p.exited:
			tb.Fatalf("serve exited: %s", p.stderr)
		default:
		}
	}
	tb.Fatalf("serve was not ready in 60 s: %s", p.stderr)
	return nil, 0
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(tb testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// tookRE finds the duration in serve's "ready" log line.
var tookRE = regexp.MustCompile(`msg=ready took=(\S+)`)

// openTook is how long serve said its open took (database, relay, HTTP),
// waiting briefly for the line; 0 if it never came.
func (p *proc) openTook() time.Duration {
	for range 100 {
		if m := tookRE.FindStringSubmatch(p.stderr.String()); m != nil {
			d, _ := time.ParseDuration(m[1])
			return d
		}
		time.Sleep(10 * time.Millisecond)
	}
	return 0
}

// dropPageCache asks the kernel to forget the cached pages of one file
// (written back already), so the next start reads it from the disk as
// after a reboot, without touching any other file's cache.
func dropPageCache(tb testing.TB, path string) {
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		tb.Fatal(err)
	}
}

// fpProcStatus returns the kB fields of /proc/<pid>/status in bytes.
func fpProcStatus(pid int) map[string]int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	out := map[string]int64{}
	if err != nil {
		return out
	}
	for line := range strings.Lines(string(data)) {
		key, rest, _ := strings.Cut(line, ":")
		if f := strings.Fields(rest); len(f) == 2 && f[1] == "kB" {
			v, _ := strconv.ParseInt(f[0], 10, 64)
			out[key] = v << 10
		}
	}
	return out
}

// crossBuilds are the stripped binaries for the Pi, built in the background.
type crossBuilds struct {
	done  chan struct{}
	sizes map[string]int64 // by target name
	err   error
}

// crossTargets are the builds whose size is reported, by name.
var crossTargets = []struct{ name, goarch, goarm string }{
	{"linux/arm64", "arm64", ""},
	{"linux/arm (GOARM=7)", "arm", "7"},
}

// startCrossBuilds builds the stripped linux/arm64 and armv7 binaries as
// `make build-arm` would, one after the other, in the background.
func startCrossBuilds(tb testing.TB) *crossBuilds {
	dir := tb.TempDir()
	c := &crossBuilds{done: make(chan struct{}), sizes: map[string]int64{}}
	go func() {
		defer close(c.done)
		for i, t := range crossTargets {
			out := filepath.Join(dir, fmt.Sprintf("storeedge-%d", i))
			cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, "./")
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+t.goarch, "GOARM="+t.goarm)
			if msg, err := cmd.CombinedOutput(); err != nil {
				c.err = fmt.Errorf("build %s: %v: %s", t.name, err, msg)
				return
			}
			fi, err := os.Stat(out)
			if err != nil {
				c.err = err
				return
			}
			c.sizes[t.name] = fi.Size()
		}
	}()
	return c
}

// wait returns the binaries' sizes once both builds are done.
func (c *crossBuilds) wait(tb testing.TB) map[string]int64 {
	<-c.done
	if c.err != nil {
		tb.Fatal(c.err)
	}
	return c.sizes
}

func fpMedian(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func startFigures(bl backlog, st starts) []benchFigure {
	const mib = 1 << 20
	var runs []string
	var ready []time.Duration
	for _, r := range st.clean {
		runs, ready = append(runs, fmt.Sprintf("%.0f ms (open %.0f ms)", scaleMs(r.ready), scaleMs(r.open))), append(ready, r.ready)
	}
	median := fpMedian(ready)
	row := func(name string, r startRun, note string) benchFigure {
		return benchFigure{Scenario: fpScenario, Name: name, Unit: "s", Value: r.ready.Seconds(),
			Note: fmt.Sprintf("open %.0f ms; %s", scaleMs(r.open), note)}
	}
	return []benchFigure{
		{Scenario: fpScenario, Name: "start → /readyz 200 (median of 3, clean stop before)", Unit: "s", Value: median.Seconds(),
			Target: "<= 1 s", Met: benchMet(median <= time.Second),
			Note: fmt.Sprintf("%d products, %d pending events, file %.0f MiB; runs %s; open = serve's own \"ready took=\" (database, relay, HTTP)",
				bl.products, bl.pending, float64(bl.fileBytes)/mib, strings.Join(runs, ", "))},
		row("start → /readyz 200, file not in the page cache", st.cold, "clean stop before, fadvise(DONTNEED) on the file: a start after a reboot"),
		row("start → /readyz 200 after kill -9", st.unclean, "includes bbolt's tx.Check over the whole file"),
		row("start → /readyz 200, storage.freelist_sync: true", st.syncWarm, "the freelist is read, not rebuilt by walking the file"),
		row("start → /readyz 200, storage.freelist_sync: true, file not in the page cache", st.syncCold, "fadvise(DONTNEED) on the file"),
		{Scenario: fpScenario, Name: "building the backlog (in-process, not a product figure)", Unit: "s", Value: bl.took.Seconds(),
			Note: fmt.Sprintf("%d sales from %d goroutines through pos/bolt: %.0f sales/s", bl.sales, fpTills, float64(bl.sales)/bl.salesTook.Seconds())},
	}
}

func memFigures(m, synced map[string]int64) []benchFigure {
	const mib = 1 << 20
	target := fmt.Sprintf("<= 60 MB (%.1f MiB)", float64(fpMemTarget)/mib)
	note := fmt.Sprintf("%s idle after a start; RssFile %.1f MiB (the binary and the bbolt file's mapped pages)", fpIdle, float64(m["RssFile"])/mib)
	return []benchFigure{
		{Scenario: fpScenario, Name: "resident memory idle (VmRSS)", Unit: "MiB", Value: float64(m["VmRSS"]) / mib,
			Target: target, Met: benchMet(m["VmRSS"] <= fpMemTarget), Note: note},
		{Scenario: fpScenario, Name: "resident memory idle, peak (VmHWM)", Unit: "MiB", Value: float64(m["VmHWM"]) / mib},
		{Scenario: fpScenario, Name: "resident memory idle without mapped files (RssAnon)", Unit: "MiB", Value: float64(m["RssAnon"]) / mib,
			Target: target, Met: benchMet(m["RssAnon"] <= fpMemTarget), Note: "the process's own memory: Go heap, stacks, runtime"},
		{Scenario: fpScenario, Name: "resident memory idle (VmRSS), storage.freelist_sync: true", Unit: "MiB", Value: float64(synced["VmRSS"]) / mib,
			Note: fmt.Sprintf("RssAnon %.1f MiB, RssFile %.1f MiB, VmHWM %.1f MiB", float64(synced["RssAnon"])/mib, float64(synced["RssFile"])/mib, float64(synced["VmHWM"])/mib)},
	}
}

func binFigures(sizes map[string]int64) []benchFigure {
	const mib = 1 << 20
	var figs []benchFigure
	for _, t := range crossTargets {
		f := benchFigure{Scenario: fpScenario, Name: t.name + " binary, stripped (-s -w, -trimpath)", Unit: "MiB",
			Value: float64(sizes[t.name]) / mib, Note: fmt.Sprintf("%d bytes", sizes[t.name])}
		if t.goarch == "arm64" {
			f.Target, f.Met = fmt.Sprintf("<= 30 MB (%.1f MiB)", float64(fpBinTarget)/mib), benchMet(sizes[t.name] <= fpBinTarget)
		}
		figs = append(figs, f)
	}
	return figs
}
