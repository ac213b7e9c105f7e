package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	firmware "github.com/storeedge/storeedge/firmware-profiles"
)

// TestProfileSettings_Errors checks bad profile content, which the embedded
// profiles never have, through firmware.Parse.
func TestProfileSettings_Errors(t *testing.T) {
	for _, tt := range []struct {
		name, text, key, msg string
	}{
		{"BadValue", "description: x\nhttp.body_limit: 12XB\n", "http.body_limit", `not a size`},
		{"UnknownKey", "http.bodylimit: 1MiB\n", "http.bodylimit", "unknown key"},
		{"Identity", "store: shop-9\n", "store", "only hardware settings"},
		{"Secret", "sync.password: x\n", "sync.password", "only hardware settings"},
		{"Nested", "profile: raspberry-pi-4\n", "profile", "only hardware settings"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := firmware.Parse("test", strings.NewReader(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			settings, err := profileSettings(p)
			if err == nil {
				err = DefaultConfig().applyAll(settings)
			}
			ce := mustConfigError(t, err, tt.key, SourceProfile)
			if got, want := ce.Origin, "test line 2"; tt.name == "BadValue" && got != want {
				t.Fatalf("Origin=%q, want %q", got, want)
			}
			if !strings.Contains(ce.Message, tt.msg) {
				t.Fatalf("Message=%q, want it to contain %q", ce.Message, tt.msg)
			}
		})
	}
	t.Run("UnknownProfile", func(t *testing.T) {
		_, err := LoadServeConfig(nil, envOf(map[string]string{"STOREEDGE_PROFILE": "toaster"}), &bytes.Buffer{})
		mustConfigError(t, err, "profile", SourceEnv)
		if !errors.Is(err, firmware.ErrUnknownProfile) {
			t.Fatalf("err=%v, want it to wrap ErrUnknownProfile", err)
		}
	})
}

// TestProfiles applies every embedded profile on top of DefaultConfig and
// validates the result; each must set every hardware knob.
func TestProfiles(t *testing.T) {
	names := firmware.Names()
	if len(names) < 4 {
		t.Fatalf("Names()=%q, want the four shipped profiles", names)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			if strconv.IntSize == 32 && name == "pos-terminal-x86" {
				t.Skip("an x86-64 profile: a 32-bit build maps at most 2 GB")
			}
			p, err := firmware.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			settings, err := profileSettings(p)
			if err != nil {
				t.Fatal(err)
			}
			c := DefaultConfig()
			if err := c.applyAll(settings); err != nil {
				t.Fatal(err)
			}
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			for i := range configKeys {
				if _, ok := p.Get(configKeys[i].key); configKeys[i].hw && !ok {
					t.Errorf("profile does not set %s", configKeys[i].key)
				}
			}
			mustLoad(t, []string{"--profile", name}, nil)
		})
	}
}

// TestProfiles_AreYAML checks that yaml.v3 reads every profile file exactly
// as firmware.Parse does: the format really is a subset of YAML.
func TestProfiles_AreYAML(t *testing.T) {
	paths, err := filepath.Glob("../../firmware-profiles/*.yaml")
	if err != nil || len(paths) != len(firmware.Names()) {
		t.Fatalf("Glob=%q, %v; want one file per profile", paths, err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			assertSameAsYAML(t, data)
		})
	}
}

// FuzzProfileIsYAML checks on any input that firmware.Parse accepts only
// what yaml.v3 reads as the same flat map of strings.
func FuzzProfileIsYAML(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz seeds skipped in -short mode")
	}
	for _, s := range []string{
		"a: 1", "description: x # c\nb.c: 'it''s'\n", `a: "x\"y\\z"`, "a: -1\nb: 1e3\nc: 0x1F\n",
		"a: yes\nb: true\nc: .inf\n", "a: b#c\n", "a: b  # c\r\n", "a: '#'\n", "a: x,y\n", "a: ü\n",
		"a: b\u00a0\n", "a: 'x' \n", "a: x #\n", `a: ""`, "a: 'a#b' # c", `a: x"y`, "a: x'y", "a: x,]",
		"a: 1:2", "a: x:y", "a: -x", "a: --- x", "a: ... x", `a: x\y`, `a: "a\\b"`, "a_b.c_d: x",
		"a: x\n\n# c\n  # c\nb: y", "a: 日本", "a: x  ", "a:  x", "a: x\r\nb: y\r\n", "a: =",
		"a: <x", `a: "\""`, "a: x # c # d", "a: 0o17\nb: 1_000\nc: +1\nd: 2001-12-14\n", "a: .5\nb: -.inf\n",
		"a: y\nb: n\nc: on\nd: off\ne: Yes\n", "a: x}", "a: x{", "a: b'", "a: 'multi  space'",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := firmware.Parse("fuzz", bytes.NewReader(data)); err == nil {
			assertSameAsYAML(t, data)
		}
	})
}

// assertSameAsYAML compares firmware.Parse of data with yaml.v3's reading.
func assertSameAsYAML(tb testing.TB, data []byte) {
	tb.Helper()
	p, err := firmware.Parse("test", bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	got := map[string]string{}
	for _, kv := range p.Values {
		got[kv.Key] = kv.Value
	}
	if _, ok := yamlHasKey(data, "description"); ok {
		got["description"] = p.Description
	}
	var want map[string]string
	if err := yaml.Unmarshal(data, &want); err != nil {
		tb.Fatalf("yaml.v3 rejects what firmware.Parse accepts: %v\n%q", err, data)
	}
	if len(got) != len(want) {
		tb.Fatalf("firmware.Parse=%q, yaml.v3=%q\n%q", got, want, data)
	}
	for k, v := range want {
		if got[k] != v {
			tb.Fatalf("%s: firmware.Parse=%q, yaml.v3=%q\n%q", k, got[k], v, data)
		}
	}
}

// yamlHasKey reports whether the YAML map in data has key.
func yamlHasKey(data []byte, key string) (string, bool) {
	var m map[string]string
	if yaml.Unmarshal(data, &m) != nil {
		return "", false
	}
	v, ok := m[key]
	return v, ok
}
