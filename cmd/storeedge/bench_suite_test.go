package main_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// A benchFigure is one line of `make bench`'s table: a figure measured on
// StoreEdge, the reference it is judged against (measured in the same run,
// on the same machine), and the target, when the issue sets one.
type benchFigure struct {
	Scenario string  `json:"scenario"` // "1 durable sales", "2 backlog drain", ...
	Name     string  `json:"name"`     // "sales/s at 32 tills"
	Unit     string  `json:"unit"`     // "sales/s", "ms", "MiB", "s", "events/s", "req/s"
	Value    float64 `json:"value"`
	RefName  string  `json:"ref_name,omitempty"` // "raw fsync rate (4 KiB write + fdatasync)"
	Ref      float64 `json:"ref,omitempty"`
	// Ratio is Value/Ref when a reference exists (for latencies and sizes,
	// where less is better, the table still shows Value/Ref).
	Ratio  float64 `json:"ratio,omitempty"`
	Target string  `json:"target,omitempty"` // human text: ">= 5x ref", "<= 20 ms"
	Met    *bool   `json:"met,omitempty"`    // nil when there is no target
	Note   string  `json:"note,omitempty"`
}

// benchScenario runs one scenario of the suite and returns its figures.
// Scenarios run one after another, never at the same time, so they do not
// measure each other.
type benchScenario struct {
	Name string
	Run  func(b *testing.B) []benchFigure
}

// benchScenarios is filled by the scenario files (bench_*_test.go) in
// their init functions, in the order.
var benchScenarios []benchScenario

// registerScenario adds a scenario to the suite.
func registerScenario(name string, run func(b *testing.B) []benchFigure) {
	benchScenarios = append(benchScenarios, benchScenario{Name: name, Run: run})
}

// scenarioResult is how one scenario went, for the table and the JSON.
type scenarioResult struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
	Failed  bool    `json:"failed,omitempty"`
	// CPU of the timed load windows the scenario declared (startCPUWindow):
	// the load generator (this process) and the servers under load.
	WindowSeconds  float64  `json:"window_seconds,omitempty"`
	GeneratorCPU   float64  `json:"generator_cpu_seconds,omitempty"`
	ServerCPU      float64  `json:"server_cpu_seconds,omitempty"`
	GeneratorShare float64  `json:"generator_share,omitempty"`
	SelfCPU        float64  `json:"self_cpu_seconds"`     // this process over the whole scenario
	ChildrenCPU    float64  `json:"children_cpu_seconds"` // child processes that exited during it
	MachineBusy    float64  `json:"machine_busy"`         // share of all cores busy, whoever used them
	Notes          []string `json:"notes,omitempty"`
}

// benchReport is the JSON that `make bench` writes.
type benchReport struct {
	Started   time.Time        `json:"started"`
	Seconds   float64          `json:"seconds"`
	Machine   benchMachine     `json:"machine"`
	Scenarios []scenarioResult `json:"scenarios"`
	Figures   []benchFigure    `json:"figures"`
}

// BenchmarkSuite is `make bench`: every registered scenario, one after
// another, then one table of figures against their same-run references,
// printed to stdout, and the same as JSON in STOREEDGE_BENCH_JSON (default
// bench-results.json at the top of the repo). STOREEDGE_BENCH_SCENARIOS
// ("1,3") runs a subset. Run it once: -benchtime 1x.
func BenchmarkSuite(b *testing.B) {
	if testing.Short() {
		b.Skip("integration: not in -short")
	}
	rep := benchReport{Started: time.Now(), Machine: readMachine()}
	for _, sc := range selectedScenarios(b) {
		res, figs := runScenario(b, sc)
		rep.Scenarios = append(rep.Scenarios, res)
		rep.Figures = append(rep.Figures, figs...)
	}
	rep.Seconds = time.Since(rep.Started).Seconds()
	rep.Machine.LoadAfter = readLoadavg()
	fmt.Fprint(os.Stdout, formatReport(rep))
	path := benchJSONPath()
	if err := writeJSON(path, rep); err != nil {
		b.Errorf("write %s: %v", path, err)
		return
	}
	fmt.Fprintf(os.Stdout, "results: %s\n", path)
}

// selectedScenarios returns the registered scenarios sorted by name (which
// starts with the number), only those STOREEDGE_BENCH_SCENARIOS
// lists when it is set.
func selectedScenarios(tb testing.TB) []benchScenario {
	all := slices.SortedFunc(slices.Values(benchScenarios), func(x, y benchScenario) int { return strings.Compare(x.Name, y.Name) })
	want := os.Getenv("STOREEDGE_BENCH_SCENARIOS")
	if want == "" {
		return all
	}
	var out []benchScenario
	for _, n := range strings.Split(want, ",") {
		n = strings.TrimSpace(n)
		found := false
		for _, sc := range all {
			if num, _, _ := strings.Cut(sc.Name, " "); num == n {
				out, found = append(out, sc), true
			}
		}
		if !found {
			tb.Fatalf("STOREEDGE_BENCH_SCENARIOS=%q: no scenario %q", want, n)
		}
	}
	return out
}

// runScenario runs one scenario as a sub-benchmark, so its processes and
// temp dirs are cleaned up before the next starts, and accounts its CPU.
func runScenario(b *testing.B, sc benchScenario) (scenarioResult, []benchFigure) {
	suiteCPU.reset()
	self0, children0 := rusageCPU(syscall.RUSAGE_SELF), rusageCPU(syscall.RUSAGE_CHILDREN)
	busy0, total0 := machineCPU()
	start := time.Now()
	var figs []benchFigure
	ran := false
	ok := b.Run(strings.ReplaceAll(sc.Name, " ", "_"), func(b *testing.B) {
		if ran { // a -benchtime other than 1x calls again with a larger b.N
			return
		}
		ran = true
		figs = sc.Run(b)
	})
	res := scenarioResult{Name: sc.Name, Seconds: time.Since(start).Seconds(), Failed: !ok,
		SelfCPU:     (rusageCPU(syscall.RUSAGE_SELF) - self0).Seconds(),
		ChildrenCPU: (rusageCPU(syscall.RUSAGE_CHILDREN) - children0).Seconds()}
	if busy1, total1 := machineCPU(); total1 > total0 {
		res.MachineBusy = float64(busy1-busy0) / float64(total1-total0)
	}
	suiteCPU.fill(&res)
	return res, figs
}

// benchJSONPath is STOREEDGE_BENCH_JSON, or bench-results.json at the top
// of the repo (where go.mod is).
func benchJSONPath() string {
	if p := os.Getenv("STOREEDGE_BENCH_JSON"); p != "" {
		return p
	}
	return filepath.Join(repoRoot(), "bench-results.json")
}

// repoRoot is the nearest directory above the working one with a go.mod.
func repoRoot() string {
	dir, _ := os.Getwd()
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// benchWindow is how long a timed load runs: def, or STOREEDGE_BENCH_SECONDS
// for every window when it is set (short for a quick look, long for
// steadier figures).
func benchWindow(tb testing.TB, def time.Duration) time.Duration {
	v := os.Getenv("STOREEDGE_BENCH_SECONDS")
	if v == "" {
		return def
	}
	s, err := strconv.ParseFloat(v, 64)
	if err != nil || s <= 0 {
		tb.Fatalf("STOREEDGE_BENCH_SECONDS=%q: want a positive number of seconds", v)
	}
	return time.Duration(s * float64(time.Second))
}

// benchMet is a target's outcome for benchFigure.Met.
func benchMet(ok bool) *bool { return &ok }

// benchNotef adds a line to the running scenario's notes, printed under
// the table (for what is not a figure: a profile's top functions, how the
// load was made).
func benchNotef(format string, args ...any) {
	suiteCPU.Lock()
	defer suiteCPU.Unlock()
	suiteCPU.notes = append(suiteCPU.notes, fmt.Sprintf(format, args...))
}

// suiteCPU gathers, for the scenario that is running, the CPU of its timed
// load windows and its notes.
var suiteCPU cpuTally

type cpuTally struct {
	sync.Mutex
	use   cpuUse
	notes []string
}

// cpuUse is the CPU the load generator (this process) and the servers
// under load used in a wall-clock span.
type cpuUse struct{ gen, servers, wall time.Duration }

// share is the generator's part of the CPU the load used.
func (u cpuUse) share() float64 {
	if u.gen+u.servers == 0 {
		return 0
	}
	return float64(u.gen) / float64(u.gen+u.servers)
}

func (t *cpuTally) reset() {
	t.Lock()
	defer t.Unlock()
	t.use, t.notes = cpuUse{}, nil
}

// add counts a window's CPU; scenarios whose servers start inside the
// window (the drain) measure it themselves and add it here.
func (t *cpuTally) add(u cpuUse) {
	t.Lock()
	defer t.Unlock()
	t.use.gen, t.use.servers, t.use.wall = t.use.gen+u.gen, t.use.servers+u.servers, t.use.wall+u.wall
}

func (t *cpuTally) fill(r *scenarioResult) {
	t.Lock()
	defer t.Unlock()
	r.WindowSeconds, r.GeneratorCPU, r.ServerCPU = t.use.wall.Seconds(), t.use.gen.Seconds(), t.use.servers.Seconds()
	r.GeneratorShare, r.Notes = t.use.share(), t.notes
}

// cpuWindow measures one timed load: this process's CPU (getrusage) and
// the servers' (from /proc/<pid>/stat) from start to stop.
type cpuWindow struct {
	start time.Time
	self  time.Duration
	pids  []int
	srv   []time.Duration
}

// startCPUWindow starts measuring; pids are the servers under load (none
// when the server runs in this process, as the fiber reference does: then
// the window is not added to the tally).
func startCPUWindow(pids ...int) *cpuWindow {
	w := &cpuWindow{start: time.Now(), self: rusageCPU(syscall.RUSAGE_SELF), pids: pids}
	for _, p := range pids {
		w.srv = append(w.srv, procCPU(p))
	}
	return w
}

// stop ends the window, adds it to the scenario's tally and returns it.
func (w *cpuWindow) stop() cpuUse {
	u := cpuUse{gen: rusageCPU(syscall.RUSAGE_SELF) - w.self, wall: time.Since(w.start)}
	for i, p := range w.pids {
		u.servers += procCPU(p) - w.srv[i]
	}
	if len(w.pids) > 0 {
		suiteCPU.add(u)
	}
	return u
}

// rusageCPU is the user+system CPU of who (RUSAGE_SELF, RUSAGE_CHILDREN).
func rusageCPU(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// formatReport renders the machine, the scenarios' time and CPU, the table
// of figures and the notes.
func formatReport(rep benchReport) string {
	var s strings.Builder
	fmt.Fprintf(&s, "\n== make bench, %s, %.0f s ==\n%s\n", rep.Started.UTC().Format("2006-01-02 15:04 UTC"), rep.Seconds, rep.Machine)
	s.WriteString("\nscenario                             took   load windows: generator CPU / servers CPU = generator share   whole: this process / children, machine busy\n")
	for _, r := range rep.Scenarios {
		status := ""
		if r.Failed {
			status = "  FAILED (see its log above)"
		}
		load := "no load window declared"
		if r.WindowSeconds > 0 {
			load = fmt.Sprintf("%5.1f s: %5.1f / %5.1f CPU-s = %3.0f%%", r.WindowSeconds, r.GeneratorCPU, r.ServerCPU, 100*r.GeneratorShare)
		}
		fmt.Fprintf(&s, "%-34s %5.0f s   %-58s   %5.1f / %5.1f CPU-s, %3.0f%%%s\n",
			r.Name, r.Seconds, load, r.SelfCPU, r.ChildrenCPU, 100*r.MachineBusy, status)
	}
	s.WriteString("\n")
	s.WriteString(formatTable(rep.Figures))
	for _, r := range rep.Scenarios {
		if len(r.Notes) > 0 {
			fmt.Fprintf(&s, "\nnotes, %s:\n  %s\n", r.Name, strings.Join(r.Notes, "\n  "))
		}
	}
	return s.String()
}

// formatTable is the table of figures: figure, value, reference, ratio,
// target, met; each figure's note is footnoted below it.
func formatTable(figs []benchFigure) string {
	rows := [][]string{{"figure", "value", "reference (same run)", "ratio", "target", "met"}}
	var foot []string
	scenario := ""
	for _, f := range figs {
		if f.Scenario != scenario {
			scenario = f.Scenario
			rows = append(rows, []string{"[" + scenario + "]", "", "", "", "", ""})
		}
		name := f.Name
		if f.Note != "" {
			foot = append(foot, fmt.Sprintf("(%d) %s", len(foot)+1, f.Note))
			name += fmt.Sprintf(" (%d)", len(foot))
		}
		rows = append(rows, []string{"  " + name, benchNum(f.Value) + " " + f.Unit, refText(f), ratioText(f), f.Target, metText(f.Met)})
	}
	return alignRows(rows) + "\n" + strings.Join(foot, "\n") + "\n"
}

func refText(f benchFigure) string {
	if f.RefName == "" && f.Ref == 0 {
		return ""
	}
	return benchNum(f.Ref) + " " + f.RefName
}

func ratioText(f benchFigure) string {
	if f.Ratio == 0 {
		return ""
	}
	return benchNum(f.Ratio) + "x"
}

func metText(m *bool) string {
	switch {
	case m == nil:
		return ""
	case *m:
		return "yes"
	}
	return "NO"
}

// benchNum prints a figure with three significant digits or so, whole
// numbers from 100 up.
func benchNum(v float64) string {
	switch a := max(v, -v); {
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 0.1 || a == 0:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'g', 2, 64)
}

// alignRows pads columns to their widest cell (tabwriter would count the
// bytes of Cyrillic and arrows, not their width).
func alignRows(rows [][]string) string {
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		if r[1] == "" && strings.HasPrefix(r[0], "[") {
			continue // a scenario heading may run past the first column
		}
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	var s strings.Builder
	for _, r := range rows {
		var line strings.Builder
		for i, c := range r {
			line.WriteString(c + strings.Repeat(" ", width[i]-min(len([]rune(c)), width[i])+2))
		}
		s.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	return s.String()
}

// benchMachine is what the figures were measured on.
type benchMachine struct {
	Cores      int    `json:"cores"` // runtime.NumCPU: what this process may use
	CPU        string `json:"cpu"`
	MemoryMiB  int64  `json:"memory_mib"`
	Kernel     string `json:"kernel"`
	Go         string `json:"go"`
	TempDir    string `json:"temp_dir"`
	Disk       string `json:"disk"` // the file system under TempDir and its device
	LoadBefore string `json:"loadavg_before"`
	LoadAfter  string `json:"loadavg_after"`
}

func (m benchMachine) String() string {
	return fmt.Sprintf("machine: %d cores, %s, %d MiB RAM, Linux %s, %s %s/%s\ndisk:    %s: %s\nload:    %s before (1, 5, 15 min), %s after",
		m.Cores, m.CPU, m.MemoryMiB, m.Kernel, m.Go, runtime.GOOS, runtime.GOARCH, m.TempDir, m.Disk, m.LoadBefore, m.LoadAfter)
}

// readMachine describes this machine from /proc and /sys.
func readMachine() benchMachine {
	m := benchMachine{Cores: runtime.NumCPU(), Go: runtime.Version(), TempDir: os.TempDir(), LoadBefore: readLoadavg()}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(data)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(data))
	}
	if mi := procStatusFile("/proc/meminfo"); mi != nil {
		m.MemoryMiB = mi["MemTotal"] >> 20
	}
	m.Disk = describeDisk(m.TempDir)
	return m
}

// readLoadavg is the first three fields of /proc/loadavg.
func readLoadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	return strings.Join(f[:min(3, len(f))], " ")
}

// describeDisk names the file system that holds dir (the longest mount
// point above it in /proc/self/mountinfo), its device, whether the device
// says it is rotational, and the free space.
func describeDisk(dir string) string {
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		dir = d
	}
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return "?"
	}
	var best, fstype, source, devno string
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		sep := slices.Index(f, "-")
		if len(f) < 5 || sep < 0 || sep+2 >= len(f) {
			continue
		}
		mp := f[4]
		under := mp == "/" || dir == mp || strings.HasPrefix(dir, mp+"/")
		if under && len(mp) >= len(best) {
			best, fstype, source, devno = mp, f[sep+1], f[sep+2], f[2]
		}
	}
	rot := "rotational=?"
	for _, p := range []string{"/sys/dev/block/" + devno + "/queue/rotational", "/sys/dev/block/" + devno + "/../queue/rotational"} {
		if v, err := os.ReadFile(p); err == nil {
			rot = "rotational=" + strings.TrimSpace(string(v))
			break
		}
	}
	var st syscall.Statfs_t
	free := ""
	if syscall.Statfs(dir, &st) == nil {
		free = fmt.Sprintf(", %.0f GiB free", float64(st.Bavail)*float64(st.Bsize)/(1<<30))
	}
	return fmt.Sprintf("%s on %s (mounted at %s, device %s, %s%s)", fstype, source, best, devno, rot, free)
}

// procStatusFile reads the "Key: N kB" lines of a /proc file in bytes.
func procStatusFile(path string) map[string]int64 {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	out := map[string]int64{}
	for line := range strings.Lines(string(data)) {
		key, rest, ok := strings.Cut(line, ":")
		f := strings.Fields(rest)
		if !ok || len(f) != 2 || f[1] != "kB" {
			continue
		}
		if v, err := strconv.ParseInt(f[0], 10, 64); err == nil {
			out[key] = v << 10
		}
	}
	return out
}

// perfRun samples a server's CPU with `perf record -g`: the servers have
// no pprof endpoint, and a benchmark does not change the product. Go keeps
// frame pointers, so perf's call graphs are whole.
type perfRun struct {
	name, data string
	cmd        *exec.Cmd
	stderr     bytes.Buffer
	err        error
}

// startPerf starts sampling pid at 250 Hz (a few percent of one core).
// Without perf, or the right to use it, stop says why.
func startPerf(name string, pid int) *perfRun {
	r := &perfRun{name: name}
	bin, err := exec.LookPath("perf")
	if err != nil {
		r.err = errors.New("perf is not installed (Debian: apt-get install linux-perf)")
		return r
	}
	dir := filepath.Join(benchArtifactDir(), "bench")
	if r.err = os.MkdirAll(dir, 0o755); r.err != nil {
		return r
	}
	r.data = filepath.Join(dir, name+".perf.data")
	r.cmd = exec.Command(bin, "record", "-F", "250", "-g", "-p", strconv.Itoa(pid), "-o", r.data)
	r.cmd.Stderr = &r.stderr
	r.err = r.cmd.Start()
	time.Sleep(100 * time.Millisecond) // let it attach before the load it is to see
	return r
}

// stop ends the sampling with SIGINT, as perf expects, writes the full
// report next to the data and returns its top functions, by their own
// time and with their callees, as notes.
func (r *perfRun) stop() []string {
	if r.err == nil {
		_ = r.cmd.Process.Signal(os.Interrupt)
		// perf exits by the signal or with 130; either way it says so
		// once the data is written.
		if err := r.cmd.Wait(); err != nil && !strings.Contains(r.stderr.String(), "Captured and wrote") {
			r.err = fmt.Errorf("perf record: %v: %s", err, strings.TrimSpace(tail(r.stderr.String(), 300)))
		}
	}
	if r.err != nil {
		return []string{"no CPU profile of " + r.name + ": " + r.err.Error()}
	}
	self := r.report("--no-children", "-F", "overhead,dso,sym", "--percent-limit", "1")
	cum := r.report("--children", "--sort", "sym", "--percent-limit", "4")
	text := "# own time (perf report --no-children)\n" + self + "\n# with callees (perf report --children)\n" + cum
	txt := strings.TrimSuffix(r.data, ".data") + ".txt"
	if err := os.WriteFile(txt, []byte(text), 0o644); err != nil {
		return []string{"perf report: " + err.Error()}
	}
	out := []string{fmt.Sprintf("CPU profile of %s (perf, 250 Hz, call graphs): %s, full report %s", r.name, r.data, txt), "own time:"}
	out = append(out, perfTop(self, 12)...)
	out = append(out, "with callees:")
	return append(out, perfTop(cum, 14)...)
}

// report runs perf report on the data with args.
func (r *perfRun) report(args ...string) string {
	cmd := exec.Command("perf", append([]string{"report", "-i", r.data, "--stdio", "-g", "none"}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		return fmt.Sprintf("perf report %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

// perfTop returns the first n sample lines of a perf report, as
// "percent(s) symbol [object]".
func perfTop(report string, n int) []string {
	var out []string
	for line := range strings.Lines(report) {
		f := strings.Fields(line)
		mark := slices.IndexFunc(f, func(s string) bool { return s == "[.]" || s == "[k]" })
		if len(f) == 0 || strings.HasPrefix(f[0], "#") || mark < 1 || mark+1 >= len(f) || perfRoots[f[mark+1]] {
			continue
		}
		var pct, obj []string
		for _, s := range f[:mark] {
			if strings.HasSuffix(s, "%") {
				pct = append(pct, fmt.Sprintf("%7s", s))
			} else {
				obj = append(obj, s)
			}
		}
		l := "  " + strings.Join(pct, " ") + "  " + f[mark+1]
		if len(obj) > 0 {
			l += "  (" + strings.Join(obj, " ") + ")"
		}
		if out = append(out, l); len(out) == n {
			break
		}
	}
	return out
}

// perfRoots are frames under which nearly everything runs: with callees,
// they say nothing.
var perfRoots = map[string]bool{"runtime.goexit.abi0": true, "runtime.mstart.abi0": true, "runtime.mstart0": true,
	"runtime.mstart1": true, "entry_SYSCALL_64_after_hwframe": true, "do_syscall_64": true}

// benchArtifactDir is STOREEDGE_TEST_ARTIFACTS, or artifacts/ at the top
// of the repo (gitignored), as for the browser test's screenshots.
func benchArtifactDir() string {
	if d := os.Getenv("STOREEDGE_TEST_ARTIFACTS"); d != "" {
		return d
	}
	return filepath.Join(repoRoot(), "artifacts")
}
