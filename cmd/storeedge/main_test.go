package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/storeedge/storeedge/sync/synctest"
)

// binPath is the storeedge binary built once for the tests that run it as a
// child process (the crash test must kill -9 a real process).
var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "storeedge-bin-")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "storeedge")
	build := exec.Command("go", "build", "-o", binPath, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build storeedge:", err)
		os.Exit(1)
	}
	code := synctest.Main(m) // also stops the private PostgreSQL, if one was started
	os.RemoveAll(dir)
	os.Exit(code)
}

// runCmd runs a short storeedge command and returns stdout, stderr and the
// exit code.
func runCmd(tb testing.TB, args ...string) (string, string, int) {
	tb.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = cleanEnv()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		tb.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// mustRun runs a command that must succeed and returns its stdout.
func mustRun(tb testing.TB, args ...string) string {
	tb.Helper()
	out, errs, code := runCmd(tb, args...)
	if code != 0 {
		tb.Fatalf("storeedge %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

// cleanEnv drops STOREEDGE_* from the environment so a developer's settings
// never leak into a test.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "STOREEDGE_") {
			env = append(env, kv)
		}
	}
	return env
}

// proc is a running `storeedge serve`.
type proc struct {
	cmd        *exec.Cmd
	URL        string
	MetricsURL string // "http://127.0.0.1:PORT/metrics", "" when metrics are off
	stderr     *lockedBuffer
	exited     chan struct{}
	urls       chan string // the " serving on URL" line's URL
	metrics    chan string // the " metrics on URL" line's URL, printed before it
}

// startServe starts `storeedge serve --data dir --listen 127.0.0.1:0` and
// waits until it prints its URL.
func startServe(tb testing.TB, dir string, args ...string) *proc {
	tb.Helper()
	return startProc(tb, append([]string{"serve", "--data", dir, "--listen", "127.0.0.1:0"}, args...)...)
}

// startProc starts a storeedge command that prints " serving on URL" once
// it is ready, and waits for that line.
func startProc(tb testing.TB, args ...string) *proc {
	tb.Helper()
	return launch(tb, append([]string{binPath}, args...)).waitURL(tb, 30*time.Second)
}

// launch starts argv (a storeedge binary, or an emulator and the binary)
// and returns at once; its stdout is watched for the " serving on URL"
// line, and SIGKILL ends it at cleanup. A serve gets its metrics listener
// on a free port (withFreeMetrics).
func launch(tb testing.TB, argv []string) *proc {
	tb.Helper()
	argv = withFreeMetrics(argv)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = cleanEnv()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	p := &proc{cmd: cmd, stderr: &lockedBuffer{}, exited: make(chan struct{}),
		urls: make(chan string, 1), metrics: make(chan string, 1)}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go scanServing(stdout, p.urls, p.metrics)
	go func() { _ = cmd.Wait(); close(p.exited) }()
	tb.Cleanup(p.kill)
	return p
}

// waitURL waits up to d for the process to print its URL.
func (p *proc) waitURL(tb testing.TB, d time.Duration) *proc {
	tb.Helper()
	select {
	case p.URL = <-p.urls:
		select { // sent before the URL, if at all
		case p.MetricsURL = <-p.metrics:
		default:
		}
		return p
	case <-p.exited:
		tb.Fatalf("%s exited: %s", p.cmd.Args, p.stderr)
	case <-time.After(d):
		tb.Fatalf("%s did not start in %v: %s", p.cmd.Args, d, p.stderr)
	}
	return nil
}

// withFreeMetrics puts --metrics-listen 127.0.0.1:0 right after the serve
// subcommand of argv (a binary, or an emulator and a binary, then the
// subcommand): tests start many servers at once, and the default
// 127.0.0.1:9090 would let only one of them start. A later
// --metrics-listen in argv still wins.
func withFreeMetrics(argv []string) []string {
	for i := 1; i < len(argv) && i <= 2; i++ {
		if argv[i] == "serve" {
			out := append(slices.Clone(argv[:i+1]), "--metrics-listen", "127.0.0.1:0")
			return append(out, argv[i+1:]...)
		}
	}
	return argv
}

// scanServing sends the URL of the first " serving on URL" line (and,
// first, that of a " metrics on URL" line), then keeps reading so the
// child never blocks on a full pipe.
func scanServing(r io.Reader, urls, metrics chan<- string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if u := lineURL(sc.Text(), " metrics on "); u != "" && len(metrics) == 0 {
			metrics <- u
		}
		if u := lineURL(sc.Text(), " serving on "); u != "" && len(urls) == 0 {
			urls <- u
		}
	}
}

// lineURL returns the word after marker in line, or "".
func lineURL(line, marker string) string {
	if _, after, ok := strings.Cut(line, marker); ok {
		if f := strings.Fields(after); len(f) > 0 {
			return f[0]
		}
	}
	return ""
}

// lockedBuffer is a bytes.Buffer that the process's stderr copier and the
// test may use at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// kill sends SIGKILL: no shutdown code runs, as in a power cut of the process.
func (p *proc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// stop sends SIGTERM and waits for a graceful exit.
func (p *proc) stop(tb testing.TB) {
	tb.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(20 * time.Second):
		tb.Fatalf("serve did not stop: %s", p.stderr)
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		tb.Fatalf("serve exited %d: %s", code, p.stderr)
	}
}

// client talks JSON to a running server as one till.
type client struct {
	base  string
	token string
	http  *http.Client
}

func newClient(base string) *client {
	return &client{base: base, http: &http.Client{Timeout: 10 * time.Second}}
}

// do sends a JSON request and decodes the JSON answer into out (if not nil).
func (c *client) do(method, path string, body any, headers map[string]string, out any) (int, error) {
	var r io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		r = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decode %s: %w", data, err)
		}
	}
	return resp.StatusCode, nil
}

// must sends a request that must answer with status want.
func (c *client) must(tb testing.TB, want int, method, path string, body any, headers map[string]string, out any) {
	tb.Helper()
	var raw json.RawMessage
	code, err := c.do(method, path, body, headers, &raw)
	if err != nil || code != want {
		tb.Fatalf("%s %s: status %d (want %d) err=%v body=%s", method, path, code, want, err, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			tb.Fatal(err)
		}
	}
}

func (c *client) login(tb testing.TB, terminalToken, cashier, pin string) {
	tb.Helper()
	var resp struct{ Token string }
	c.must(tb, 200, "POST", "/api/v1/login", map[string]string{"terminal_token": terminalToken, "cashier": cashier, "pin": pin}, nil, &resp)
	c.token = resp.Token
}

func money(a int64) map[string]any { return map[string]any{"amount": a, "currency": "RUB"} }
