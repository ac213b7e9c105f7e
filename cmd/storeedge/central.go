package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/storeedge/storeedge/sync/central"
)

// centralConfig is the configuration of `storeedge central`: flags, each
// mirrored by a STOREEDGE_* env var (flag > env > default).
type centralConfig struct {
	Broker, DatabaseURL, Listen, ClientID string
	Username, Password                    string
	CAFile, CertFile, KeyFile, CRMWebhook string
	LogLevel, LogFormat, Workers          string
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
	return c.validateTLS()
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

// centralCommands are the subcommands of `storeedge central`, by their
// first argument. Anything else, flags first included, runs the server.
func (m *Main) centralCommands() map[string]func(context.Context, []string) error {
	return map[string]func(context.Context, []string) error{
		"token": m.runCentralToken,
	}
}

// runCentral runs one of centralCommands, or the server.
func (m *Main) runCentral(ctx context.Context, args []string) error {
	if len(args) > 0 {
		if run, ok := m.centralCommands()[args[0]]; ok {
			return run(ctx, args[1:])
		}
	}
	return m.runCentralServer(ctx, args)
}

// runCentralServer runs a central replica until ctx is cancelled.
func (m *Main) runCentralServer(ctx context.Context, args []string) error {
	c, err := m.parseCentralConfig(args)
	if err != nil {
		return err
	}
	workers, _ := strconv.Atoi(c.Workers)
	s := &central.Server{Broker: c.Broker, DatabaseURL: c.DatabaseURL, Listen: c.Listen, ClientID: c.ClientID,
		Username: c.Username, Password: c.Password, CAFile: c.CAFile, CertFile: c.CertFile, KeyFile: c.KeyFile,
		CRMWebhook: c.CRMWebhook, Workers: workers, Logger: newCentralLogger(c, m)}
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

func newCentralLogger(c *centralConfig, m *Main) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(m.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(m.Stderr, opts))
}
