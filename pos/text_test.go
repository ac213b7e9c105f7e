package pos_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/storeedge/storeedge/pos"
)

// textDoc exercises every shape CheckText walks.
type textDoc struct {
	Name    string            `json:"name"`
	Note    string            `json:"note" text:"multiline"`
	Lines   []textLine        `json:"lines"`
	Ref     *textLine         `json:"ref,omitempty"`
	Tags    map[string]string `json:"tags"`
	Notes   []string          `json:"notes" text:"multiline"`
	Any     any               `json:"any"`
	Raw     json.RawMessage   `json:"raw"`
	Skipped string            `json:"-"`
	NoTag   string
	textEmbedded
	hidden string
}

type textLine struct {
	SKU string `json:"sku"`
}

type textEmbedded struct {
	Inner string `json:"inner"`
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		name  string
		doc   textDoc
		field string // "" when accepted
	}{
		{"Clean", textDoc{Name: "Молоко 3,2 %", Note: "line one\nline two\tend", Notes: []string{"a\nb"}}, ""},
		{"NUL", textDoc{Name: "a\x00b"}, "name"},
		{"TabInName", textDoc{Name: "a\tb"}, "name"},
		{"NewlineInName", textDoc{Name: "a\nb"}, "name"},
		{"CRInNote", textDoc{Note: "a\r\nb"}, "note"},
		{"DEL", textDoc{Name: "a\x7f"}, "name"},
		{"C1", textDoc{Name: "a\u0085b"}, "name"},
		{"C1Last", textDoc{Name: "\u009f"}, "name"},
		{"NotC1", textDoc{Name: "\u00a0\u00ff"}, ""},
		{"BadUTF8", textDoc{Name: "a\xffb"}, "name"},
		{"TruncatedUTF8", textDoc{Name: "Я"[:1]}, "name"},
		{"EscInNote", textDoc{Note: "a\x1bb"}, "note"},
		{"SliceOfStructs", textDoc{Lines: []textLine{{"A1"}, {"A\x002"}}}, "lines[1].sku"},
		{"Pointer", textDoc{Ref: &textLine{"\x01"}}, "ref.sku"},
		{"MapValue", textDoc{Tags: map[string]string{"b": "ok", "colour": "re\x00d"}}, "tags.colour"},
		{"MapKey", textDoc{Tags: map[string]string{"co\x00lour": "red"}}, "tags"},
		{"MultilineSlice", textDoc{Notes: []string{"ok", "bad\x00"}}, "notes[1]"},
		{"Interface", textDoc{Any: map[string]any{"list": []any{"x", "y\x07"}}}, "any.list[1]"},
		{"RawSkipped", textDoc{Raw: json.RawMessage("\"\x00\"")}, ""},
		{"DashSkipped", textDoc{Skipped: "\x00"}, ""},
		{"NoTagUsesName", textDoc{NoTag: "\x00"}, "NoTag"},
		{"Embedded", textDoc{textEmbedded: textEmbedded{"\x00"}}, "inner"},
		{"Unexported", textDoc{hidden: "\x00"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := pos.CheckText(&tc.doc)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("CheckText: %v", err)
				}
				return
			}
			if got, want := pos.ErrorCode(err), pos.CodeValidationFailed; got != want {
				t.Fatalf("code=%q (%v), want %q", got, err, want)
			}
			if got := pos.ErrorField(err); got != tc.field {
				t.Fatalf("field=%q, want %q (%v)", got, tc.field, err)
			}
		})
	}
}

// TestCheckText_Shapes checks values that are not structs.
func TestCheckText_Shapes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		v     any
		field string
		ok    bool
	}{
		{"Nil", nil, "", true},
		{"NilPointer", (*textDoc)(nil), "", true},
		{"String", "fine", "", true},
		{"BadString", "\x00", "", false},
		{"Slice", []string{"a", "\x00"}, "[1]", false},
		{"Array", [2]string{"a", "b\x1f"}, "[1]", false},
		{"Int", 42, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := pos.CheckText(tc.v)
			if (err == nil) != tc.ok || pos.ErrorField(err) != tc.field {
				t.Fatalf("CheckText(%q)=%v, want ok=%v field=%q", tc.v, err, tc.ok, tc.field)
			}
		})
	}
}

// TestCheckText_Requests checks the request types the tills send: a NUL in
// a payment reference is refused by the domain's own validation, naming
// the field, so no caller can let one into an outbox event.
func TestCheckText_Requests(t *testing.T) {
	sale := pos.SaleRequest{Lines: []pos.SaleLineRequest{{SKU: "A1", Qty: 1}},
		Payments: []pos.PaymentRequest{{Method: "card", Amount: pos.M(100, "RUB"), Reference: "RRN\x00 42"}}}
	if err := sale.Validate("RUB"); pos.ErrorField(err) != "payments[0].reference" {
		t.Fatalf("sale: %v, want payments[0].reference", err)
	}
	ret := pos.ReturnRequest{Lines: []pos.ReturnLineRequest{{SKU: "A1", Qty: 1}}, Reason: "sour\nand old"}
	if err := ret.Validate(); err != nil {
		t.Fatalf("a return reason may span lines: %v", err)
	}
	ret.Reason = "sour\x00"
	if err := ret.Validate(); pos.ErrorField(err) != "reason" {
		t.Fatalf("return: %v, want reason", err)
	}
	p := pos.Product{SKU: "A1", Name: "Milk\x1b[31m", Unit: pos.UnitPiece, Currency: "RUB", Prices: []pos.PricePoint{{Amount: 1}}}
	if err := p.Validate(); pos.ErrorField(err) != "name" {
		t.Fatalf("product: %v, want name", err)
	}
	p.Name, p.Description = "Milk", "Fresh.\n\tFrom the farm."
	if err := p.Validate(); err != nil {
		t.Fatalf("a description may span lines: %v", err)
	}
	if err := pos.ValidateStaffName("name", "anna\x00"); pos.ErrorField(err) != "name" {
		t.Fatalf("staff name: %v, want name", err)
	}
}

// FuzzCheckText checks CheckString against a plain rune-by-rune rule.
func FuzzCheckText(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz seeds skipped in -short mode")
	}
	for _, s := range []string{"", "abc", "Молоко", "a\x00", "\t\n", "\r", "\x7f", "\u0085", "\u00a0", "\xff", "Я"[:1], "\U0001F600"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		want := utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
			return pos.IsControl(r) && !(multiline && (r == '\t' || r == '\n'))
		})
		err := pos.CheckString("f", s, multiline)
		if got := err == nil; got != want {
			t.Fatalf("CheckString(%q, %v)=%v, want ok=%v", s, multiline, err, want)
		}
		if err != nil && (pos.ErrorCode(err) != pos.CodeValidationFailed || pos.ErrorField(err) != "f") {
			t.Fatalf("error %v: want validation_failed on f", err)
		}
		doc := struct {
			S []string `json:"s" text:"multiline"`
		}{[]string{s}}
		if got := pos.CheckText(doc) == nil; multiline && got != want {
			t.Fatalf("CheckText disagrees with CheckString on %q", s)
		}
	})
}
