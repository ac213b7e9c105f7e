package qr_test

import (
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
)

var aptOnce sync.Once

// need returns the path of a tool, installing its Debian package when we
// are root; it fails (in CI) or skips (elsewhere) when it cannot. Copied
// from sync/synctest, which qr may not import.
func need(tb testing.TB, tool, pkg string) string {
	tb.Helper()
	if p, err := exec.LookPath(tool); err == nil {
		return p
	}
	if os.Geteuid() == 0 {
		aptOnce.Do(func() { _ = exec.Command("apt-get", "update").Run() })
		out, err := exec.Command("apt-get", "install", "-y", "--no-install-recommends", pkg).CombinedOutput()
		if p, err := exec.LookPath(tool); err == nil {
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

// run runs a tool and returns its standard output, failing the test on error.
func run(tb testing.TB, name string, args ...string) []byte {
	tb.Helper()
	cmd := exec.Command(name, args...)
	var stderr []byte
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = ee.Stderr
	}
	if err != nil {
		tb.Fatalf("%s %v: %v\n%s", name, args, err, stderr)
	}
	return out
}
