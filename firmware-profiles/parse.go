package firmware

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// maxProfileSize bounds what Parse reads: a profile is a page of text, and
// a bigger input is a mistake, not a profile.
const maxProfileSize = 64 << 10

// ParseError reports a profile that is not in the supported format.
type ParseError struct {
	Profile string
	Line    int // 1-based; 0 when the error is about the whole file
	Msg     string
}

// Error implements the error interface.
func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("firmware profile %s: %s", e.Profile, e.Msg)
	}
	return fmt.Sprintf("firmware profile %s line %d: %s", e.Profile, e.Line, e.Msg)
}

// Parse reads a profile called name from r. Malformed lines and duplicate
// keys are a *ParseError naming the line.
func Parse(name string, r io.Reader) (*Profile, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxProfileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read firmware profile %s: %w", name, err)
	}
	if len(data) > maxProfileSize {
		return nil, &ParseError{Profile: name, Msg: "larger than 64 KiB"}
	}
	p := &Profile{Name: name}
	seen := make(map[string]int)
	for i, line := range strings.Split(string(data), "\n") {
		kv, ok, err := parseLine(line)
		if err != nil {
			return nil, &ParseError{Profile: name, Line: i + 1, Msg: err.Error()}
		} else if !ok {
			continue
		}
		if first, dup := seen[kv.Key]; dup {
			msg := fmt.Sprintf("duplicate key %q (first set on line %d)", kv.Key, first)
			return nil, &ParseError{Profile: name, Line: i + 1, Msg: msg}
		}
		seen[kv.Key] = i + 1
		if kv.Key == "description" {
			p.Description = kv.Value
			continue
		}
		kv.Line = i + 1
		p.Values = append(p.Values, kv)
	}
	return p, nil
}

// parseLine parses one line; ok is false for blank and comment lines.
func parseLine(line string) (kv KV, ok bool, err error) {
	line = strings.TrimSuffix(line, "\r") // CRLF files are fine
	if err := checkChars(line); err != nil {
		return kv, false, err
	}
	trimmed := strings.TrimLeft(line, " ")
	if trimmed == "" || trimmed[0] == '#' {
		return kv, false, nil
	} else if trimmed != line {
		return kv, false, errors.New("indented line: nesting is not supported, write a dotted key (http.body_limit: 1MiB)")
	}
	key, rest, found := strings.Cut(line, ":")
	if !found {
		return kv, false, errors.New("expected key: value")
	} else if !validKey(key) {
		return kv, false, fmt.Errorf("bad key %q: want lowercase words joined by dots, e.g. http.body_limit", key)
	} else if rest != "" && rest[0] != ' ' {
		return kv, false, errors.New("expected a space after ':'")
	}
	value, err := parseValue(strings.TrimLeft(rest, " "))
	if err != nil {
		return kv, false, fmt.Errorf("%s: %w", key, err)
	}
	return KV{Key: key, Value: value}, true, nil
}

// checkChars rejects what YAML would read differently from us: tabs
// (indentation in YAML), control characters, and the Unicode line breaks
// U+0085, U+2028 and U+2029 that YAML 1.1 parsers split lines on.
func checkChars(line string) error {
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return errors.New("invalid UTF-8")
		case r == '\t':
			return errors.New("tab character: use spaces")
		case r < 0x20, r >= 0x7f && r < 0xa0, r == 0x2028, r == 0x2029, r == 0xfeff, r == 0xfffe, r == 0xffff:
			return fmt.Errorf("non-printable character %U", r)
		}
		i += size
	}
	return nil
}

// validKey reports whether k is lowercase words of [a-z0-9_], each starting
// with a letter, joined by dots. YAML would read the words true, false and
// null as other types, so they are refused.
func validKey(k string) bool {
	if k == "" || len(k) > 100 || k == "true" || k == "false" || k == "null" {
		return false
	}
	for _, w := range strings.Split(k, ".") {
		if w == "" || w[0] < 'a' || w[0] > 'z' {
			return false
		}
		for i := 1; i < len(w); i++ {
			if c := w[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
				return false
			}
		}
	}
	return true
}
