package qr_test

import (
	"os/exec"
	"testing"

	"github.com/storeedge/storeedge/sync/synctest"
)

// need returns the path of a tool, as synctest.Need does for every
// integration test: installed with apt-get as root, a failure in CI, a
// skip elsewhere. (A test may import synctest; qr's code may not.)
func need(tb testing.TB, tool, pkg string) string {
	tb.Helper()
	return synctest.Need(tb, tool, pkg)
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
