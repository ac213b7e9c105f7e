package pki_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storeedge/storeedge/sync/pki"
)

func TestLoadIdentity(t *testing.T) {
	dir := MustInit(t)
	out, _ := MustEnroll(t, dir, "msk-001")
	id, err := pki.LoadIdentity(out)
	if err != nil {
		t.Fatal(err)
	}
	if id.Store != "msk-001" || id.Certificate.Leaf == nil || id.Certificate.Leaf.Subject.CommonName != "msk-001" {
		t.Fatalf("identity of %q, leaf %v", id.Store, id.Certificate.Leaf)
	}
	if !id.Key.PublicKey.Equal(id.Certificate.Leaf.PublicKey) {
		t.Fatal("Key is not the certificate's key")
	}
	if _, err := id.Certificate.Leaf.Verify(x509.VerifyOptions{Roots: id.Roots,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatalf("certificate does not verify against Roots: %v", err)
	}
	c, err := pki.LoadCentral(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(id.CentralKeys) != 1 || !id.CentralKeys[0].Equal(c.SigningKey.Public()) {
		t.Fatalf("CentralKeys %v, want central's signing key", id.CentralKeys)
	}
	// The key signs what the Registry's keys verify: the lead's batches
	// and shop tokens rely on that.
	keys, err := pki.NewRegistry(dir).StoreKeys("msk-001")
	if err != nil {
		t.Fatal(err)
	}
	digest := make([]byte, 32)
	sig, err := ecdsa.SignASN1(rand.Reader, id.Key, digest)
	if err != nil {
		t.Fatal(err)
	}
	if !ecdsa.VerifyASN1(keys[0], digest, sig) {
		t.Fatal("registry key does not verify the shop's signature")
	}
}

func TestLoadCentral(t *testing.T) {
	dir := MustInit(t)
	c, err := pki.LoadCentral(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Certificate.Leaf.Subject.CommonName != "central" {
		t.Fatalf("CN %q", c.Certificate.Leaf.Subject.CommonName)
	}
	msg := []byte("storeedge/v1\nack\ncentral\nmsk-001\n{}")
	sig := ed25519.Sign(c.SigningKey, msg)
	out, _ := MustEnroll(t, dir, "msk-001")
	id, err := pki.LoadIdentity(out)
	if err != nil {
		t.Fatal(err)
	}
	if !ed25519.Verify(id.CentralKeys[0], msg, sig) {
		t.Fatal("the shop's central.pub does not verify central's signature")
	}
}

func TestLoadIdentity_Refuses(t *testing.T) {
	dir := MustInit(t)
	other := MustInit(t)
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, out string)
		want  string
	}{
		{"Missing", func(t *testing.T, out string) { os.Remove(filepath.Join(out, "store.key")) }, "store.key"},
		{"OtherKey", func(t *testing.T, out string) {
			o2, _ := MustEnroll(t, dir, "msk-002")
			copyFile(t, filepath.Join(o2, "store.key"), filepath.Join(out, "store.key"))
		}, "does not match"},
		{"OtherCA", func(t *testing.T, out string) {
			copyFile(t, filepath.Join(other, "ca.crt"), filepath.Join(out, "ca.crt"))
		}, "unknown authority"},
		{"NoCentralPub", func(t *testing.T, out string) { os.Remove(filepath.Join(out, "central.pub")) }, "central.pub"},
		{"CentralPubNotEd25519", func(t *testing.T, out string) {
			copyFile(t, filepath.Join(out, "store.crt"), filepath.Join(out, "central.pub"))
		}, "PUBLIC KEY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := MustEnroll(t, dir, "msk-001")
			tc.spoil(t, out)
			_, err := pki.LoadIdentity(out)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadIdentity: %v, want an error about %q", err, tc.want)
			}
		})
	}
	t.Run("CentralDirIsNoIdentity", func(t *testing.T) {
		if _, err := pki.LoadIdentity(dir); err == nil {
			t.Fatal("LoadIdentity read a PKI directory")
		}
	})
	t.Run("ShopCertIsNotCentral", func(t *testing.T) {
		out, _ := MustEnroll(t, dir, "msk-001")
		d := t.TempDir()
		copyFile(t, filepath.Join(out, "store.crt"), filepath.Join(d, "central.crt"))
		copyFile(t, filepath.Join(out, "store.key"), filepath.Join(d, "central.key"))
		copyFile(t, filepath.Join(dir, "ca.crt"), filepath.Join(d, "ca.crt"))
		copyFile(t, filepath.Join(dir, "central-signing.key"), filepath.Join(d, "central-signing.key"))
		if _, err := pki.LoadCentral(d); err == nil || !strings.Contains(err.Error(), `CN "msk-001"`) {
			t.Fatalf("LoadCentral with a shop's certificate: %v", err)
		}
	})
}

func copyFile(tb testing.TB, from, to string) {
	tb.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		tb.Fatal(err)
	}
}
