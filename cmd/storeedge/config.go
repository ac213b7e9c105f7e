package main

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/storeedge/storeedge/edge"
	firmware "github.com/storeedge/storeedge/firmware-profiles"
	"github.com/storeedge/storeedge/pos"
)

// Roles a server plays; Config.Roles lists the ones it has.
const (
	RoleTill    = "till"    // cashier screen, sales, returns, shifts
	RoleShopper = "shopper" // /t/ pages, in-store API, price checks, reservations
	RoleTags    = "tags"    // QR price tags and printable sheets
	RoleSync    = "sync"    // outbox to central over MQTT, downlink
)

// Config is the configuration of `storeedge serve`. Sizes (int64 fields)
// are bytes; zero means "none" or "all" where the field says so.
type Config struct {
	Data   string // --data: directory of the bbolt file
	Listen string // --listen: host:port of the HTTP server
	// --metrics-listen: host:port of Prometheus's /metrics, apart from
	// the shoppers' listener; "" turns it off.
	MetricsListen string
	Store         string   // --store: this shop's id
	Profile       string   // --profile: firmware profile applied, "" for none
	Broker        string   // --broker: MQTT URL; "" means offline (keep buffering)
	CentralURL    string   // --central-url: HTTP side of central, optional
	Demo          bool     // --demo: seed the demo shop when the catalog is empty
	Currency      string   // --currency: ISO 4217 code of the shop's prices
	PublicURL     string   // --public-url: base URL printed on QR tags
	LogLevel      string   // --log-level: debug, info, warn or error
	LogFormat     string   // --log-format: text or json
	Roles         []string // --roles: RoleTill, RoleShopper, RoleTags, RoleSync
	// InsecureSync (--insecure-sync) syncs unsigned and unverified, for a
	// lab: anyone on the broker can then forge or erase this shop's sales.
	InsecureSync bool

	Storage StorageConfig
	Runtime RuntimeConfig
	HTTP    HTTPConfig
	Session SessionConfig
	Sync    SyncConfig
	Shopper ShopperConfig
	Pickups PickupsConfig
	Tags    TagsConfig
	Scale   ScaleConfig
	Shop    ShopConfig
	Till    TillConfig

	// ConfigFile is the YAML file that was read, "" if none.
	ConfigFile string

	origins map[string]configOrigin // where each key's value came from
}

// StorageConfig tunes bbolt and local retention (keys storage.*).
type StorageConfig struct {
	InitialMmapSize int64         // bbolt Options.InitialMmapSize
	FreelistSync    bool          // !bbolt Options.NoFreelistSync
	MaxSize         int64         // largest database file; 0 = unlimited
	BatchSize       int           // bbolt DB.MaxBatchSize
	BatchDelay      time.Duration // bbolt DB.MaxBatchDelay; 0 = no batching
	Retention       time.Duration // how long acknowledged history stays on the edge
}

// RuntimeConfig tunes the Go runtime (keys runtime.*).
type RuntimeConfig struct {
	MemoryLimit int64 // debug.SetMemoryLimit; 0 = none
	GOMAXPROCS  int   // runtime.GOMAXPROCS; 0 = all cores
}

// HTTPConfig tunes the HTTP server (keys http.*).
type HTTPConfig struct {
	BodyLimit      int64
	Concurrency    int // most open connections
	ReadTimeout    time.Duration
	WriteTimeout   time.Duration
	IdleTimeout    time.Duration
	RequestTimeout time.Duration // deadline of a handler's context
	LoginRate      int           // login attempts per minute per client
	ShopperRate    int           // shopper requests per minute per client
}

// SessionConfig tunes cashier sessions (keys session.*).
type SessionConfig struct {
	TTL time.Duration
}

// ShopperConfig tunes the in-store mode (keys shopper.*).
type ShopperConfig struct {
	CustomerTokenKey        string        // HMAC key of the chain app's customer tokens; "" = no personal prices
	ReservationHold         time.Duration // how long a reservation holds stock
	MaxReservationsPerPhone int           // active reservations one phone may have
	ReservationRate         int           // reservations and orders a minute per client IP and phone
	AnonymousMaxQty         int           // pieces per reservation without a customer token
	AnonymousMaxGrams       int           // grams of weighed goods per reservation without a customer token
	AnonymousStockShare     int           // percent of the stock nobody else holds that anonymous holds may take
}

// PickupsConfig tunes click & collect (keys pickups.*).
type PickupsConfig struct {
	NoShowDays int // days a ready order waits before it is released as a no-show
}

// ScaleConfig describes the labels of the shop's scales (keys scale.*):
// see pos.ScaleFormat.
type ScaleConfig struct {
	Prefixes []string // values of the layout's P digits that mark a scale label
	Layout   string   // 13 letters: P prefix, C item code, W grams, V price, X ignored, K check digit
}

// Format returns the pos.ScaleFormat of the keys.
func (s ScaleConfig) Format() pos.ScaleFormat {
	return pos.ScaleFormat{Prefixes: slices.Clone(s.Prefixes), Layout: s.Layout}
}

// ShopConfig describes the shop itself (keys shop.*).
type ShopConfig struct {
	Country  string // ISO 3166-1 alpha-2 of shoppers' phones; "" = from the currency
	Language string // default language of the cashier screen: ru, uk or en
	TimeZone string // IANA zone the cashier screen shows dates in
}

// TillConfig tunes the cashier screen (keys till.*).
type TillConfig struct {
	ScannerGap       time.Duration // longest pause between two keys of a scanner's burst
	ScannerMinLength int           // shortest code a scanner sends
}

// PhoneRegion is the country shoppers' phones must belong to: shop.country,
// or else the currency's country (RUB → RU, UAH → UA), or RU.
func (c *Config) PhoneRegion() string {
	switch {
	case c.Shop.Country != "":
		return c.Shop.Country
	case c.Currency == "UAH":
		return "UA"
	}
	return "RU"
}

// TagsConfig tunes price tags (keys tags.*).
type TagsConfig struct {
	QRLevel string // QR error correction: L, M, Q or H
}

// SyncConfig tunes the link to central (keys sync.*).
type SyncConfig struct {
	BatchEvents int   // most events in one MQTT message
	BatchBytes  int64 // largest MQTT message
	Window      int   // batches in flight before an ack
	AckTimeout  time.Duration
	Username    string
	Password    string
	CAFile      string
	CertFile    string
	KeyFile     string
	// Identity is the directory `storeedge central enroll` wrote: the
	// shop's certificate and key, the chain's CA and central's public key.
	Identity string
}

// DefaultConfig returns the built-in defaults, the lowest layer.
func DefaultConfig() *Config {
	maxSize := int64(4 << 30)
	if strconv.IntSize == 32 {
		maxSize = 1 << 30 // bbolt maps at most 2 GB on 32-bit ARM
	}
	return &Config{
		Data: "./data", Listen: "127.0.0.1:8080", MetricsListen: edge.DefaultMetricsAddr, Store: "store-1", Currency: "RUB",
		LogLevel: "info", LogFormat: "text",
		Roles: []string{RoleTill, RoleShopper, RoleTags, RoleSync},
		Storage: StorageConfig{
			InitialMmapSize: 64 << 20, MaxSize: maxSize, BatchSize: 256, Retention: 720 * time.Hour,
		},
		HTTP: HTTPConfig{
			BodyLimit: 1 << 20, Concurrency: 1024, ReadTimeout: 10 * time.Second,
			WriteTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second,
			RequestTimeout: 10 * time.Second, LoginRate: 10, ShopperRate: 120,
		},
		Session: SessionConfig{TTL: 12 * time.Hour},
		Shopper: ShopperConfig{ReservationHold: 24 * time.Hour, MaxReservationsPerPhone: 3,
			ReservationRate: edge.DefaultReservationRate, AnonymousMaxQty: pos.DefaultAnonymousMaxPieces,
			AnonymousMaxGrams: pos.DefaultAnonymousMaxGrams, AnonymousStockShare: pos.DefaultAnonymousStockShare},
		Pickups: PickupsConfig{NoShowDays: 7},
		Tags:    TagsConfig{QRLevel: "M"},
		Shop:    ShopConfig{Language: edge.DefaultScreenLanguage, TimeZone: edge.DefaultScreenTimeZone},
		Till:    TillConfig{ScannerGap: edge.DefaultScannerGap, ScannerMinLength: edge.DefaultScannerMinLength},
		Scale:   ScaleConfig{Prefixes: pos.DefaultScaleFormat().Prefixes, Layout: pos.DefaultScaleLayout},
		Sync:    SyncConfig{BatchEvents: 500, BatchBytes: 64 << 10, Window: 8, AckTimeout: 30 * time.Second},
		origins: make(map[string]configOrigin),
	}
}

// HasRole reports whether the server plays role.
func (c *Config) HasRole(role string) bool { return slices.Contains(c.Roles, role) }

// Sources of a setting, in ConfigError.Source.
const (
	SourceDefault = "default"
	SourceProfile = "profile"
	SourceFile    = "file"
	SourceEnv     = "env"
	SourceFlag    = "flag"
)

// ConfigError is bad configuration: main exits 2 and prints Error(), one
// line that names the key and where its value came from.
type ConfigError struct {
	Key     string // e.g. "http.body_limit"; "" when no key is to blame
	Source  string // SourceFlag, SourceEnv, SourceFile, SourceProfile or SourceDefault
	Origin  string // the flag, env var, "file line N" or "profile line N"
	Message string
	Err     error // the cause, if any
}

// Error formats e as `config: KEY (SOURCE ORIGIN): MESSAGE`.
func (e *ConfigError) Error() string {
	where := strings.TrimSpace(e.Source + " " + e.Origin)
	switch {
	case e.Key != "" && where != "":
		return fmt.Sprintf("config: %s (%s): %s", e.Key, where, e.Message)
	case e.Key != "":
		return fmt.Sprintf("config: %s: %s", e.Key, e.Message)
	case where != "":
		return fmt.Sprintf("config: %s: %s", where, e.Message)
	}
	return "config: " + e.Message
}

// Unwrap returns the cause.
func (e *ConfigError) Unwrap() error { return e.Err }

// configOrigin says where a value came from.
type configOrigin struct{ source, where string }

// configSetting is one key's value as one source gave it.
type configSetting struct {
	key  string
	val  configValue
	from configOrigin
}

// configValue is a value before it is parsed for its key: text, or a YAML list.
type configValue struct {
	text   string
	list   []string
	isList bool
}

// configErrorAt returns a *ConfigError about key, naming where its value came from.
func configErrorAt(key string, from configOrigin, err error) *ConfigError {
	return &ConfigError{Key: key, Source: from.source, Origin: from.where, Message: err.Error(), Err: err}
}

// LoadServeConfig builds the configuration of `storeedge serve` from its
// arguments (without "serve"), the environment (read through getenv) and
// the files they name, layered default < profile < file < env < flag, and
// validates it. --help prints usage to stderr and returns flag.ErrHelp;
// every other failure is a *ConfigError.
func LoadServeConfig(args []string, getenv func(string) string, stderr io.Writer) (*Config, error) {
	flags, configFile, err := parseServeConfigFlags(args, stderr)
	if err != nil {
		return nil, err
	}
	file, path, err := loadConfigFile(configFile, getenv)
	if err != nil {
		return nil, err
	}
	env := configFromEnv(getenv)
	profile, err := configFromProfile(lastConfigSetting("profile", file, env, flags))
	if err != nil {
		return nil, err
	}
	c := DefaultConfig()
	c.ConfigFile = path
	for _, layer := range [][]configSetting{profile, file, env, flags} {
		if err := c.applyAll(layer); err != nil {
			return nil, err
		}
	}
	if slices.ContainsFunc(flags, func(s configSetting) bool { return s.key == "sync.password" }) {
		fmt.Fprintln(stderr, "storeedge: warning: --sync-password shows in the process list; prefer STOREEDGE_SYNC_PASSWORD or the config file")
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// applyAll parses and sets each setting in order.
func (c *Config) applyAll(layer []configSetting) error {
	for _, s := range layer {
		if err := lookupConfigKey(s.key).set(c, s.val); err != nil {
			return configErrorAt(s.key, s.from, err)
		}
		if c.origins == nil {
			c.origins = make(map[string]configOrigin)
		}
		c.origins[s.key] = s.from
	}
	return nil
}

// lastConfigSetting returns the setting of key in the highest of the layers
// (listed lowest first), or nil.
func lastConfigSetting(key string, layers ...[]configSetting) *configSetting {
	var found *configSetting
	for _, layer := range layers {
		for i := range layer {
			if layer[i].key == key {
				found = &layer[i]
			}
		}
	}
	return found
}

// configFromEnv reads STOREEDGE_* for every key. An empty variable counts as
// unset, because getenv cannot tell the two apart.
func configFromEnv(getenv func(string) string) []configSetting {
	var out []configSetting
	for i := range configKeys {
		name := configKeys[i].envName()
		if v := getenv(name); v != "" {
			out = append(out, configSetting{configKeys[i].key, configValue{text: v}, configOrigin{SourceEnv, name}})
		}
	}
	return out
}

// configFromProfile loads the firmware profile named by s (nil: none).
func configFromProfile(s *configSetting) ([]configSetting, error) {
	if s == nil || s.val.text == "" {
		return nil, nil
	}
	p, err := firmware.Load(s.val.text)
	if err != nil {
		return nil, configErrorAt("profile", s.from, err)
	}
	return profileSettings(p)
}

// profileSettings turns p's values into settings. A profile may set only
// hardware knobs, never a shop's identity, its peers or secrets.
func profileSettings(p *firmware.Profile) ([]configSetting, error) {
	var out []configSetting
	for _, kv := range p.Values {
		from := configOrigin{SourceProfile, fmt.Sprintf("%s line %d", p.Name, kv.Line)}
		if d := lookupConfigKey(kv.Key); d == nil {
			return nil, configErrorAt(kv.Key, from, errors.New("unknown key"))
		} else if !d.hw {
			return nil, configErrorAt(kv.Key, from, errors.New("a firmware profile may set only hardware settings"))
		}
		out = append(out, configSetting{kv.Key, configValue{text: kv.Value}, from})
	}
	return out, nil
}

// Validate checks every key's range and the rules that tie keys together.
// The error is a *ConfigError naming the key and where its value came from.
func (c *Config) Validate() error {
	for i := range configKeys {
		d := &configKeys[i]
		if d.check == nil {
			continue
		}
		if err := d.check(d.ptr(c)); err != nil {
			return c.errorf(d.key, "%v", err)
		}
	}
	return c.validateRelations()
}

// validateRelations checks the rules that span keys.
func (c *Config) validateRelations() error {
	s := &c.Storage
	switch {
	case s.MaxSize > 0 && s.InitialMmapSize > s.MaxSize:
		return c.errorf("storage.initial_mmap_size", "%s is above storage.max_size (%s)", FormatSize(s.InitialMmapSize), FormatSize(s.MaxSize))
	case strconv.IntSize == 32 && (s.MaxSize == 0 || s.MaxSize >= 2<<30):
		return c.errorf("storage.max_size", "must be between 1 and 2GiB on a 32-bit system, where bbolt cannot map more")
	case c.Sync.CertFile != "" && c.Sync.KeyFile == "":
		return c.errorf("sync.key_file", "must be set with sync.cert_file")
	case c.Sync.KeyFile != "" && c.Sync.CertFile == "":
		return c.errorf("sync.cert_file", "must be set with sync.key_file")
	case c.Sync.Password != "" && c.Sync.Username == "":
		return c.errorf("sync.username", "must be set with sync.password")
	}
	if err := c.Scale.Format().Validate(); err != nil {
		return c.errorf(pos.ErrorField(err), "%s", pos.ErrorMessage(err))
	}
	if err := c.validateTrust(); err != nil {
		return err
	}
	return c.validateTLS()
}

// syncs reports whether serve will talk to central.
func (c *Config) syncs() bool {
	return c.HasRole(RoleSync) && (c.Broker != "" || c.CentralURL != "")
}

// validateTrust requires an enrolled identity to sync, unless the lab's
// --insecure-sync says otherwise; the identity brings its own TLS files.
func (c *Config) validateTrust() error {
	switch {
	case c.syncs() && c.Sync.Identity == "" && !c.InsecureSync:
		return c.errorf("sync.identity", "is required to sync with central: the directory `storeedge central enroll` wrote (or --insecure-sync, for a lab only)")
	case c.Sync.Identity != "" && (c.Sync.CAFile != "" || c.Sync.CertFile != "" || c.Sync.KeyFile != ""):
		return c.errorf("sync.identity", "brings its own CA, certificate and key: leave sync.ca_file, sync.cert_file and sync.key_file unset")
	}
	return nil
}

// isSet reports whether some layer above the defaults set key.
func (c *Config) isSet(key string) bool {
	_, ok := c.origins[key]
	return ok
}

// validateTLS refuses TLS files with a broker that does not speak TLS: the
// files would be ignored and the password sent in clear.
func (c *Config) validateTLS() error {
	u, err := url.Parse(c.Broker)
	if c.Broker == "" || err != nil || slices.Contains([]string{"ssl", "mqtts", "wss"}, u.Scheme) {
		return nil
	}
	for _, k := range []struct{ key, val string }{
		{"sync.ca_file", c.Sync.CAFile}, {"sync.cert_file", c.Sync.CertFile}, {"sync.key_file", c.Sync.KeyFile},
	} {
		if k.val != "" {
			return c.errorf(k.key, "needs a TLS broker (ssl://, mqtts:// or wss://), not %s://", u.Scheme)
		}
	}
	return nil
}

// errorf returns a *ConfigError about key, naming where its value came
// from (the default, if no layer set it).
func (c *Config) errorf(key, format string, args ...any) *ConfigError {
	from, ok := c.origins[key]
	if !ok && c.origins != nil {
		from = configOrigin{source: SourceDefault}
	}
	return configErrorAt(key, from, fmt.Errorf(format, args...))
}
