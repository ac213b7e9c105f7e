package firmware

import (
	"errors"
	"strings"
)

// errNoValue is the error for a key without a value: YAML reads that as
// null, and a profile has no use for null.
var errNoValue = errors.New("missing value (quote an empty one: \"\")")

// parseValue parses the text after "key: ", comment included.
func parseValue(s string) (string, error) {
	switch {
	case s == "" || s[0] == '#':
		return "", errNoValue
	case s[0] == '"':
		return parseDoubleQuoted(s)
	case s[0] == '\'':
		return parseSingleQuoted(s)
	}
	return parsePlain(s)
}

// parsePlain parses an unquoted value. It refuses every value that YAML
// would read as something other than the same string: indicators that
// start lists, maps, anchors, tags or block scalars, and the nulls.
func parsePlain(s string) (string, error) {
	if i := strings.Index(s, " #"); i >= 0 {
		s = s[:i] // a comment needs a space before '#', as in YAML
	}
	s = strings.TrimRight(s, " ")
	switch {
	case strings.ContainsRune("[]{},&*!|>%@`?:", rune(s[0])), strings.HasPrefix(s, "<<"):
		return "", errors.New("a value may not start with " + string(s[0]) + ": quote it")
	case s[0] == '-' && (len(s) == 1 || s[1] == ' '):
		return "", errors.New("lists are not supported: write a comma-separated value")
	case strings.Contains(s, ": ") || strings.HasSuffix(s, ":"):
		return "", errors.New(`a value may not contain ": " or end in ':': quote it`)
	case s == "~" || s == "null" || s == "Null" || s == "NULL":
		return "", errors.New(`null is not a value: quote it ("null") or leave the key out`)
	}
	return s, nil
}

// parseDoubleQuoted parses "...". Only \\ and \" escapes are accepted:
// YAML's other escapes differ from Go's and no setting needs them.
func parseDoubleQuoted(s string) (string, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 == len(s) || (s[i+1] != '\\' && s[i+1] != '"') {
				return "", errors.New(`only \\ and \" escapes are supported`)
			}
			i++
			b.WriteByte(s[i])
		case '"':
			return b.String(), checkAfterQuote(s[i+1:])
		default:
			b.WriteByte(c)
		}
	}
	return "", errors.New("unterminated quoted value")
}

// parseSingleQuoted parses '...', where ” stands for one quote.
func parseSingleQuoted(s string) (string, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			b.WriteByte(s[i])
		} else if i+1 < len(s) && s[i+1] == '\'' {
			b.WriteByte('\'')
			i++
		} else {
			return b.String(), checkAfterQuote(s[i+1:])
		}
	}
	return "", errors.New("unterminated quoted value")
}

// checkAfterQuote allows only spaces and a comment after a closing quote.
func checkAfterQuote(rest string) error {
	t := strings.TrimLeft(rest, " ")
	if t == "" || (t[0] == '#' && len(t) < len(rest)) {
		return nil
	}
	return errors.New("unexpected text after the closing quote")
}
