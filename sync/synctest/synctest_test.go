package synctest_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/storeedge/storeedge/sync/synctest"
)

func TestMain(m *testing.M) { os.Exit(synctest.Main(m)) }

func TestBroker(t *testing.T) {
	b := synctest.StartBroker(t)
	b.Stop()
	if c, err := net.Dial("tcp", b.Addr); err == nil {
		c.Close()
		t.Fatal("broker still listening after Stop")
	}
	b.Start()
	c, err := net.Dial("tcp", b.Addr)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

func TestDatabaseURL(t *testing.T) {
	ctx := context.Background()
	for range 2 {
		conn, err := pgx.Connect(ctx, synctest.DatabaseURL(t))
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := conn.QueryRow(ctx, "SELECT 1").Scan(&n); err != nil || n != 1 {
			t.Fatalf("n=%d err=%v", n, err)
		}
		conn.Close(ctx)
	}
}

// StartBrokerWithConfig runs a given configuration (here a plain one);
// Reload re-reads it without a restart.
func TestStartBrokerWithConfig(t *testing.T) {
	port := synctest.FreePort(t)
	conf := filepath.Join(t.TempDir(), "given.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous true\n", port)), 0o600); err != nil {
		t.Fatal(err)
	}
	b := synctest.StartBrokerWithConfig(t, conf, port)
	if want := fmt.Sprintf("tcp://127.0.0.1:%d", port); b.URL != want {
		t.Fatalf("URL %s, want %s", b.URL, want)
	}
	b.Reload()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(b.Log(), "Reloading config") {
		if time.Now().After(deadline) {
			t.Fatalf("no reload in the log:\n%s", b.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Restart()
	c, err := net.Dial("tcp", b.Addr)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}
