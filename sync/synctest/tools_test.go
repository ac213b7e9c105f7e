package synctest_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/storeedge/storeedge/sync/synctest"
)

// outcomeTB records whether Need failed or skipped; both end the call, as
// the real ones do.
type outcomeTB struct {
	testing.TB
	failed, skipped string
}

func (o *outcomeTB) Helper()                   {}
func (o *outcomeTB) Fatal(args ...any)         { o.failed = fmt.Sprint(args...); runtime.Goexit() }
func (o *outcomeTB) Fatalf(f string, a ...any) { o.failed = fmt.Sprintf(f, a...); runtime.Goexit() }
func (o *outcomeTB) Skip(args ...any)          { o.skipped = fmt.Sprint(args...); runtime.Goexit() }

// need runs synctest.Need for a tool that does not exist, with apt-get out
// of reach (an empty PATH), and reports how it ended.
func need(t *testing.T, ci string) *outcomeTB {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("CI", ci)
	o := &outcomeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		synctest.Need(o, "storeedge-no-such-tool", "storeedge-no-such-package")
	}()
	<-done
	return o
}

// TestNeed checks the rule every integration test relies on: a missing
// tool fails the test under CI and skips it only outside CI, saying what
// to install either way.
func TestNeed(t *testing.T) {
	if o := need(t, "1"); o.failed == "" || o.skipped != "" || !strings.Contains(o.failed, "apt-get install -y storeedge-no-such-package") {
		t.Fatalf("with CI=1: failed=%q skipped=%q, want a failure naming the package", o.failed, o.skipped)
	}
	if o := need(t, ""); o.skipped == "" || o.failed != "" {
		t.Fatalf("without CI: failed=%q skipped=%q, want a skip", o.failed, o.skipped)
	}
}

func TestNeed_Found(t *testing.T) {
	if p := synctest.Need(t, "sh", "dash"); !strings.HasSuffix(p, "/sh") {
		t.Fatalf("Need(sh)=%q", p)
	}
}
