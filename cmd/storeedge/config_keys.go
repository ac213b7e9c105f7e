package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/storeedge/storeedge/edge"
	firmware "github.com/storeedge/storeedge/firmware-profiles"
	"github.com/storeedge/storeedge/pos"
)

// configKey describes one setting. The one table, configKeys, drives the YAML
// file, the env vars and the flags: key http.body_limit is env
// STOREEDGE_HTTP_BODY_LIMIT and flag --http-body-limit.
type configKey struct {
	key   string
	arg   string // placeholder in --help; "" means the kind (size, duration...)
	usage string
	hw    bool // a hardware knob: firmware profiles may set it, and ours all do
	// ptr returns the field: *string, *bool, *int, *int64 (a size in
	// bytes), *time.Duration or *[]string (a list).
	ptr   func(*Config) any
	check func(field any) error // range rule; nil accepts any value
}

// configKeys is every setting of `storeedge serve`, in --help order.
var configKeys = []configKey{
	{"data", "DIR", "directory of the database", false, func(c *Config) any { return &c.Data }, checkNonEmpty},
	{"listen", "ADDR", "host:port to serve HTTP on", true, func(c *Config) any { return &c.Listen }, checkHostPort},
	{"metrics_listen", "ADDR", "host:port to serve Prometheus /metrics on, apart from shoppers; empty = off", false, func(c *Config) any { return &c.MetricsListen }, checkOrEmpty(checkHostPort)},
	{"store", "ID", "this shop's id: 1-64 of a-z 0-9 _ -", false, func(c *Config) any { return &c.Store }, checkStoreID},
	{"profile", "NAME", "firmware profile: " + strings.Join(firmware.Names(), ", "), false, func(c *Config) any { return &c.Profile }, checkProfile},
	{"broker", "URL", "MQTT broker (tcp://, ssl://, mqtt://, mqtts://, ws://, wss://); empty = offline, keep buffering", false, func(c *Config) any { return &c.Broker }, checkURL("tcp", "ssl", "mqtt", "mqtts", "ws", "wss")},
	{"central_url", "URL", "HTTP(S) base URL of central, for downlink catch-up", false, func(c *Config) any { return &c.CentralURL }, checkURL("http", "https")},
	{"demo", "", "seed the demo shop when the catalog is empty", false, func(c *Config) any { return &c.Demo }, nil},
	{"currency", "CODE", "ISO 4217 currency of prices", false, func(c *Config) any { return &c.Currency }, checkCurrency},
	{"public_url", "URL", "HTTP(S) base URL that QR price tags point to", false, func(c *Config) any { return &c.PublicURL }, checkBaseURL},
	{"log_level", "LEVEL", "debug, info, warn or error", false, func(c *Config) any { return &c.LogLevel }, checkOneOf("debug", "info", "warn", "error")},
	{"log_format", "FORMAT", "text or json", false, func(c *Config) any { return &c.LogFormat }, checkOneOf("text", "json")},
	{"roles", "LIST", "roles to play, comma-separated: till, shopper, tags, sync", true, func(c *Config) any { return &c.Roles }, checkRoles},
	{"insecure_sync", "", "sync unsigned and unverified: anyone on the broker can forge or erase this shop's sales (a lab only)", false, func(c *Config) any { return &c.InsecureSync }, nil},

	{"storage.initial_mmap_size", "", "initial bbolt memory map", true, func(c *Config) any { return &c.Storage.InitialMmapSize }, checkSize(0, 1<<40)},
	{"storage.freelist_sync", "", "write bbolt's freelist on every commit (faster start, more writes)", true, func(c *Config) any { return &c.Storage.FreelistSync }, nil},
	{"storage.max_size", "", "largest database file, 0 = unlimited", true, func(c *Config) any { return &c.Storage.MaxSize }, checkOrZero(checkSize(1<<20, 1<<50))},
	{"storage.batch_size", "", "most writes bbolt gathers into one commit", true, func(c *Config) any { return &c.Storage.BatchSize }, checkInt(0, 100000)},
	{"storage.batch_delay", "", "how long bbolt waits to gather writes, 0 = no batching", true, func(c *Config) any { return &c.Storage.BatchDelay }, checkDuration(0, time.Second)},
	{"storage.retention", "", "how long acknowledged history stays on the edge", true, func(c *Config) any { return &c.Storage.Retention }, checkDuration(time.Hour, 10*8760*time.Hour)},

	{"runtime.memory_limit", "", "soft Go memory limit, 0 = none", true, func(c *Config) any { return &c.Runtime.MemoryLimit }, checkOrZero(checkSize(32<<20, 1<<50))},
	{"runtime.gomaxprocs", "", "cores to use, 0 = all", true, func(c *Config) any { return &c.Runtime.GOMAXPROCS }, checkInt(0, 1024)},

	{"http.body_limit", "", "largest request body", true, func(c *Config) any { return &c.HTTP.BodyLimit }, checkSize(1<<10, 1<<30)},
	{"http.concurrency", "", "most open connections", true, func(c *Config) any { return &c.HTTP.Concurrency }, checkInt(1, 1<<20)},
	{"http.read_timeout", "", "time to read a request", true, func(c *Config) any { return &c.HTTP.ReadTimeout }, checkDuration(time.Second, 10*time.Minute)},
	{"http.write_timeout", "", "time to write a response", true, func(c *Config) any { return &c.HTTP.WriteTimeout }, checkDuration(time.Second, 10*time.Minute)},
	{"http.idle_timeout", "", "how long an idle keep-alive connection stays open", true, func(c *Config) any { return &c.HTTP.IdleTimeout }, checkDuration(time.Second, time.Hour)},
	{"http.request_timeout", "", "deadline of one request's work", true, func(c *Config) any { return &c.HTTP.RequestTimeout }, checkDuration(100*time.Millisecond, 10*time.Minute)},
	{"http.login_rate", "", "login attempts per minute per client", true, func(c *Config) any { return &c.HTTP.LoginRate }, checkInt(1, 10000)},
	{"http.shopper_rate", "", "shopper requests per minute per client", true, func(c *Config) any { return &c.HTTP.ShopperRate }, checkInt(1, 1000000)},

	{"session.ttl", "", "lifetime of a cashier's login", true, func(c *Config) any { return &c.Session.TTL }, checkDuration(time.Minute, 7*24*time.Hour)},

	{"sync.batch_events", "", "most events in one MQTT message", true, func(c *Config) any { return &c.Sync.BatchEvents }, checkInt(1, 100000)},
	{"sync.batch_bytes", "", "largest MQTT message", true, func(c *Config) any { return &c.Sync.BatchBytes }, checkSize(1<<10, 128<<20)},
	{"sync.window", "", "batches sent before waiting for an ack", true, func(c *Config) any { return &c.Sync.Window }, checkInt(1, 1024)},
	{"sync.ack_timeout", "", "wait for an ack before resending", true, func(c *Config) any { return &c.Sync.AckTimeout }, checkDuration(time.Second, time.Hour)},
	{"sync.username", "NAME", "MQTT username", false, func(c *Config) any { return &c.Sync.Username }, nil},
	{"sync.password", "SECRET", "MQTT password; prefer the env var, as flags show in ps", false, func(c *Config) any { return &c.Sync.Password }, nil},
	{"sync.ca_file", "FILE", "PEM CA bundle to verify the broker", false, func(c *Config) any { return &c.Sync.CAFile }, nil},
	{"sync.cert_file", "FILE", "PEM client certificate for the broker", false, func(c *Config) any { return &c.Sync.CertFile }, nil},
	{"sync.key_file", "FILE", "PEM client key for the broker", false, func(c *Config) any { return &c.Sync.KeyFile }, nil},
	{"sync.identity", "DIR", "the shop's identity from `storeedge central enroll` (certificate, key, CA, central's key)", false, func(c *Config) any { return &c.Sync.Identity }, nil},

	{"shopper.customer_token_key", "SECRET", "key of the chain app's signed customer tokens (personal prices); empty = off", false, func(c *Config) any { return &c.Shopper.CustomerTokenKey }, checkTokenKey},
	{"shopper.reservation_hold", "", "how long a reservation holds stock", false, func(c *Config) any { return &c.Shopper.ReservationHold }, checkDuration(time.Minute, 30*24*time.Hour)},
	{"shopper.max_reservations_per_phone", "", "active reservations one phone may hold", false, func(c *Config) any { return &c.Shopper.MaxReservationsPerPhone }, checkInt(1, 100)},
	{"shopper.reservation_rate", "", "reservations and orders per minute per client IP and phone", false, func(c *Config) any { return &c.Shopper.ReservationRate }, checkInt(1, 10000)},
	{"shopper.anonymous_max_qty", "", "pieces one reservation may hold without the chain app's customer token", false, func(c *Config) any { return &c.Shopper.AnonymousMaxQty }, checkInt(1, pos.MaxReservationQty)},
	{"shopper.anonymous_max_grams", "", "grams of weighed goods one reservation may hold without a customer token", false, func(c *Config) any { return &c.Shopper.AnonymousMaxGrams }, checkInt(1, pos.MaxReservationQty)},
	{"shopper.anonymous_stock_share", "", "percent of a SKU's stock (not held by others) that reservations without a customer token may hold together", false, func(c *Config) any { return &c.Shopper.AnonymousStockShare }, checkInt(1, 100)},
	{"pickups.no_show_days", "", "days a ready click & collect order waits for its customer before its stock is released (no-show)", false, func(c *Config) any { return &c.Pickups.NoShowDays }, checkInt(1, 365)},
	{"shop.country", "CC", "country of shoppers' phones (ISO 3166-1 alpha-2); empty = from currency (RUB: RU, UAH: UA, else RU)", false, func(c *Config) any { return &c.Shop.Country }, checkCountry},
	{"shop.language", "LANG", "default language of the cashier screen: ru, uk or en (a till may pick another)", false, func(c *Config) any { return &c.Shop.Language }, checkOneOf(edge.ScreenLanguages...)},
	{"shop.timezone", "ZONE", "IANA time zone the cashier screen shows dates in, e.g. Europe/Moscow or Europe/Kyiv", false, func(c *Config) any { return &c.Shop.TimeZone }, checkTimeZone},
	{"till.scanner_gap", "", "longest pause between two keys of a barcode scanner's burst", false, func(c *Config) any { return &c.Till.ScannerGap }, checkDuration(5*time.Millisecond, time.Second)},
	{"till.scanner_min_length", "", "shortest code a barcode scanner sends; shorter bursts are typing", false, func(c *Config) any { return &c.Till.ScannerMinLength }, checkInt(3, 64)},
	{"scale.prefixes", "LIST", "values of the scale label's prefix digits (P), comma-separated, e.g. 20,21,...,29", false, func(c *Config) any { return &c.Scale.Prefixes }, nil},
	{"scale.layout", "LAYOUT", "scale label EAN-13 layout: P prefix, C item code, W grams or V price in minor units, X ignored, K check digit", false, func(c *Config) any { return &c.Scale.Layout }, nil},
	{"tags.qr_level", "LEVEL", "QR error correction of price tags: L, M, Q or H", false, func(c *Config) any { return &c.Tags.QRLevel }, checkOneOf("L", "M", "Q", "H")},
}

// checkTokenKey wants no key, or one long enough to resist guessing.
func checkTokenKey(p any) error {
	if k := *p.(*string); k != "" && len(k) < 16 {
		return errors.New("must be at least 16 characters")
	}
	return nil
}

// checkCountry wants no country (derive it) or one that phone numbers can
// be checked for.
func checkCountry(p any) error {
	if s := *p.(*string); s != "" && !edge.ValidPhoneRegion(s) {
		return fmt.Errorf("want a country code such as RU or UA (ISO 3166-1 alpha-2, capitals), not %q", s)
	}
	return nil
}

// checkTimeZone wants an IANA zone name the server knows, so that a typo
// is caught at start rather than shown as wrong times at the till.
func checkTimeZone(p any) error {
	s := *p.(*string)
	if s == "" || s == "Local" {
		return fmt.Errorf("want an IANA zone such as Europe/Moscow, not %q", s)
	}
	if _, err := time.LoadLocation(s); err != nil {
		return fmt.Errorf("unknown time zone %q", s)
	}
	return nil
}

// lookupConfigKey returns the descriptor of key, or nil.
func lookupConfigKey(key string) *configKey {
	for i := range configKeys {
		if configKeys[i].key == key {
			return &configKeys[i]
		}
	}
	return nil
}

// flagName maps http.body_limit to http-body-limit.
func (d *configKey) flagName() string {
	return strings.NewReplacer(".", "-", "_", "-").Replace(d.key)
}

// envName maps http.body_limit to STOREEDGE_HTTP_BODY_LIMIT.
func (d *configKey) envName() string {
	return "STOREEDGE_" + strings.ToUpper(strings.ReplaceAll(d.key, ".", "_"))
}

// argName is the placeholder of the flag's value in --help.
func (d *configKey) argName(c *Config) string {
	if d.arg != "" {
		return d.arg
	}
	switch d.ptr(c).(type) {
	case *bool:
		return "bool"
	case *int:
		return "int"
	case *int64:
		return "size"
	case *time.Duration:
		return "duration"
	}
	return "string"
}

// set parses v for d's field and stores it; on error c is unchanged.
func (d *configKey) set(c *Config, v configValue) error {
	if p, ok := d.ptr(c).(*[]string); ok {
		*p = v.list
		if !v.isList {
			*p = splitConfigList(v.text)
		}
		return nil
	} else if v.isList {
		return errors.New("want one value, not a list")
	}
	var err error
	switch p := d.ptr(c).(type) {
	case *string:
		*p = v.text
	case *bool:
		err = assignParsed(p, parseConfigBool, v.text)
	case *int:
		err = assignParsed(p, parseConfigInt, v.text)
	case *int64:
		err = assignParsed(p, ParseSize, v.text)
	case *time.Duration:
		err = assignParsed(p, parseConfigDuration, v.text)
	default:
		panic(fmt.Sprintf("config: key %s has an unsupported field type %T", d.key, p))
	}
	return err
}

// assignParsed parses s and stores the result in p only if it parsed.
func assignParsed[T any](p *T, parse func(string) (T, error), s string) error {
	v, err := parse(s)
	if err == nil {
		*p = v
	}
	return err
}

// format returns the value of d's field as a flag or env var would spell it.
func (d *configKey) format(c *Config) string {
	switch p := d.ptr(c).(type) {
	case *string:
		return *p
	case *bool:
		return strconv.FormatBool(*p)
	case *int:
		return strconv.Itoa(*p)
	case *int64:
		return FormatSize(*p)
	case *time.Duration:
		return formatConfigDuration(*p)
	case *[]string:
		return strings.Join(*p, ",")
	}
	return ""
}

// Range rules of the key table. Each takes a pointer to the field.

func checkNonEmpty(p any) error {
	if *p.(*string) == "" {
		return errors.New("must not be empty")
	}
	return nil
}

// checkHostPort accepts host:port with a numeric port (0 picks a free one)
// and an empty host, an IP or a host name.
func checkHostPort(p any) error {
	s := *p.(*string)
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Errorf("want host:port, not %q", s)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port must be 0-65535, not %q", port)
	}
	if host != "" && net.ParseIP(host) == nil && !validHostname(host) {
		return fmt.Errorf("bad host %q", host)
	}
	return nil
}

func validHostname(h string) bool {
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || strings.Trim(label, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
			return false
		}
	}
	return len(h) <= 253
}

func checkStoreID(p any) error {
	s := *p.(*string)
	if len(s) == 0 || len(s) > 64 || strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
		return fmt.Errorf("want 1-64 of a-z 0-9 _ -, not %q", s)
	}
	return nil
}

func checkProfile(p any) error {
	s := *p.(*string)
	if s != "" && !slices.Contains(firmware.Names(), s) {
		return fmt.Errorf("unknown firmware profile %q (known: %s)", s, strings.Join(firmware.Names(), ", "))
	}
	return nil
}

func checkCurrency(p any) error {
	if s := *p.(*string); !pos.ValidCurrency(s) {
		return fmt.Errorf("want an ISO 4217 code of three capitals, not %q", s)
	}
	return nil
}

// checkURL accepts "" or an absolute URL with a host and one of schemes.
// The message never repeats a password the URL may hold.
func checkURL(schemes ...string) func(any) error {
	return func(p any) error {
		s := *p.(*string)
		if s == "" {
			return nil
		}
		u, err := url.Parse(s)
		if err != nil {
			return fmt.Errorf("not a URL (want %s://...)", strings.Join(schemes, ":// or "))
		} else if u.Host == "" || !slices.Contains(schemes, u.Scheme) {
			return fmt.Errorf("want a %s:// URL with a host, not %q", strings.Join(schemes, "://, "), u.Redacted())
		}
		return nil
	}
}

// checkBaseURL is checkURL for http(s) base URLs that paths are appended to.
func checkBaseURL(p any) error {
	if err := checkURL("http", "https")(p); err != nil {
		return err
	}
	if u, _ := url.Parse(*p.(*string)); u != nil && (u.RawQuery != "" || u.Fragment != "" || u.User != nil) {
		return errors.New("want a base URL, without user, query or fragment")
	}
	return nil
}

func checkOneOf(values ...string) func(any) error {
	return func(p any) error {
		if s := *p.(*string); !slices.Contains(values, s) {
			return fmt.Errorf("want one of %s, not %q", strings.Join(values, ", "), s)
		}
		return nil
	}
}

func checkRoles(p any) error {
	roles := *p.(*[]string)
	if len(roles) == 0 {
		return errors.New("want at least one of till, shopper, tags, sync")
	}
	for i, r := range roles {
		if !slices.Contains([]string{RoleTill, RoleShopper, RoleTags, RoleSync}, r) {
			return fmt.Errorf("unknown role %q (want till, shopper, tags or sync)", r)
		} else if slices.Contains(roles[:i], r) {
			return fmt.Errorf("role %q listed twice", r)
		}
	}
	return nil
}

func checkInt(lo, hi int) func(any) error {
	return func(p any) error {
		if v := *p.(*int); v < lo || v > hi {
			return fmt.Errorf("must be %d to %d, not %d", lo, hi, v)
		}
		return nil
	}
}

func checkSize(lo, hi int64) func(any) error {
	return func(p any) error {
		if v := *p.(*int64); v < lo || v > hi {
			return fmt.Errorf("must be %s to %s, not %s", FormatSize(lo), FormatSize(hi), FormatSize(v))
		}
		return nil
	}
}

func checkDuration(lo, hi time.Duration) func(any) error {
	return func(p any) error {
		if v := *p.(*time.Duration); v < lo || v > hi {
			return fmt.Errorf("must be %s to %s, not %s", formatConfigDuration(lo), formatConfigDuration(hi), formatConfigDuration(v))
		}
		return nil
	}
}

// checkOrEmpty lets "" mean "off" beside what check accepts.
func checkOrEmpty(check func(any) error) func(any) error {
	return func(p any) error {
		if *p.(*string) == "" {
			return nil
		}
		return check(p)
	}
}

// checkOrZero lets 0 mean "none" or "unlimited" beside the range of check.
func checkOrZero(check func(any) error) func(any) error {
	return func(p any) error {
		if v, ok := p.(*int64); ok && *v == 0 {
			return nil
		}
		return check(p)
	}
}
