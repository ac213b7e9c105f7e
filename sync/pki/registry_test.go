package pki_test

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/storeedge/storeedge/sync/pki"
)

// waitKeys polls StoreKeys until it returns n keys (n = 0: ErrNotEnrolled).
func waitKeys(tb testing.TB, r *pki.Registry, store string, n int, within time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for {
		keys, err := r.StoreKeys(store)
		if n == 0 && errors.Is(err, pki.ErrNotEnrolled) || n > 0 && err == nil && len(keys) == n {
			return
		}
		if err != nil && !errors.Is(err, pki.ErrNotEnrolled) {
			tb.Fatal(err)
		}
		if time.Now().After(deadline) {
			tb.Fatalf("StoreKeys(%s) = %d keys, %v after %v; want %d", store, len(keys), err, within, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRegistry_StoreKeys(t *testing.T) {
	dir := MustInit(t)
	r := pki.NewRegistry(dir)
	r.Refresh = 100 * time.Millisecond

	if _, err := r.StoreKeys("msk-001"); !errors.Is(err, pki.ErrNotEnrolled) {
		t.Fatalf("before enrollment: %v, want ErrNotEnrolled", err)
	}
	t.Run("SeesEnrollment", func(t *testing.T) {
		MustEnroll(t, dir, "msk-001")
		waitKeys(t, r, "msk-001", 1, 2*r.Refresh)
		MustEnroll(t, dir, "msk-001")
		waitKeys(t, r, "msk-001", 2, 2*r.Refresh)
	})
	t.Run("SeesRevocation", func(t *testing.T) {
		if _, err := pki.Revoke(dir, "msk-001", ""); err != nil {
			t.Fatal(err)
		}
		waitKeys(t, r, "msk-001", 0, 2*r.Refresh)
	})
	t.Run("Caches", func(t *testing.T) {
		MustEnroll(t, dir, "msk-002")
		slow := pki.NewRegistry(dir)
		slow.Refresh = time.Hour
		waitKeys(t, slow, "msk-002", 1, time.Second)
		if _, err := pki.Revoke(dir, "msk-002", ""); err != nil {
			t.Fatal(err)
		}
		if keys, err := slow.StoreKeys("msk-002"); err != nil || len(keys) != 1 {
			t.Fatalf("within Refresh: %d keys, %v; want the cached key", len(keys), err)
		}
	})
	t.Run("NotStoreIDs", func(t *testing.T) {
		for _, s := range []string{"", "central", "../stores", "MSK-001", "+"} {
			if _, err := r.StoreKeys(s); !errors.Is(err, pki.ErrNotEnrolled) {
				t.Errorf("StoreKeys(%q): %v, want ErrNotEnrolled", s, err)
			}
		}
	})
}

func TestRegistry_Expiry(t *testing.T) {
	dir := MustInit(t)
	MustEnroll(t, dir, "msk-001")
	for _, tc := range []struct {
		name string
		at   time.Time
		want int
	}{
		{"Now", time.Now(), 1},
		{"InAYear", time.Now().AddDate(1, 0, 0), 1},
		{"InThreeYears", time.Now().AddDate(3, 0, 0), 0},
		{"YesterdayBeforeIssue", time.Now().Add(-24 * time.Hour), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := pki.NewRegistry(dir)
			r.Now = func() time.Time { return tc.at }
			keys, err := r.StoreKeys("msk-001")
			if len(keys) != tc.want || (tc.want == 0) != errors.Is(err, pki.ErrNotEnrolled) {
				t.Fatalf("%d keys, %v; want %d", len(keys), err, tc.want)
			}
		})
	}
}

// A certificate copied into stores/ by hand that the CA did not issue, or
// issued to another store, signs for nobody.
func TestRegistry_RefusesForeignCertificates(t *testing.T) {
	dir := MustInit(t)
	other := MustInit(t)
	foreign, _ := MustEnroll(t, other, "msk-001")
	sdir := filepath.Join(dir, "stores", "msk-001")
	if err := os.MkdirAll(sdir, 0o700); err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(foreign, "store.crt"), filepath.Join(sdir, "1.crt"))
	o2, _ := MustEnroll(t, dir, "msk-002")
	copyFile(t, filepath.Join(o2, "store.crt"), filepath.Join(sdir, "2.crt"))
	if keys, err := pki.NewRegistry(dir).StoreKeys("msk-001"); !errors.Is(err, pki.ErrNotEnrolled) {
		t.Fatalf("%d keys, %v; want ErrNotEnrolled", len(keys), err)
	}
}

// A CRL it cannot read is "cannot tell", never "not enrolled" nor a key.
func TestRegistry_BrokenCRL(t *testing.T) {
	dir := MustInit(t)
	MustEnroll(t, dir, "msk-001")
	if err := os.WriteFile(filepath.Join(dir, "crl.pem"), []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	keys, err := pki.NewRegistry(dir).StoreKeys("msk-001")
	if err == nil || errors.Is(err, pki.ErrNotEnrolled) {
		t.Fatalf("%d keys, %v; want a read error", len(keys), err)
	}
}

func TestRegistry_Concurrent(t *testing.T) {
	dir := MustInit(t)
	MustEnroll(t, dir, "msk-001")
	r := &pki.Registry{Dir: dir, Refresh: time.Millisecond}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if _, err := r.StoreKeys("msk-001"); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
