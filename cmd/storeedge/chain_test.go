package main_test

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/storeedge/storeedge/sync/synctest"
)

// chain is a test chain set up as docs/SYNC.md tells an operator to:
// `central init`, `central broker-config`, Mosquitto started on that
// configuration (mTLS, identity as username, the per-shop ACL), a shop
// identity from `central enroll` per shop, and central with --pki.
type chain struct {
	pki    string
	broker *synctest.Broker
	dbURL  string
}

// newChain sets up the PKI, the broker and a database.
func newChain(tb testing.TB) *chain {
	tb.Helper()
	dir := tb.TempDir()
	c := &chain{pki: filepath.Join(dir, "pki"), dbURL: synctest.DatabaseURL(tb)}
	mustRun(tb, "central", "init", "--pki", c.pki)
	port := synctest.FreePort(tb)
	out := filepath.Join(dir, "broker")
	mustRun(tb, "central", "broker-config", "--pki", c.pki, "--host", "127.0.0.1,localhost",
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--out", out)
	c.broker = synctest.StartBrokerWithConfig(tb, filepath.Join(out, "mosquitto.conf"), port)
	return c
}

// enroll issues a shop's identity and returns its directory.
func (c *chain) enroll(tb testing.TB, store string) string {
	tb.Helper()
	out := filepath.Join(tb.TempDir(), "identity")
	mustRun(tb, "central", "enroll", "--pki", c.pki, "--store", store, "--out", out)
	return out
}

// shopArgs are a shop's serve flags to sync through the chain's broker,
// with a fresh identity.
func (c *chain) shopArgs(tb testing.TB, store string) []string {
	tb.Helper()
	return []string{"--broker", c.broker.URL, "--sync-identity", c.enroll(tb, store)}
}

// via is a broker URL through a TCP proxy in front of the chain's broker
// (TLS passes through it untouched).
func (c *chain) via(p *synctest.Proxy) string {
	return "ssl://" + strings.TrimPrefix(p.URL(), "tcp://")
}

// central starts a central replica on the chain.
func (c *chain) central(tb testing.TB, args ...string) *proc {
	tb.Helper()
	return startCentral(tb, c.broker.URL, c.dbURL, append([]string{"--pki", c.pki}, args...)...)
}

// adminToken adds an office token with the admin role.
func (c *chain) adminToken(tb testing.TB, name string) string {
	tb.Helper()
	return strings.TrimSpace(mustRun(tb, "central", "token", "add", "--database-url", c.dbURL, "--name", name, "--role", "admin"))
}
