package qr_test

import (
	"strings"
	"testing"

	"github.com/storeedge/storeedge/qr"
)

func TestNewTagCode(t *testing.T) {
	seen := map[string]bool{}
	var perPos [qr.TagCodeLen - 1]map[rune]bool
	for i := range perPos {
		perPos[i] = map[rune]bool{}
	}
	for i := 0; i < 10000; i++ {
		c := qr.NewTagCode()
		if got, ok := qr.NormalizeTagCode(c); !ok || got != c {
			t.Fatalf("NormalizeTagCode(%q) = %q, %v; want it unchanged and valid", c, got, ok)
		}
		if seen[c] {
			t.Fatalf("code %q made twice", c)
		}
		seen[c] = true
		for j, r := range c[:qr.TagCodeLen-1] {
			perPos[j][r] = true
		}
	}
	for j, m := range perPos { // 45 random bits: every character shows up everywhere
		if got, want := len(m), 32; got != want {
			t.Fatalf("position %d used %d characters, want %d", j, got, want)
		}
	}
}

func TestNormalizeTagCode(t *testing.T) {
	valid := qr.NewTagCode()
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"Canonical", valid, valid, true},
		{"UpperCase", strings.ToUpper(valid), valid, true},
		{"Hyphens", valid[:5] + "-" + valid[5:], valid, true},
		{"Empty", "", "", false},
		{"Short", valid[:9], "", false},
		{"Long", valid + "0", "", false},
		{"LetterU", "u" + valid[1:], "", false},
		{"Slash", valid[:9] + "/", "", false},
		{"NonASCII", valid[:9] + "й", "", false},
		{"HugeInput", strings.Repeat("0", 1000), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := qr.NormalizeTagCode(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("NormalizeTagCode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
			if got, want := qr.ValidTagCode(tt.in), tt.ok; got != want {
				t.Fatalf("ValidTagCode(%q) = %v, want %v", tt.in, got, want)
			}
		})
	}
}

// TestNormalizeTagCode_LookAlikes reads i, l as 1 and o as 0, as Crockford
// does, so a code retyped from paper still resolves.
func TestNormalizeTagCode_LookAlikes(t *testing.T) {
	for n := 0; n < 2000; n++ {
		c := qr.NewTagCode()
		typed := strings.NewReplacer("1", "l", "0", "O").Replace(c)
		if typed == c {
			continue
		}
		if got, ok := qr.NormalizeTagCode(typed); !ok || got != c {
			t.Fatalf("NormalizeTagCode(%q) = %q, %v; want %q, true", typed, got, ok, c)
		}
		typed = strings.NewReplacer("1", "I").Replace(c)
		if got, ok := qr.NormalizeTagCode(typed); !ok || got != c {
			t.Fatalf("NormalizeTagCode(%q) = %q, %v; want %q, true", typed, got, ok, c)
		}
	}
}

// TestValidTagCode_CatchesErrors checks the promise of the check character:
// every single changed character and every swap of two neighbours in
// 10,000 random codes fails the check, so a misread tag is unknown, never
// another product.
func TestValidTagCode_CatchesErrors(t *testing.T) {
	const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
	for n := 0; n < 10000; n++ {
		c := []byte(qr.NewTagCode())
		for i := range c {
			orig := c[i]
			for j := 0; j < len(alphabet); j++ {
				if c[i] = alphabet[j]; c[i] != orig && qr.ValidTagCode(string(c)) {
					t.Fatalf("code %q with position %d changed to %q passes the check", string(c), i, alphabet[j])
				}
			}
			c[i] = orig
		}
		for i := 0; i+1 < len(c); i++ {
			if c[i] == c[i+1] {
				continue
			}
			c[i], c[i+1] = c[i+1], c[i]
			if qr.ValidTagCode(string(c)) {
				t.Fatalf("code %q with positions %d,%d swapped passes the check", string(c), i, i+1)
			}
			c[i], c[i+1] = c[i+1], c[i]
		}
	}
}

func TestTagURL(t *testing.T) {
	tests := []struct{ base, code, want string }{
		{"https://shop.example.ru", "0123456789", "https://shop.example.ru/t/0123456789"},
		{"https://shop.example.ru/", "abc", "https://shop.example.ru/t/abc"},
		{"http://10.0.0.2:8080//", "abc", "http://10.0.0.2:8080/t/abc"},
		{"https://chain.example/store/7", "abc", "https://chain.example/store/7/t/abc"},
	}
	for _, tt := range tests {
		if got := qr.TagURL(tt.base, tt.code); got != tt.want {
			t.Fatalf("TagURL(%q, %q) = %q, want %q", tt.base, tt.code, got, tt.want)
		}
	}
}

func FuzzNormalizeTagCode(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzzing is slow")
	}
	for _, s := range []string{"", "0123456789", qr.NewTagCode(), "ILOO-IL00-01", "uuuuuuuuuu", "\xff\xfe", "ЙЙЙЙЙЙЙЙЙЙ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := qr.NormalizeTagCode(s)
		if ok != qr.ValidTagCode(s) {
			t.Fatalf("NormalizeTagCode and ValidTagCode disagree on %q", s)
		}
		if !ok {
			if got != "" {
				t.Fatalf("NormalizeTagCode(%q) = %q for an invalid code", s, got)
			}
			return
		}
		if len(got) != qr.TagCodeLen || strings.ToLower(got) != got {
			t.Fatalf("NormalizeTagCode(%q) = %q: not canonical", s, got)
		}
		if again, ok := qr.NormalizeTagCode(got); !ok || again != got {
			t.Fatalf("NormalizeTagCode(%q) = %q, %v: not idempotent", got, again, ok)
		}
		if again, ok := qr.NormalizeTagCode(strings.ToUpper(s)); !ok || again != got {
			t.Fatalf("upper case %q gives %q, %v", s, again, ok)
		}
	})
}
