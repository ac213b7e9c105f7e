package sync

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestCheckBroker(t *testing.T) {
	for _, tt := range []struct {
		url string
		ok  bool
	}{
		{"tcp://127.0.0.1:1883", true},
		{"ssl://broker.example:8883", true},
		{"mqtt://broker", true},
		{"mqtts://broker:8883", true},
		{"ws://broker/mqtt", true},
		{"wss://broker/mqtt", true},
		{"http://broker", false},
		{"127.0.0.1:1883", false},
		{"tcp://", false},
		{"://x", false},
	} {
		t.Run(tt.url, func(t *testing.T) {
			if err := checkBroker(tt.url); (err == nil) != tt.ok {
				t.Fatalf("checkBroker=%v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestTLSConfig(t *testing.T) {
	dir := t.TempDir()
	pki := WritePKI(t, dir)
	t.Run("None", func(t *testing.T) {
		cfg, err := (&Relay{}).tlsConfig()
		if cfg != nil || err != nil {
			t.Fatalf("cfg=%v err=%v", cfg, err)
		}
	})
	t.Run("CAAndClientCert", func(t *testing.T) {
		cfg, err := (&Relay{CAFile: pki.CA, CertFile: pki.ClientCert, KeyFile: pki.ClientKey}).tlsConfig()
		if err != nil {
			t.Fatal(err)
		}
		if cfg.RootCAs == nil || len(cfg.Certificates) != 1 {
			t.Fatalf("cfg=%+v", cfg)
		}
	})
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*Relay{
		"MissingCA":  {CAFile: filepath.Join(dir, "none.pem")},
		"CANotPEM":   {CAFile: notPEM},
		"CertNoKey":  {CertFile: pki.ClientCert},
		"KeyNoCert":  {KeyFile: pki.ClientKey},
		"BadKeyPair": {CertFile: pki.ClientCert, KeyFile: pki.ServerKey},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := r.tlsConfig(); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestClip(t *testing.T) {
	if got := clip([]byte("hello"), 3); got != "hel" {
		t.Fatalf("clip=%q", got)
	}
	if got := clip([]byte{'a', 0xff, 'b'}, 10); !utf8.ValidString(got) || !strings.HasPrefix(got, "a") {
		t.Fatalf("clip=%q", got)
	}
	if got := clip([]byte("жж"), 3); !utf8.ValidString(got) {
		t.Fatalf("clip cut a rune: %q", got)
	}
}

// fakeToken is a paho token completed by the test.
type fakeToken struct {
	done chan struct{}
	err  error
}

func (f *fakeToken) Wait() bool                     { <-f.done; return true }
func (f *fakeToken) WaitTimeout(time.Duration) bool { panic("never wait on a token") }
func (f *fakeToken) Done() <-chan struct{}          { return f.done }
func (f *fakeToken) Error() error                   { return f.err }

func TestAwaitToken(t *testing.T) {
	ctx := context.Background()
	t.Run("Done", func(t *testing.T) {
		tok := &fakeToken{done: make(chan struct{}), err: errors.New("refused")}
		close(tok.done)
		if err := awaitToken(ctx, tok, time.Second); err == nil || err.Error() != "refused" {
			t.Fatalf("err=%v", err)
		}
		if done, err := tokenState(tok); !done || err == nil {
			t.Fatalf("tokenState=%v,%v", done, err)
		}
	})
	t.Run("Timeout", func(t *testing.T) {
		tok := &fakeToken{done: make(chan struct{})}
		if err := awaitToken(ctx, tok, 10*time.Millisecond); !errors.Is(err, errTokenTimeout) {
			t.Fatalf("err=%v", err)
		}
		if done, _ := tokenState(tok); done {
			t.Fatal("pending token reported done")
		}
	})
	t.Run("Cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := awaitToken(ctx, &fakeToken{done: make(chan struct{})}, time.Hour); !errors.Is(err, context.Canceled) {
			t.Fatalf("err=%v", err)
		}
	})
}

func TestSleepCtx(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	if !sleepCtx(ctx, time.Millisecond) {
		t.Fatal("short sleep reported cancelled")
	}
	cancel()
	start := time.Now()
	if sleepCtx(ctx, time.Hour) || time.Since(start) > time.Second {
		t.Fatal("cancelled sleep slept")
	}
}
