package synctest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// cluster is the private PostgreSQL of this test binary, started on first
// use and stopped by Main.
var cluster struct {
	once sync.Once
	url  string // of the "postgres" database
	dir  string
	ctl  string
	as   []string // runuser prefix when we are root
	err  error
}

// Main runs the tests and then stops the private PostgreSQL, if one was
// started. Use it from TestMain: os.Exit(synctest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if cluster.dir != "" {
		stopCluster()
	}
	return code
}

// DatabaseURL returns the URL of a new, empty database. With
// STOREEDGE_TEST_DATABASE_URL set it creates the database on that server;
// otherwise on a private cluster of this test binary.
func DatabaseURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("STOREEDGE_TEST_DATABASE_URL")
	if base == "" {
		cluster.once.Do(func() { startCluster(tb) })
		if cluster.err != nil {
			tb.Fatalf("postgres: %v", cluster.err)
		}
		base = cluster.url
	}
	name := "storeedge_test_" + randomHex(6)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("postgres: connect %s: %v", base, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("postgres: create database: %v", err)
	}
	cfg, err := pgx.ParseConfig(base)
	if err != nil {
		tb.Fatal(err)
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, name)
}

func startCluster(tb testing.TB) {
	initdb := Need(tb, "initdb", "postgresql", "/usr/lib/postgresql/*/bin/initdb")
	cluster.ctl = filepath.Join(filepath.Dir(initdb), "pg_ctl")
	dir, err := os.MkdirTemp("", "storeedge-pg-")
	if err != nil {
		cluster.err = err
		return
	}
	cluster.dir = dir
	if os.Geteuid() == 0 { // initdb refuses to run as root
		if err := chownTo(dir, "postgres"); err != nil {
			cluster.err = err
			return
		}
		cluster.as = []string{"runuser", "-u", "postgres", "--"}
	}
	port := FreePort(tb)
	data := filepath.Join(dir, "data")
	if out, err := run(append(cluster.as, initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")...); err != nil {
		cluster.err = fmt.Errorf("initdb: %v\n%s", err, out)
		return
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", port, dir)
	if out, err := run(append(cluster.as, cluster.ctl, "-D", data, "-l", filepath.Join(dir, "log"), "-o", opts, "-w", "start")...); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		cluster.err = fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
		return
	}
	cluster.url = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
}

func stopCluster() {
	_, _ = run(append(cluster.as, cluster.ctl, "-D", filepath.Join(cluster.dir, "data"), "-m", "immediate", "stop")...)
	os.RemoveAll(cluster.dir)
}

func run(args ...string) ([]byte, error) {
	var out bytes.Buffer
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.Bytes(), err
}

func chownTo(dir, name string) error {
	u, err := user.Lookup(name)
	if err != nil {
		return fmt.Errorf("user %s: %w (install postgresql)", name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(dir, uid, gid)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
