package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Size units, binary (KiB = 1024) and decimal (KB = 1000), as ParseSize
// accepts them. Matching ignores case, so "64kib" and "64KB" work too.
var configSizeUnits = []struct {
	suffix string
	n      int64
}{
	// Longer suffixes first, so "MiB" is not read as "B".
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
	{"B", 1},
}

// ParseSize parses a byte count: plain digits ("1048576") or digits with a
// unit ("1MiB", "64 KiB", "500MB"). It rejects fractions, signs and
// anything that overflows int64.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	num, mult := t, int64(1)
	for _, u := range configSizeUnits {
		if len(t) > len(u.suffix) && strings.EqualFold(t[len(t)-len(u.suffix):], u.suffix) {
			num, mult = strings.TrimRight(t[:len(t)-len(u.suffix)], " "), u.n
			break
		}
	}
	if num == "" || strings.Trim(num, "0123456789") != "" {
		return 0, fmt.Errorf("not a size: %q (want bytes or a number with B, KiB, MiB, GiB, KB, MB, GB)", s)
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("size out of range: %q", s)
	}
	return n * mult, nil
}

// FormatSize formats n in the largest binary unit that divides it exactly
// ("1MiB", "64KiB"), else in decimal units ("500MB"), else in bytes.
func FormatSize(n int64) string {
	if n == 0 {
		return "0"
	}
	for _, units := range [][]string{{"TiB", "GiB", "MiB", "KiB"}, {"TB", "GB", "MB", "KB"}} {
		for _, suffix := range units {
			if m := configUnitSize(suffix); n%m == 0 {
				return strconv.FormatInt(n/m, 10) + suffix
			}
		}
	}
	return strconv.FormatInt(n, 10)
}

func configUnitSize(suffix string) int64 {
	for _, u := range configSizeUnits {
		if u.suffix == suffix {
			return u.n
		}
	}
	return 1
}

// parseConfigBool accepts the spellings people write in env files and YAML.
func parseConfigBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes":
		return true, nil
	case "false", "0", "no":
		return false, nil
	}
	return false, fmt.Errorf("not a bool: %q (want true/false, 1/0 or yes/no)", s)
}

// parseConfigDuration wraps time.ParseDuration with a message that names the
// accepted form; a bare "0" is allowed, as Go allows it.
func parseConfigDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("not a duration: %q (want e.g. 500ms, 10s, 12h)", s)
	}
	return d, nil
}

// formatConfigDuration drops the zero tails Go prints: 720h, not 720h0m0s.
func formatConfigDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// parseConfigInt parses a decimal int.
func parseConfigInt(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("number out of range: %q", s)
	} else if err != nil {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return n, nil
}

// splitConfigList splits a comma-separated value, trimming spaces and dropping
// empty items, so "till, shopper," is two roles.
func splitConfigList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
