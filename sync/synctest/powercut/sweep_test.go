package powercut_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/storeedge/storeedge/sync/synctest/powercut"
)

// A test process that dies without its cleanups (killed, or by
// -timeout) leaves a dead mount; the next Mount detaches it, so the dead
// test's temporary directory can be removed.
func TestMount_DetachesDeadMounts(t *testing.T) {
	dir := t.TempDir() // holds the dead mount: its removal fails if the mount stays
	cmd, out := child(t, "mount-and-die", dir)
	if !out.Scan() {
		t.Fatalf("mount-and-die: %v", out.Err())
	}
	mnt := out.Text()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if _, err := os.Stat(mnt); !errors.Is(err, syscall.ENOTCONN) {
		t.Fatalf("stat %s after its server died: %v, want ENOTCONN", mnt, err)
	}
	powercut.Mount(t, t.TempDir())
	if mounted(t, mnt) {
		t.Fatalf("%s is still mounted", mnt)
	}
}

func mounted(t *testing.T, mnt string) bool {
	info, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(string(info), " "+mnt+" ")
}

// roleMountAndDie mounts a disk in dir, says where, and waits to be
// killed, as a test binary that hangs until -timeout kills it.
func roleMountAndDie(dir string) error {
	disk := filepath.Join(dir, "disk")
	if err := os.Mkdir(disk, 0o755); err != nil {
		return err
	}
	pc := powercut.Mount(childTB{dir: dir}, disk)
	if err := os.WriteFile(filepath.Join(pc.Dir(), "f"), []byte("held"), 0o644); err != nil {
		return err
	}
	fmt.Println(pc.Dir())
	select {}
}

// childTB lets a child process call Mount: a failure ends the child.
type childTB struct {
	testing.TB
	dir string
}

func (childTB) Helper()             {}
func (childTB) Cleanup(func())      {}
func (childTB) Logf(string, ...any) {}
func (tb childTB) TempDir() string {
	d, err := os.MkdirTemp(tb.dir, "mnt")
	if err != nil {
		tb.Fatal(err)
	}
	return d
}
func (childTB) Errorf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
func (childTB) Fatal(args ...any)                 { fmt.Fprintln(os.Stderr, args...); os.Exit(1) }
func (childTB) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}
func (childTB) Skip(args ...any) { fmt.Fprintln(os.Stderr, args...); os.Exit(1) }
