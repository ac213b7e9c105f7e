package qr

import (
	"crypto/rand"
	"encoding/binary"
	"io"
	"strings"
)

// TagCodeLen is the length of a tag code: 9 random characters and a check.
const TagCodeLen = 10

// crockford is Crockford's base32 alphabet in lower case: no i, l, o or u,
// so a code read aloud or retyped from paper has no look-alikes.
const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

// NewTagCode returns a fresh random tag code: 9 characters (45 bits) from
// crypto/rand and a check character. It is lower case and URL-safe.
func NewTagCode() string {
	return newTagCode(rand.Reader)
}

// newTagCode reads the random bits from r so tests can be deterministic.
func newTagCode(r io.Reader) string {
	var b [8]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		// crypto/rand.Reader never fails (Go ≥ 1.24 crashes instead).
		panic("qr: read random bits: " + err.Error())
	}
	bits := binary.BigEndian.Uint64(b[:])
	var v [TagCodeLen]byte
	for i := 0; i < TagCodeLen-1; i++ {
		v[i] = byte(bits>>(5*i)) & 31
	}
	v[TagCodeLen-1] = checkValue(v[:TagCodeLen-1])
	for i := range v {
		v[i] = crockford[v[i]]
	}
	return string(v[:])
}

// NormalizeTagCode returns the canonical (lower-case) form of s and whether
// it is a valid tag code. Like Crockford's decoder it is case-insensitive,
// reads i and l as 1 and o as 0, and ignores hyphens.
func NormalizeTagCode(s string) (string, bool) {
	if len(s) > 2*TagCodeLen { // bounds the work on hostile input
		return "", false
	}
	var v [TagCodeLen]byte
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '-' {
			continue
		}
		d, ok := digitValue(s[i])
		if !ok || n == TagCodeLen {
			return "", false
		}
		v[n], n = d, n+1
	}
	if n != TagCodeLen || checkValue(v[:TagCodeLen-1]) != v[TagCodeLen-1] {
		return "", false
	}
	var b strings.Builder
	for _, d := range v {
		b.WriteByte(crockford[d])
	}
	return b.String(), true
}

// ValidTagCode reports whether s is a tag code, in any form that
// NormalizeTagCode accepts.
func ValidTagCode(s string) bool {
	_, ok := NormalizeTagCode(s)
	return ok
}

// TagURL returns what a tag's QR holds: base (its trailing slashes trimmed)
// + "/t/" + code.
func TagURL(base, code string) string {
	return strings.TrimRight(base, "/") + "/t/" + code
}

// digitValue decodes one Crockford character, with its look-alikes.
func digitValue(c byte) (byte, bool) {
	if 'A' <= c && c <= 'Z' {
		c += 'a' - 'A'
	}
	switch c {
	case 'i', 'l':
		c = '1'
	case 'o':
		c = '0'
	}
	i := strings.IndexByte(crockford, c)
	return byte(i), i >= 0
}
