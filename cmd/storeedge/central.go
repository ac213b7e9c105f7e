package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/storeedge/storeedge/sync/central"
	"github.com/storeedge/storeedge/sync/pki"
)

// centralConfig is the configuration of `storeedge central`: flags, each
// mirrored by a STOREEDGE_* env var (flag > env > default).
type centralConfig struct {
	Broker, DatabaseURL, Listen, ClientID string
	Username, Password                    string
	CAFile, CertFile, KeyFile, CRMWebhook string
	LogLevel, LogFormat, Workers          string
	PKI                                   string
	// InsecureSync (--insecure-sync) takes unsigned batches and sends
	// unsigned acks and downlink: a lab only.
	InsecureSync bool
}

// centralFlag binds a setting to its flag (and so its env var) and help.
type centralFlag struct {
	name  string
	ptr   *string
	usage string
}

// flags lists the settings in --help order.
func (c *centralConfig) flags() []centralFlag {
	return []centralFlag{
		{"broker", &c.Broker, "MQTT broker URL (tcp://, ssl://, mqtt://, mqtts://, ws://, wss://)"},
		{"pki", &c.PKI, "central's PKI directory (storeedge central init): broker certificate, signing key, enrolled shops"},
		{"database-url", &c.DatabaseURL, "PostgreSQL URL (postgres://user@host/db)"},
		{"listen", &c.Listen, "host:port to serve the HTTP API on"},
		{"client-id", &c.ClientID, "MQTT client id of this replica (random when empty; replicas need distinct ids)"},
		{"username", &c.Username, "MQTT username"},
		{"password", &c.Password, "MQTT password (prefer STOREEDGE_PASSWORD: flags show in ps)"},
		{"ca-file", &c.CAFile, "PEM CA bundle to trust for the broker's TLS"},
		{"cert-file", &c.CertFile, "PEM client certificate for the broker"},
		{"key-file", &c.KeyFile, "PEM key of the client certificate"},
		{"crm-webhook", &c.CRMWebhook, "URL that receives every applied event (POST, Idempotency-Key = event id)"},
		{"workers", &c.Workers, "apply workers"},
		{"log-level", &c.LogLevel, "debug, info, warn or error"},
		{"log-format", &c.LogFormat, "text or json"},
	}
}

// envName is a flag's STOREEDGE_* env var: --database-url is STOREEDGE_DATABASE_URL.
func envName(flagName string) string {
	return "STOREEDGE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseCentralConfig layers defaults, env and the flags that were set.
func (m *Main) parseCentralConfig(args []string) (*centralConfig, error) {
	c := &centralConfig{Listen: central.DefaultListen, LogLevel: "info", LogFormat: "text",
		Workers: strconv.Itoa(central.DefaultWorkers)}
	fs := m.newFlagSet("central")
	for _, f := range c.flags() {
		if v := m.Getenv(envName(f.name)); v != "" {
			*f.ptr = v
		}
		fs.StringVar(f.ptr, f.name, *f.ptr, f.usage+" ("+envName(f.name)+")")
	}
	c.InsecureSync, _ = strconv.ParseBool(m.Getenv(envName("insecure-sync")))
	fs.BoolVar(&c.InsecureSync, "insecure-sync", c.InsecureSync,
		"take unsigned batches and send unsigned acks and downlink: anyone on the broker can forge shops' sales (a lab only) ("+envName("insecure-sync")+")")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usagef("central: unexpected argument %q", fs.Arg(0))
	}
	return c, c.validate()
}

// validate checks every setting and names the flag of the first bad one.
func (c *centralConfig) validate() error {
	if err := checkCentralURL("broker", c.Broker, "tcp", "ssl", "tls", "mqtt", "mqtts", "ws", "wss"); err != nil {
		return err
	}
	if err := checkCentralURL("database-url", c.DatabaseURL, "postgres", "postgresql"); err != nil {
		return err
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return usagef("--listen: %q is not host:port", c.Listen)
	}
	if c.CRMWebhook != "" {
		if err := checkCentralURL("crm-webhook", c.CRMWebhook, "http", "https"); err != nil {
			return err
		}
	}
	if n, err := strconv.Atoi(c.Workers); err != nil || n < 1 || n > 1024 {
		return usagef("--workers: %q is not a number from 1 to 1024", c.Workers)
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.LogLevel) {
		return usagef("--log-level: %q is not debug, info, warn or error", c.LogLevel)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return usagef("--log-format: %q is not text or json", c.LogFormat)
	}
	if err := c.validateTLS(); err != nil {
		return err
	}
	return c.validatePKI()
}

// validatePKI requires the chain's PKI to sync signed, unless the lab's
// --insecure-sync says otherwise.
func (c *centralConfig) validatePKI() error {
	if c.PKI == "" && !c.InsecureSync {
		return usagef("--pki (%s) is required: the directory of `storeedge central init` (or --insecure-sync, for a lab only)", envName("pki"))
	}
	if c.PKI != "" && (c.CAFile != "" || c.CertFile != "" || c.KeyFile != "") {
		return usagef("--pki brings the broker's CA and central's certificate: leave --ca-file, --cert-file and --key-file unset")
	}
	return nil
}

func (c *centralConfig) validateTLS() error {
	if (c.CertFile == "") != (c.KeyFile == "") {
		return usagef("--cert-file and --key-file go together")
	}
	for _, f := range []struct{ name, path string }{{"ca-file", c.CAFile}, {"cert-file", c.CertFile}, {"key-file", c.KeyFile}} {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(f.path); err != nil {
			return usagef("--%s: %v", f.name, err)
		}
	}
	return nil
}

func checkCentralURL(name, v string, schemes ...string) error {
	if v == "" {
		return usagef("--%s (%s) is required", name, envName(name))
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || !slices.Contains(schemes, u.Scheme) {
		return usagef("--%s: want a %s:// URL with a host", name, strings.Join(schemes, "://, "))
	}
	return nil
}

// centralCommands are the subcommands of `storeedge central`. With none
// (no argument, or a flag first) it runs the receiver.
var centralCommands = map[string]func(m *Main, ctx context.Context, args []string) error{
	"init":               (*Main).runCentralInit,          // central_pki.go
	"enroll":             (*Main).runCentralEnroll,        // central_pki.go
	"revoke":             (*Main).runCentralRevoke,        // central_pki.go
	"broker-config":      (*Main).runCentralBrokerConfig,  // central_pki.go
	"rotate-signing-key": (*Main).runCentralRotateSigning, // central_pki.go
	"token":              (*Main).runCentralToken,         // central_token.go
}

// runCentral runs a subcommand of central, or else a central replica until
// ctx is cancelled.
func (m *Main) runCentral(ctx context.Context, args []string) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		run, ok := centralCommands[args[0]]
		if !ok {
			return usagef("central: unknown subcommand %q (want %s, or flags to run the receiver)",
				args[0], strings.Join(slices.Sorted(maps.Keys(centralCommands)), ", "))
		}
		return run(m, ctx, args[1:])
	}
	c, err := m.parseCentralConfig(args)
	if err != nil {
		return err
	}
	workers, _ := strconv.Atoi(c.Workers)
	s := &central.Server{Broker: c.Broker, DatabaseURL: c.DatabaseURL, Listen: c.Listen, ClientID: c.ClientID,
		Username: c.Username, Password: c.Password, CAFile: c.CAFile, CertFile: c.CertFile, KeyFile: c.KeyFile,
		CRMWebhook: c.CRMWebhook, Workers: workers, Logger: newCentralLogger(c, m), Insecure: c.InsecureSync}
	if err := useCentralPKI(s, c); err != nil {
		return err
	}
	if err := s.Open(); err != nil {
		s.Close()
		return err
	}
	fmt.Fprintf(m.Stdout, "storeedge central: serving on %s\n", s.URL())
	if m.Ready != nil {
		m.Ready(s.URL())
	}
	<-ctx.Done()
	s.Logger.Info("shutting down")
	return s.Close()
}

// useCentralPKI gives central its broker certificate, its signing key and
// the registry of enrolled shops; --insecure-sync is said at every start.
func useCentralPKI(s *central.Server, c *centralConfig) error {
	if c.InsecureSync {
		s.Logger.Warn("INSECURE SYNC (--insecure-sync): shops' batches are not verified and acks and downlink are not signed; " +
			"anyone who can reach the broker can forge or erase shops' sales. Use only in a lab.")
	}
	if c.PKI == "" {
		return nil
	}
	pc, err := pki.LoadCentral(c.PKI)
	if err != nil {
		return usagef("--pki: %v", err)
	}
	s.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pc.Roots, Certificates: []tls.Certificate{pc.Certificate}}
	s.SigningKey, s.ShopKeys = pc.SigningKey, pki.NewRegistry(c.PKI).StoreKeys
	return nil
}

func newCentralLogger(c *centralConfig, m *Main) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(m.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(m.Stderr, opts))
}
