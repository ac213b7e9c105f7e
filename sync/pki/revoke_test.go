package pki_test

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/storeedge/storeedge/sync/pki"
)

// readCRL returns the revoked serials (hex, sorted) and the CRL number,
// after checking the CA signed it and nextUpdate is years away.
func readCRL(tb testing.TB, dir, path string) ([]string, *big.Int) {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	b, _ := pem.Decode(data)
	if b == nil || b.Type != "X509 CRL" {
		tb.Fatalf("%s: no X509 CRL block", path)
	}
	crl, err := x509.ParseRevocationList(b.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	if err := crl.CheckSignatureFrom(readCert(tb, filepath.Join(dir, "ca.crt"))); err != nil {
		tb.Fatal(err)
	}
	if crl.NextUpdate.Before(time.Now().AddDate(5, 0, 0)) || crl.ThisUpdate.After(time.Now().Add(-59*time.Minute)) {
		tb.Fatalf("CRL valid %v..%v: a broker clock a little off would refuse every shop", crl.ThisUpdate, crl.NextUpdate)
	}
	var serials []string
	for _, e := range crl.RevokedCertificateEntries {
		serials = append(serials, e.SerialNumber.Text(16))
	}
	slices.Sort(serials)
	return serials, crl.Number
}

func TestRevoke(t *testing.T) {
	dir := MustInit(t)
	crl := filepath.Join(dir, "crl.pem")
	if got, n := readCRL(t, dir, crl); len(got) != 0 || n.Int64() != 1 {
		t.Fatalf("fresh CRL: %v number %v", got, n)
	}
	_, a1 := MustEnroll(t, dir, "msk-001")
	_, a2 := MustEnroll(t, dir, "msk-001")
	_, b1 := MustEnroll(t, dir, "msk-002")

	t.Run("OneSerial", func(t *testing.T) {
		got, err := pki.Revoke(dir, "msk-001", a1)
		if err != nil || !slices.Equal(got, []string{a1}) {
			t.Fatalf("Revoke: %v %v", got, err)
		}
		if s, n := readCRL(t, dir, crl); !slices.Equal(s, []string{a1}) || n.Int64() != 2 {
			t.Fatalf("CRL %v number %v", s, n)
		}
	})
	t.Run("Again", func(t *testing.T) {
		got, err := pki.Revoke(dir, "msk-001", a1)
		if err != nil || len(got) != 0 {
			t.Fatalf("Revoke twice: %v %v, want nothing new", got, err)
		}
	})
	t.Run("AllOfAStore", func(t *testing.T) {
		got, err := pki.Revoke(dir, "msk-001", "")
		if err != nil || !slices.Equal(got, []string{a2}) {
			t.Fatalf("Revoke all: %v %v, want the one left", got, err)
		}
		if s, _ := readCRL(t, dir, crl); !slices.Equal(s, sorted(a1, a2)) {
			t.Fatalf("CRL %v", s)
		}
	})
	for _, tc := range []struct {
		name, store, serial string
		want                error
	}{
		{"UnknownStore", "msk-009", "", pki.ErrNotEnrolled},
		{"BadStore", "../x", "", pki.ErrNotEnrolled},
		{"OtherStoresSerial", "msk-001", b1, pki.ErrUnknownSerial},
		{"NotHex", "msk-002", "xyz", pki.ErrUnknownSerial},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := pki.Revoke(dir, tc.store, tc.serial); !errors.Is(err, tc.want) {
				t.Fatalf("Revoke(%q, %q): %v, want %v", tc.store, tc.serial, err, tc.want)
			}
		})
	}
	t.Run("SerialCaseAndZeros", func(t *testing.T) {
		if _, err := pki.Revoke(dir, "msk-002", "00"+upper(b1)); err != nil {
			t.Fatal(err)
		}
		if s, _ := readCRL(t, dir, crl); !slices.Contains(s, b1) {
			t.Fatalf("CRL %v lacks %s", s, b1)
		}
	})
	checkModes(t, dir)
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func TestCopyCRL(t *testing.T) {
	dir := MustInit(t)
	MustEnroll(t, dir, "msk-001")
	broker := t.TempDir()
	if _, err := pki.Revoke(dir, "msk-001", ""); err != nil {
		t.Fatal(err)
	}
	if err := pki.CopyCRL(dir, broker); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "crl.pem"))
	b, _ := os.ReadFile(filepath.Join(broker, "crl.pem"))
	if string(a) != string(b) {
		t.Fatal("broker's crl.pem differs")
	}
	if err := pki.CopyCRL(dir, filepath.Join(broker, "missing")); err == nil {
		t.Fatal("CopyCRL into a missing directory succeeded")
	}
}
