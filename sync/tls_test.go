package sync_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	storesync "github.com/storeedge/storeedge/sync"
	"github.com/storeedge/storeedge/sync/synctest"
)

// startTLSBroker runs a Mosquitto that speaks only TLS and wants a client
// certificate from the test CA; it returns the ssl:// URL.
func startTLSBroker(t *testing.T, pki storesync.PKI) string {
	t.Helper()
	bin := synctest.Need(t, "mosquitto", "mosquitto") // fails, never skips, in CI
	port := synctest.FreePort(t)
	conf := fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous true\ncafile %s\ncertfile %s\nkeyfile %s\n"+
		"require_certificate true\npersistence false\nlog_dest stderr\nlog_type error\n", port, pki.CA, pki.ServerCert, pki.ServerKey)
	if os.Geteuid() == 0 {
		conf += "user root\n"
	}
	path := filepath.Join(t.TempDir(), "mosquitto.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", path)
	var log bytes.Buffer
	cmd.Stderr = &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("mosquitto:\n%s", log.String())
		}
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	waitFor(t, 10*time.Second, "the TLS broker to listen", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return fmt.Sprintf("ssl://127.0.0.1:%d", port)
}

// The relay connects over TLS with the CA and a client certificate, and
// not without the certificate.
func TestRelay_TLS(t *testing.T) {
	pki := storesync.WritePKI(t, t.TempDir())
	url := startTLSBroker(t, pki)
	db := MustOpenDB(t)
	connected := func(r *storesync.Relay) bool {
		st, err := r.SyncStatus(context.Background())
		return err == nil && st.Connected
	}

	t.Run("ClientCert", func(t *testing.T) {
		r, _ := newRelay(t, url, db)
		r.CAFile, r.CertFile, r.KeyFile = pki.CA, pki.ClientCert, pki.ClientKey
		if err := r.Open(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 20*time.Second, "a TLS connection", func() bool { return connected(r) })
	})
	t.Run("NoClientCert", func(t *testing.T) {
		r, _ := newRelay(t, url, db)
		r.CAFile = pki.CA
		if err := r.Open(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1500 * time.Millisecond)
		if connected(r) {
			t.Fatal("connected without a client certificate")
		}
	})
}
