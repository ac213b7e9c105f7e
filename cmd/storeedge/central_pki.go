package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/storeedge/storeedge/sync/pki"
)

// The `storeedge central` commands that manage the chain's PKI (package
// sync/pki). Each prints one line saying what it wrote, never a key.

// pkiFlag is --pki, which every PKI command takes.
func (m *Main) pkiFlag(fs *flag.FlagSet) *string {
	return fs.String("pki", m.Getenv("STOREEDGE_PKI"), "central's PKI directory (STOREEDGE_PKI)")
}

// parsePKIFlags parses args and refuses positional arguments.
func parsePKIFlags(fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q", strings.TrimPrefix(fs.Name(), "storeedge "), fs.Arg(0))
	}
	return nil
}

// required names the first flag of the (name, value) pairs that is empty.
func required(nameValues ...string) error {
	for i := 0; i+1 < len(nameValues); i += 2 {
		if nameValues[i+1] == "" {
			return usagef("--%s is required", nameValues[i])
		}
	}
	return nil
}

// pkiUsage turns what is wrong with an argument into a usage error (exit
// 2) naming its flag; other errors stay runtime failures (exit 1).
func pkiUsage(err error) error {
	var oe *pki.OptionError
	switch {
	case errors.As(err, &oe):
		return usagef("--%s: %s", oe.Field, oe.Reason)
	case errors.Is(err, pki.ErrInvalidStore), errors.Is(err, pki.ErrNotEnrolled):
		return usagef("--store: %v", err)
	case errors.Is(err, pki.ErrUnknownSerial):
		return usagef("--serial: %v", err)
	case errors.Is(err, pki.ErrNoCA):
		return usagef("--pki: %v", err)
	}
	return err
}

func (m *Main) runCentralInit(_ context.Context, args []string) error {
	fs := m.newFlagSet("central init")
	dir := m.pkiFlag(fs)
	if err := parsePKIFlags(fs, args); err != nil {
		return err
	}
	if err := required("pki", *dir); err != nil {
		return err
	}
	if err := pki.Init(*dir); err != nil {
		return pkiUsage(err)
	}
	fmt.Fprintf(m.Stdout, "storeedge central init: wrote the chain CA, central's client certificate and signing key, and an empty CRL to %s\n", *dir)
	return nil
}

func (m *Main) runCentralEnroll(_ context.Context, args []string) error {
	fs := m.newFlagSet("central enroll")
	dir := m.pkiFlag(fs)
	store := fs.String("store", "", "the shop's store id (1-64 of a-z 0-9 _ -)")
	out := fs.String("out", "", "directory to write the shop's identity to (for serve --sync-identity)")
	if err := parsePKIFlags(fs, args); err != nil {
		return err
	}
	if err := required("pki", *dir, "store", *store, "out", *out); err != nil {
		return err
	}
	serial, err := pki.Enroll(*dir, *store, *out)
	if err != nil {
		return pkiUsage(err)
	}
	fmt.Fprintf(m.Stdout, "storeedge central enroll: enrolled %s (certificate %s): wrote store.crt, store.key, ca.crt and central.pub to %s\n",
		*store, serial, *out)
	return nil
}

func (m *Main) runCentralRevoke(_ context.Context, args []string) error {
	fs := m.newFlagSet("central revoke")
	dir := m.pkiFlag(fs)
	store := fs.String("store", "", "the shop's store id")
	serial := fs.String("serial", "", "revoke only this certificate (hex serial, as under stores/ID/); default every one")
	brokerDir := fs.String("broker-dir", "", "also refresh crl.pem in this broker-config directory")
	if err := parsePKIFlags(fs, args); err != nil {
		return err
	}
	if err := required("pki", *dir, "store", *store); err != nil {
		return err
	}
	if *brokerDir != "" {
		if fi, err := os.Stat(*brokerDir); err != nil || !fi.IsDir() {
			return usagef("--broker-dir: %s is not a directory", *brokerDir)
		}
	}
	revoked, err := pki.Revoke(*dir, *store, *serial)
	if err != nil {
		return pkiUsage(err)
	}
	wrote := filepath.Join(*dir, "crl.pem")
	if *brokerDir != "" {
		if err := pki.CopyCRL(*dir, *brokerDir); err != nil {
			return err
		}
		wrote += " and " + filepath.Join(*brokerDir, "crl.pem")
	}
	what := fmt.Sprintf("revoked %s (%s)", *store, strings.Join(revoked, ", "))
	if len(revoked) == 0 {
		what = *store + " had nothing left to revoke"
	}
	fmt.Fprintf(m.Stdout, "storeedge central revoke: %s; wrote %s: send the broker SIGHUP to refuse new connections, restart it to cut open ones\n", what, wrote)
	return nil
}

func (m *Main) runCentralBrokerConfig(_ context.Context, args []string) error {
	fs := m.newFlagSet("central broker-config")
	dir := m.pkiFlag(fs)
	hosts := fs.String("host", "", "names and IP addresses shops reach the broker by, comma-separated")
	out := fs.String("out", "", "directory to write the broker's configuration to")
	port := fs.Int("port", pki.DefaultBrokerPort, "port to listen on")
	bind := fs.String("bind", "", "address to listen on (default: every interface)")
	if err := parsePKIFlags(fs, args); err != nil {
		return err
	}
	if err := required("pki", *dir, "host", *hosts, "out", *out); err != nil {
		return err
	}
	if *port < 1 || *port > 65535 {
		return usagef("--port: %d is not from 1 to 65535", *port)
	}
	opts := pki.BrokerOptions{Out: *out, Hosts: strings.Split(*hosts, ","), Port: *port, Bind: *bind}
	if err := pki.BrokerConfig(*dir, opts); err != nil {
		return pkiUsage(err)
	}
	conf := filepath.Join(*out, "mosquitto.conf")
	fmt.Fprintf(m.Stdout, "storeedge central broker-config: wrote %s, acl, server.crt, server.key, ca.crt and crl.pem for %s, port %d: run mosquitto -c %s\n",
		conf, *hosts, *port, conf)
	return nil
}

func (m *Main) runCentralRotateSigning(_ context.Context, args []string) error {
	fs := m.newFlagSet("central rotate-signing-key")
	dir := m.pkiFlag(fs)
	stage := fs.Bool("stage", false, "make a next signing key and add it to central.pub")
	activate := fs.Bool("activate", false, "sign with the staged key from now on")
	if err := parsePKIFlags(fs, args); err != nil {
		return err
	}
	if err := required("pki", *dir); err != nil {
		return err
	}
	if *stage == *activate {
		return usagef("--stage or --activate: give exactly one")
	}
	pub := filepath.Join(*dir, "central.pub")
	if *stage {
		if err := pki.RotateSigningKey(*dir, pki.Stage); err != nil {
			return pkiUsage(err)
		}
		fmt.Fprintf(m.Stdout, "storeedge central rotate-signing-key: staged a next signing key; %s holds the current and the next: give it to every shop, then --activate\n", pub)
		return nil
	}
	if err := pki.RotateSigningKey(*dir, pki.Activate); err != nil {
		return pkiUsage(err)
	}
	fmt.Fprintf(m.Stdout, "storeedge central rotate-signing-key: central signs with the staged key from now on; %s keeps both until the next --stage\n", pub)
	return nil
}
