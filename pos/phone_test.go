package pos_test

import (
	"regexp"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" means refused
	}{
		{"8 916 123-45-67", "+79161234567"},
		{"+7 (916) 123-45-67", "+79161234567"},
		{"9161234567", "+79161234567"},
		{"89161234567", "+79161234567"},
		{"79161234567", "+79161234567"},
		{"+79161234567", "+79161234567"},
		{"8(916)123.45.67", "+79161234567"},
		{"  +7 916 123 45 67  ", "+79161234567"},
		{"8 800 555-35-35", "+78005553535"},
		// Ten digits without a country code are Russian, landlines too.
		{"495 123-45-67", "+74951234567"},
		{"(812) 123-45-67", "+78121234567"},
		{"+44 20 7946 0958", "+442079460958"},
		{"+1 (212) 555-0100", "+12125550100"},
		{"+49 30 12345678", "+493012345678"},

		{"", ""},
		{"   ", ""},
		{"garbage", ""},
		{"+7 916 abc", ""},
		{"12345", ""},
		{"123-45-67", ""},                // a local number without an area code
		{"0123456789", ""},               // no country code starts with 0
		{"+0 916 123 45 67", ""},         // ditto
		{"7+9161234567", ""},             // '+' only in front
		{"++79161234567", ""},            // one '+'
		{"+7916123456789012", ""},        // 16 digits: longer than E.164 allows
		{"+7 916 123-45-67 доб. 5", ""},  // an extension is not a phone
		{"+7\u00a0916\u00a01234567", ""}, // non-breaking spaces are refused, not guessed at
		{"+", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := pos.NormalizePhone(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("NormalizePhone(%q)=%q, want an error", tt.in, got)
				}
				wantError(t, err, pos.CodeValidationFailed, "")
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizePhone(%q)=%q,%v, want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)

// FuzzNormalizePhone checks that a typed phone number never panics, that
// what is accepted is E.164, and that normalizing twice changes nothing.
func FuzzNormalizePhone(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz seeds skipped in -short mode")
	}
	for _, s := range []string{"8 916 123-45-67", "+7 (916) 123-45-67", "9161234567", "garbage", "", "+", "4951234567"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := pos.NormalizePhone(s)
		if err != nil {
			return
		}
		if !e164.MatchString(out) {
			t.Fatalf("NormalizePhone(%q)=%q, not E.164", s, out)
		}
		if again, err := pos.NormalizePhone(out); err != nil || again != out {
			t.Fatalf("NormalizePhone(%q)=%q,%v, want %q unchanged", out, again, err, out)
		}
	})
}
