package pki

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Names of the files in a PKI directory and in a shop's identity directory.
const (
	fileCAKey          = "ca.key"
	fileCACert         = "ca.crt"
	fileCentralKey     = "central.key"
	fileCentralCert    = "central.crt"
	fileSigningKey     = "central-signing.key"
	fileNextSigningKey = "central-signing.next.key"
	fileCentralPub     = "central.pub"
	fileCRL            = "crl.pem"
	dirStores          = "stores"

	fileStoreCert = "store.crt"
	fileStoreKey  = "store.key"
)

const (
	modePrivate fs.FileMode = 0o600
	modePublic  fs.FileMode = 0o644
	modeDir     fs.FileMode = 0o700
)

// writeFile replaces path atomically and durably: a power cut leaves the
// old content or the new, never a mix, and never a missing file.
func writeFile(path string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	err = writeSynced(f, data, perm)
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(dir)
}

// writeSynced sets the mode before the data lands, so a key is never
// readable by others, not even for a moment.
func writeSynced(f *os.File, data []byte, perm fs.FileMode) error {
	err := f.Chmod(perm)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes a rename or a new entry in dir survive a power cut.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// mkdir creates dir (0700) and any missing parents, and makes their
// entries durable. An existing dir is tightened to 0700: it is about to
// hold private keys (its existing parents are left as they are).
func mkdir(dir string) error {
	dir = filepath.Clean(dir)
	if err := createDurable(dir); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	if err := os.Chmod(dir, modeDir); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	return syncDir(filepath.Dir(dir))
}

// createDurable creates the missing directories of dir, from the top, each
// made durable in its parent: a power cut must not take back a directory
// (and the keys in it) that a command reported written.
func createDurable(dir string) error {
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := createDurable(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, modeDir); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(parent)
}

// exists reports whether path exists; any error other than "not there"
// counts as existing, so callers refuse rather than overwrite.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func encodeKey(key any) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode key: %w", err)
	}
	return pemBlock("PRIVATE KEY", der), nil
}

func encodePublicKeys(keys ...ed25519.PublicKey) ([]byte, error) {
	var out []byte
	for _, k := range keys {
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			return nil, fmt.Errorf("encode public key: %w", err)
		}
		out = append(out, pemBlock("PUBLIC KEY", der)...)
	}
	return out, nil
}

// readBlocks returns the PEM blocks of type typ in path; none is an error.
func readBlocks(path, typ string) ([][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ders [][]byte
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type == typ {
			ders = append(ders, b.Bytes)
		}
	}
	if len(ders) == 0 {
		return nil, fmt.Errorf("%s: no %s block", path, typ)
	}
	return ders, nil
}

func readBlock(path, typ string) ([]byte, error) {
	ders, err := readBlocks(path, typ)
	if err != nil {
		return nil, err
	}
	return ders[0], nil
}

func readCert(path string) (*x509.Certificate, error) {
	der, err := readBlock(path, "CERTIFICATE")
	if err != nil {
		return nil, err
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// readPrivateKey never puts key material in its errors: only the path.
func readPrivateKey(path string) (any, error) {
	der, err := readBlock(path, "PRIVATE KEY")
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("%s: not a PKCS#8 private key", path)
	}
	return k, nil
}

func readECKey(path string) (*ecdsa.PrivateKey, error) {
	k, err := readPrivateKey(path)
	if err != nil {
		return nil, err
	}
	ec, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an ECDSA key", path)
	}
	return ec, nil
}

func readEd25519Key(path string) (ed25519.PrivateKey, error) {
	k, err := readPrivateKey(path)
	if err != nil {
		return nil, err
	}
	ed, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an Ed25519 key", path)
	}
	return ed, nil
}

// readPublicKeys reads every Ed25519 key of a central.pub.
func readPublicKeys(path string) ([]ed25519.PublicKey, error) {
	ders, err := readBlocks(path, "PUBLIC KEY")
	if err != nil {
		return nil, err
	}
	keys := make([]ed25519.PublicKey, 0, len(ders))
	for _, der := range ders {
		k, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		ed, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%s: not an Ed25519 public key", path)
		}
		keys = append(keys, ed)
	}
	return keys, nil
}
