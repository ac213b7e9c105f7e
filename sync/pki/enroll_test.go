package pki_test

import (
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/storeedge/storeedge/sync/pki"
)

func TestEnroll(t *testing.T) {
	dir := MustInit(t)
	out, serial := MustEnroll(t, dir, "msk-001")
	if got, want := names(t, out), []string{"ca.crt", "central.pub", "store.crt", "store.key"}; !slices.Equal(got, want) {
		t.Fatalf("files %v, want %v", got, want)
	}
	checkModes(t, out)
	checkModes(t, dir)

	c := readCert(t, filepath.Join(out, "store.crt"))
	if c.Subject.CommonName != "msk-001" || !slices.Equal(c.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}) {
		t.Fatalf("CN %q EKU %v", c.Subject.CommonName, c.ExtKeyUsage)
	}
	checkValidity(t, c, 2)
	if got := c.SerialNumber.Text(16); got != serial {
		t.Fatalf("serial %s, Enroll said %s", got, serial)
	}
	registered := readCert(t, filepath.Join(dir, "stores", "msk-001", serial+".crt"))
	if !registered.Equal(c) {
		t.Fatal("registered certificate differs from store.crt")
	}
	for _, f := range []string{"ca.crt", "central.pub"} {
		a, _ := os.ReadFile(filepath.Join(dir, f))
		b, _ := os.ReadFile(filepath.Join(out, f))
		if string(a) != string(b) {
			t.Errorf("%s differs from central's", f)
		}
	}
}

func TestEnroll_Again(t *testing.T) {
	dir := MustInit(t)
	_, s1 := MustEnroll(t, dir, "msk-001")
	_, s2 := MustEnroll(t, dir, "msk-001")
	if s1 == s2 {
		t.Fatal("same serial twice")
	}
	if got, want := names(t, filepath.Join(dir, "stores", "msk-001")), sorted(s1+".crt", s2+".crt"); !slices.Equal(got, want) {
		t.Fatalf("registry %v, want %v", got, want)
	}
	keys, err := pki.NewRegistry(dir).StoreKeys("msk-001")
	if err != nil || len(keys) != 2 {
		t.Fatalf("StoreKeys: %d keys, %v; want both", len(keys), err)
	}
}

func sorted(s ...string) []string { slices.Sort(s); return s }

func TestEnroll_Refuses(t *testing.T) {
	dir := MustInit(t)
	for _, tc := range []struct {
		name, store string
		want        error
	}{
		{"Empty", "", pki.ErrInvalidStore},
		{"Upper", "MSK-001", pki.ErrInvalidStore},
		{"Slash", "msk/001", pki.ErrInvalidStore},
		{"DotDot", "..", pki.ErrInvalidStore},
		{"Wildcard", "+", pki.ErrInvalidStore},
		{"Space", "msk 001", pki.ErrInvalidStore},
		{"TooLong", strings.Repeat("a", 65), pki.ErrInvalidStore},
		{"Central", "central", pki.ErrInvalidStore},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pki.Enroll(dir, tc.store, filepath.Join(t.TempDir(), "out"))
			if !errors.Is(err, tc.want) {
				t.Fatalf("Enroll(%q): %v, want %v", tc.store, err, tc.want)
			}
		})
	}
	if got := names(t, filepath.Join(dir, "stores")); len(got) != 0 {
		t.Fatalf("refused enrollments registered %v", got)
	}
	t.Run("ExistingIdentity", func(t *testing.T) {
		out, _ := MustEnroll(t, dir, "msk-001")
		if _, err := pki.Enroll(dir, "msk-002", out); !errors.Is(err, pki.ErrExists) {
			t.Fatalf("Enroll over an identity: %v, want ErrExists", err)
		}
		if id, err := pki.LoadIdentity(out); err != nil || id.Store != "msk-001" {
			t.Fatalf("identity after refusal: %v %v", id, err)
		}
	})
	t.Run("NoCA", func(t *testing.T) {
		if _, err := pki.Enroll(t.TempDir(), "msk-001", filepath.Join(t.TempDir(), "out")); !errors.Is(err, pki.ErrNoCA) {
			t.Fatalf("Enroll without a CA: %v, want ErrNoCA", err)
		}
	})
}

func TestValidStoreID(t *testing.T) {
	for s, want := range map[string]bool{"": false, "a": true, "msk-001": true, "msk_001": true, "MSK": false,
		"msk.001": false, "msk/1": false, "+": false, "#": false, "é": false, strings.Repeat("a", 64): true,
		strings.Repeat("a", 65): false, "central": true, "a b": false, "a\x00": false} {
		if got := pki.ValidStoreID(s); got != want {
			t.Errorf("pki.ValidStoreID(%q)=%v, want %v", s, got, want)
		}
	}
}
