package powercut_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/storeedge/storeedge/sync/synctest/powercut"
)

// A process writing to the mount is killed with SIGKILL, then the power
// goes: what it fsynced (data and names) stays, nothing else does.
func TestCut_KilledProcess(t *testing.T) {
	disk := t.TempDir()
	pc := powercut.Mount(t, disk)
	cmd, out := child(t, "writer", pc.Dir())
	if !out.Scan() || out.Text() != "ready" {
		t.Fatalf("writer: %q, %v", out.Text(), out.Err())
	}
	time.Sleep(50 * time.Millisecond) // let it write more
	got, err := os.ReadFile(filepath.Join(pc.Dir(), "a"))
	if err != nil || !strings.HasPrefix(string(got), "synced\nunsynced\nmore\n") {
		t.Fatalf("a on the mount: %q, %v", got, err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	pc.Cut()
	s := pc.Stats()
	t.Log(s)
	wantFile(t, filepath.Join(disk, "a"), "synced\n")
	wantGone(t, filepath.Join(disk, "b"))
	if s.DroppedBytes == 0 || s.DirUndone != 1 {
		t.Fatalf("stats: %v, want bytes dropped and b's create undone", s)
	}
}

// roleWriter makes a durable, writes to it without fsync, makes b (its
// data fsynced, its name not), says ready and writes on until killed.
func roleWriter(dir string) error {
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := writeSynced(a, "synced\n"); err != nil {
		return err
	}
	if err := fsyncDir(dir); err != nil {
		return err
	}
	f, err := os.OpenFile(a, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString("unsynced\n"); err != nil {
		return err
	}
	if err := writeSynced(b, "fsynced, but not its name"); err != nil {
		return err
	}
	fmt.Println("ready")
	for {
		if _, err := f.WriteString("more\n"); err != nil {
			return err
		}
		time.Sleep(time.Millisecond)
	}
}

func writeSynced(path, content string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.WriteString(content); err != nil {
		return err
	}
	return f.Sync()
}

// A read-only MAP_SHARED mapping, as bbolt's, sees what the process
// writes with pwrite, and the cut still loses what was not fsynced.
func TestCut_Mmap(t *testing.T) {
	disk := t.TempDir()
	pc := powercut.Mount(t, disk)
	if got := runChild(t, "mmap", pc.Dir()); len(got) != 1 || got[0] != "ok" {
		t.Fatalf("mmap: %q", got)
	}
	pc.Cut()
	wantFile(t, filepath.Join(disk, "m"), strings.Repeat("A", 3*4096))
}

// roleMmap maps a file after fsyncing it, writes a page with pwrite and
// no fsync, and checks the map through the write.
func roleMmap(dir string) error {
	path := filepath.Join(dir, "m")
	if err := writeSynced(path, strings.Repeat("A", 3*4096)); err != nil {
		return err
	}
	if err := fsyncDir(dir); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	m, err := unix.Mmap(int(f.Fd()), 0, 3*4096, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return err
	}
	defer unix.Munmap(m)
	if !bytes.Equal(m, bytes.Repeat([]byte("A"), 3*4096)) {
		return fmt.Errorf("the map does not hold the file")
	}
	if _, err := f.WriteAt(bytes.Repeat([]byte("B"), 4096), 4096); err != nil {
		return err
	}
	if _, err := f.WriteAt([]byte("CC"), 3*4096-2); err != nil {
		return err
	}
	want := strings.Repeat("A", 4096) + strings.Repeat("B", 4096) + strings.Repeat("A", 4094) + "CC"
	if string(m) != want {
		return fmt.Errorf("the map does not see the writes")
	}
	fmt.Println("ok")
	return nil
}
