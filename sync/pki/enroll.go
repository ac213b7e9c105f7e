package pki

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ValidStoreID reports whether s is a store id: 1-64 of a-z 0-9 _ -. It
// is a certificate's CN, a directory name and a broker user name here,
// and sync.ValidStoreID (a topic level) is this rule.
func ValidStoreID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// checkStore refuses what cannot be a shop's identity: a malformed id
// (it becomes a path and a broker username) and central's own name.
func checkStore(store string) error {
	switch {
	case !ValidStoreID(store):
		return fmt.Errorf("%w: %q is not 1-64 of a-z 0-9 _ -", ErrInvalidStore, store)
	case store == CentralCN:
		return fmt.Errorf("%w: %q is reserved for central", ErrInvalidStore, store)
	}
	return nil
}

// Enroll issues store a client certificate and key and writes its identity
// directory out (0700): store.crt, store.key, ca.crt and central.pub. The
// certificate is registered under DIR/stores/STORE/ first, so an identity
// is never handed out that central would not recognise. Enrolling a store
// again adds a certificate; the older ones stay valid until revoked. It
// refuses (ErrExists) an out that already holds a store.key, and returns
// the new certificate's serial (hex).
func Enroll(dir, store, out string) (string, error) {
	if err := checkStore(store); err != nil {
		return "", err
	}
	if p := filepath.Join(out, fileStoreKey); exists(p) {
		return "", fmt.Errorf("enroll %s: %s %w", store, p, ErrExists)
	}
	ca, err := loadAuthority(dir)
	if err != nil {
		return "", err
	}
	pub, err := os.ReadFile(filepath.Join(dir, fileCentralPub))
	if err != nil {
		return "", err
	}
	key, err := newECKey()
	if err != nil {
		return "", err
	}
	cert, der, err := ca.issue(store, x509.ExtKeyUsageClientAuth, &key.PublicKey, time.Now())
	if err != nil {
		return "", err
	}
	if err := register(dir, store, cert); err != nil {
		return "", err
	}
	pemKey, err := encodeKey(key)
	if err != nil {
		return "", err
	}
	return serialHex(cert.SerialNumber), writeIdentity(out, map[string]fileContent{
		fileStoreCert:  {pemBlock("CERTIFICATE", der), modePublic},
		fileStoreKey:   {pemKey, modePrivate},
		fileCACert:     {pemBlock("CERTIFICATE", ca.cert.Raw), modePublic},
		fileCentralPub: {pub, modePublic},
	})
}

// writeIdentity writes the key last: LoadIdentity needs all four files, and
// Enroll's refusal to overwrite looks at store.key.
func writeIdentity(out string, files map[string]fileContent) error {
	if err := mkdir(out); err != nil {
		return err
	}
	for _, name := range []string{fileStoreCert, fileCACert, fileCentralPub, fileStoreKey} {
		if err := writeFile(filepath.Join(out, name), files[name].data, files[name].mode); err != nil {
			return err
		}
	}
	return nil
}

// register records cert in the registry, DIR/stores/STORE/SERIAL.crt.
func register(dir, store string, cert *x509.Certificate) error {
	sdir := filepath.Join(dir, dirStores, store)
	if err := mkdir(sdir); err != nil {
		return err
	}
	path := filepath.Join(sdir, serialHex(cert.SerialNumber)+".crt")
	return writeFile(path, pemBlock("CERTIFICATE", cert.Raw), modePublic)
}

// storeCerts reads every certificate registered for store, revoked and
// expired ones included; none (or no directory) is an empty list.
func storeCerts(dir, store string) ([]*x509.Certificate, error) {
	if !ValidStoreID(store) || store == CentralCN {
		return nil, nil
	}
	entries, err := os.ReadDir(filepath.Join(dir, dirStores, store))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var certs []*x509.Certificate
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".crt") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		c, err := readCert(filepath.Join(dir, dirStores, store, e.Name()))
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
	}
	return certs, nil
}
