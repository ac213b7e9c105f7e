package pos_test

import (
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
)

// label builds a scale label from its first 12 digits.
func label(body string) string { return body + string(pos.CheckDigit(body)) }

func TestScaleFormat_ParseScaleLabel(t *testing.T) {
	def := pos.DefaultScaleFormat()
	priced := pos.ScaleFormat{Prefixes: []string{"2"}, Layout: "PCCCCCCVVVVVK"}
	both := pos.ScaleFormat{Prefixes: []string{"22"}, Layout: "PPCCCCWWWVVVK"}
	tests := []struct {
		name    string
		f       pos.ScaleFormat
		code    string
		want    pos.ScaleLabel
		ok, err bool
	}{
		{"Weight", def, label("201234501250"), pos.ScaleLabel{Code: "12345", Weight: 1250, HasWeight: true}, true, false},
		{"LeadingZeros", def, label("290012300500"), pos.ScaleLabel{Code: "123", Weight: 500, HasWeight: true}, true, false},
		{"ZeroFormatIsDefault", pos.ScaleFormat{}, label("250000100001"), pos.ScaleLabel{Code: "1", Weight: 1, HasWeight: true}, true, false},
		{"Price", priced, label("200042012345"), pos.ScaleLabel{Code: "420", Price: 12345, HasPrice: true}, true, false},
		{"Both", both, label("220007250199"), pos.ScaleLabel{Code: "7", Weight: 250, HasWeight: true, Price: 199, HasPrice: true}, true, false},
		{"OrdinaryEAN", def, "4006381333931", pos.ScaleLabel{}, false, false},
		{"OtherPrefix", def, label("301234501250"), pos.ScaleLabel{}, false, false},
		{"EAN8", def, "20123450", pos.ScaleLabel{}, false, false},
		{"NotDigits", def, "20123450125a0", pos.ScaleLabel{}, false, false},
		{"ErrCheckDigit", def, "2012345012500", pos.ScaleLabel{}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "ErrCheckDigit" && label("201234501250") == tt.code {
				t.Fatal("the test's code has a right check digit")
			}
			got, ok, err := tt.f.ParseScaleLabel(tt.code)
			if ok != tt.ok || (err != nil) != tt.err || got != tt.want {
				t.Fatalf("got %+v ok=%v err=%v, want %+v ok=%v err=%v", got, ok, err, tt.want, tt.ok, tt.err)
			}
			if err != nil && (pos.ErrorCode(err) != pos.CodeValidationFailed || pos.ErrorField(err) != "barcode") {
				t.Fatalf("err=%v, want validation_failed at barcode", err)
			}
		})
	}
}

func TestScaleFormat_Validate(t *testing.T) {
	tests := []struct {
		name, layout string
		prefixes     []string
		field        string
	}{
		{"Default", "PPCCCCCWWWWWK", []string{"20", "29"}, ""},
		{"Zero", "", nil, ""},
		{"PriceCheckDigit", "PPCCCCCXVVVVK", []string{"21"}, ""},
		{"ErrShort", "PPCCCCCWWWWK", []string{"20"}, "scale.layout"},
		{"ErrNoK", "PPCCCCCWWWWWW", []string{"20"}, "scale.layout"},
		{"ErrLetter", "PPCCCCCWWWWZK", []string{"20"}, "scale.layout"},
		{"ErrTwoRuns", "PPCCWWWCCWWWK", []string{"20"}, "scale.layout"},
		{"ErrNoCode", "PPWWWWWWWWWWK", []string{"20"}, "scale.layout"},
		{"ErrNoQty", "PPCCCCCCCCCCK", []string{"20"}, "scale.layout"},
		{"ErrPrefixLength", "PPCCCCCWWWWWK", []string{"2"}, "scale.prefixes"},
		{"ErrPrefixDigits", "PPCCCCCWWWWWK", []string{"2x"}, "scale.prefixes"},
		{"ErrNoPrefixes", "PPCCCCCWWWWWK", nil, "scale.prefixes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := pos.ScaleFormat{Prefixes: tt.prefixes, Layout: tt.layout}.Validate()
			if got := pos.ErrorField(err); got != tt.field || (err != nil && pos.ErrorCode(err) != pos.CodeValidationFailed) {
				t.Fatalf("err=%v, want field %q", err, tt.field)
			}
		})
	}
}

func TestScaleLabel_Qty(t *testing.T) {
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	apples := &pos.Product{SKU: "APPLE", Unit: pos.UnitGram, Prices: []pos.PricePoint{{Amount: 18990}}}
	tests := []struct {
		name  string
		l     pos.ScaleLabel
		want  int64
		price int64
		field string
	}{
		{"Weight", pos.ScaleLabel{Weight: 1250, HasWeight: true}, 1250, 23738, ""},
		{"Price", pos.ScaleLabel{Price: 9495, HasPrice: true}, 500, 9495, ""},
		{"WeightWins", pos.ScaleLabel{Weight: 100, HasWeight: true, Price: 1, HasPrice: true}, 100, 1, ""},
		{"ErrZero", pos.ScaleLabel{Weight: 0, HasWeight: true}, 0, 0, "qty"},
		{"ErrPriceTooSmall", pos.ScaleLabel{Price: 0, HasPrice: true}, 0, 0, "qty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.l.Qty(apples, at)
			if got != tt.want || pos.ErrorField(err) != tt.field {
				t.Fatalf("qty=%d err=%v, want %d field %q", got, err, tt.want, tt.field)
			}
			if err != nil {
				return
			}
			if p, ok := tt.l.LabelPrice(apples, got, at); !ok || p != tt.price {
				t.Fatalf("price=%d ok=%v, want %d", p, ok, tt.price)
			}
		})
	}
}

// FuzzParseScaleLabel: no input panics the parser; what it reads as a
// label has a valid check digit, and its item code is the layout's digits.
func FuzzParseScaleLabel(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzzing is skipped under -short")
	}
	for _, s := range []string{label("201234501250"), "2012345012500", "4006381333931", "", "2", strings.Repeat("9", 13), "２０１２３４５０１２５０"} {
		f.Add(s, "PPCCCCCWWWWWK", "20")
	}
	f.Add(label("200042012345"), "PCCCCCCVVVVVK", "2")
	f.Add(label("200042012345"), "PCXCCCCVVVVVK", "2")
	f.Add(label("200042012345"), "PPPPPPPPPPPPP", "2")
	f.Fuzz(func(t *testing.T, code, layout, prefix string) {
		sf := pos.ScaleFormat{Prefixes: []string{prefix}, Layout: layout}
		got, ok, err := sf.ParseScaleLabel(code) // also with a layout Validate refuses
		if sf.Validate() != nil {
			return
		}
		if !ok {
			if err != nil {
				t.Fatalf("not a label, yet err=%v", err)
			}
			return
		}
		if err != nil {
			if pos.ErrorCode(err) != pos.CodeValidationFailed {
				t.Fatalf("err=%v", err)
			}
			return
		}
		if pos.ValidateBarcode(code) != nil || !strings.HasPrefix(code, prefix) {
			t.Fatalf("%q read as a label %+v", code, got)
		}
		if got.Code == "" || (got.Code != "0" && got.Code[0] == '0') || got.Weight < 0 || got.Price < 0 {
			t.Fatalf("label %+v", got)
		}
	})
}
