package powercut_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/storeedge/storeedge/sync/synctest/powercut"
)

// mount mounts a power-cut file system over a new disk holding files
// (name → content, put durably) and returns the disk and the mount.
func mount(t *testing.T, files map[string]string) (string, *powercut.FS) {
	t.Helper()
	disk := t.TempDir()
	for name, content := range files {
		put(t, filepath.Join(disk, name), content)
		syncDir(t, filepath.Dir(filepath.Join(disk, name)))
	}
	return disk, powercut.Mount(t, disk)
}

func TestCut_Create(t *testing.T) {
	t.Run("FileFsyncedNotDir", func(t *testing.T) {
		disk, pc := mount(t, nil)
		writeAt(t, filepath.Join(pc.Dir(), "new"), 0, "fsynced data", fsync)
		pc.Cut()
		wantGone(t, filepath.Join(disk, "new"))
		wantNames(t, disk)
	})
	t.Run("FileAndDirFsynced", func(t *testing.T) {
		disk, pc := mount(t, nil)
		writeAt(t, filepath.Join(pc.Dir(), "new"), 0, "fsynced data", fsync)
		syncDir(t, pc.Dir())
		pc.Cut()
		wantFile(t, filepath.Join(disk, "new"), "fsynced data")
	})
	t.Run("DirFsyncedNotFile", func(t *testing.T) {
		disk, pc := mount(t, nil)
		writeAt(t, filepath.Join(pc.Dir(), "new"), 0, "held data", noSync)
		syncDir(t, pc.Dir())
		pc.Cut()
		wantFile(t, filepath.Join(disk, "new"), "") // the name, empty
	})
}

// The atomic-replace pattern: write a temporary file, fsync it, rename
// it over the old name; only a directory fsync makes the new one stay.
func TestCut_AtomicReplace(t *testing.T) {
	for _, tt := range []struct {
		name    string
		dirSync bool
		want    string
	}{
		{"WithoutDirFsync", false, "old"},
		{"WithDirFsync", true, "new"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			disk, pc := mount(t, map[string]string{"config": "old"})
			writeAt(t, filepath.Join(pc.Dir(), "config.tmp"), 0, "new", fsync)
			if err := os.Rename(filepath.Join(pc.Dir(), "config.tmp"), filepath.Join(pc.Dir(), "config")); err != nil {
				t.Fatal(err)
			}
			wantFile(t, filepath.Join(pc.Dir(), "config"), "new")
			if tt.dirSync {
				syncDir(t, pc.Dir())
			}
			pc.Cut()
			t.Log(pc.Stats())
			wantFile(t, filepath.Join(disk, "config"), tt.want)
			wantNames(t, disk, "config")
		})
	}
}

func TestCut_Unlink(t *testing.T) {
	t.Run("WithoutDirFsync", func(t *testing.T) {
		disk, pc := mount(t, map[string]string{"f": old})
		writeAt(t, filepath.Join(pc.Dir(), "f"), 0, "held", noSync)
		if err := os.Remove(filepath.Join(pc.Dir(), "f")); err != nil {
			t.Fatal(err)
		}
		wantGone(t, filepath.Join(pc.Dir(), "f"))
		pc.Cut()
		wantFile(t, filepath.Join(disk, "f"), old) // back, with its fsynced data
	})
	t.Run("WithDirFsync", func(t *testing.T) {
		disk, pc := mount(t, map[string]string{"f": old})
		if err := os.Remove(filepath.Join(pc.Dir(), "f")); err != nil {
			t.Fatal(err)
		}
		syncDir(t, pc.Dir())
		pc.Cut()
		wantGone(t, filepath.Join(disk, "f"))
	})
	// An open file outlives its name, and an fsync through it reaches
	// the inode that the cut brings back.
	t.Run("OpenFileFsyncedAfterUnlink", func(t *testing.T) {
		disk, pc := mount(t, map[string]string{"f": old})
		f, err := os.OpenFile(filepath.Join(pc.Dir(), "f"), os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := os.Remove(filepath.Join(pc.Dir(), "f")); err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteAt([]byte("NEW"), 0); err != nil {
			t.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		pc.Cut()
		wantFile(t, filepath.Join(disk, "f"), "NEW"+old[3:])
	})
}

// A new directory not committed in its parent is gone with its subtree,
// whatever was fsynced inside it.
func TestCut_MkdirSubtree(t *testing.T) {
	disk, pc := mount(t, nil)
	inner := filepath.Join(pc.Dir(), "d", "e")
	if err := os.MkdirAll(inner, 0o755); err != nil {
		t.Fatal(err)
	}
	writeAt(t, filepath.Join(inner, "f"), 0, "fsynced", fsync)
	syncDir(t, inner)
	syncDir(t, filepath.Dir(inner))
	pc.Cut()
	t.Log(pc.Stats())
	wantNames(t, disk)

	t.Run("RootFsynced", func(t *testing.T) {
		disk, pc := mount(t, nil)
		inner := filepath.Join(pc.Dir(), "d", "e")
		if err := os.MkdirAll(inner, 0o755); err != nil {
			t.Fatal(err)
		}
		writeAt(t, filepath.Join(inner, "f"), 0, "fsynced", fsync)
		syncDir(t, inner)
		syncDir(t, pc.Dir()) // d is in the root, but e is not committed in d
		pc.Cut()
		wantNames(t, disk, "d")
		wantNames(t, filepath.Join(disk, "d"))
	})
}

func TestCut_Rmdir(t *testing.T) {
	disk, pc := mount(t, map[string]string{"d/keep": "x"})
	if err := os.Remove(filepath.Join(pc.Dir(), "d", "keep")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(pc.Dir(), "d")); err != nil {
		t.Fatal(err)
	}
	syncDir(t, pc.Dir()) // the rmdir is durable, the unlink inside d is not
	pc.Cut()
	wantGone(t, filepath.Join(disk, "d"))

	disk, pc = mount(t, map[string]string{"d/keep": "x"})
	if err := os.Remove(filepath.Join(pc.Dir(), "d", "keep")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(pc.Dir(), "d")); err != nil {
		t.Fatal(err)
	}
	pc.Cut()
	wantFile(t, filepath.Join(disk, "d", "keep"), "x")
}

// A rename across directories is one operation: an fsync of either
// directory makes it durable whole.
func TestCut_RenameAcrossDirs(t *testing.T) {
	for _, tt := range []struct {
		name, sync string
		want, gone string
	}{
		{"NoFsync", "", "a/f", "b/f"},
		{"FsyncTarget", "b", "b/f", "a/f"},
		{"FsyncSource", "a", "b/f", "a/f"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			disk, pc := mount(t, map[string]string{"a/f": old, "b/keep": ""})
			if err := os.Rename(filepath.Join(pc.Dir(), "a/f"), filepath.Join(pc.Dir(), "b/f")); err != nil {
				t.Fatal(err)
			}
			if tt.sync != "" {
				syncDir(t, filepath.Join(pc.Dir(), tt.sync))
			}
			pc.Cut()
			wantFile(t, filepath.Join(disk, tt.want), old)
			wantGone(t, filepath.Join(disk, tt.gone))
		})
	}
}

// Renamed directories keep their logged operations: undoing a create
// inside a directory that was moved finds it where it went.
func TestCut_RenamedDir(t *testing.T) {
	disk, pc := mount(t, map[string]string{"a/keep": "k"})
	writeAt(t, filepath.Join(pc.Dir(), "a", "new"), 0, "x", fsync)
	if err := os.Rename(filepath.Join(pc.Dir(), "a"), filepath.Join(pc.Dir(), "b")); err != nil {
		t.Fatal(err)
	}
	syncDir(t, pc.Dir()) // b is durable; a/new was never committed in a
	pc.Cut()
	wantNames(t, disk, "b")
	wantNames(t, filepath.Join(disk, "b"), "keep")
}

func TestCut_LinkSymlinkExchange(t *testing.T) {
	disk, pc := mount(t, map[string]string{"f": "F", "g": "G"})
	if err := os.Link(filepath.Join(pc.Dir(), "f"), filepath.Join(pc.Dir(), "hard")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("f", filepath.Join(pc.Dir(), "soft")); err != nil {
		t.Fatal(err)
	}
	if err := unix.Renameat2(unix.AT_FDCWD, filepath.Join(pc.Dir(), "f"), unix.AT_FDCWD, filepath.Join(pc.Dir(), "g"), unix.RENAME_EXCHANGE); err != nil {
		t.Fatal(err)
	}
	wantFile(t, filepath.Join(pc.Dir(), "f"), "G")
	wantFile(t, filepath.Join(pc.Dir(), "soft"), "G")
	wantFile(t, filepath.Join(pc.Dir(), "hard"), "F")
	pc.Cut()
	wantNames(t, disk, "f", "g")
	wantFile(t, filepath.Join(disk, "f"), "F")
	wantFile(t, filepath.Join(disk, "g"), "G")
}

// The file system refuses what rename, unlink and rmdir refuse, and
// leaves things as they were.
func TestErrors(t *testing.T) {
	_, pc := mount(t, map[string]string{"f": "F", "full/x": "X"})
	if err := os.Mkdir(filepath.Join(pc.Dir(), "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	in := func(name string) string { return filepath.Join(pc.Dir(), name) }
	for _, tt := range []struct {
		name string
		err  error
		want syscall.Errno
	}{
		{"RenameFileOverDir", syscall.Rename(in("f"), in("empty")), syscall.EISDIR},
		{"RenameDirOverFile", syscall.Rename(in("empty"), in("f")), syscall.ENOTDIR},
		{"RenameDirOverFullDir", syscall.Rename(in("empty"), in("full")), syscall.ENOTEMPTY},
		{"RenameIntoItself", syscall.Rename(in("full"), in("full/sub")), syscall.EINVAL},
		{"RenameNoreplace", unix.Renameat2(unix.AT_FDCWD, in("f"), unix.AT_FDCWD, in("full/x"), unix.RENAME_NOREPLACE), syscall.EEXIST},
		{"UnlinkDir", syscall.Unlink(in("empty")), syscall.EISDIR},
		{"RmdirFile", syscall.Rmdir(in("f")), syscall.ENOTDIR},
		{"RmdirFull", syscall.Rmdir(in("full")), syscall.ENOTEMPTY},
		{"CreateExcl", func() error { _, err := os.OpenFile(in("f"), os.O_CREATE|os.O_EXCL, 0o644); return err }(), syscall.EEXIST},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if !errors.Is(tt.err, tt.want) {
				t.Fatalf("err = %v, want %v", tt.err, tt.want)
			}
		})
	}
	wantNames(t, pc.Dir(), "f", "full", "empty")
	wantFile(t, in("f"), "F")
	wantFile(t, in("full/x"), "X")
	if s := pc.Stats(); s.DirOps != 1 {
		t.Fatalf("stats: %v, want only the mkdir logged", s)
	}
}
