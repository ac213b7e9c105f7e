package qr

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ellipsis marks a name cut short.
const ellipsis = "…"

// wrap breaks s into at most maxLines lines no wider than width, breaking
// at spaces, and inside a word only when the word alone is too wide. Text
// that does not fit ends the last line with an ellipsis. Control
// characters and runs of spaces become one space.
func wrap(p painter, s string, width, size float64, f *face, maxLines int) []string {
	fits := func(t string) bool { return p.width(t, size, f) <= width }
	var lines []string
	line := ""
	s = strings.ToValidUTF8(s, "\uFFFD")
	for _, word := range strings.FieldsFunc(s, isBreak) {
		switch {
		case line != "" && fits(line+" "+word):
			line += " " + word
		case line == "" && fits(word):
			line = word
		default:
			if line != "" {
				lines, line = append(lines, line), ""
			}
			for !fits(word) { // a word wider than the column
				head := longestFit(word, fits)
				lines, word = append(lines, head), word[len(head):]
			}
			line = word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] = clip(p, lines[maxLines-1]+ellipsis, width, size, f)
	}
	return lines
}

// isBreak reports whether r separates words: spaces and control characters.
func isBreak(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

// longestFit returns the longest prefix of word (at least one rune) that fits.
func longestFit(word string, fits func(string) bool) string {
	end := 0
	for end < len(word) {
		_, n := utf8.DecodeRuneInString(word[end:])
		if end > 0 && !fits(word[:end+n]) {
			break
		}
		end += n
	}
	return word[:end]
}

// clip shortens s with an ellipsis until it fits width.
func clip(p painter, s string, width, size float64, f *face) string {
	if p.width(s, size, f) <= width {
		return s
	}
	r := []rune(strings.TrimSuffix(s, ellipsis))
	for len(r) > 0 && p.width(string(r)+ellipsis, size, f) > width {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ") + ellipsis
}
