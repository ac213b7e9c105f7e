package pki_test

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/storeedge/storeedge/sync/pki"
)

func TestBrokerConfig(t *testing.T) {
	dir := MustInit(t)
	out := filepath.Join(t.TempDir(), "broker")
	opts := pki.BrokerOptions{Out: out, Hosts: []string{"127.0.0.1", "mqtt.example.ru", "::1"}, Port: 18883, Bind: "10.0.0.5"}
	if err := pki.BrokerConfig(dir, opts); err != nil {
		t.Fatal(err)
	}
	want := []string{"acl", "ca.crt", "crl.pem", "data", "mosquitto.conf", "server.crt", "server.key"}
	if got := names(t, out); !slices.Equal(got, want) {
		t.Fatalf("files %v, want %v", got, want)
	}
	checkModes(t, out)

	t.Run("ServerCertificate", func(t *testing.T) {
		c := readCert(t, filepath.Join(out, "server.crt"))
		if !slices.Equal(c.DNSNames, []string{"mqtt.example.ru"}) {
			t.Fatalf("DNS SANs %v", c.DNSNames)
		}
		if len(c.IPAddresses) != 2 || !c.IPAddresses[0].Equal(net.ParseIP("127.0.0.1")) || !c.IPAddresses[1].Equal(net.ParseIP("::1")) {
			t.Fatalf("IP SANs %v", c.IPAddresses)
		}
		if c.Subject.CommonName != "mqtt.example.ru" {
			t.Fatalf("CN %q", c.Subject.CommonName)
		}
		checkValidity(t, c, 2)
		if err := c.VerifyHostname("mqtt.example.ru"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Conf", func(t *testing.T) {
		conf, err := os.ReadFile(filepath.Join(out, "mosquitto.conf"))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range []string{
			"allow_anonymous false",
			"acl_file " + filepath.Join(out, "acl"),
			"listener 18883 10.0.0.5",
			"cafile " + filepath.Join(out, "ca.crt"),
			"certfile " + filepath.Join(out, "server.crt"),
			"keyfile " + filepath.Join(out, "server.key"),
			"crlfile " + filepath.Join(out, "crl.pem"),
			"require_certificate true",
			"use_identity_as_username true",
			"persistence_location " + filepath.Join(out, "data") + "/",
		} {
			if !slices.Contains(strings.Split(string(conf), "\n"), line) {
				t.Errorf("mosquitto.conf lacks %q:\n%s", line, conf)
			}
		}
		acl, _ := os.ReadFile(filepath.Join(out, "acl"))
		if string(acl) != pki.ACLText() {
			t.Fatal("acl file is not ACLText")
		}
	})
	t.Run("RelativeOutBecomesAbsolute", func(t *testing.T) {
		t.Chdir(t.TempDir())
		if err := pki.BrokerConfig(dir, pki.BrokerOptions{Out: "b", Hosts: []string{"localhost"}}); err != nil {
			t.Fatal(err)
		}
		conf, _ := os.ReadFile("b/mosquitto.conf")
		abs, _ := filepath.Abs("b")
		if !strings.Contains(string(conf), "\nlistener 8883\n") || !strings.Contains(string(conf), "acl_file "+abs+"/acl\n") {
			t.Fatalf("mosquitto.conf:\n%s", conf)
		}
	})
}

func TestBrokerConfig_Options(t *testing.T) {
	dir := MustInit(t)
	out := t.TempDir()
	for _, tc := range []struct {
		name  string
		opts  pki.BrokerOptions
		field string
	}{
		{"NoHost", pki.BrokerOptions{Out: out}, "host"},
		{"BadHost", pki.BrokerOptions{Out: out, Hosts: []string{"a b"}}, "host"},
		{"NewlineHost", pki.BrokerOptions{Out: out, Hosts: []string{"a\nallow_anonymous true"}}, "host"},
		{"PortHigh", pki.BrokerOptions{Out: out, Hosts: []string{"h"}, Port: 70000}, "port"},
		{"PortNegative", pki.BrokerOptions{Out: out, Hosts: []string{"h"}, Port: -1}, "port"},
		{"BadBind", pki.BrokerOptions{Out: out, Hosts: []string{"h"}, Bind: "0.0.0.0 1"}, "bind"},
		{"NoOut", pki.BrokerOptions{Hosts: []string{"h"}}, "out"},
		{"NewlineOut", pki.BrokerOptions{Out: "x\ny", Hosts: []string{"h"}}, "out"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var oe *pki.OptionError
			if err := pki.BrokerConfig(dir, tc.opts); !errors.As(err, &oe) || oe.Field != tc.field {
				t.Fatalf("BrokerConfig: %v, want an OptionError on %s", err, tc.field)
			}
		})
	}
	t.Run("NoCA", func(t *testing.T) {
		err := pki.BrokerConfig(t.TempDir(), pki.BrokerOptions{Out: out, Hosts: []string{"h"}})
		if !errors.Is(err, pki.ErrNoCA) {
			t.Fatalf("%v, want ErrNoCA", err)
		}
	})
}

func TestValidHost(t *testing.T) {
	for _, tc := range []struct {
		host string
		want bool
	}{
		{"localhost", true},
		{"mqtt.example.ru", true},
		{"mqtt.example.ru.", true},
		{"127.0.0.1", true},
		{"::1", true},
		{"a-b.c", true},
		{"", false},
		{"-a.b", false},
		{"a-.b", false},
		{"a..b", false},
		{"a b", false},
		{"a_b", false},
		{"*.example.ru", false},
		{strings.Repeat("a", 64), false},
		{"[::1]", false},
	} {
		if got := pki.ValidHost(tc.host); got != tc.want {
			t.Errorf("ValidHost(%q) = %v, want %v", tc.host, got, tc.want)
		}
	}
}
