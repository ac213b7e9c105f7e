package pos_test

import (
	"testing"

	"github.com/storeedge/storeedge/pos"
)

func TestValidateBarcode(t *testing.T) {
	tests := []struct {
		name string
		code string
		ok   bool
	}{
		{"EAN13", "4006381333931", true},
		{"EAN13GS1Example", "5901234123457", true},
		{"EAN13CheckDigitZero", "0000000000000", true},
		{"EAN13FromUPCA", "0036000291452", true},
		{"EAN8", "96385074", true},
		{"EAN8Wikipedia", "73513537", true},
		{"EAN8CheckDigitZero", "00000000", true},
		{"UPCA", "036000291452", true},
		{"UPCA2", "012345678905", true},

		{"EAN13WrongCheck", "4006381333932", false},
		{"EAN13TransposedDigits", "4006381339331", false},
		{"EAN8WrongCheck", "96385075", false},
		{"UPCAWrongCheck", "036000291453", false},

		{"Empty", "", false},
		{"Seven", "9638507", false},
		{"Nine", "963850740", false},
		{"Eleven", "03600029145", false},
		{"Fourteen", "40063813339310", false},
		{"GTIN14", "14006381333938", false},

		{"Letter", "400638133393A", false},
		{"Space", "4006381 33931", false},
		{"Sign", "-6385074", false},
		{"ArabicIndicDigits", "٩٦٣٨٥٠٧٤", false},
		{"FullwidthDigits", "９６３８５０７４", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := pos.ValidateBarcode(tt.code)
			if got := err == nil; got != tt.ok {
				t.Fatalf("ValidateBarcode(%q)=%v, want ok=%v", tt.code, err, tt.ok)
			}
		})
	}
}

func TestCheckDigit(t *testing.T) {
	tests := []struct {
		body string
		want byte
	}{
		// 4·1 0·3 0·1 6·3 3·1 8·3 1·1 3·3 3·1 3·3 9·1 3·3 = 89 → 1
		{"400638133393", '1'},
		{"590123412345", '7'}, // sum 83
		{"9638507", '4'},      // EAN-8, sum 86
		{"7351353", '7'},      // EAN-8, sum 63
		{"03600029145", '2'},  // UPC-A, sum 58
		{"003600029145", '2'}, // the same as EAN-13: a leading 0 adds nothing
		{"01234567890", '5'},  // UPC-A, sum 85
		{"000000000000", '0'}, // sum 0: check digit 0, not 10
		{"", '0'},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			if got := pos.CheckDigit(tt.body); got != tt.want {
				t.Fatalf("CheckDigit(%q)=%q, want %q", tt.body, got, tt.want)
			}
		})
	}
}

func TestCanonicalBarcode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"036000291452", "0036000291452"}, // UPC-A → EAN-13
		{"0036000291452", "0036000291452"},
		{"4006381333931", "4006381333931"},
		{"96385074", "96385074"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := pos.CanonicalBarcode(tt.in); got != tt.want {
				t.Fatalf("CanonicalBarcode(%q)=%q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzValidateBarcode checks that scanner input never panics, that an
// accepted code is 8, 12 or 13 digits with the right check digit, and that
// its canonical form is accepted too.
func FuzzValidateBarcode(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz seeds skipped in -short mode")
	}
	for _, s := range []string{"4006381333931", "96385074", "036000291452", "", "abc", "4006381333932", "٩٦٣٨٥٠٧٤"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if pos.ValidateBarcode(s) != nil {
			return
		}
		if n := len(s); n != 8 && n != 12 && n != 13 {
			t.Fatalf("accepted %q of length %d", s, n)
		}
		if got, want := pos.CheckDigit(s[:len(s)-1]), s[len(s)-1]; got != want {
			t.Fatalf("accepted %q with check digit %q, want %q", s, want, got)
		}
		if c := pos.CanonicalBarcode(s); pos.ValidateBarcode(c) != nil {
			t.Fatalf("canonical form %q of %q is refused", c, s)
		}
	})
}
