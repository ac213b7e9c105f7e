package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/sync/pki"
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
		{"NoPKI", []string{"--broker", "tcp://b:1883", "--database-url", db}, nil, "--pki (STOREEDGE_PKI) is required"},
		{"PKIAndCertFiles", []string{"--broker", "ssl://b:8883", "--database-url", db, "--pki", "p", "--ca-file", "/etc/hostname"}, nil, "leave --ca-file"},
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
		"STOREEDGE_DATABASE_URL": "postgres://env/db", "STOREEDGE_PASSWORD": "secret", "STOREEDGE_INSECURE_SYNC": "true"})
	c, err := m.parseCentralConfig([]string{"--listen", "127.0.0.1:2", "--insecure-sync=false", "--pki", "/p"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:2" || c.Broker != "tcp://env:1883" || c.Password != "secret" || c.Workers != "8" || c.InsecureSync || c.PKI != "/p" {
		t.Fatalf("config %+v", c)
	}
}

func TestCentral_TokenUsage(t *testing.T) {
	db := "postgres://u@127.0.0.1:5432/x"
	for _, tc := range []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"NoCommand", []string{"token"}, "want add or revoke"},
		{"UnknownCommand", []string{"token", "list"}, "want add or revoke"},
		{"NoDatabase", []string{"token", "add", "--name", "a", "--role", "admin"}, "--database-url (STOREEDGE_DATABASE_URL) is required"},
		{"NoName", []string{"token", "add", "--database-url", db, "--role", "admin"}, "--name is required"},
		{"NoRole", []string{"token", "add", "--database-url", db, "--name", "a"}, `--role: "" is not admin or viewer`},
		{"ShopRole", []string{"token", "add", "--database-url", db, "--name", "a", "--role", "shop"}, `--role: "shop"`},
		{"Argument", []string{"token", "add", "--database-url", db, "--name", "a", "--role", "admin", "x"}, `unexpected argument "x"`},
		{"RevokeNoName", []string{"token", "revoke", "--database-url", db}, "--name is required"},
		{"RevokeRole", []string{"token", "revoke", "--database-url", db, "--name", "a", "--role", "admin"}, "-role"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, stdout, stderr := centralMain(nil)
			if code := m.Run(context.Background(), append([]string{"central"}, tc.args...)); code != 2 {
				t.Fatalf("exit %d, want 2: %s", code, stderr)
			}
			if !strings.Contains(stderr.String(), tc.want) || stdout.Len() != 0 {
				t.Fatalf("stdout %q, stderr %q, want it to mention %q", stdout, stderr, tc.want)
			}
		})
	}
}

// centralToken runs `storeedge central token ARGS...` in-process and
// returns its exit code, stdout and stderr.
func centralToken(dbURL string, args ...string) (int, string, string) {
	m, stdout, stderr := centralMain(map[string]string{"STOREEDGE_DATABASE_URL": dbURL})
	code := m.Run(context.Background(), append([]string{"central", "token"}, args...))
	return code, stdout.String(), stderr.String()
}

// apiStatus is the status of GET url with token as its Bearer credential.
func apiStatus(t *testing.T, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestCentral_Run makes an office token on a fresh database, starts
// `storeedge central` in-process on a real broker and that database, from
// the environment, checks the token opens the API until it is revoked,
// and stops central with its context.
func TestCentral_Run(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: needs Mosquitto and PostgreSQL; not in -short")
	}
	broker := synctest.StartBroker(t)
	dbURL := synctest.DatabaseURL(t)
	code, token, errs := centralToken(dbURL, "add", "--name", "office", "--role", "viewer")
	if code != 0 || !regexp.MustCompile(`^seo_[A-Za-z0-9_-]{43}\n$`).MatchString(token) || !strings.Contains(errs, "shown only this once") {
		t.Fatalf("token add: exit %d, stdout %q, stderr %q", code, token, errs)
	}
	token = strings.TrimSpace(token)
	if code, out, errs := centralToken(dbURL, "add", "--name", "office", "--role", "admin"); code != 1 || out != "" || !strings.Contains(errs, "exists already") {
		t.Fatalf("token add again: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	pkiDir := filepath.Join(t.TempDir(), "pki")
	if err := pki.Init(pkiDir); err != nil {
		t.Fatal(err)
	}
	m, stdout, stderr := centralMain(map[string]string{"STOREEDGE_BROKER": broker.URL,
		"STOREEDGE_DATABASE_URL": dbURL, "STOREEDGE_LOG_LEVEL": "warn", "STOREEDGE_PKI": pkiDir})
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
	if got := apiStatus(t, url+"/api/v1/stores", token); got != 200 {
		t.Fatalf("GET stores with the token: %d", got)
	}
	if got := apiStatus(t, url+"/api/v1/stores/msk-001/downlink?stream=customers", ""); got != 401 {
		t.Fatalf("pull without a token: %d, want 401", got)
	}
	if code, _, errs := centralToken(dbURL, "revoke", "--name", "office"); code != 0 {
		t.Fatalf("token revoke: exit %d: %s", code, errs)
	}
	if got := apiStatus(t, url+"/api/v1/stores", token); got != 401 {
		t.Fatalf("GET stores with the revoked token: %d, want 401", got)
	}
	cancel()
	if code := <-exit; code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "storeedge central: serving on " + url + "\n"; stdout.String() != want {
		t.Fatalf("stdout %q, want %q", stdout, want)
	}
}
