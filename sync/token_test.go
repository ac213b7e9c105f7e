package sync_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	storesync "github.com/storeedge/storeedge/sync"
)

func mustKey(tb testing.TB) *ecdsa.PrivateKey {
	tb.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// keyring answers a store's enrolled keys from a map; a store without
// keys is an error, as the PKI registry's ErrNotEnrolled.
func keyring(m map[string][]*ecdsa.PublicKey) func(string) ([]*ecdsa.PublicKey, error) {
	return func(store string) ([]*ecdsa.PublicKey, error) {
		if ks, ok := m[store]; ok {
			return ks, nil
		}
		return nil, errors.New("store not enrolled")
	}
}

func mustShopToken(tb testing.TB, store string, key *ecdsa.PrivateKey, at time.Time) string {
	tb.Helper()
	tok, err := storesync.ShopToken(store, key, at)
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

func TestShopToken_Format(t *testing.T) {
	at := time.Unix(1_700_000_000, 0)
	tok := mustShopToken(t, "msk-001", mustKey(t), at)
	if !regexp.MustCompile(`^ses1\.msk-001\.1700000000\.[A-Za-z0-9_-]{80,100}$`).MatchString(tok) {
		t.Fatalf("token %q does not have the ses1.<store>.<unix>.<sig> form", tok)
	}
	for _, tc := range []struct {
		name  string
		store string
		key   *ecdsa.PrivateKey
		at    time.Time
	}{
		{"BadStore", "MSK.001", mustKey(t), at},
		{"NoKey", "msk-001", nil, at},
		{"Before1970", "msk-001", mustKey(t), time.Unix(-1, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tok, err := storesync.ShopToken(tc.store, tc.key, tc.at); err == nil {
				t.Fatalf("ShopToken = %q, want an error", tok)
			}
		})
	}
}

func TestVerifyShopToken(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	k1, k2, old, stranger := mustKey(t), mustKey(t), mustKey(t), mustKey(t)
	keys := keyring(map[string][]*ecdsa.PublicKey{
		"msk-001": {&old.PublicKey, &k1.PublicKey}, // a rotation: two keys enrolled
		"msk-002": {&k2.PublicKey},
		"msk-003": {},
	})
	valid := mustShopToken(t, "msk-001", k1, now)
	head, sig, _ := strings.Cut(strings.TrimPrefix(valid, "ses1."), ".1700000000.")
	rawSig, _ := base64.RawURLEncoding.DecodeString(sig)
	for _, tc := range []struct {
		name  string
		token string
		ok    bool
		stale bool
	}{
		{"OK", valid, true, false},
		{"OlderKey", mustShopToken(t, "msk-001", old, now), true, false},
		{"NineMinutesAgo", mustShopToken(t, "msk-001", k1, now.Add(-9*time.Minute)), true, false},
		{"TenMinutesAhead", mustShopToken(t, "msk-001", k1, now.Add(10*time.Minute)), true, false},
		{"ElevenMinutesAgo", mustShopToken(t, "msk-001", k1, now.Add(-11*time.Minute)), false, true},
		{"ElevenMinutesAhead", mustShopToken(t, "msk-001", k1, now.Add(11*time.Minute)), false, true},
		{"StrangerKey", mustShopToken(t, "msk-001", stranger, now), false, false},
		{"OtherShopsKey", mustShopToken(t, "msk-001", k2, now), false, false},
		{"NotEnrolled", mustShopToken(t, "msk-009", k1, now), false, false},
		{"NoKeys", mustShopToken(t, "msk-003", k1, now), false, false},
		{"StoreSwapped", "ses1.msk-002.1700000000." + sig, false, false},
		{"TimeChanged", "ses1." + head + ".1700000001." + sig, false, false},
		{"LeadingZero", "ses1." + head + ".01700000000." + sig, false, false},
		{"PlusSign", "ses1." + head + ".+1700000000." + sig, false, false},
		{"Padded", valid + "=", false, false},
		{"StdBase64", "ses1." + head + ".1700000000." + base64.RawStdEncoding.EncodeToString(rawSig) + "+/", false, false},
		{"OtherVersion", "ses2" + strings.TrimPrefix(valid, "ses1"), false, false},
		{"ExtraPart", valid + ".x", false, false},
		{"NoSignature", "ses1.msk-001.1700000000.", false, false},
		{"Empty", "", false, false},
		{"OfficeToken", "seo_" + strings.Repeat("A", 43), false, false},
		{"Huge", "ses1.msk-001.1700000000." + strings.Repeat("A", 4096), false, false},
		{"HugeTime", "ses1.msk-001.99999999999999999999." + sig, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store, err := storesync.VerifyShopToken(tc.token, keys, now)
			if got := err == nil; got != tc.ok {
				t.Fatalf("VerifyShopToken = %q, %v; want ok=%v", store, err, tc.ok)
			}
			if tc.ok && store != "msk-001" {
				t.Fatalf("store = %q, want msk-001", store)
			}
			if !tc.ok && (!errors.Is(err, storesync.ErrShopToken) || errors.Is(err, storesync.ErrShopTokenStale) != tc.stale) {
				t.Fatalf("err = %v, want ErrShopToken (stale=%v)", err, tc.stale)
			}
			if err != nil && len(tc.token) > 20 && strings.Contains(err.Error(), tc.token[len(tc.token)-20:]) {
				t.Fatalf("err %q holds the token", err)
			}
		})
	}
}

// FuzzVerifyShopToken: a hostile token never panics, and nothing is
// accepted but the store and time the enrolled key signed.
func FuzzVerifyShopToken(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz: not in -short")
	}
	now := time.Unix(1_700_000_000, 0)
	key := mustKey(f)
	valid := mustShopToken(f, "msk-001", key, now)
	keys := keyring(map[string][]*ecdsa.PublicKey{"msk-001": {&key.PublicKey}, "nil-key": {nil}})
	f.Add(valid)
	f.Add(strings.Replace(valid, "msk-001", "nil-key", 1))
	f.Add("ses1.msk-001.1700000000.")
	f.Add("ses1...")
	f.Add("ses1.msk-001.-1.AAAA")
	f.Add("ses1.msk-001." + strconv.FormatInt(1<<62, 10) + ".MEUCIQ")
	f.Add("seo_x")
	f.Fuzz(func(t *testing.T, token string) {
		store, err := storesync.VerifyShopToken(token, keys, now)
		if err == nil && (store != "msk-001" || !strings.HasPrefix(token, "ses1.msk-001.1700000000.")) {
			t.Fatalf("accepted %q as %q", token, store)
		}
		if err != nil && !errors.Is(err, storesync.ErrShopToken) {
			t.Fatalf("error %v does not wrap ErrShopToken", err)
		}
	})
}
