package pki

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"path/filepath"
	"slices"
	"time"
)

// CentralCN is central's broker identity: the CN of its client certificate
// and so its MQTT username. No shop may have it.
const CentralCN = "central"

const caCN = "StoreEdge chain CA"

// Validity periods. NotBefore is an hour back so a device whose clock lags
// a little still accepts a fresh certificate.
const (
	clockSkew  = time.Hour
	caYears    = 10
	leafYears  = 2
	serialBits = 128
)

// authority is the chain CA: it issues every certificate and signs the CRL.
type authority struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newECKey() (*ecdsa.PrivateKey, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return k, nil
}

// randomSerial is 128 random bits: serials must not be guessable (RFC 5280
// asks for at least 64 bits of entropy) and must be positive.
func randomSerial() (*big.Int, error) {
	limit := new(big.Int).Lsh(big.NewInt(1), serialBits)
	for {
		n, err := rand.Int(rand.Reader, limit)
		if err != nil {
			return nil, fmt.Errorf("serial: %w", err)
		}
		if n.Sign() > 0 {
			return n, nil
		}
	}
}

// serialHex is how serials appear in file names, the CLI and the CRL code.
func serialHex(n *big.Int) string { return n.Text(16) }

func newAuthority(now time.Time) (*authority, error) {
	key, err := newECKey()
	if err != nil {
		return nil, err
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: caCN},
		NotBefore: now.Add(-clockSkew), NotAfter: now.AddDate(caYears, 0, 0),
		IsCA: true, BasicConstraintsValid: true, MaxPathLenZero: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("create CA: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("create CA: %w", err)
	}
	return &authority{cert: cert, key: key}, nil
}

// loadAuthority reads the CA of a PKI directory; ErrNoCA when there is none.
func loadAuthority(dir string) (*authority, error) {
	cert, err := readCert(filepath.Join(dir, fileCACert))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", dir, ErrNoCA)
	}
	if err != nil {
		return nil, err
	}
	key, err := readECKey(filepath.Join(dir, fileCAKey))
	if err != nil {
		return nil, err
	}
	if !key.PublicKey.Equal(cert.PublicKey) {
		return nil, fmt.Errorf("%s: %s does not match %s", dir, fileCAKey, fileCACert)
	}
	return &authority{cert: cert, key: key}, nil
}

// issue signs a leaf certificate for pub. It never outlives the CA, since a
// chain is only as valid as its shortest link.
func (a *authority) issue(cn string, usage x509.ExtKeyUsage, pub any, now time.Time, sans ...func(*x509.Certificate)) (*x509.Certificate, []byte, error) {
	serial, err := randomSerial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: cn},
		NotBefore: now.Add(-clockSkew), NotAfter: now.AddDate(leafYears, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
		BasicConstraintsValid: true}
	if tmpl.NotAfter.After(a.cert.NotAfter) {
		tmpl.NotAfter = a.cert.NotAfter
	}
	for _, f := range sans {
		f(tmpl)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, pub, a.key)
	if err != nil {
		return nil, nil, fmt.Errorf("issue certificate for %s: %w", cn, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("issue certificate for %s: %w", cn, err)
	}
	return cert, der, nil
}

// initFiles are what Init writes, in order. The CA comes last so that
// every other file already exists once ca.key does.
var initFiles = []string{fileCentralKey, fileCentralCert, fileSigningKey, fileCentralPub, fileCRL, fileCACert, fileCAKey}

// Init creates a PKI directory: the chain CA, central's client certificate,
// central's Ed25519 signing key and its central.pub, an empty CRL and the
// stores/ registry. It refuses (ErrExists) when any of those files exists,
// so a CA is never overwritten, nor a shop's identity directory taken for
// a PKI directory.
func Init(dir string) error {
	for _, name := range slices.Concat(initFiles, []string{dirStores}) {
		if p := filepath.Join(dir, name); exists(p) {
			return fmt.Errorf("init %s: %s %w", dir, p, ErrExists)
		}
	}
	files, err := initContent(time.Now())
	if err != nil {
		return err
	}
	if err := mkdir(dir); err != nil {
		return err
	}
	if err := mkdir(filepath.Join(dir, dirStores)); err != nil {
		return err
	}
	for _, name := range initFiles {
		f := files[name]
		if err := writeFile(filepath.Join(dir, name), f.data, f.mode); err != nil {
			return err
		}
	}
	return nil
}

type fileContent struct {
	data []byte
	mode fs.FileMode
}

// initContent makes every key and certificate of Init in memory, so that a
// failure there writes nothing.
func initContent(now time.Time) (map[string]fileContent, error) {
	ca, err := newAuthority(now)
	if err != nil {
		return nil, err
	}
	files := map[string]fileContent{}
	caKey, err := encodeKey(ca.key)
	if err != nil {
		return nil, err
	}
	files[fileCAKey] = fileContent{caKey, modePrivate}
	files[fileCACert] = fileContent{pemBlock("CERTIFICATE", ca.cert.Raw), modePublic}
	if err := centralContent(ca, now, files); err != nil {
		return nil, err
	}
	if err := signingContent(files); err != nil {
		return nil, err
	}
	crl, err := ca.signCRL(nil, big.NewInt(1), now)
	if err != nil {
		return nil, err
	}
	files[fileCRL] = fileContent{crl, modePublic}
	return files, nil
}

func centralContent(ca *authority, now time.Time, files map[string]fileContent) error {
	key, err := newECKey()
	if err != nil {
		return err
	}
	_, der, err := ca.issue(CentralCN, x509.ExtKeyUsageClientAuth, &key.PublicKey, now)
	if err != nil {
		return err
	}
	pemKey, err := encodeKey(key)
	if err != nil {
		return err
	}
	files[fileCentralKey] = fileContent{pemKey, modePrivate}
	files[fileCentralCert] = fileContent{pemBlock("CERTIFICATE", der), modePublic}
	return nil
}

func signingContent(files map[string]fileContent) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("generate signing key: %w", err)
	}
	pemKey, err := encodeKey(priv)
	if err != nil {
		return err
	}
	pemPub, err := encodePublicKeys(pub)
	if err != nil {
		return err
	}
	files[fileSigningKey] = fileContent{pemKey, modePrivate}
	files[fileCentralPub] = fileContent{pemPub, modePublic}
	return nil
}
