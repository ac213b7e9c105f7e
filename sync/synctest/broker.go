package synctest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Broker is a private Mosquitto. Stop kills it with SIGKILL (an outage);
// Start brings it back on the same port with the same persistence file.
type Broker struct {
	URL  string
	Addr string

	tb   testing.TB
	bin  string
	conf string
	cmd  *exec.Cmd
	log  *lockedBuffer
	done chan struct{}
}

// lockedBuffer is the broker's stderr, read by tests while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// StartBroker starts a Mosquitto for the test; it is killed at cleanup.
func StartBroker(tb testing.TB) *Broker {
	tb.Helper()
	bin := Need(tb, "mosquitto", "mosquitto")
	dir := tb.TempDir()
	port := FreePort(tb)
	conf := fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location %s/\n"+
		"max_queued_messages 1000000\nmax_inflight_messages 100\nset_tcp_nodelay true\nlog_dest stderr\nlog_type error\nlog_type warning\n", port, dir)
	if os.Geteuid() == 0 {
		conf += "user root\n" // else mosquitto drops to "mosquitto", who cannot read the 0700 temp dir
	}
	b := &Broker{tb: tb, bin: bin, conf: filepath.Join(dir, "mosquitto.conf"),
		Addr: fmt.Sprintf("127.0.0.1:%d", port), URL: fmt.Sprintf("tcp://127.0.0.1:%d", port)}
	if err := os.WriteFile(b.conf, []byte(conf), 0o600); err != nil {
		tb.Fatal(err)
	}
	b.Start()
	tb.Cleanup(b.Stop)
	return b
}

// Start starts the broker (again) and waits until it listens.
func (b *Broker) Start() {
	b.tb.Helper()
	if b.cmd != nil {
		return
	}
	b.log = &lockedBuffer{}
	b.cmd = exec.Command(b.bin, "-c", b.conf)
	b.cmd.Stderr = b.log
	if err := b.cmd.Start(); err != nil {
		b.tb.Fatal(err)
	}
	b.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); close(done) }(b.cmd, b.done)
	if err := waitListening(b.Addr, 10*time.Second); err != nil {
		b.tb.Fatalf("mosquitto: %v\n%s", err, b.log)
	}
}

// Stop kills the broker with SIGKILL, as a crash or power cut would.
func (b *Broker) Stop() {
	if b.cmd == nil {
		return
	}
	_ = b.cmd.Process.Signal(syscall.SIGKILL)
	<-b.done
	b.cmd = nil
}

// Restart kills and starts the broker.
func (b *Broker) Restart() {
	b.Stop()
	b.Start()
}

// StartBrokerWithConfig starts a Mosquitto on the configuration at
// confPath (which must listen on 127.0.0.1:port), as the product would run
// it, killed at cleanup. It runs a copy with only what tests need appended:
// logging to stderr and, as root, `user root`. URL is ssl:// when the
// configuration has a certfile.
func StartBrokerWithConfig(tb testing.TB, confPath string, port int) *Broker {
	tb.Helper()
	bin := Need(tb, "mosquitto", "mosquitto")
	conf, err := os.ReadFile(confPath)
	if err != nil {
		tb.Fatal(err)
	}
	scheme := "tcp"
	if hasDirective(string(conf), "certfile") {
		scheme = "ssl"
	}
	conf = append(conf, "\n# appended by synctest\nlog_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\nlog_type information\n"...)
	if os.Geteuid() == 0 {
		conf = append(conf, "user root\n"...) // else mosquitto drops to "mosquitto", who cannot read the 0700 dirs
	}
	b := &Broker{tb: tb, bin: bin, conf: filepath.Join(tb.TempDir(), "mosquitto.conf"),
		Addr: fmt.Sprintf("127.0.0.1:%d", port), URL: fmt.Sprintf("%s://127.0.0.1:%d", scheme, port)}
	if err := os.WriteFile(b.conf, conf, 0o600); err != nil {
		tb.Fatal(err)
	}
	b.Start()
	tb.Cleanup(func() {
		b.Stop()
		if tb.Failed() {
			tb.Logf("mosquitto:\n%s", b.log)
		}
	})
	return b
}

func hasDirective(conf, name string) bool {
	sc := bufio.NewScanner(strings.NewReader(conf))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) > 0 && f[0] == name {
			return true
		}
	}
	return false
}

// Reload sends SIGHUP: Mosquitto re-reads its configuration (and, 2.0.11
// does, its certificates and CRL). It returns at once; the broker reloads
// on its own time.
func (b *Broker) Reload() {
	b.tb.Helper()
	if b.cmd == nil {
		b.tb.Fatal("reload: broker not running")
	}
	if err := b.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		b.tb.Fatal(err)
	}
}

// Log is what the broker wrote to stderr since it last started.
func (b *Broker) Log() string { return b.log.String() }
