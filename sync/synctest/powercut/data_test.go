package powercut_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storeedge/storeedge/sync/synctest/powercut"
)

const old = "old content, on the disk before the mount\n"

// newContent is old with a word overwritten and a tail past its end: a
// write over existing bytes and one that grows the file.
func newContent() string { return old[:4] + "CONTENT" + old[11:] + strings.Repeat("tail ", 2000) }

func writeNew(t *testing.T, path string, s syncer) {
	t.Helper()
	writeAt(t, path, 4, "CONTENT", noSync)
	writeAt(t, path, int64(len(old)), strings.Repeat("tail ", 2000), s)
	wantFile(t, path, newContent()) // the process sees what it wrote, size included
}

func TestCut_Data(t *testing.T) {
	for _, tt := range []struct {
		name string
		sync syncer
		want string
	}{
		{"WithoutFsync", noSync, old},
		{"Fsync", fsync, newContent()},
		{"Fdatasync", fdatasync, newContent()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			disk := t.TempDir()
			put(t, filepath.Join(disk, "f"), old)
			pc := powercut.Mount(t, disk)
			writeNew(t, filepath.Join(pc.Dir(), "f"), tt.sync)
			wantFile(t, filepath.Join(disk, "f"), tt.want) // the disk holds what is durable, no more
			pc.Cut()
			t.Log(pc.Stats())
			wantFile(t, filepath.Join(disk, "f"), tt.want)
		})
	}
}

// A sync makes durable what was written before it, through any handle
// of the file, and nothing written after it.
func TestCut_DataAfterFsync(t *testing.T) {
	disk := t.TempDir()
	put(t, filepath.Join(disk, "f"), old)
	pc := powercut.Mount(t, disk)
	path := filepath.Join(pc.Dir(), "f")
	writeAt(t, path, 0, "OLD", noSync) // closed: held, not lost
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("LOST"), 10); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	pc.Cut()
	wantFile(t, filepath.Join(disk, "f"), "OLD"+old[3:])
	if s := pc.Stats(); s.DroppedBytes != 4 || s.SyncedBytes != 3 {
		t.Fatalf("stats: %v, want 3 B synced and 4 B dropped", s)
	}
}

func TestCut_Truncate(t *testing.T) {
	// Cut short, then written past a gap: the gap reads as zeros, not
	// as the old bytes that the truncation removed.
	cutAndGrow := func(t *testing.T, path string, s syncer) string {
		if err := os.Truncate(path, 3); err != nil {
			t.Fatal(err)
		}
		writeAt(t, path, 10, "X", s)
		want := old[:3] + string(make([]byte, 7)) + "X"
		wantFile(t, path, want)
		return want
	}
	t.Run("WithoutFsync", func(t *testing.T) {
		disk := t.TempDir()
		put(t, filepath.Join(disk, "f"), old)
		pc := powercut.Mount(t, disk)
		cutAndGrow(t, filepath.Join(pc.Dir(), "f"), noSync)
		pc.Cut()
		wantFile(t, filepath.Join(disk, "f"), old)
	})
	t.Run("Fsync", func(t *testing.T) {
		disk := t.TempDir()
		put(t, filepath.Join(disk, "f"), old)
		pc := powercut.Mount(t, disk)
		want := cutAndGrow(t, filepath.Join(pc.Dir(), "f"), fsync)
		pc.Cut()
		wantFile(t, filepath.Join(disk, "f"), want)
	})
	t.Run("OpenTruncWithoutFsync", func(t *testing.T) {
		disk := t.TempDir()
		put(t, filepath.Join(disk, "f"), old)
		pc := powercut.Mount(t, disk)
		if err := os.WriteFile(filepath.Join(pc.Dir(), "f"), []byte("short"), 0o644); err != nil {
			t.Fatal(err)
		}
		wantFile(t, filepath.Join(pc.Dir(), "f"), "short")
		pc.Cut()
		wantFile(t, filepath.Join(disk, "f"), old)
	})
}

// Close is a clean unmount: what was held reaches the disk, names stay.
func TestClose(t *testing.T) {
	disk := t.TempDir()
	put(t, filepath.Join(disk, "f"), old)
	pc := powercut.Mount(t, disk)
	writeNew(t, filepath.Join(pc.Dir(), "f"), noSync)
	writeAt(t, filepath.Join(pc.Dir(), "g"), 0, "new file", noSync)
	pc.Close()
	pc.Cut() // after Close: nothing
	wantFile(t, filepath.Join(disk, "f"), newContent())
	wantFile(t, filepath.Join(disk, "g"), "new file")
	if stash, _ := filepath.Glob(filepath.Join(filepath.Dir(disk), ".*powercut-stash*")); len(stash) > 0 {
		t.Fatalf("the stash is still there: %q", stash)
	}
}

// A file still open in the test process keeps the mount busy: Cut
// detaches it lazily instead of hanging, and the file answers errors.
func TestCut_BusyMount(t *testing.T) {
	disk := t.TempDir()
	put(t, filepath.Join(disk, "f"), old)
	pc := powercut.Mount(t, disk)
	f, err := os.OpenFile(filepath.Join(pc.Dir(), "f"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt([]byte("held"), 0); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { pc.Cut(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Cut hung on a busy mount")
	}
	if _, err := f.WriteAt([]byte("after"), 0); err == nil {
		t.Fatal("a write after the cut succeeded")
	}
	wantFile(t, filepath.Join(disk, "f"), old)
}

// Writers and readers on several files at once, each file checked
// against what its writer wrote, and after the cut against what its
// writer had fsynced.
func TestConcurrentWriters(t *testing.T) {
	disk := t.TempDir()
	pc := powercut.Mount(t, disk)
	const files = 6
	synced := make([][]byte, files)
	var wg sync.WaitGroup
	errs := make(chan error, files+1)
	stop := make(chan struct{})
	for i := range files {
		wg.Go(func() {
			var err error
			synced[i], err = writeRandomly(filepath.Join(pc.Dir(), fmt.Sprintf("f%d", i)), uint64(i))
			if err != nil {
				errs <- err
			}
		})
	}
	var lister sync.WaitGroup
	lister.Go(func() { errs <- statLoop(pc.Dir(), stop) })
	wg.Wait()
	close(stop)
	lister.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	syncDir(t, pc.Dir())
	pc.Cut()
	t.Log(pc.Stats())
	for i := range files {
		wantFile(t, filepath.Join(disk, fmt.Sprintf("f%d", i)), string(synced[i]))
	}
}

// writeRandomly writes and truncates path at random, checking each read
// back, fsyncs now and then, and returns the content at the last fsync.
func writeRandomly(path string, seed uint64) ([]byte, error) {
	rnd := rand.New(rand.NewPCG(seed, 1))
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var model, synced []byte
	for step := range 300 {
		off, n := rnd.IntN(3*4096), 1+rnd.IntN(2*4096)
		data := bytes.Repeat([]byte{byte('a' + step%26)}, n)
		switch rnd.IntN(10) {
		case 0:
			model = resize(model, off)
			err = f.Truncate(int64(off))
		case 1:
			synced = append([]byte(nil), model...)
			err = f.Sync()
		default:
			model = resize(model, max(len(model), off+n))
			copy(model[off:], data)
			_, err = f.WriteAt(data, int64(off))
		}
		if err != nil {
			return nil, err
		}
		got := make([]byte, len(model)+10)
		k, _ := f.ReadAt(got, 0)
		if !bytes.Equal(got[:k], model) {
			return nil, fmt.Errorf("%s step %d: read %d bytes unlike the %d written", path, step, k, len(model))
		}
	}
	return synced, nil
}

func resize(b []byte, n int) []byte {
	if n <= len(b) {
		return b[:n]
	}
	return append(b, make([]byte, n-len(b))...)
}

// statLoop lists and stats the directory until stop.
func statLoop(dir string, stop chan struct{}) error {
	for {
		select {
		case <-stop:
			return nil
		default:
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if _, err := e.Info(); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
	}
}
