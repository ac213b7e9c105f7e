package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runPKI runs `storeedge central ARGS...` through Main and returns the exit
// code, stdout and stderr.
func runPKI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	m, stdout, stderr := centralMain(env)
	code := m.Run(context.Background(), append([]string{"central"}, args...))
	if strings.Contains(stdout.String(), "PRIVATE KEY") || strings.Contains(stderr.String(), "PRIVATE KEY") {
		t.Fatalf("central %v printed a private key", args)
	}
	return code, stdout.String(), stderr.String()
}

// mustPKI runs a command that must succeed and print one line.
func mustPKI(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := runPKI(t, nil, args...)
	if code != 0 {
		t.Fatalf("central %v: exit %d: %s", args, code, errs)
	}
	if strings.Count(out, "\n") != 1 {
		t.Fatalf("central %v printed %q, want one line", args, out)
	}
	return out
}

func mustExist(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%v", err)
		}
	}
}

func TestCentralPKI_Commands(t *testing.T) {
	tmp := t.TempDir()
	dir, shop, broker := filepath.Join(tmp, "pki"), filepath.Join(tmp, "msk-001"), filepath.Join(tmp, "broker")

	out := mustPKI(t, "init", "--pki", dir)
	mustExist(t, dir, "ca.crt", "ca.key", "central.crt", "central.key", "central-signing.key", "central.pub", "crl.pem", "stores")
	if !strings.Contains(out, dir) {
		t.Errorf("init said %q, want it to name %s", out, dir)
	}
	if code, _, errs := runPKI(t, nil, "init", "--pki", dir); code != 1 || !strings.Contains(errs, "already exists") {
		t.Fatalf("second init: exit %d %q, want 1 and already exists", code, errs)
	}

	out = mustPKI(t, "enroll", "--pki", dir, "--store", "msk-001", "--out", shop)
	mustExist(t, shop, "store.crt", "store.key", "ca.crt", "central.pub")
	serials, _ := os.ReadDir(filepath.Join(dir, "stores", "msk-001"))
	if len(serials) != 1 || !strings.Contains(out, strings.TrimSuffix(serials[0].Name(), ".crt")) {
		t.Fatalf("enroll said %q; registry %v", out, serials)
	}
	serial := strings.TrimSuffix(serials[0].Name(), ".crt")

	out = mustPKI(t, "broker-config", "--pki", dir, "--host", "mqtt.example.ru,10.0.0.2", "--out", broker, "--port", "18883", "--bind", "10.0.0.2")
	mustExist(t, broker, "mosquitto.conf", "acl", "server.crt", "server.key", "ca.crt", "crl.pem")
	if conf, _ := os.ReadFile(filepath.Join(broker, "mosquitto.conf")); !strings.Contains(string(conf), "\nlistener 18883 10.0.0.2\n") {
		t.Fatalf("mosquitto.conf:\n%s", conf)
	}
	if !strings.Contains(out, "mosquitto -c") {
		t.Errorf("broker-config said %q", out)
	}

	crlBefore, _ := os.ReadFile(filepath.Join(broker, "crl.pem"))
	out = mustPKI(t, "revoke", "--pki", dir, "--store", "msk-001", "--serial", serial, "--broker-dir", broker)
	if !strings.Contains(out, serial) || !strings.Contains(out, "SIGHUP") {
		t.Errorf("revoke said %q", out)
	}
	crlAfter, _ := os.ReadFile(filepath.Join(broker, "crl.pem"))
	central, _ := os.ReadFile(filepath.Join(dir, "crl.pem"))
	if string(crlAfter) == string(crlBefore) || string(crlAfter) != string(central) {
		t.Fatal("--broker-dir did not refresh the broker's crl.pem")
	}
	if out = mustPKI(t, "revoke", "--pki", dir, "--store", "msk-001"); !strings.Contains(out, "nothing left") {
		t.Errorf("revoking again said %q", out)
	}

	pub, _ := os.ReadFile(filepath.Join(dir, "central.pub"))
	mustPKI(t, "rotate-signing-key", "--pki", dir, "--stage")
	staged, _ := os.ReadFile(filepath.Join(dir, "central.pub"))
	if strings.Count(string(staged), "BEGIN PUBLIC KEY") != 2 || !strings.HasPrefix(string(staged), string(pub)) {
		t.Fatalf("central.pub after --stage:\n%s", staged)
	}
	mustPKI(t, "rotate-signing-key", "--pki", dir, "--activate")
	if code, _, errs := runPKI(t, nil, "rotate-signing-key", "--pki", dir, "--activate"); code != 1 || !strings.Contains(errs, "no staged") {
		t.Fatalf("second --activate: exit %d %q", code, errs)
	}

	t.Run("PKIFromEnv", func(t *testing.T) {
		env := map[string]string{"STOREEDGE_PKI": dir}
		if code, _, errs := runPKI(t, env, "enroll", "--store", "msk-002", "--out", filepath.Join(tmp, "msk-002")); code != 0 {
			t.Fatalf("enroll with STOREEDGE_PKI: exit %d: %s", code, errs)
		}
	})
}

func TestCentralPKI_Usage(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "pki")
	mustPKI(t, "init", "--pki", dir)
	mustPKI(t, "enroll", "--pki", dir, "--store", "msk-001", "--out", filepath.Join(tmp, "msk-001"))
	out := func(name string) string { return filepath.Join(tmp, name) }
	for _, tc := range []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"UnknownSubcommand", []string{"token2"}, `unknown subcommand "token2"`},
		{"InitNoPKI", []string{"init"}, "--pki is required"},
		{"InitArgument", []string{"init", "--pki", out("x"), "extra"}, `unexpected argument "extra"`},
		{"InitUnknownFlag", []string{"init", "--bogus"}, "bogus"},
		{"EnrollNoStore", []string{"enroll", "--pki", dir, "--out", out("a")}, "--store is required"},
		{"EnrollNoOut", []string{"enroll", "--pki", dir, "--store", "msk-002"}, "--out is required"},
		{"EnrollBadStore", []string{"enroll", "--pki", dir, "--store", "MSK/1", "--out", out("b")}, "--store"},
		{"EnrollCentral", []string{"enroll", "--pki", dir, "--store", "central", "--out", out("c")}, "--store"},
		{"EnrollNoCA", []string{"enroll", "--pki", tmp, "--store", "msk-002", "--out", out("d")}, "--pki"},
		{"RevokeNoStore", []string{"revoke", "--pki", dir}, "--store is required"},
		{"RevokeUnknownStore", []string{"revoke", "--pki", dir, "--store", "msk-404"}, "--store"},
		{"RevokeBadSerial", []string{"revoke", "--pki", dir, "--store", "msk-001", "--serial", "xyz"}, "--serial"},
		{"RevokeUnknownSerial", []string{"revoke", "--pki", dir, "--store", "msk-001", "--serial", "abc"}, "--serial"},
		{"RevokeNoBrokerDir", []string{"revoke", "--pki", dir, "--store", "msk-001", "--broker-dir", out("none")}, "--broker-dir"},
		{"BrokerNoHost", []string{"broker-config", "--pki", dir, "--out", out("e")}, "--host is required"},
		{"BrokerNoOut", []string{"broker-config", "--pki", dir, "--host", "h"}, "--out is required"},
		{"BrokerBadHost", []string{"broker-config", "--pki", dir, "--host", "h,a b", "--out", out("f")}, "--host"},
		{"BrokerEmptyHost", []string{"broker-config", "--pki", dir, "--host", "h,", "--out", out("f")}, "--host"},
		{"BrokerPortZero", []string{"broker-config", "--pki", dir, "--host", "h", "--out", out("g"), "--port", "0"}, "--port"},
		{"BrokerPortWord", []string{"broker-config", "--pki", dir, "--host", "h", "--out", out("g"), "--port", "mqtt"}, "-port"},
		{"BrokerBadBind", []string{"broker-config", "--pki", dir, "--host", "h", "--out", out("g"), "--bind", "a b"}, "--bind"},
		{"RotateNeither", []string{"rotate-signing-key", "--pki", dir}, "--stage or --activate"},
		{"RotateBoth", []string{"rotate-signing-key", "--pki", dir, "--stage", "--activate"}, "--stage or --activate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runPKI(t, nil, tc.args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2: %s", code, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Fatalf("stderr %q, want it to mention %q", stderr, tc.want)
			}
			if stdout != "" {
				t.Fatalf("a refused command printed %q", stdout)
			}
		})
	}
	for _, name := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		if _, err := os.Stat(out(name)); err == nil {
			t.Errorf("a refused command wrote %s", out(name))
		}
	}
}
