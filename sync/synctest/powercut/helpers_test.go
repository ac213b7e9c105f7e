package powercut_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestMain runs the test binary as a child process when POWERCUT_CHILD
// names a role: programs that map files of the mount must not run in
// the process that serves it (see the package doc), and killed programs
// must be processes.
func TestMain(m *testing.M) {
	if role := os.Getenv("POWERCUT_CHILD"); role != "" {
		if err := runRole(role, os.Getenv("POWERCUT_DIR")); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", role, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runRole(role, dir string) error {
	switch role {
	case "writer":
		return roleWriter(dir)
	case "mmap":
		return roleMmap(dir)
	case "bbolt":
		return roleBbolt(dir)
	case "bbolt-nodirsync":
		return roleBboltNoDirSync(dir)
	case "bbolt-writer":
		return roleBboltWriter(dir)
	case "mount-and-die":
		return roleMountAndDie(dir)
	case "mount":
		return roleMount(dir)
	}
	return fmt.Errorf("unknown role")
}

// child starts the test binary again as role, working in dir, with its
// stdout as lines.
func child(t *testing.T, role, dir string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	// Under -race a child would sleep a second before it exits (atexit_sleep_ms).
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	cmd.Env = append(os.Environ(), "POWERCUT_CHILD="+role, "POWERCUT_DIR="+dir, "GORACE="+gorace)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, bufio.NewScanner(out)
}

// runChild runs role in dir to its end and returns its output lines.
func runChild(t *testing.T, role, dir string) []string {
	t.Helper()
	cmd, sc := child(t, role, dir)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child %s: %v", role, err)
	}
	return lines
}

// put writes a file on the disk itself, durably, before a mount.
func put(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// syncer is how a test makes a file durable: fsync, fdatasync or not at all.
type syncer func(*os.File) error

var (
	noSync    syncer = func(*os.File) error { return nil }
	fsync     syncer = (*os.File).Sync
	fdatasync syncer = func(f *os.File) error { return unix.Fdatasync(int(f.Fd())) }
)

// writeAt writes data at off in path (creating it), syncs it with s and
// closes it.
func writeAt(t *testing.T, path string, off int64, data string, s syncer) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte(data), off); err != nil {
		t.Fatal(err)
	}
	if err := s(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// syncDir fsyncs a directory.
func syncDir(t *testing.T, dir string) {
	t.Helper()
	if err := fsyncDir(dir); err != nil {
		t.Fatal(err)
	}
}

func fsyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// wantFile checks a file's content, and so its size.
func wantFile(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if string(got) != want {
		t.Fatalf("%s = %q (%d bytes), want %q (%d bytes)", path, got, len(got), want, len(want))
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.Size(), int64(len(want)); got != want {
		t.Fatalf("%s: stat size %d, want %d", path, got, want)
	}
}

// wantGone checks that nothing has the name path.
func wantGone(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s: %v, want it gone", path, err)
	}
}

// wantNames checks the names in a directory.
func wantNames(t *testing.T, dir string, want ...string) {
	t.Helper()
	d, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	got, err := d.Readdirnames(-1)
	if err != nil && err != io.EOF {
		t.Fatal(err)
	}
	if fmt.Sprint(sorted(got)) != fmt.Sprint(sorted(want)) {
		t.Fatalf("%s holds %q, want %q", dir, sorted(got), sorted(want))
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
