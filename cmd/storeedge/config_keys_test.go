package main

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestConfigKeys_Hardware pins the knobs every profile must set: storage,
// runtime, http, session, the sync tuning, roles and listen.
func TestConfigKeys_Hardware(t *testing.T) {
	for i := range configKeys {
		d := &configKeys[i]
		group, _, _ := strings.Cut(d.key, ".")
		want := d.key == "listen" || d.key == "roles" ||
			group == "storage" || group == "runtime" || group == "http" || group == "session" ||
			slices.Contains([]string{"sync.batch_events", "sync.batch_bytes", "sync.window", "sync.ack_timeout"}, d.key)
		if d.hw != want {
			t.Errorf("%s: hw=%v, want %v", d.key, d.hw, want)
		}
	}
}

// TestConfigKeys checks the table: unique names, and that every key
// reaches its own field through flag, env and file alike.
func TestConfigKeys(t *testing.T) {
	flags, envs := map[string]bool{}, map[string]bool{}
	for i := range configKeys {
		d := &configKeys[i]
		if flags[d.flagName()] || envs[d.envName()] {
			t.Fatalf("%s: flag or env name taken twice", d.key)
		}
		flags[d.flagName()], envs[d.envName()] = true, true
		if d.usage == "" {
			t.Errorf("%s: no usage", d.key)
		}
		if lookupConfigKey(d.key) != d {
			t.Errorf("lookupConfigKey(%q) is another key", d.key)
		}
	}
	if got, want := lookupConfigKey("http.body_limit").flagName(), "http-body-limit"; got != want {
		t.Fatalf("flagName=%q, want %q", got, want)
	}
	if got, want := lookupConfigKey("central_url").envName(), "STOREEDGE_CENTRAL_URL"; got != want {
		t.Fatalf("envName=%q, want %q", got, want)
	}
	// Setting one key must change exactly that key's field.
	def := DefaultConfig()
	for i := range configKeys {
		d := &configKeys[i]
		c := DefaultConfig()
		if err := d.set(c, configValue{text: otherValue(d, def)}); err != nil {
			t.Fatalf("%s: %v", d.key, err)
		}
		for j := range configKeys {
			changed := configKeys[j].format(c) != configKeys[j].format(def)
			if changed != (i == j) {
				t.Fatalf("setting %s changed %s=%v", d.key, configKeys[j].key, changed)
			}
		}
	}
}

// otherValue returns a valid-looking text different from d's default.
func otherValue(d *configKey, def *Config) string {
	switch p := d.ptr(def).(type) {
	case *bool:
		return "true"
	case *int:
		if *p == 7 { // pickups.no_show_days
			return "8"
		}
		return "7"
	case *int64:
		return "7KiB"
	case *time.Duration:
		return "7s"
	case *[]string:
		return "sync"
	}
	return "other"
}
