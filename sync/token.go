package sync

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Shop tokens authenticate a shop to central's HTTP API without a
// certificate on the HTTP path: "ses1.<store>.<unix-seconds>.<sig>", where
// sig is base64url (no padding) of an ASN.1 ECDSA signature, by the shop's
// enrolled key, over SHA-256 of shopTokenContext + store + "\n" + unix.
// The context string keeps a shop token from ever being valid as any other
// signed message of the protocol, and the other way round.
const (
	shopTokenPrefix  = "ses1."
	shopTokenContext = "storeedge/v1 shop-token\n"
	// ShopTokenSkew is how far a shop token's time may be from the
	// verifier's clock, either way: it bounds how long a leaked token
	// works and how wrong a shop's clock may be.
	ShopTokenSkew = 10 * time.Minute
	// maxShopToken bounds what the parser looks at: a P-256 token is about
	// 150 bytes; P-521 signatures stay well below this too.
	maxShopToken = 512
)

// Errors of VerifyShopToken. Every failure wraps ErrShopToken; one whose
// only fault is its time also wraps ErrShopTokenStale, so a caller can tell
// a shop with a wrong clock from a forgery. No error holds the token.
var (
	ErrShopToken      = errors.New("invalid shop token")
	ErrShopTokenStale = fmt.Errorf("%w: time more than %v from the verifier's clock", ErrShopToken, ShopTokenSkew)
)

// ShopToken mints a shop token for store, signed by key at now.
func ShopToken(store string, key *ecdsa.PrivateKey, now time.Time) (string, error) {
	if !ValidStoreID(store) {
		return "", fmt.Errorf("shop token: store id %q: want 1-64 of a-z, 0-9, - and _", store)
	}
	if key == nil {
		return "", errors.New("shop token: no key")
	}
	if now.Unix() < 0 {
		return "", errors.New("shop token: time before 1970")
	}
	unix := strconv.FormatInt(now.Unix(), 10)
	digest := shopTokenDigest(store, unix)
	sig, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
	if err != nil {
		return "", fmt.Errorf("shop token: sign: %w", err)
	}
	return shopTokenPrefix + store + "." + unix + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// VerifyShopToken checks a shop token at now and returns the store it
// speaks for. keys returns the public keys the store may sign with (its
// enrolled, unrevoked keys); an error from it, or no key, refuses the
// token. The time is checked before keys is asked, so stale tokens cost no
// lookup.
func VerifyShopToken(token string, keys func(store string) ([]*ecdsa.PublicKey, error), now time.Time) (string, error) {
	store, unix, sig, err := parseShopToken(token)
	if err != nil {
		return "", err
	}
	if d := now.Unix() - unix; d > int64(ShopTokenSkew/time.Second) || d < -int64(ShopTokenSkew/time.Second) {
		return "", ErrShopTokenStale
	}
	pubs, err := keys(store)
	if err != nil {
		return "", fmt.Errorf("%w: keys of store %s: %w", ErrShopToken, store, err)
	}
	digest := shopTokenDigest(store, strconv.FormatInt(unix, 10))
	for _, pub := range pubs {
		if pub != nil && ecdsa.VerifyASN1(pub, digest[:], sig) {
			return store, nil
		}
	}
	return "", fmt.Errorf("%w: no enrolled key of store %s verifies it", ErrShopToken, store)
}

// parseShopToken splits a token into its parts. It accepts only the
// canonical form (a decimal time without sign or leading zeros, strict
// base64url), so one signature has one spelling.
func parseShopToken(token string) (store string, unix int64, sig []byte, err error) {
	bad := func(why string) (string, int64, []byte, error) {
		return "", 0, nil, fmt.Errorf("%w: %s", ErrShopToken, why)
	}
	if len(token) > maxShopToken {
		return bad("too long")
	}
	rest, ok := strings.CutPrefix(token, shopTokenPrefix)
	if !ok {
		return bad("not a ses1 token")
	}
	parts := strings.Split(rest, ".")
	if len(parts) != 3 {
		return bad("want ses1.<store>.<unix>.<signature>")
	}
	if !ValidStoreID(parts[0]) {
		return bad("bad store id")
	}
	unix, err = strconv.ParseInt(parts[1], 10, 64)
	if err != nil || unix < 0 || strconv.FormatInt(unix, 10) != parts[1] {
		return bad("bad time")
	}
	sig, err = base64.RawURLEncoding.Strict().DecodeString(parts[2])
	if err != nil || len(sig) == 0 {
		return bad("bad signature encoding")
	}
	return parts[0], unix, sig, nil
}

// shopTokenDigest is what a shop token's signature covers.
func shopTokenDigest(store, unix string) [sha256.Size]byte {
	return sha256.Sum256([]byte(shopTokenContext + store + "\n" + unix))
}
