package pki

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"path/filepath"
	"time"
)

// Identity is a shop's side of the PKI: what `serve --sync-identity OUT`
// loads from the directory Enroll wrote.
type Identity struct {
	Store       string              // the certificate's CN
	Certificate tls.Certificate     // store.crt + store.key, for the broker's mTLS; Leaf is set
	Key         *ecdsa.PrivateKey   // signs event batches and shop tokens
	Roots       *x509.CertPool      // ca.crt
	CentralKeys []ed25519.PublicKey // central.pub, every block
}

// LoadIdentity reads a shop's identity directory. It checks that the key
// matches the certificate, that the CA issued it for a client, and that its
// CN is a store id. It accepts an expired certificate (see the package
// Caveats).
func LoadIdentity(dir string) (*Identity, error) {
	cert, roots, err := loadClient(dir, fileStoreCert, fileStoreKey)
	if err != nil {
		return nil, err
	}
	store := cert.Leaf.Subject.CommonName
	if err := checkStore(store); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, fileStoreCert), err)
	}
	key, ok := cert.PrivateKey.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an ECDSA key", filepath.Join(dir, fileStoreKey))
	}
	keys, err := readPublicKeys(filepath.Join(dir, fileCentralPub))
	if err != nil {
		return nil, err
	}
	return &Identity{Store: store, Certificate: cert, Key: key, Roots: roots, CentralKeys: keys}, nil
}

// Central is central's side of the PKI: what `central --pki DIR` loads.
type Central struct {
	Certificate tls.Certificate // central.crt + central.key; Leaf is set
	Roots       *x509.CertPool  // ca.crt
	SigningKey  ed25519.PrivateKey
}

// LoadCentral reads central's certificate, the CA and the active signing
// key from a PKI directory.
func LoadCentral(dir string) (*Central, error) {
	cert, roots, err := loadClient(dir, fileCentralCert, fileCentralKey)
	if err != nil {
		return nil, err
	}
	if cn := cert.Leaf.Subject.CommonName; cn != CentralCN {
		return nil, fmt.Errorf("%s: CN %q, want %q", filepath.Join(dir, fileCentralCert), cn, CentralCN)
	}
	key, err := readEd25519Key(filepath.Join(dir, fileSigningKey))
	if err != nil {
		return nil, err
	}
	return &Central{Certificate: cert, Roots: roots, SigningKey: key}, nil
}

// loadClient loads a client key pair and the CA, and checks the CA issued
// the certificate for client authentication.
func loadClient(dir, certFile, keyFile string) (tls.Certificate, *x509.CertPool, error) {
	certPath := filepath.Join(dir, certFile)
	cert, err := tls.LoadX509KeyPair(certPath, filepath.Join(dir, keyFile))
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("load %s: %w", dir, err)
	}
	if cert.Leaf == nil { // GODEBUG=x509keypairleaf=0
		if cert.Leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return tls.Certificate{}, nil, fmt.Errorf("%s: %w", certPath, err)
		}
	}
	ca, err := readCert(filepath.Join(dir, fileCACert))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	opts := x509.VerifyOptions{Roots: roots, CurrentTime: withinValidity(cert.Leaf, time.Now()),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	if _, err := cert.Leaf.Verify(opts); err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("%s: %w", certPath, err)
	}
	return cert, roots, nil
}

// withinValidity clamps now into the certificate's validity, so that the
// check above is about who issued it, not about the clock: a Raspberry Pi
// has no real-time clock and may boot in 1970, and an expired certificate
// must not stop a shop from selling offline.
func withinValidity(c *x509.Certificate, now time.Time) time.Time {
	switch {
	case now.Before(c.NotBefore):
		return c.NotBefore
	case now.After(c.NotAfter):
		return c.NotAfter
	}
	return now
}
