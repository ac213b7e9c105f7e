package pki

import (
	"crypto/ecdsa"
	"crypto/x509"
	"fmt"
	"path/filepath"
	"sync"
	"time"
)

// DefaultRefresh is how long a Registry trusts what it read: a new
// enrollment or a revocation takes effect at central within this time.
const DefaultRefresh = 5 * time.Second

// Registry answers which public keys may sign for a store: those of its
// enrolled certificates under DIR/stores/ID/ that the CA issued, that are
// not in the CRL and have not expired. Safe for concurrent use. Set the
// fields before the first call.
type Registry struct {
	Dir     string
	Refresh time.Duration    // how long a read stays cached; DefaultRefresh
	Now     func() time.Time // decides expiry; time.Now

	mu     sync.Mutex
	trust  *trust
	stores map[string]*enrolled
}

// trust is the CA and the revoked serials, read together.
type trust struct {
	roots   *x509.CertPool
	revoked map[string]bool
	at      time.Time
}

// enrolled is a store's unrevoked certificates as last read.
type enrolled struct {
	certs []*x509.Certificate
	at    time.Time
}

// NewRegistry returns a Registry of the PKI directory dir.
func NewRegistry(dir string) *Registry {
	return &Registry{Dir: dir, Refresh: DefaultRefresh, Now: time.Now, stores: map[string]*enrolled{}}
}

// StoreKeys returns the keys that may sign for store now. A store id that
// is not one, is not enrolled, or whose certificates are all revoked or
// expired gives ErrNotEnrolled; a PKI directory it cannot read gives
// another error, so a caller can tell "no" from "cannot tell".
func (r *Registry) StoreKeys(store string) ([]*ecdsa.PublicKey, error) {
	if err := checkStore(store); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotEnrolled, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.defaults()
	now := r.Now()
	e, err := r.enrolled(store, now)
	if err != nil {
		return nil, err
	}
	var keys []*ecdsa.PublicKey
	for _, c := range e.certs {
		if now.Before(c.NotAfter) && !now.Before(c.NotBefore) {
			keys = append(keys, c.PublicKey.(*ecdsa.PublicKey))
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: %w", store, ErrNotEnrolled)
	}
	return keys, nil
}

// defaults lets a Registry literal work too.
func (r *Registry) defaults() {
	if r.stores == nil {
		r.stores = map[string]*enrolled{}
	}
	if r.Refresh <= 0 {
		r.Refresh = DefaultRefresh
	}
	if r.Now == nil {
		r.Now = time.Now
	}
}

// enrolled returns the store's unrevoked certificates, from the cache while
// it is fresh. Only stores that have a registry directory are cached, so
// made-up ids (shop tokens are input from anyone) cannot grow the map.
func (r *Registry) enrolled(store string, now time.Time) (*enrolled, error) {
	if e, ok := r.stores[store]; ok && now.Sub(e.at) < r.Refresh && !now.Before(e.at) {
		return e, nil
	}
	t, err := r.readTrust(now)
	if err != nil {
		return nil, err
	}
	certs, err := storeCerts(r.Dir, store)
	if err != nil {
		return nil, err
	}
	e := &enrolled{at: now}
	for _, c := range certs {
		if usable(c, store, t, now) {
			e.certs = append(e.certs, c)
		}
	}
	if len(certs) > 0 {
		r.stores[store] = e
	} else {
		delete(r.stores, store)
	}
	return e, nil
}

// usable: issued by the CA to this store for client authentication, an
// ECDSA key, and not revoked. Expiry is checked at each call instead.
func usable(c *x509.Certificate, store string, t *trust, now time.Time) bool {
	if _, ok := c.PublicKey.(*ecdsa.PublicKey); !ok || c.Subject.CommonName != store || t.revoked[serialHex(c.SerialNumber)] {
		return false
	}
	_, err := c.Verify(x509.VerifyOptions{Roots: t.roots, CurrentTime: withinValidity(c, now),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	return err == nil
}

// readTrust re-reads the CA and the CRL when the cached copy is stale.
func (r *Registry) readTrust(now time.Time) (*trust, error) {
	if t := r.trust; t != nil && now.Sub(t.at) < r.Refresh && !now.Before(t.at) {
		return t, nil
	}
	ca, err := readCert(filepath.Join(r.Dir, fileCACert))
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	crl, err := readCRL(filepath.Join(r.Dir, fileCRL), ca)
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	r.trust = &trust{roots: roots, revoked: revokedSerials(crl), at: now}
	return r.trust, nil
}
