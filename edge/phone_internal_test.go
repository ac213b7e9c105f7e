package edge

import (
	"strings"
	"testing"
)

// FuzzNormalizeShopperPhone: whatever a shopper types, the check answers
// without panicking, and what it accepts is E.164 that it accepts again
// unchanged.
func FuzzNormalizeShopperPhone(f *testing.F) {
	for _, s := range []string{"12345678", "+79161234567", "8 (916) 123-45-67", "+380501234567", "", "+", "++7",
		"tel:+7-916-123-45-67", "8\x00916", "+7 916 123-45-67 ext. 12", "９１６１２３４５６７", strings.Repeat("9", 40)} {
		f.Add(s, "RU")
		f.Add(s, "UA")
	}
	f.Fuzz(func(t *testing.T, typed, region string) {
		if !ValidPhoneRegion(region) {
			return
		}
		got, err := normalizeShopperPhone(typed, region)
		if err != nil {
			return
		}
		if !strings.HasPrefix(got, "+") || strings.Trim(got[1:], "0123456789") != "" {
			t.Fatalf("%q → %q: not E.164", typed, got)
		}
		if again, err := normalizeShopperPhone(got, region); err != nil || again != got {
			t.Fatalf("%q → %q → %q, %v", typed, got, again, err)
		}
	})
}

func TestValidPhoneRegion(t *testing.T) {
	for region, want := range map[string]bool{"RU": true, "UA": true, "KZ": true, "ru": false, "": false, "XX": false, "RUS": false} {
		if got := ValidPhoneRegion(region); got != want {
			t.Errorf("ValidPhoneRegion(%q)=%v, want %v", region, got, want)
		}
	}
}
