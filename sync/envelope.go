package sync

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// Kinds of signed message, and their audiences. A message's kind, signer
// and audience are signed with its payload, so nothing can be replayed as
// another kind, to another shop or from another shop.
const (
	KindEvents   = "events"   // a shop's event batch, to central
	KindStatus   = "status"   // a shop's retained presence, to central
	KindAck      = "ack"      // central's ack, to one shop
	KindConflict = "conflict" // central's notice of a sequence conflict, to one shop
	KindDownlink = "downlink" // central's downlink, to one shop or to all
	KindPull     = "pull"     // one page of central's pull API, to one shop

	CentralName = "central" // the signer name of central, and its broker identity
	AudienceAll = "*"       // the audience of a chain-wide downlink
)

// Signature algorithms: central signs with Ed25519, a shop with the ECDSA
// P-256 key of its certificate (an ASN.1 signature over SHA-256).
const (
	AlgEd25519 = "Ed25519"
	AlgES256   = "ES256"
)

// Envelope is a signed message. Payload is the contract's message (a
// CloudEvents batch, an ack, a downlink...) byte for byte as it was
// signed; receivers verify before they parse it.
type Envelope struct {
	Kind    string          `json:"kind"`
	From    string          `json:"from"`
	To      string          `json:"to"`
	Alg     string          `json:"alg"`
	Key     string          `json:"key"`
	Sig     string          `json:"sig"`
	Payload json.RawMessage `json:"payload"`
}

// Signer signs messages under one key.
type Signer interface {
	Alg() string
	KeyID() string
	Sign(msg []byte) ([]byte, error)
}

// KeyID names a public key in envelopes: the first 16 hex digits of the
// SHA-256 of its PKIX encoding.
func KeyID(pub any) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:8])
}

// NewEd25519Signer signs as central.
func NewEd25519Signer(key ed25519.PrivateKey) Signer {
	return ed25519Signer{key: key, id: KeyID(key.Public())}
}

type ed25519Signer struct {
	key ed25519.PrivateKey
	id  string
}

func (s ed25519Signer) Alg() string                     { return AlgEd25519 }
func (s ed25519Signer) KeyID() string                   { return s.id }
func (s ed25519Signer) Sign(msg []byte) ([]byte, error) { return ed25519.Sign(s.key, msg), nil }

// NewECDSASigner signs as a shop, with its certificate's key.
func NewECDSASigner(key *ecdsa.PrivateKey) Signer {
	return ecdsaSigner{key: key, id: KeyID(&key.PublicKey)}
}

type ecdsaSigner struct {
	key *ecdsa.PrivateKey
	id  string
}

func (s ecdsaSigner) Alg() string   { return AlgES256 }
func (s ecdsaSigner) KeyID() string { return s.id }
func (s ecdsaSigner) Sign(msg []byte) ([]byte, error) {
	sum := sha256.Sum256(msg)
	return ecdsa.SignASN1(rand.Reader, s.key, sum[:])
}

// signedBytes is what a signature covers: the kind, the signer and the
// audience, then the payload.
func signedBytes(kind, from, to string, payload []byte) []byte {
	b := make([]byte, 0, len(payload)+64)
	b = append(b, "storeedge/v1\n"...)
	b = append(b, kind...)
	b = append(b, '\n')
	b = append(b, from...)
	b = append(b, '\n')
	b = append(b, to...)
	b = append(b, '\n')
	return append(b, payload...)
}

// Seal signs payload (one JSON value) and returns the envelope's bytes.
// kind, from and to are plain tokens (store ids, "central", "*"), so the
// envelope is written without an encoder and the payload is not copied
// through one.
func Seal(s Signer, kind, from, to string, payload []byte) ([]byte, error) {
	sig, err := s.Sign(signedBytes(kind, from, to, payload))
	if err != nil {
		return nil, fmt.Errorf("sign %s: %w", kind, err)
	}
	var b bytes.Buffer
	b.Grow(len(payload) + 256)
	b.WriteByte('{')
	for _, kv := range [][2]string{{"kind", kind}, {"from", from}, {"to", to}, {"alg", s.Alg()}, {"key", s.KeyID()}} {
		b.WriteString(`"` + kv[0] + `":"` + kv[1] + `",`)
	}
	b.WriteString(`"sig":"` + base64.RawURLEncoding.EncodeToString(sig) + `","payload":`)
	b.Write(payload)
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Errors of Open: a receiver counts and keeps aside whatever wraps
// ErrUntrusted (unsigned, badly signed, or signed for someone else).
var (
	ErrUntrusted    = errors.New("untrusted message")
	ErrUnsigned     = fmt.Errorf("%w: not signed", ErrUntrusted)
	ErrBadSignature = fmt.Errorf("%w: bad signature", ErrUntrusted)
)

// Verifier checks a signature made by a named signer with a key id.
type Verifier func(from, alg, keyID string, msg, sig []byte) error

// Expect is what a receiver expects of an envelope: its kind, who signed
// it and the audiences it accepts.
type Expect struct {
	Kinds []string // accepted kinds
	From  string   // the signer the message must name
	To    []string // accepted audiences
}

// Open parses an envelope, checks its kind, signer and audience, and
// verifies its signature. Only then is the payload returned to be parsed.
func Open(b []byte, want Expect, verify Verifier) (*Envelope, error) {
	if len(b) > MaxMessageBytes+4096 {
		return nil, malformed("envelope of %d bytes", len(b))
	}
	if !looksSigned(b) {
		return nil, ErrUnsigned
	}
	var env Envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, malformed("envelope: %v", err)
	}
	if err := env.check(want); err != nil {
		return nil, err
	}
	sig, err := base64.RawURLEncoding.DecodeString(env.Sig)
	if err != nil || len(sig) == 0 {
		return nil, fmt.Errorf("%w: signature is not base64url", ErrBadSignature)
	}
	if err := verify(env.From, env.Alg, env.Key, signedBytes(env.Kind, env.From, env.To, env.Payload), sig); err != nil {
		return nil, err
	}
	return &env, nil
}

func (env *Envelope) check(want Expect) error {
	switch {
	case !contains(want.Kinds, env.Kind):
		return fmt.Errorf("%w: a %q message where %v was expected", ErrUntrusted, env.Kind, want.Kinds)
	case env.From != want.From:
		return fmt.Errorf("%w: signed by %q, not %q", ErrUntrusted, env.From, want.From)
	case !contains(want.To, env.To):
		return fmt.Errorf("%w: addressed to %q", ErrUntrusted, env.To)
	case len(env.Payload) == 0:
		return malformed("envelope without a payload")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// looksSigned tells an envelope from a plain payload (a batch is an array,
// an ack or a downlink an object without "sig") without parsing it all.
func looksSigned(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{' && bytes.Contains(b[:min(len(b), 512)], []byte(`"sig"`))
}

// Unwrap returns the payload of a message in lab mode (--insecure-sync):
// an envelope's payload unverified, or the message itself when plain.
func Unwrap(b []byte) ([]byte, error) {
	if !looksSigned(b) {
		return b, nil
	}
	var env Envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, malformed("envelope: %v", err)
	}
	return env.Payload, nil
}

// VerifyEd25519 verifies central's signatures with the pinned keys.
func VerifyEd25519(keys []ed25519.PublicKey) Verifier {
	return func(from, alg, keyID string, msg, sig []byte) error {
		if alg != AlgEd25519 {
			return fmt.Errorf("%w: algorithm %q", ErrBadSignature, alg)
		}
		for _, k := range keys {
			if KeyID(k) == keyID && ed25519.Verify(k, msg, sig) {
				return nil
			}
		}
		return fmt.Errorf("%w: no pinned key %q verifies it", ErrBadSignature, keyID)
	}
}

// VerifyECDSA verifies shops' signatures with the keys enrolled for the
// signer; keys returns them (none: the shop is not enrolled or revoked).
func VerifyECDSA(keys func(store string) ([]*ecdsa.PublicKey, error)) Verifier {
	return func(from, alg, keyID string, msg, sig []byte) error {
		if alg != AlgES256 {
			return fmt.Errorf("%w: algorithm %q", ErrBadSignature, alg)
		}
		ks, err := keys(from)
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrBadSignature, from, err)
		}
		sum := sha256.Sum256(msg)
		for _, k := range ks {
			if KeyID(k) == keyID && ecdsa.VerifyASN1(k, sum[:], sig) {
				return nil
			}
		}
		return fmt.Errorf("%w: no enrolled key %q of %s verifies it", ErrBadSignature, keyID, from)
	}
}
