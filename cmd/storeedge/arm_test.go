package main_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/sync/synctest"
)

// qemuPackage is Debian's package with the user-mode emulators that run a
// foreign binary as an ordinary process (static, so no arm libraries are
// needed; Go's CGO-off binaries need none anyway).
const qemuPackage = "qemu-user-static"

// armTarget is one `make build-arm` binary and the emulator that runs it.
type armTarget struct {
	name   string   // subtest name and binary suffix
	env    []string // GOARCH and friends for the cross-build
	goarch string   // what `storeedge version` must print after "linux/"
	qemu   []string // emulator names: the static build first
}

var armTargets = []armTarget{
	{"arm64", []string{"GOARCH=arm64"}, "arm64", []string{"qemu-aarch64-static", "qemu-aarch64"}},
	{"armv7", []string{"GOARCH=arm", "GOARM=7"}, "arm", []string{"qemu-arm-static", "qemu-arm"}},
}

// TestARM smoke-tests the Raspberry Pi binaries under qemu user-mode
// emulation: the version, then `serve` with the Pi Zero 2 W profile and the
// demo shop, a login, a shift, one sale and a clean SIGTERM exit. No timing
// is judged: emulation is 10-50 times slower than the real board.
func TestARM(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: not in -short")
	}
	emulators := make([]string, len(armTargets))
	for i, tg := range armTargets {
		emulators[i] = needQemu(t, tg.qemu...)
	}
	for i, tg := range armTargets {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel() // each run is mostly one emulated core; two fit side by side
			start := time.Now()
			bin := crossBuild(t, tg)
			built := time.Now()
			smokeARM(t, emulators[i], bin, tg.goarch)
			// Reported, not judged: a cold build cache dominates the time.
			t.Logf("build %v, emulated run %v", built.Sub(start).Round(time.Millisecond), time.Since(built).Round(time.Millisecond))
		})
	}
}

// smokeARM runs the checks of TestARM against one emulated binary.
func smokeARM(t *testing.T, qemu, bin, goarch string) {
	out, err := exec.Command(qemu, bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("storeedge version under %s: %v\n%s", qemu, err, out)
	}
	// The last word is GOOS/GOARCH; "linux/arm" must not pass for arm64.
	if f, want := strings.Fields(string(out)), "linux/"+goarch; len(f) == 0 || f[len(f)-1] != want {
		t.Fatalf("storeedge version = %q, want it to end with %s", out, want)
	}
	dir := t.TempDir()
	p := startEmulated(t, qemu, bin, "serve", "--profile", "raspberry-pi-zero-2w",
		"--listen", "127.0.0.1:0", "--data", dir, "--demo")
	c := demoClient(t, dir, p)
	c.http.Timeout = 60 * time.Second // PBKDF2 and fsync-heavy commits are slow when emulated
	c.must(t, 201, "POST", "/api/v1/shifts", map[string]any{"opening_float": money(0)}, nil, nil)
	sale := map[string]any{
		"lines":    []any{map[string]any{"sku": "DEMO-0001", "qty": 1}},
		"payments": []any{map[string]any{"method": "cash", "amount": money(100000)}},
	}
	c.must(t, 201, "POST", "/api/v1/sales", sale, map[string]string{"Idempotency-Key": "arm-smoke-" + goarch}, nil)
	p.stop(t)
}

// crossBuild builds this package for tg as `make build-arm` does (CGO off,
// stripped) into a temporary directory and returns the binary's path.
func crossBuild(t *testing.T, tg armTarget) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "storeedge-"+tg.name)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
	cmd.Env = append(cleanEnv(), append([]string{"CGO_ENABLED=0", "GOOS=linux"}, tg.env...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %v: %v\n%s", tg.env, err, out)
	}
	return bin
}

// startEmulated is startProc for a binary run under an emulator: it waits
// far longer for the " serving on URL" line, because seeding the demo shop
// under emulation takes seconds.
func startEmulated(tb testing.TB, qemu, bin string, args ...string) *proc {
	tb.Helper()
	return launch(tb, append([]string{qemu, bin}, args...)).waitURL(tb, 90*time.Second)
}

// needQemu returns the first emulator found among names, through
// synctest.Need: installed as root, a failure in CI, a skip elsewhere.
func needQemu(tb testing.TB, names ...string) string {
	tb.Helper()
	return synctest.Need(tb, names[0], qemuPackage, names[1:]...)
}
