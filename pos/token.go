package pos

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"
	"unicode/utf8"
)

// A customer token identifies a loyalty customer to the shopper's page. The
// chain's app signs it with a key the shops share; the edge only verifies.
//
// Format (version 1): base64url(payload) "." base64url(HMAC-SHA256(key,
// payload)), both without padding, where payload is
//
//	0x01 | exp (8 bytes, big-endian Unix seconds) | uvarint len(id) | id | phone
//
// The phone takes the rest of the payload and may be empty (a card-only
// customer). The MAC covers the version byte, so a later format cannot be
// confused with this one.
const (
	customerTokenVersion = 1
	// MaxCustomerTokenLen bounds a token accepted from outside.
	MaxCustomerTokenLen = 512
	maxCustomerIDLen    = 64
)

var b64 = base64.RawURLEncoding.Strict()

// SignCustomerToken returns a token for the customer that expires at exp.
func SignCustomerToken(key []byte, customerID, phone string, exp time.Time) string {
	payload := make([]byte, 0, 1+8+binary.MaxVarintLen64+len(customerID)+len(phone))
	payload = append(payload, customerTokenVersion)
	payload = binary.BigEndian.AppendUint64(payload, uint64(exp.Unix()))
	payload = binary.AppendUvarint(payload, uint64(len(customerID)))
	payload = append(payload, customerID...)
	payload = append(payload, phone...)
	return b64.EncodeToString(payload) + "." + b64.EncodeToString(tokenMAC(key, payload))
}

// VerifyCustomerToken checks a token's signature and expiry at now and
// returns whom it identifies. Any defect (no key, bad encoding, wrong MAC,
// expired, malformed payload) is an unauthorized *Error; the message never
// says which, so a forger learns nothing.
func VerifyCustomerToken(key []byte, token string, now time.Time) (customerID, phone string, err error) {
	if len(key) == 0 || len(token) == 0 || len(token) > MaxCustomerTokenLen {
		return "", "", errBadCustomerToken()
	}
	enc, encMAC, ok := strings.Cut(token, ".")
	if !ok {
		return "", "", errBadCustomerToken()
	}
	payload, err1 := b64.DecodeString(enc)
	mac, err2 := b64.DecodeString(encMAC)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, tokenMAC(key, payload)) {
		return "", "", errBadCustomerToken()
	}
	exp, customerID, phone, ok := parseTokenPayload(payload)
	if !ok || !now.Before(exp) {
		return "", "", errBadCustomerToken()
	}
	return customerID, phone, nil
}

// parseTokenPayload splits a version 1 payload. Even a signed payload is
// checked: a key leaked to a buggy signer must not produce odd identities.
func parseTokenPayload(p []byte) (exp time.Time, customerID, phone string, ok bool) {
	if len(p) < 1+8+1 || p[0] != customerTokenVersion {
		return time.Time{}, "", "", false
	}
	secs := int64(binary.BigEndian.Uint64(p[1:9]))
	n, w := binary.Uvarint(p[9:])
	rest := p[9+max(w, 0):]
	if w <= 0 || n == 0 || n > maxCustomerIDLen || n > uint64(len(rest)) {
		return time.Time{}, "", "", false
	}
	customerID, phone = string(rest[:n]), string(rest[n:])
	if !utf8.ValidString(customerID) || !validTokenPhone(phone) {
		return time.Time{}, "", "", false
	}
	return time.Unix(secs, 0), customerID, phone, true
}

// validTokenPhone accepts "" or a phone already in E.164 form.
func validTokenPhone(phone string) bool {
	if phone == "" {
		return true
	}
	p, err := NormalizePhone(phone)
	return err == nil && p == phone
}

func tokenMAC(key, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(payload)
	return m.Sum(nil)
}

func errBadCustomerToken() *Error {
	return Errorf(CodeUnauthorized, "the customer token is not valid")
}
