package pki

import (
	"crypto/x509"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// DefaultBrokerPort is MQTT over TLS's registered port.
const DefaultBrokerPort = 8883

// BrokerOptions says where the broker listens and what it writes.
type BrokerOptions struct {
	Out   string   // directory to write; created 0700
	Hosts []string // names and IP literals shops use to reach the broker: the server certificate's SANs
	Port  int      // 0 means DefaultBrokerPort
	Bind  string   // address to listen on; "" is every interface
}

// OptionError is a bad BrokerOptions field; Field is the option's name as
// the CLI spells it (host, port, bind, out).
type OptionError struct{ Field, Reason string }

func (e *OptionError) Error() string { return e.Field + ": " + e.Reason }

func (o *BrokerOptions) validate() error {
	if o.Out == "" || strings.ContainsAny(o.Out, "\r\n") {
		return &OptionError{"out", "want a directory path on one line"}
	}
	if len(o.Hosts) == 0 {
		return &OptionError{"host", "at least one name or IP address is required"}
	}
	for _, h := range o.Hosts {
		if !validHost(h) {
			return &OptionError{"host", fmt.Sprintf("%q is not a DNS name or an IP address", h)}
		}
	}
	if o.Port == 0 {
		o.Port = DefaultBrokerPort
	}
	if o.Port < 1 || o.Port > 65535 {
		return &OptionError{"port", fmt.Sprintf("%d is not from 1 to 65535", o.Port)}
	}
	if o.Bind != "" && !validHost(o.Bind) {
		return &OptionError{"bind", fmt.Sprintf("%q is not a host name or an IP address", o.Bind)}
	}
	return nil
}

// validHost accepts an IP literal or a DNS name (letters, digits and
// hyphens in dot-separated labels). Anything else could not be a SAN, and
// a space or newline would break the generated config.
func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if len(h) == 0 || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// sans puts IP literals in IPAddresses and names in DNSNames: a client
// checks an address it dialled only against IP SANs.
func sans(hosts []string) func(*x509.Certificate) {
	return func(c *x509.Certificate) {
		for _, h := range hosts {
			if ip := net.ParseIP(h); ip != nil {
				c.IPAddresses = append(c.IPAddresses, ip)
			} else {
				c.DNSNames = append(c.DNSNames, strings.TrimSuffix(h, "."))
			}
		}
	}
}

// serverCN is the first name among hosts, for people reading the
// certificate; clients check only the SANs.
func serverCN(hosts []string) string {
	for _, h := range hosts {
		if net.ParseIP(h) == nil {
			return strings.TrimSuffix(h, ".")
		}
	}
	return hosts[0]
}

// BrokerConfig writes a Mosquitto configuration into opts.Out:
// mosquitto.conf, acl (from Rules), server.crt and server.key (for
// opts.Hosts), ca.crt and crl.pem, with absolute paths, so that
// `mosquitto -c OUT/mosquitto.conf` is the whole broker setup. Running it
// again replaces them (a new server certificate each time).
func BrokerConfig(dir string, opts BrokerOptions) error {
	if err := opts.validate(); err != nil {
		return err
	}
	out, err := filepath.Abs(opts.Out)
	if err != nil {
		return &OptionError{"out", err.Error()}
	}
	ca, err := loadAuthority(dir)
	if err != nil {
		return err
	}
	files, err := brokerFiles(dir, ca, out, opts)
	if err != nil {
		return err
	}
	for _, d := range []string{out, filepath.Join(out, brokerData)} {
		if err := mkdir(d); err != nil {
			return err
		}
	}
	for _, name := range brokerFileOrder {
		if err := writeFile(filepath.Join(out, name), files[name].data, files[name].mode); err != nil {
			return err
		}
	}
	return nil
}

// Files of a broker directory; mosquitto.conf comes last so a config that
// exists names files that exist.
const (
	fileServerCert = "server.crt"
	fileServerKey  = "server.key"
	fileACL        = "acl"
	fileMosquitto  = "mosquitto.conf"
	brokerData     = "data"
)

var brokerFileOrder = []string{fileCACert, fileCRL, fileServerCert, fileServerKey, fileACL, fileMosquitto}

func brokerFiles(dir string, ca *authority, out string, opts BrokerOptions) (map[string]fileContent, error) {
	crl, err := readBlock(filepath.Join(dir, fileCRL), "X509 CRL")
	if err != nil {
		return nil, err
	}
	if _, err := readCRL(filepath.Join(dir, fileCRL), ca.cert); err != nil {
		return nil, err
	}
	key, err := newECKey()
	if err != nil {
		return nil, err
	}
	_, der, err := ca.issue(serverCN(opts.Hosts), x509.ExtKeyUsageServerAuth, &key.PublicKey, time.Now(), sans(opts.Hosts))
	if err != nil {
		return nil, err
	}
	pemKey, err := encodeKey(key)
	if err != nil {
		return nil, err
	}
	return map[string]fileContent{
		fileCACert:     {pemBlock("CERTIFICATE", ca.cert.Raw), modePublic},
		fileCRL:        {pemBlock("X509 CRL", crl), modePublic},
		fileServerCert: {pemBlock("CERTIFICATE", der), modePublic},
		fileServerKey:  {pemKey, modePrivate},
		fileACL:        {[]byte(aclText()), modePublic},
		fileMosquitto:  {[]byte(mosquittoConf(out, opts)), modePublic},
	}, nil
}

// mosquittoConf is the broker's whole configuration. Persistence keeps the
// retained acks and the queued messages of offline shops across a restart.
// What it says of SIGHUP and the CRL is what TestMosquitto observes with
// Mosquitto 2.0.11.
func mosquittoConf(out string, opts BrokerOptions) string {
	p := func(name string) string { return filepath.Join(out, name) }
	listener := strconv.Itoa(opts.Port)
	if opts.Bind != "" {
		listener += " " + opts.Bind
	}
	return "# Generated by `storeedge central broker-config`: regenerate, do not edit.\n" +
		"# Run: mosquitto -c " + p(fileMosquitto) + "\n" +
		"# After `storeedge central revoke --broker-dir " + out + "`:\n" +
		"# SIGHUP makes Mosquitto re-read crl.pem and refuse new connections of the revoked\n" +
		"# shop; a connection already open stays until it closes, so restart to cut it off.\n" +
		"# As root, Mosquitto drops to the user \"mosquitto\", who must be able to read this\n" +
		"# directory (chown -R mosquitto " + out + "), or add a `user` line.\n" +
		"per_listener_settings false\n" +
		"allow_anonymous false\n" +
		"acl_file " + p(fileACL) + "\n" +
		"persistence true\n" +
		"persistence_location " + p(brokerData) + "/\n" +
		"\n" +
		"listener " + listener + "\n" +
		"cafile " + p(fileCACert) + "\n" +
		"certfile " + p(fileServerCert) + "\n" +
		"keyfile " + p(fileServerKey) + "\n" +
		"crlfile " + p(fileCRL) + "\n" +
		"require_certificate true\n" +
		"use_identity_as_username true\n"
}
