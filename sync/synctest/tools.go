package synctest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var aptOnce sync.Once

// Need returns the path of a tool an integration test runs against:
// tool, or the first of alts found (other command names, or glob paths
// such as "/usr/lib/postgresql/*/bin/initdb"). When none is found it
// installs the Debian package pkg if we are root (as in CI). If it still
// has none, the test fails under CI (CI set, as .ci/run sets it) and is
// skipped elsewhere, the message saying what to install either way. Every
// test that needs Mosquitto, PostgreSQL, Chromium, poppler, zbar or qemu
// goes through here, so none can skip in CI.
func Need(tb testing.TB, tool, pkg string, alts ...string) string {
	tb.Helper()
	if p := find(tool, alts...); p != "" {
		return p
	}
	if _, err := exec.LookPath("apt-get"); err == nil && os.Geteuid() == 0 {
		aptOnce.Do(func() { _ = exec.Command("apt-get", "update", "-qq").Run() })
		cmd := exec.Command("apt-get", "install", "-y", "-qq", "--no-install-recommends", pkg)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if p := find(tool, alts...); p != "" {
			return p
		}
		tb.Fatalf("%s: apt-get install %s failed: %v\n%s", tool, pkg, err, out)
	}
	Missing(tb, fmt.Sprintf("%s not found: install it with `sudo apt-get install -y %s`", tool, pkg))
	return ""
}

// Missing ends a test that cannot run on this machine, msg saying what it
// needs: the test fails under CI (CI set) and is skipped elsewhere, the
// rule Need follows. For needs that no package install can meet, such as
// root or a kernel device.
func Missing(tb testing.TB, msg string) {
	tb.Helper()
	if os.Getenv("CI") != "" {
		tb.Fatal(msg + " (CI is set: integration tests may not skip)")
	}
	tb.Skip(msg)
}

// find looks tool and alts up on PATH (names) or by glob (paths), then
// in the sbin directories PATH may lack.
func find(tool string, alts ...string) string {
	for _, c := range append([]string{tool}, alts...) {
		if !strings.Contains(c, "/") {
			if p, err := exec.LookPath(c); err == nil {
				return p
			}
		} else if m, _ := filepath.Glob(c); len(m) > 0 {
			return m[len(m)-1]
		}
	}
	for _, dir := range []string{"/usr/sbin/", "/usr/local/sbin/"} {
		if _, err := os.Stat(dir + tool); err == nil {
			return dir + tool
		}
	}
	return ""
}

// FreePort returns a loopback port that was free a moment ago.
func FreePort(tb testing.TB) int {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// waitListening polls addr until it accepts a connection.
func waitListening(addr string, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not listening after %v: %w", addr, d, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
