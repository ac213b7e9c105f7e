package main

import (
	"slices"
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"1048576", 1 << 20, true},
		{"512B", 512, true},
		{"1KiB", 1 << 10, true},
		{"64KiB", 64 << 10, true},
		{"1MiB", 1 << 20, true},
		{"4GiB", 4 << 30, true},
		{"1TiB", 1 << 40, true},
		{"1KB", 1000, true},
		{"500MB", 500e6, true},
		{"2GB", 2e9, true},
		{"64 KiB", 64 << 10, true},
		{" 1mib ", 1 << 20, true},
		{"8EiB", 0, false},
		{"9223372036854775807", 1<<63 - 1, true},
		{"9223372036854775808", 0, false},
		{"8388608TiB", 0, false},
		{"8388607TiB", 8388607 << 40, true},
		{"", 0, false},
		{"MiB", 0, false},
		{"12XB", 0, false},
		{"1.5MiB", 0, false},
		{"-1", 0, false},
		{"+1", 0, false},
		{"1e6", 0, false},
		{"1_000", 0, false},
		{"0x10", 0, false},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSize(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseSize(%q) err=%v, want ok=%v", tt.in, err, tt.ok)
			}
			if got != tt.want {
				t.Fatalf("ParseSize(%q)=%d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestFormatSize(t *testing.T) {
	for _, tt := range []struct {
		in   int64
		want string
	}{
		{0, "0"}, {1, "1"}, {1000, "1KB"}, {1024, "1KiB"}, {1 << 20, "1MiB"}, {64 << 10, "64KiB"},
		{4 << 30, "4GiB"}, {1536 << 20, "1536MiB"}, {500e6, "500MB"}, {1 << 40, "1TiB"}, {1234567, "1234567"},
	} {
		if got := FormatSize(tt.in); got != tt.want {
			t.Fatalf("FormatSize(%d)=%q, want %q", tt.in, got, tt.want)
		}
		if back, err := ParseSize(FormatSize(tt.in)); err != nil || back != tt.in {
			t.Fatalf("ParseSize(FormatSize(%d))=%d, %v", tt.in, back, err)
		}
	}
}

func TestParseConfigBool(t *testing.T) {
	for _, tt := range []struct {
		in       string
		want, ok bool
	}{
		{"true", true, true}, {"TRUE", true, true}, {"1", true, true}, {"yes", true, true}, {"Yes", true, true},
		{"false", false, true}, {"0", false, true}, {"no", false, true}, {"NO", false, true},
		{"", false, false}, {"on", false, false}, {"y", false, false}, {"2", false, false}, {"maybe", false, false},
	} {
		got, err := parseConfigBool(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Fatalf("parseConfigBool(%q)=%v, %v, want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseConfigDuration(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true}, {"0s", 0, true}, {"500ms", 500 * time.Millisecond, true}, {"10s", 10 * time.Second, true},
		{"720h", 720 * time.Hour, true}, {"1h30m", 90 * time.Minute, true},
		{"10", 0, false}, {"", 0, false}, {"1d", 0, false}, {"soon", 0, false},
	} {
		got, err := parseConfigDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Fatalf("parseConfigDuration(%q)=%v, %v, want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestFormatConfigDuration(t *testing.T) {
	for in, want := range map[time.Duration]string{
		0: "0s", 10 * time.Second: "10s", 720 * time.Hour: "720h", 90 * time.Minute: "1h30m",
		time.Minute: "1m", 5 * time.Millisecond: "5ms", time.Hour + time.Second: "1h0m1s",
	} {
		if got := formatConfigDuration(in); got != want {
			t.Fatalf("formatConfigDuration(%v)=%q, want %q", in, got, want)
		}
	}
}

func TestSplitConfigList(t *testing.T) {
	for in, want := range map[string][]string{
		"": nil, "till": {"till"}, "till,shopper": {"till", "shopper"}, " till , sync, ": {"till", "sync"},
	} {
		if got := splitConfigList(in); !slices.Equal(got, want) {
			t.Fatalf("splitConfigList(%q)=%q, want %q", in, got, want)
		}
	}
}

// FuzzParseSize checks that ParseSize never panics and that what it
// accepts is non-negative and formats back to the same number.
func FuzzParseSize(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz seeds skipped in -short mode")
	}
	for _, s := range []string{"0", "1MiB", "64 KiB", "12XB", "9223372036854775807", "8388608TiB", "1.5GB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("ParseSize(%q)=%d < 0", s, n)
		}
		if back, err := ParseSize(FormatSize(n)); err != nil || back != n {
			t.Fatalf("ParseSize(FormatSize(%d))=%d, %v", n, back, err)
		}
	})
}
