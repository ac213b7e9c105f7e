package synctest_test

import (
	"context"
	"net"
	"os"
	"testing"

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
