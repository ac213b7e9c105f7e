package synctest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

var aptOnce sync.Once

// need returns the path of a tool, installing its Debian package when we
// are root; it fails (in CI) or skips (elsewhere) when it cannot.
func need(tb testing.TB, tool, pkg string, globs ...string) string {
	tb.Helper()
	if p := find(tool, globs...); p != "" {
		return p
	}
	if os.Geteuid() == 0 {
		aptOnce.Do(func() { _ = exec.Command("apt-get", "update").Run() })
		out, err := exec.Command("apt-get", "install", "-y", "--no-install-recommends", pkg).CombinedOutput()
		if p := find(tool, globs...); p != "" {
			return p
		}
		tb.Fatalf("%s: apt-get install %s failed: %v\n%s", tool, pkg, err, out)
	}
	msg := fmt.Sprintf("%s not found: install it with `sudo apt-get install -y %s`", tool, pkg)
	if os.Getenv("CI") != "" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return ""
}

func find(tool string, globs ...string) string {
	if p, err := exec.LookPath(tool); err == nil {
		return p
	}
	for _, g := range append(globs, "/usr/sbin/"+tool, "/usr/local/sbin/"+tool) {
		if m, _ := filepath.Glob(g); len(m) > 0 {
			return m[len(m)-1]
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
