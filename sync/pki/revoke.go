package pki

import (
	"crypto/rand"
	"crypto/x509"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

// signCRL signs a CRL of entries with the next CRL number. thisUpdate is an
// hour back and nextUpdate is the CA's own expiry because OpenSSL refuses
// every client, not just the revoked ones, while the broker's clock is
// outside that window: the CRL is re-signed only when something is revoked.
func (a *authority) signCRL(entries []x509.RevocationListEntry, number *big.Int, now time.Time) ([]byte, error) {
	tmpl := &x509.RevocationList{Number: number, ThisUpdate: now.Add(-clockSkew),
		NextUpdate: a.cert.NotAfter, RevokedCertificateEntries: entries}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, a.cert, a.key)
	if err != nil {
		return nil, fmt.Errorf("sign CRL: %w", err)
	}
	return pemBlock("X509 CRL", der), nil
}

// readCRL reads and checks a PKI directory's CRL against the CA, so that a
// hand-edited or foreign crl.pem is refused rather than silently trusted.
func readCRL(path string, ca *x509.Certificate) (*x509.RevocationList, error) {
	der, err := readBlock(path, "X509 CRL")
	if err != nil {
		return nil, err
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := crl.CheckSignatureFrom(ca); err != nil {
		return nil, fmt.Errorf("%s: not signed by the CA: %w", path, err)
	}
	return crl, nil
}

// revokedSerials is the set of revoked serials, in serialHex form.
func revokedSerials(crl *x509.RevocationList) map[string]bool {
	set := make(map[string]bool, len(crl.RevokedCertificateEntries))
	for _, e := range crl.RevokedCertificateEntries {
		set[serialHex(e.SerialNumber)] = true
	}
	return set
}

// Revoke revokes the certificates of store: every one when serial is "",
// else the one with that serial (hex, as in the file names under stores/).
// Their serials go into crl.pem, re-signed, and the Registry refuses them.
// It returns the serials it newly revoked; revoking twice is not an error.
// Errors: ErrNotEnrolled, ErrUnknownSerial.
func Revoke(dir, store, serial string) ([]string, error) {
	ca, err := loadAuthority(dir)
	if err != nil {
		return nil, err
	}
	targets, err := revokeTargets(dir, store, serial)
	if err != nil {
		return nil, err
	}
	crlPath := filepath.Join(dir, fileCRL)
	crl, err := readCRL(crlPath, ca.cert)
	if err != nil {
		return nil, err
	}
	done := revokedSerials(crl)
	entries := crl.RevokedCertificateEntries
	var revoked []string
	now := time.Now()
	for _, c := range targets {
		if s := serialHex(c.SerialNumber); !done[s] {
			entries = append(entries, x509.RevocationListEntry{SerialNumber: c.SerialNumber, RevocationTime: now})
			revoked = append(revoked, s)
		}
	}
	if len(revoked) == 0 {
		return nil, nil
	}
	data, err := ca.signCRL(entries, new(big.Int).Add(crl.Number, big.NewInt(1)), now)
	if err != nil {
		return nil, err
	}
	return revoked, writeFile(crlPath, data, modePublic)
}

// revokeTargets are the store's certificates that serial names.
func revokeTargets(dir, store, serial string) ([]*x509.Certificate, error) {
	certs, err := storeCerts(dir, store)
	if err != nil {
		return nil, err
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("revoke %s: %w", store, ErrNotEnrolled)
	}
	if serial == "" {
		return certs, nil
	}
	n, ok := new(big.Int).SetString(serial, 16)
	if !ok {
		return nil, fmt.Errorf("revoke %s: %q is not hex: %w", store, serial, ErrUnknownSerial)
	}
	for _, c := range certs {
		if c.SerialNumber.Cmp(n) == 0 {
			return []*x509.Certificate{c}, nil
		}
	}
	return nil, fmt.Errorf("revoke %s: serial %s: %w", store, serialHex(n), ErrUnknownSerial)
}

// CopyCRL copies the PKI directory's CRL into a broker directory (one that
// BrokerConfig wrote), for the broker to read when it next starts.
func CopyCRL(dir, brokerDir string) error {
	ca, err := loadAuthority(dir)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, fileCRL)
	if _, err := readCRL(path, ca.cert); err != nil {
		return err
	}
	if fi, err := os.Stat(brokerDir); err != nil || !fi.IsDir() {
		return fmt.Errorf("copy CRL: %s is not a directory", brokerDir)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(brokerDir, fileCRL), data, modePublic)
}
