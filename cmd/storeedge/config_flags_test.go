package main

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"
)

func TestLoadServeConfig_Flags(t *testing.T) {
	t.Run("Help", func(t *testing.T) {
		var stderr bytes.Buffer
		if _, err := LoadServeConfig([]string{"--help"}, envOf(nil), &stderr); !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("err=%v, want flag.ErrHelp", err)
		}
		out := stderr.String()
		for i := range configKeys {
			d := &configKeys[i]
			if !strings.Contains(out, "--"+d.flagName()+" ") && !strings.Contains(out, "--"+d.flagName()+"\n") {
				t.Errorf("--help lacks --%s", d.flagName())
			}
			if want := "env " + d.envName() + "; key " + d.key + ")"; !strings.Contains(out, want) {
				t.Errorf("--help lacks %q", want)
			}
		}
		for _, want := range []string{"--config FILE", "STOREEDGE_CONFIG", "default 1MiB; env STOREEDGE_HTTP_BODY_LIMIT", "default 720h;", "default 127.0.0.1:8080;", "default till,shopper,tags,sync;"} {
			if !strings.Contains(out, want) {
				t.Errorf("--help lacks %q", want)
			}
		}
	})
	t.Run("Unknown", func(t *testing.T) {
		_, err := LoadServeConfig([]string{"--nope"}, envOf(nil), &bytes.Buffer{})
		mustConfigError(t, err, "", SourceFlag)
	})
	t.Run("MissingValue", func(t *testing.T) {
		_, err := LoadServeConfig([]string{"--data"}, envOf(nil), &bytes.Buffer{})
		mustConfigError(t, err, "", SourceFlag)
	})
	t.Run("Argument", func(t *testing.T) {
		_, err := LoadServeConfig([]string{"--demo", "extra"}, envOf(nil), &bytes.Buffer{})
		ce := mustConfigError(t, err, "", SourceFlag)
		if !strings.Contains(ce.Message, `"extra"`) {
			t.Fatalf("Message=%q, want it to name the argument", ce.Message)
		}
	})
	t.Run("BoolForms", func(t *testing.T) {
		for args, want := range map[string]bool{"--demo": true, "--demo=false": false, "-demo=yes": true, "--demo=0": false} {
			if got := mustLoad(t, []string{args}, nil).Demo; got != want {
				t.Fatalf("%s: Demo=%v, want %v", args, got, want)
			}
		}
	})
	t.Run("PasswordWarning", func(t *testing.T) {
		var stderr bytes.Buffer
		if _, err := LoadServeConfig([]string{"--sync-username", "u", "--sync-password", "p"}, envOf(nil), &stderr); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stderr.String(), "STOREEDGE_SYNC_PASSWORD") {
			t.Fatalf("stderr=%q, want a warning", stderr.String())
		}
	})
}
