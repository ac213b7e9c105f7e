package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	firmware "github.com/storeedge/storeedge/firmware-profiles"
)

// envOf returns a getenv over m, so tests never read the real environment.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// writeConfig writes a YAML config file into a temp dir and returns its path.
func writeConfig(tb testing.TB, text string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "storeedge.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// mustLoad calls LoadServeConfig and fails the test on error.
func mustLoad(tb testing.TB, args []string, env map[string]string) *Config {
	tb.Helper()
	c, err := LoadServeConfig(args, envOf(env), &bytes.Buffer{})
	if err != nil {
		tb.Fatalf("LoadServeConfig(%q): %v", args, err)
	}
	return c
}

// mustConfigError asserts err is a *ConfigError about key from source.
func mustConfigError(tb testing.TB, err error, key, source string) *ConfigError {
	tb.Helper()
	var ce *ConfigError
	if !errors.As(err, &ce) {
		tb.Fatalf("err=%v (%T), want *ConfigError", err, err)
	}
	if ce.Key != key || ce.Source != source {
		tb.Fatalf("err=%q: Key=%q Source=%q, want %q %q", err, ce.Key, ce.Source, key, source)
	}
	if key != "" && !strings.Contains(err.Error(), key) {
		tb.Fatalf("Error()=%q does not name the key %q", err, key)
	}
	return ce
}

func TestLoadServeConfig_Defaults(t *testing.T) {
	c := mustLoad(t, nil, nil)
	want := DefaultConfig()
	for i := range configKeys {
		d := &configKeys[i]
		if got, want := d.format(c), d.format(want); got != want {
			t.Errorf("%s=%q, want default %q", d.key, got, want)
		}
	}
	if got, want := c.Listen, "127.0.0.1:8080"; got != want {
		t.Fatalf("Listen=%q, want %q", got, want)
	}
	if got, want := c.MetricsListen, "127.0.0.1:9090"; got != want {
		t.Fatalf("MetricsListen=%q, want %q (loopback: shoppers must not read it)", got, want)
	}
	if got, want := c.HTTP.BodyLimit, int64(1<<20); got != want {
		t.Fatalf("HTTP.BodyLimit=%d, want %d", got, want)
	}
	if got, want := c.Storage.Retention, 720*time.Hour; got != want {
		t.Fatalf("Storage.Retention=%v, want %v", got, want)
	}
	if got, want := c.ConfigFile, ""; got != want {
		t.Fatalf("ConfigFile=%q, want %q", got, want)
	}
}

// TestLoadServeConfig_Precedence sets one key in several layers at once:
// flag > env > config file > firmware profile > default.
func TestLoadServeConfig_Precedence(t *testing.T) {
	// raspberry-pi-zero-2w sets http.body_limit to 256KiB.
	const profile, file, env, flg = "raspberry-pi-zero-2w", "2MiB", "3MiB", "4MiB"
	for _, tt := range []struct {
		name                   string
		profile, file, env, fl bool
		want                   int64
		source                 string
	}{
		{"Default", false, false, false, false, 1 << 20, SourceDefault},
		{"Profile", true, false, false, false, 256 << 10, SourceProfile},
		{"FileBeatsProfile", true, true, false, false, 2 << 20, SourceFile},
		{"EnvBeatsFile", true, true, true, false, 3 << 20, SourceEnv},
		{"FlagBeatsAll", true, true, true, true, 4 << 20, SourceFlag},
		{"FlagBeatsEnv", false, false, true, true, 4 << 20, SourceFlag},
		{"FlagBeatsFile", false, true, false, true, 4 << 20, SourceFlag},
		{"FlagBeatsProfile", true, false, false, true, 4 << 20, SourceFlag},
		{"EnvBeatsProfile", true, false, true, false, 3 << 20, SourceEnv},
		{"File", false, true, false, false, 2 << 20, SourceFile},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var args []string
			vars := map[string]string{}
			if tt.profile {
				args = append(args, "--profile", profile)
			}
			if tt.file {
				vars["STOREEDGE_CONFIG"] = writeConfig(t, "http:\n  body_limit: "+file+"\n")
			}
			if tt.env {
				vars["STOREEDGE_HTTP_BODY_LIMIT"] = env
			}
			if tt.fl {
				args = append(args, "--http-body-limit", flg)
			}
			c := mustLoad(t, args, vars)
			if got, want := c.HTTP.BodyLimit, tt.want; got != want {
				t.Fatalf("HTTP.BodyLimit=%s, want %s", FormatSize(got), FormatSize(want))
			}
			if got, want := c.errorf("http.body_limit", "x").Source, tt.source; got != want {
				t.Fatalf("source=%q, want %q", got, want)
			}
		})
	}
}

// TestLoadServeConfig_PrecedenceKinds checks the layers for a bool, a list,
// a duration and a string, so every kind of field goes through each layer.
func TestLoadServeConfig_PrecedenceKinds(t *testing.T) {
	path := writeConfig(t, "demo: yes\nroles: [till, sync]\nsession:\n  ttl: 2h\nstore: from-file\n")
	t.Run("File", func(t *testing.T) {
		c := mustLoad(t, []string{"--config", path}, nil)
		if !c.Demo || !slices.Equal(c.Roles, []string{"till", "sync"}) || c.Session.TTL != 2*time.Hour || c.Store != "from-file" {
			t.Fatalf("Demo=%v Roles=%q TTL=%v Store=%q", c.Demo, c.Roles, c.Session.TTL, c.Store)
		}
	})
	t.Run("Env", func(t *testing.T) {
		env := map[string]string{"STOREEDGE_DEMO": "0", "STOREEDGE_ROLES": "shopper, tags", "STOREEDGE_SESSION_TTL": "3h", "STOREEDGE_STORE": "from-env"}
		c := mustLoad(t, []string{"--config", path}, env)
		if c.Demo || !slices.Equal(c.Roles, []string{"shopper", "tags"}) || c.Session.TTL != 3*time.Hour || c.Store != "from-env" {
			t.Fatalf("Demo=%v Roles=%q TTL=%v Store=%q", c.Demo, c.Roles, c.Session.TTL, c.Store)
		}
	})
	t.Run("Flag", func(t *testing.T) {
		env := map[string]string{"STOREEDGE_DEMO": "0", "STOREEDGE_ROLES": "shopper", "STOREEDGE_SESSION_TTL": "3h", "STOREEDGE_STORE": "from-env"}
		args := []string{"--config", path, "--demo", "--roles", "till", "--session-ttl", "4h", "--store", "from-flag"}
		c := mustLoad(t, args, env)
		if !c.Demo || !slices.Equal(c.Roles, []string{"till"}) || c.Session.TTL != 4*time.Hour || c.Store != "from-flag" {
			t.Fatalf("Demo=%v Roles=%q TTL=%v Store=%q", c.Demo, c.Roles, c.Session.TTL, c.Store)
		}
	})
}

// TestLoadServeConfig_ProfileSource checks that the profile named by the
// highest layer is the one applied.
func TestLoadServeConfig_ProfileSource(t *testing.T) {
	file := writeConfig(t, "profile: price-checker\n")
	for _, tt := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"None", nil, nil, ""},
		{"File", []string{"--config", file}, nil, "price-checker"},
		{"EnvBeatsFile", []string{"--config", file}, map[string]string{"STOREEDGE_PROFILE": "raspberry-pi-4"}, "raspberry-pi-4"},
		{"FlagBeatsEnv", []string{"--config", file, "--profile", "raspberry-pi-zero-2w"}, map[string]string{"STOREEDGE_PROFILE": "raspberry-pi-4"}, "raspberry-pi-zero-2w"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := mustLoad(t, tt.args, tt.env)
			if got, want := c.Profile, tt.want; got != want {
				t.Fatalf("Profile=%q, want %q", got, want)
			}
			want := DefaultConfig().HTTP.Concurrency
			if tt.want != "" {
				p, err := firmware.Load(tt.want)
				if err != nil {
					t.Fatal(err)
				}
				v, _ := p.Get("http.concurrency")
				want, _ = parseConfigInt(v)
			}
			if got := c.HTTP.Concurrency; got != want {
				t.Fatalf("HTTP.Concurrency=%d, want %d from the profile", got, want)
			}
		})
	}
}

func TestLoadServeConfig_ConfigFile(t *testing.T) {
	nested := writeConfig(t, `# nested
listen: "0.0.0.0:9090"
http:
  body_limit: 2MiB
  read_timeout: 5s
storage:
  max_size: 512MiB
sync:
  username: edge
  password: "s3cret: yes"
`)
	dotted := writeConfig(t, "listen: 0.0.0.0:9191\nhttp.body_limit: 3MiB\nstorage.freelist_sync: true\n")
	t.Run("Nested", func(t *testing.T) {
		c := mustLoad(t, []string{"--config", nested}, nil)
		if c.Listen != "0.0.0.0:9090" || c.HTTP.BodyLimit != 2<<20 || c.HTTP.ReadTimeout != 5*time.Second ||
			c.Storage.MaxSize != 512<<20 || c.Sync.Password != "s3cret: yes" {
			t.Fatalf("got %+v", c)
		}
		if got, want := c.ConfigFile, nested; got != want {
			t.Fatalf("ConfigFile=%q, want %q", got, want)
		}
	})
	t.Run("Dotted", func(t *testing.T) {
		c := mustLoad(t, nil, map[string]string{"STOREEDGE_CONFIG": dotted})
		if c.Listen != "0.0.0.0:9191" || c.HTTP.BodyLimit != 3<<20 || !c.Storage.FreelistSync {
			t.Fatalf("got %+v", c)
		}
	})
	t.Run("FlagBeatsEnv", func(t *testing.T) {
		c := mustLoad(t, []string{"--config", nested}, map[string]string{"STOREEDGE_CONFIG": dotted})
		if got, want := c.ConfigFile, nested; got != want {
			t.Fatalf("ConfigFile=%q, want %q", got, want)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		mustLoad(t, []string{"--config", writeConfig(t, "# nothing yet\n")}, nil)
	})
	t.Run("Missing", func(t *testing.T) {
		_, err := LoadServeConfig([]string{"--config", "/nonexistent/x.yaml"}, envOf(nil), &bytes.Buffer{})
		mustConfigError(t, err, "config", SourceFlag)
		_, err = LoadServeConfig(nil, envOf(map[string]string{"STOREEDGE_CONFIG": "/nonexistent/x.yaml"}), &bytes.Buffer{})
		mustConfigError(t, err, "config", SourceEnv)
	})
}

// TestLoadServeConfig_FileErrors covers YAML that parses but is not ours.
func TestLoadServeConfig_FileErrors(t *testing.T) {
	for _, tt := range []struct {
		name, yaml, key, msg string
	}{
		{"UnknownTop", "listen: :80\nlisten_addr: :80\n", "listen_addr", "line 2): unknown key"},
		{"UnknownNested", "http:\n  bodylimit: 1MiB\n", "http.bodylimit", "unknown key"},
		{"UnknownDeep", "http:\n  body_limit:\n    max: 1\n", "http.body_limit.max", "unknown key"},
		{"GroupAsValue", "http: 1MiB\n", "http", "unknown key"},
		{"ConfigKey", "config: other.yaml\n", "config", "unknown key"},
		{"MergeKey", "<<: {listen: ':80'}\n", "<<", "unknown key"},
		{"Twice", "http.body_limit: 1MiB\nhttp:\n  body_limit: 2MiB\n", "http.body_limit", "line 3): set twice (first on line 1)"},
		{"ListForScalar", "listen: [a, b]\n", "listen", "not a list"},
		{"MapInList", "roles: [{a: 1}]\n", "roles", "plain values"},
		{"Alias", "store: &s shop\nlisten: *s\n", "listen", "aliases"},
		{"BadSize", "http:\n  body_limit: 12XB\n", "http.body_limit", `not a size: "12XB"`},
		{"BadBool", "demo: maybe\n", "demo", "not a bool"},
		{"BadDuration", "session:\n  ttl: 12\n", "session.ttl", "not a duration"},
		{"BadInt", "http.concurrency: lots\n", "http.concurrency", "not a number"},
		{"Range", "http.concurrency: 0\n", "http.concurrency", "must be 1 to"},
		{"BadRole", "roles: [till, bakery]\n", "roles", `unknown role "bakery"`},
		{"BadProfile", "profile: toaster\n", "profile", "unknown firmware profile"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.yaml)
			_, err := LoadServeConfig([]string{"--config", path}, envOf(nil), &bytes.Buffer{})
			mustConfigError(t, err, tt.key, SourceFile)
			if !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Error()=%q, want it to contain %q", err, tt.msg)
			}
		})
	}
	t.Run("Syntax", func(t *testing.T) {
		_, err := LoadServeConfig([]string{"--config", writeConfig(t, "http:\n  body_limit: [\n")}, envOf(nil), &bytes.Buffer{})
		mustConfigError(t, err, "", SourceFile)
	})
	t.Run("NotAMap", func(t *testing.T) {
		_, err := LoadServeConfig([]string{"--config", writeConfig(t, "- listen\n")}, envOf(nil), &bytes.Buffer{})
		mustConfigError(t, err, "", SourceFile)
	})
}

// TestLoadServeConfig_BadValues puts a bad value in each source in turn and
// checks that the error names the key and the source.
func TestLoadServeConfig_BadValues(t *testing.T) {
	for _, tt := range []struct {
		key, value, msg string
	}{
		{"http.body_limit", "12XB", `not a size: "12XB"`},
		{"http.read_timeout", "soon", "not a duration"},
		{"demo", "maybe", "not a bool"},
		{"sync.window", "-1", "must be 1 to"},
		{"listen", "8080", "want host:port"},
		{"store", "Store 1", "want 1-64"},
		{"currency", "rub", "ISO 4217"},
		{"broker", "http://broker:1883", "tcp://"},
		{"log_level", "loud", "want one of"},
		{"roles", "till,till", "listed twice"},
		{"shop.country", "ru", "country code"},
		{"shop.country", "XX", "country code"},
		{"shopper.anonymous_stock_share", "101", "must be 1 to 100"},
		{"shopper.anonymous_max_qty", "0", "must be 1 to 1000"},
		{"shopper.anonymous_max_grams", "2000", "must be 1 to 1000"},
		{"shopper.reservation_rate", "0", "must be 1 to"},
		{"scale.layout", "PPCCCCCWWWWK", "13 letters"},
		{"scale.layout", "PPCCCCCCCCCCK", "weight (W) or price (V)"},
		{"scale.prefixes", "2", "must be 2 digits"},
	} {
		d := lookupConfigKey(tt.key)
		for _, source := range []string{SourceFlag, SourceEnv, SourceFile} {
			t.Run(tt.key+"/"+source, func(t *testing.T) {
				var args []string
				env := map[string]string{}
				switch source {
				case SourceFlag:
					args = []string{"--" + d.flagName() + "=" + tt.value}
				case SourceEnv:
					env[d.envName()] = tt.value
				case SourceFile:
					args = []string{"--config", writeConfig(t, tt.key+": '"+tt.value+"'\n")}
				}
				_, err := LoadServeConfig(args, envOf(env), &bytes.Buffer{})
				ce := mustConfigError(t, err, tt.key, source)
				if !strings.Contains(ce.Message, tt.msg) {
					t.Fatalf("Message=%q, want it to contain %q", ce.Message, tt.msg)
				}
			})
		}
	}
	t.Run("ErrorFormat", func(t *testing.T) {
		_, err := LoadServeConfig(nil, envOf(map[string]string{"STOREEDGE_HTTP_BODY_LIMIT": "12XB"}), &bytes.Buffer{})
		want := `config: http.body_limit (env STOREEDGE_HTTP_BODY_LIMIT): not a size: "12XB"`
		if got := err.Error(); !strings.HasPrefix(got, want) {
			t.Fatalf("Error()=%q, want prefix %q", got, want)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Fatalf("Error()=%q is not one line", err)
		}
	})
}

func TestConfig_Validate(t *testing.T) {
	for _, tt := range []struct {
		name   string
		mutate func(c *Config)
		key    string
	}{
		{"OK", func(c *Config) {}, ""},
		{"ListenPortZero", func(c *Config) { c.Listen = "127.0.0.1:0" }, ""},
		{"ListenAnyHost", func(c *Config) { c.Listen = ":8080" }, ""},
		{"ListenIPv6", func(c *Config) { c.Listen = "[::1]:8080" }, ""},
		{"ListenName", func(c *Config) { c.Listen = "localhost:8080" }, ""},
		{"ListenBadPort", func(c *Config) { c.Listen = "localhost:http" }, "listen"},
		{"ListenBigPort", func(c *Config) { c.Listen = "localhost:70000" }, "listen"},
		{"ListenBadHost", func(c *Config) { c.Listen = "a b:80" }, "listen"},
		{"MetricsListenOff", func(c *Config) { c.MetricsListen = "" }, ""},
		{"MetricsListenPortZero", func(c *Config) { c.MetricsListen = "127.0.0.1:0" }, ""},
		{"MetricsListenBad", func(c *Config) { c.MetricsListen = "127.0.0.1" }, "metrics_listen"},
		{"DataEmpty", func(c *Config) { c.Data = "" }, "data"},
		{"StoreLong", func(c *Config) { c.Store = strings.Repeat("a", 65) }, "store"},
		{"StoreMax", func(c *Config) { c.Store = strings.Repeat("a", 64) }, ""},
		{"StoreUpper", func(c *Config) { c.Store = "Shop" }, "store"},
		{"StoreEmpty", func(c *Config) { c.Store = "" }, "store"},
		{"Profile", func(c *Config) { c.Profile = "raspberry-pi-4" }, ""},
		{"ProfileUnknown", func(c *Config) { c.Profile = "toaster" }, "profile"},
		{"BrokerTCP", func(c *Config) { c.Broker, c.Sync.Identity = "tcp://broker:1883", "id" }, ""},
		{"BrokerMQTTS", func(c *Config) { c.Broker, c.Sync.Identity = "mqtts://broker:8883", "id" }, ""},
		{"BrokerWSS", func(c *Config) { c.Broker, c.Sync.Identity = "wss://broker/mqtt", "id" }, ""},
		{"BrokerWithoutIdentity", func(c *Config) { c.Broker = "ssl://broker:8883" }, "sync.identity"},
		{"BrokerInsecure", func(c *Config) { c.Broker, c.InsecureSync = "tcp://broker:1883", true }, ""},
		{"CentralURLWithoutIdentity", func(c *Config) { c.CentralURL = "https://central.example" }, "sync.identity"},
		{"NoSyncRoleNoIdentity", func(c *Config) { c.Broker, c.Roles = "ssl://broker:8883", []string{RoleTill} }, ""},
		{"IdentityAndTLSFiles", func(c *Config) { c.Broker, c.Sync.Identity, c.Sync.CAFile = "ssl://b:8883", "id", "ca.pem" }, "sync.identity"},
		{"BrokerHTTP", func(c *Config) { c.Broker = "http://broker" }, "broker"},
		{"BrokerNoHost", func(c *Config) { c.Broker = "tcp://" }, "broker"},
		{"CentralURL", func(c *Config) { c.CentralURL, c.Sync.Identity = "https://central.example", "id" }, ""},
		{"CentralURLBad", func(c *Config) { c.CentralURL = "central.example" }, "central_url"},
		{"Currency", func(c *Config) { c.Currency = "EUR" }, ""},
		{"CurrencyBad", func(c *Config) { c.Currency = "EURO" }, "currency"},
		{"PublicURL", func(c *Config) { c.PublicURL = "https://shop.example/s1" }, ""},
		{"PublicURLQuery", func(c *Config) { c.PublicURL = "https://shop.example/?a=1" }, "public_url"},
		{"PublicURLFTP", func(c *Config) { c.PublicURL = "ftp://shop.example" }, "public_url"},
		{"LogLevel", func(c *Config) { c.LogLevel = "trace" }, "log_level"},
		{"LogFormat", func(c *Config) { c.LogFormat = "xml" }, "log_format"},
		{"RolesEmpty", func(c *Config) { c.Roles = nil }, "roles"},
		{"RolesUnknown", func(c *Config) { c.Roles = []string{"till", "bakery"} }, "roles"},
		{"MmapAboveMax", func(c *Config) { c.Storage.InitialMmapSize = 2 << 30; c.Storage.MaxSize = 1 << 30 }, "storage.initial_mmap_size"},
		{"MaxSizeUnlimited", func(c *Config) { c.Storage.MaxSize = 0 }, maxSizeKeyIf32Bit()},
		{"MaxSizeTiny", func(c *Config) { c.Storage.MaxSize = 1000 }, "storage.max_size"},
		{"BatchSizeNegative", func(c *Config) { c.Storage.BatchSize = -1 }, "storage.batch_size"},
		{"BatchDelayLong", func(c *Config) { c.Storage.BatchDelay = 2 * time.Second }, "storage.batch_delay"},
		{"RetentionShort", func(c *Config) { c.Storage.Retention = time.Minute }, "storage.retention"},
		{"MemoryLimit", func(c *Config) { c.Runtime.MemoryLimit = 256 << 20 }, ""},
		{"MemoryLimitTiny", func(c *Config) { c.Runtime.MemoryLimit = 1 << 20 }, "runtime.memory_limit"},
		{"GOMAXPROCSNegative", func(c *Config) { c.Runtime.GOMAXPROCS = -1 }, "runtime.gomaxprocs"},
		{"BodyLimitZero", func(c *Config) { c.HTTP.BodyLimit = 0 }, "http.body_limit"},
		{"BodyLimitHuge", func(c *Config) { c.HTTP.BodyLimit = 2 << 30 }, "http.body_limit"},
		{"ReadTimeoutZero", func(c *Config) { c.HTTP.ReadTimeout = 0 }, "http.read_timeout"},
		{"RequestTimeoutZero", func(c *Config) { c.HTTP.RequestTimeout = 0 }, "http.request_timeout"},
		{"LoginRateZero", func(c *Config) { c.HTTP.LoginRate = 0 }, "http.login_rate"},
		{"ShopperRateZero", func(c *Config) { c.HTTP.ShopperRate = 0 }, "http.shopper_rate"},
		{"SessionTTLZero", func(c *Config) { c.Session.TTL = 0 }, "session.ttl"},
		{"BatchBytesHuge", func(c *Config) { c.Sync.BatchBytes = 1 << 30 }, "sync.batch_bytes"},
		{"AckTimeoutZero", func(c *Config) { c.Sync.AckTimeout = 0 }, "sync.ack_timeout"},
		{"CertWithoutKey", func(c *Config) { c.Sync.CertFile = "c.pem" }, "sync.key_file"},
		{"KeyWithoutCert", func(c *Config) { c.Sync.KeyFile = "k.pem" }, "sync.cert_file"},
		{"PasswordWithoutUser", func(c *Config) { c.Sync.Password = "x" }, "sync.username"},
		{"TLSFilesOffline", func(c *Config) { c.Sync.CAFile = "ca.pem" }, ""},
		{"TLSFilesSSL", func(c *Config) { c.Broker, c.InsecureSync, c.Sync.CAFile = "ssl://b:8883", true, "ca.pem" }, ""},
		{"TLSFilesTCP", func(c *Config) { c.Broker, c.InsecureSync, c.Sync.CAFile = "tcp://b:1883", true, "ca.pem" }, "sync.ca_file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.mutate(c)
			err := c.Validate()
			if tt.key == "" {
				if err != nil {
					t.Fatalf("Validate()=%v, want nil", err)
				}
				return
			}
			mustConfigError(t, err, tt.key, SourceDefault)
		})
	}
}

// maxSizeKeyIf32Bit is the key Validate blames for an unlimited database:
// none on 64-bit systems, storage.max_size where bbolt maps at most 2 GB.
func maxSizeKeyIf32Bit() string {
	if DefaultConfig().Storage.MaxSize < 4<<30 {
		return "storage.max_size"
	}
	return ""
}

func TestConfig_Validate_NoOrigins(t *testing.T) {
	err := (&Config{}).Validate()
	ce := mustConfigError(t, err, "data", "")
	if got, want := ce.Error(), "config: data: must not be empty"; got != want {
		t.Fatalf("Error()=%q, want %q", got, want)
	}
}

func TestConfig_Validate_BrokerPasswordRedacted(t *testing.T) {
	c := DefaultConfig()
	c.Broker = "http://user:hunter2@broker"
	err := c.Validate()
	mustConfigError(t, err, "broker", SourceDefault)
	if strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("Error()=%q shows the password", err)
	}
}

func TestConfig_HasRole(t *testing.T) {
	c := DefaultConfig()
	c.Roles = []string{RoleShopper, RoleSync}
	for role, want := range map[string]bool{RoleTill: false, RoleShopper: true, RoleTags: false, RoleSync: true, "": false} {
		if got := c.HasRole(role); got != want {
			t.Fatalf("HasRole(%q)=%v, want %v", role, got, want)
		}
	}
}

func TestConfigError_Error(t *testing.T) {
	for _, tt := range []struct {
		err  ConfigError
		want string
	}{
		{ConfigError{Key: "http.body_limit", Source: SourceEnv, Origin: "STOREEDGE_HTTP_BODY_LIMIT", Message: "bad"},
			"config: http.body_limit (env STOREEDGE_HTTP_BODY_LIMIT): bad"},
		{ConfigError{Key: "listen", Source: SourceFile, Origin: "a.yaml line 3", Message: "bad"}, "config: listen (file a.yaml line 3): bad"},
		{ConfigError{Key: "listen", Source: SourceDefault, Message: "bad"}, "config: listen (default): bad"},
		{ConfigError{Key: "listen", Message: "bad"}, "config: listen: bad"},
		{ConfigError{Source: SourceFlag, Message: "bad"}, "config: flag: bad"},
		{ConfigError{Message: "bad"}, "config: bad"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Fatalf("Error()=%q, want %q", got, tt.want)
		}
	}
}

// TestConfig_PhoneRegion: shop.country wins; without it the currency says
// which country shoppers' phones are from.
func TestConfig_PhoneRegion(t *testing.T) {
	for _, tt := range []struct{ country, currency, want string }{
		{"", "RUB", "RU"}, {"", "UAH", "UA"}, {"", "EUR", "RU"}, {"KZ", "RUB", "KZ"}, {"UA", "RUB", "UA"},
	} {
		env := map[string]string{"STOREEDGE_CURRENCY": tt.currency, "STOREEDGE_SHOP_COUNTRY": tt.country}
		c := mustLoad(t, nil, env)
		if got := c.PhoneRegion(); got != tt.want {
			t.Errorf("country %q currency %s: PhoneRegion=%q, want %q", tt.country, tt.currency, got, tt.want)
		}
	}
}

// TestLoadServeConfig_Scale: the scale keys make the format that serve
// gives the storage and the HTTP server.
func TestLoadServeConfig_Scale(t *testing.T) {
	c, err := LoadServeConfig([]string{"--scale-layout=PCCCCCCVVVVVK", "--scale-prefixes=2"}, envOf(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Scale.Format(); got.Layout != "PCCCCCCVVVVVK" || len(got.Prefixes) != 1 || got.Prefixes[0] != "2" {
		t.Fatalf("format=%+v", got)
	}
	c, err = LoadServeConfig(nil, envOf(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Scale.Format(), "PPCCCCCWWWWWK"; got.Layout != want || len(got.Prefixes) != 10 {
		t.Fatalf("default format=%+v", got)
	}
}
