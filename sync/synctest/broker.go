package synctest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
	log  *bytes.Buffer
	done chan struct{}
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
	b.log = &bytes.Buffer{}
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
