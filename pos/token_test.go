package pos_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/storeedge/storeedge/pos"
)

var (
	tokenKey = []byte("0123456789abcdef0123456789abcdef")
	tokenNow = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
)

func TestCustomerToken_RoundTrip(t *testing.T) {
	for _, tc := range []struct{ id, phone string }{
		{"C1", "+79161234567"},
		{"card-only", ""},
		{strings.Repeat("x", 64), "+442079460958"},
		{"Иван", "+79161234567"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			tok := pos.SignCustomerToken(tokenKey, tc.id, tc.phone, tokenNow.Add(time.Hour))
			id, phone, err := pos.VerifyCustomerToken(tokenKey, tok, tokenNow)
			if err != nil {
				t.Fatal(err)
			}
			if id != tc.id || phone != tc.phone {
				t.Fatalf("got %q %q, want %q %q", id, phone, tc.id, tc.phone)
			}
			if strings.ContainsAny(tok, "+/=") {
				t.Fatalf("token %q is not base64url without padding", tok)
			}
		})
	}
}

// craft signs an arbitrary payload with tokenKey, to test payload checks.
func craft(payload []byte) string {
	m := hmac.New(sha256.New, tokenKey)
	m.Write(payload)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(m.Sum(nil))
}

func TestVerifyCustomerToken_Errors(t *testing.T) {
	good := pos.SignCustomerToken(tokenKey, "C1", "+79161234567", tokenNow.Add(time.Hour))
	payload, mac, _ := strings.Cut(good, ".")
	exp := []byte{0, 0, 0, 0, 0x7f, 0, 0, 0} // far in the future
	tests := []struct {
		name  string
		key   []byte
		token string
		now   time.Time
	}{
		{"NoKey", nil, good, tokenNow},
		{"WrongKey", []byte("another key"), good, tokenNow},
		{"Expired", tokenKey, good, tokenNow.Add(2 * time.Hour)},
		{"ExpiresNow", tokenKey, good, tokenNow.Add(time.Hour)},
		{"Empty", tokenKey, "", tokenNow},
		{"NoDot", tokenKey, payload + mac, tokenNow},
		{"TamperedPayload", tokenKey, payload[:len(payload)-1] + flip(payload[len(payload)-1:]) + "." + mac, tokenNow},
		{"TamperedMAC", tokenKey, payload + "." + flip(mac), tokenNow},
		{"TruncatedMAC", tokenKey, payload + "." + mac[:20], tokenNow},
		{"Padded", tokenKey, payload + "=." + mac, tokenNow},
		{"StdBase64", tokenKey, strings.NewReplacer("-", "+", "_", "/").Replace(good), tokenNow},
		{"TooLong", tokenKey, good + strings.Repeat("A", pos.MaxCustomerTokenLen), tokenNow},
		{"OtherVersion", tokenKey, craft(append(append([]byte{2}, exp...), 2, 'C', '1')), tokenNow},
		{"EmptyID", tokenKey, craft(append(append([]byte{1}, exp...), 0)), tokenNow},
		{"IDPastEnd", tokenKey, craft(append(append([]byte{1}, exp...), 9, 'C')), tokenNow},
		{"IDTooLong", tokenKey, craft(append(append([]byte{1}, exp...), 65)), tokenNow},
		{"BadUTF8", tokenKey, craft(append(append([]byte{1}, exp...), 1, 0xff)), tokenNow},
		{"PhoneNotE164", tokenKey, craft(append(append([]byte{1}, exp...), append([]byte{2, 'C', '1'}, "89161234567"...)...)), tokenNow},
		{"ShortPayload", tokenKey, craft([]byte{1, 0, 0}), tokenNow},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, phone, err := pos.VerifyCustomerToken(tc.key, tc.token, tc.now)
			if got, want := pos.ErrorCode(err), pos.CodeUnauthorized; got != want {
				t.Fatalf("code=%q (id=%q phone=%q), want %q", got, id, phone, want)
			}
			if id != "" || phone != "" {
				t.Fatalf("a refused token returned %q %q", id, phone)
			}
		})
	}
}

// flip changes the first character of a base64url string to another valid one.
func flip(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

func FuzzVerifyCustomerToken(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz seeds run without -short")
	}
	f.Add(pos.SignCustomerToken(tokenKey, "C1", "+79161234567", tokenNow.Add(time.Hour)), "C1", "+79161234567")
	f.Add("", "", "")
	f.Add("a.b", "x", "")
	f.Add(".", "Иван", "+12125550100")
	f.Add(craft([]byte{1, 0, 0, 0, 0, 0x7f, 0, 0, 0, 1, 'C'}), "C", "8 916")
	f.Fuzz(func(t *testing.T, token, id, phone string) {
		if gotID, gotPhone, err := pos.VerifyCustomerToken(tokenKey, token, tokenNow); err == nil {
			if gotID == "" || len(gotID) > 64 || !utf8.ValidString(gotID) {
				t.Fatalf("accepted id %q", gotID)
			}
			if p, perr := pos.NormalizePhone(gotPhone); gotPhone != "" && (perr != nil || p != gotPhone) {
				t.Fatalf("accepted phone %q", gotPhone)
			}
		} else if pos.ErrorCode(err) != pos.CodeUnauthorized {
			t.Fatalf("code=%q, want unauthorized", pos.ErrorCode(err))
		}
		// Whatever signs must verify, when the identity is acceptable.
		tok := pos.SignCustomerToken(tokenKey, id, phone, tokenNow.Add(time.Minute))
		gotID, gotPhone, err := pos.VerifyCustomerToken(tokenKey, tok, tokenNow)
		p, perr := pos.NormalizePhone(phone)
		acceptable := id != "" && len(id) <= 64 && utf8.ValidString(id) && (phone == "" || perr == nil && p == phone) && len(tok) <= pos.MaxCustomerTokenLen
		if acceptable && (err != nil || gotID != id || gotPhone != phone) {
			t.Fatalf("round trip of %q %q: %q %q %v", id, phone, gotID, gotPhone, err)
		}
		if !acceptable && err == nil {
			t.Fatalf("round trip accepted %q %q", id, phone)
		}
	})
}
