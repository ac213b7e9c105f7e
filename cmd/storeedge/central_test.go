package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/sync/synctest"
)

// centralMain returns a Main with env as its whole environment.
func centralMain(env map[string]string) (*Main, *bytes.Buffer, *bytes.Buffer) {
	var stdout, stderr bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return env[k] }}
	return m, &stdout, &stderr
}

func TestCentral_Usage(t *testing.T) {
	db := "postgres://u@127.0.0.1:5432/x"
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string // in stderr
	}{
		{"NoBroker", []string{"--database-url", db}, nil, "--broker (STOREEDGE_BROKER) is required"},
		{"NoDatabase", []string{"--broker", "tcp://b:1883"}, nil, "--database-url (STOREEDGE_DATABASE_URL) is required"},
		{"BadBroker", []string{"--broker", "http://b", "--database-url", db}, nil, "--broker"},
		{"BadDatabase", []string{"--broker", "tcp://b:1883", "--database-url", "mysql://x/y"}, nil, "--database-url"},
		{"BadListen", []string{"--broker", "tcp://b:1883", "--database-url", db, "--listen", "nope"}, nil, "--listen"},
		{"BadWorkers", nil, map[string]string{"STOREEDGE_BROKER": "tcp://b:1883", "STOREEDGE_DATABASE_URL": db, "STOREEDGE_WORKERS": "0"}, "--workers"},
		{"BadLogLevel", []string{"--broker", "tcp://b:1883", "--database-url", db, "--log-level", "loud"}, nil, "--log-level"},
		{"CertWithoutKey", []string{"--broker", "ssl://b:8883", "--database-url", db, "--cert-file", "c.pem"}, nil, "--cert-file and --key-file"},
		{"MissingCAFile", []string{"--broker", "ssl://b:8883", "--database-url", db, "--ca-file", "/nonexistent/ca.pem"}, nil, "--ca-file"},
		{"BadWebhook", []string{"--broker", "tcp://b:1883", "--database-url", db, "--crm-webhook", "crm"}, nil, "--crm-webhook"},
		{"UnknownFlag", []string{"--bogus"}, nil, "bogus"},
		{"Argument", []string{"--broker", "tcp://b:1883", "--database-url", db, "extra"}, nil, `unexpected argument "extra"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _, stderr := centralMain(tc.env)
			if code := m.Run(context.Background(), append([]string{"central"}, tc.args...)); code != 2 {
				t.Fatalf("exit %d, want 2: %s", code, stderr)
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("stderr %q, want it to mention %q", stderr, tc.want)
			}
		})
	}
}

func TestCentral_FlagBeatsEnv(t *testing.T) {
	m, _, _ := centralMain(map[string]string{"STOREEDGE_LISTEN": "0.0.0.0:1", "STOREEDGE_BROKER": "tcp://env:1883",
		"STOREEDGE_DATABASE_URL": "postgres://env/db", "STOREEDGE_PASSWORD": "secret"})
	c, err := m.parseCentralConfig([]string{"--listen", "127.0.0.1:2"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:2" || c.Broker != "tcp://env:1883" || c.Password != "secret" || c.Workers != "8" {
		t.Fatalf("config %+v", c)
	}
}

// TestCentral_Run starts `storeedge central` in-process on a real broker
// and database, from the environment, and stops it with its context.
func TestCentral_Run(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: needs Mosquitto and PostgreSQL; not in -short")
	}
	broker := synctest.StartBroker(t)
	m, stdout, stderr := centralMain(map[string]string{"STOREEDGE_BROKER": broker.URL,
		"STOREEDGE_DATABASE_URL": synctest.DatabaseURL(t), "STOREEDGE_LOG_LEVEL": "warn"})
	urls := make(chan string, 1)
	m.Ready = func(url string) { urls <- url }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	exit := make(chan int, 1)
	go func() { exit <- m.Run(ctx, []string{"central", "--listen", "127.0.0.1:0"}) }()
	var url string
	select {
	case url = <-urls:
	case code := <-exit:
		t.Fatalf("central exited %d: %s", code, stderr)
	case <-time.After(30 * time.Second):
		t.Fatal("central did not start")
	}
	resp, err := http.Get(url + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	if code := <-exit; code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "storeedge central: serving on " + url + "\n"; stdout.String() != want {
		t.Fatalf("stdout %q, want %q", stdout, want)
	}
}
