package pki_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/storeedge/storeedge/sync/pki"
)

// MustInit returns a fresh PKI directory.
func MustInit(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "pki")
	if err := pki.Init(dir); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// MustEnroll enrolls store into a new directory and returns it and the
// certificate's serial.
func MustEnroll(tb testing.TB, dir, store string) (out, serial string) {
	tb.Helper()
	out = filepath.Join(tb.TempDir(), store)
	serial, err := pki.Enroll(dir, store, out)
	if err != nil {
		tb.Fatal(err)
	}
	return out, serial
}

// checkModes fails unless every directory under root is 0700, every *.key
// 0600 and everything else 0644.
func checkModes(tb testing.TB, root string) {
	tb.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o644)
		switch {
		case d.IsDir():
			want = 0o700
		case filepath.Ext(path) == ".key":
			want = 0o600
		}
		if got := fi.Mode().Perm(); got != want {
			tb.Errorf("%s: mode %v, want %v", path, got, want)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// names lists the entries of dir.
func names(tb testing.TB, dir string) []string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}
