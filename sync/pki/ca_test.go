package pki_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/storeedge/storeedge/sync/pki"
)

func readCert(tb testing.TB, path string) *x509.Certificate {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	b, _ := pem.Decode(data)
	if b == nil || b.Type != "CERTIFICATE" {
		tb.Fatalf("%s: no CERTIFICATE block", path)
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestInit(t *testing.T) {
	dir := MustInit(t)
	want := []string{"ca.crt", "ca.key", "central-signing.key", "central.crt", "central.key", "central.pub", "crl.pem", "stores"}
	if got := names(t, dir); !slices.Equal(got, want) {
		t.Fatalf("files %v, want %v", got, want)
	}
	checkModes(t, dir)

	t.Run("CA", func(t *testing.T) {
		ca := readCert(t, filepath.Join(dir, "ca.crt"))
		if ca.Subject.CommonName != "StoreEdge chain CA" || !ca.IsCA || ca.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign {
			t.Fatalf("CA %q IsCA=%v KeyUsage=%v", ca.Subject.CommonName, ca.IsCA, ca.KeyUsage)
		}
		if k, ok := ca.PublicKey.(*ecdsa.PublicKey); !ok || k.Curve != elliptic.P256() {
			t.Fatalf("CA key %T, want ECDSA P-256", ca.PublicKey)
		}
		checkValidity(t, ca, 10)
		if ca.SerialNumber.BitLen() < 64 {
			t.Fatalf("serial %x has %d bits: too guessable", ca.SerialNumber, ca.SerialNumber.BitLen())
		}
	})
	t.Run("Central", func(t *testing.T) {
		c := readCert(t, filepath.Join(dir, "central.crt"))
		if c.Subject.CommonName != "central" || !slices.Equal(c.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}) {
			t.Fatalf("central CN %q EKU %v", c.Subject.CommonName, c.ExtKeyUsage)
		}
		checkValidity(t, c, 2)
		if err := c.CheckSignatureFrom(readCert(t, filepath.Join(dir, "ca.crt"))); err != nil {
			t.Fatal(err)
		}
	})
}

// checkValidity wants NotBefore an hour back (clock skew) and NotAfter
// the given number of years ahead.
func checkValidity(tb testing.TB, c *x509.Certificate, years int) {
	tb.Helper()
	now := time.Now()
	if d := now.Sub(c.NotBefore); d < 59*time.Minute || d > 61*time.Minute {
		tb.Errorf("%s: NotBefore %v is %v back, want 1h", c.Subject.CommonName, c.NotBefore, d)
	}
	want := now.AddDate(years, 0, 0)
	if d := c.NotAfter.Sub(want).Abs(); d > time.Minute {
		tb.Errorf("%s: NotAfter %v, want about %v", c.Subject.CommonName, c.NotAfter, want)
	}
}

func TestInit_Refuses(t *testing.T) {
	t.Run("SecondInit", func(t *testing.T) {
		dir := MustInit(t)
		before, _ := os.ReadFile(filepath.Join(dir, "ca.key"))
		if err := pki.Init(dir); !errors.Is(err, pki.ErrExists) {
			t.Fatalf("second Init: %v, want ErrExists", err)
		}
		if after, _ := os.ReadFile(filepath.Join(dir, "ca.key")); string(after) != string(before) {
			t.Fatal("second Init changed ca.key")
		}
	})
	t.Run("IdentityDir", func(t *testing.T) {
		out, _ := MustEnroll(t, MustInit(t), "msk-001")
		if err := pki.Init(out); !errors.Is(err, pki.ErrExists) {
			t.Fatalf("Init on a shop's identity: %v, want ErrExists", err)
		}
	})
	t.Run("EmptyDirIsFine", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := pki.Init(dir); err != nil {
			t.Fatal(err)
		}
		checkModes(t, dir)
	})
}
