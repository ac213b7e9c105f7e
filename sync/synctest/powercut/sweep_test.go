package powercut_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
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

func (childTB) Fatal(args ...any) {
	fmt.Fprintln(os.Stderr, append([]any{"FATAL:"}, args...)...)
	os.Exit(1)
}

func (childTB) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "FATAL: "+format+"\n", args...)
	os.Exit(1)
}

func (childTB) Skip(args ...any) {
	fmt.Fprintln(os.Stderr, append([]any{"SKIP:"}, args...)...)
	os.Exit(3)
}

// Without root and fusermount3, Mount skips the test saying what it
// needs, and fails it under CI.
func TestMount_Unusable(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("runs a child as nobody, which takes root")
	}
	if _, err := exec.LookPath("fusermount3"); err == nil {
		t.Skip("fusermount3 is installed: nobody could mount")
	}
	bin := readableCopy(t, os.Args[0]) // go test's build directory is root's alone
	for _, tt := range []struct {
		ci, want string
	}{
		{"", "SKIP: powercut: not root and no fusermount3"},
		{"true", "FATAL: powercut: not root and no fusermount3"},
	} {
		cmd := exec.Command(bin, "-test.run=^$")
		cmd.Env = append(os.Environ(), "POWERCUT_CHILD=mount", "POWERCUT_DIR="+os.TempDir(), "CI="+tt.ci, "GORACE=atexit_sleep_ms=0")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.HasPrefix(string(out), tt.want) || !strings.Contains(string(out), "fuse3") {
			t.Fatalf("CI=%q: %v: %q, want %q… and what to install", tt.ci, err, out, tt.want)
		}
	}
}

// readableCopy copies the file at path into a directory anyone can read.
func readableCopy(t *testing.T, path string) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} { // the test's temporary root, and dir
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, filepath.Base(path))
	if err := os.WriteFile(dst, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return dst
}

// roleMount mounts a new disk in dir and unmounts it.
func roleMount(dir string) error {
	disk, err := os.MkdirTemp(dir, "disk")
	if err != nil {
		return err
	}
	defer os.RemoveAll(disk)
	powercut.Mount(childTB{dir: dir}, disk).Close()
	return nil
}
