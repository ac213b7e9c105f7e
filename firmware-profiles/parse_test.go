package firmware_test

import (
	"errors"
	"strings"
	"testing"

	firmware "github.com/storeedge/storeedge/firmware-profiles"
)

func TestParse(t *testing.T) {
	in := "# a comment\n" +
		"description: A test profile  # trailing comment\n" +
		"\n" +
		"   # an indented comment\n" +
		"http.body_limit: 1MiB\r\n" +
		"roles: till,shopper\n" +
		`sync.username: "a \"quoted\" \\ value # not a comment"` + "\n" +
		"sync.password: 'it''s' # comment\n" +
		`empty: ""` + "\n" +
		"url: http://x:8080/a#frag\n" +
		"neg: -1"
	p, err := firmware.Parse("test", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Description, "A test profile"; got != want {
		t.Fatalf("Description=%q, want %q", got, want)
	}
	want := []firmware.KV{
		{"http.body_limit", "1MiB", 5},
		{"roles", "till,shopper", 6},
		{"sync.username", `a "quoted" \ value # not a comment`, 7},
		{"sync.password", "it's", 8},
		{"empty", "", 9},
		{"url", "http://x:8080/a#frag", 10},
		{"neg", "-1", 11},
	}
	if got, want := len(p.Values), len(want); got != want {
		t.Fatalf("len(Values)=%d, want %d: %+v", got, want, p.Values)
	}
	for i := range want {
		if got := p.Values[i]; got != want[i] {
			t.Fatalf("Values[%d]=%+v, want %+v", i, got, want[i])
		}
	}
}

func TestParse_Empty(t *testing.T) {
	p, err := firmware.Parse("empty", strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(p.Values), 0; got != want {
		t.Fatalf("len(Values)=%d, want %d", got, want)
	}
}

func TestParse_Errors(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		line     int
		msg      string
	}{
		{"Duplicate", "a: 1\nb: 2\na: 3", 3, `duplicate key "a" (first set on line 1)`},
		{"DuplicateDescription", "description: x\ndescription: y", 2, "duplicate key"},
		{"NoColon", "a: 1\njust text", 2, "expected key: value"},
		{"NoSpace", "a:1", 1, "expected a space after ':'"},
		{"NoValue", "a:", 1, "missing value"},
		{"OnlyComment", "a: # nothing", 1, "missing value"},
		{"Indented", "http:\n  body_limit: 1MiB", 1, "missing value"},
		{"IndentedKey", "a: 1\n  b: 2", 2, "indented line"},
		{"UpperKey", "Http.Body: 1", 1, "bad key"},
		{"EmptyWord", "http..body: 1", 1, "bad key"},
		{"DigitFirst", "1a: 1", 1, "bad key"},
		{"BoolKey", "true: 1", 1, "bad key"},
		{"SpaceInKey", "a b: 1", 1, "bad key"},
		{"Tab", "a:\t1", 1, "tab"},
		{"Control", "a: b\x01c", 1, "non-printable"},
		{"LineSeparator", "a: b\u2028c", 1, "non-printable"},
		{"BadUTF8", "a: \xff", 1, "invalid UTF-8"},
		{"List", "a: - x", 1, "lists are not supported"},
		{"Dash", "a: -", 1, "lists are not supported"},
		{"Flow", "a: [1, 2]", 1, "may not start with ["},
		{"Map", "a: {b: 1}", 1, "may not start with {"},
		{"Anchor", "a: &x 1", 1, "may not start with &"},
		{"Alias", "a: *x", 1, "may not start with *"},
		{"Tag", "a: !!str 1", 1, "may not start with !"},
		{"Block", "a: |", 1, "may not start with |"},
		{"Merge", "a: <<", 1, "may not start with <"},
		{"ColonSpace", "a: b: c", 1, `may not contain ": "`},
		{"ColonEnd", "a: b:", 1, `may not contain ": "`},
		{"Null", "a: null", 1, "null is not a value"},
		{"Tilde", "a: ~", 1, "null is not a value"},
		{"Unterminated", `a: "abc`, 1, "unterminated"},
		{"UnterminatedSingle", "a: 'abc", 1, "unterminated"},
		{"BadEscape", `a: "a\nb"`, 1, "escapes"},
		{"AfterQuote", `a: "x" y`, 1, "after the closing quote"},
		{"CommentNoSpace", `a: "x"#y`, 1, "after the closing quote"},
		{"DocumentMarker", "---\na: 1", 1, "expected key: value"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := firmware.Parse("bad", strings.NewReader(tt.in))
			var pe *firmware.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err=%v, want *ParseError", err)
			}
			if got, want := pe.Line, tt.line; got != want {
				t.Fatalf("Line=%d, want %d (%v)", got, want, err)
			}
			if !strings.Contains(pe.Msg, tt.msg) {
				t.Fatalf("Msg=%q, want it to contain %q", pe.Msg, tt.msg)
			}
			if !strings.Contains(err.Error(), "bad line ") {
				t.Fatalf("Error()=%q does not name the profile and line", err)
			}
		})
	}
}

func TestParse_TooLarge(t *testing.T) {
	in := strings.Repeat("# padding\n", 7000)
	_, err := firmware.Parse("big", strings.NewReader(in))
	var pe *firmware.ParseError
	if !errors.As(err, &pe) || pe.Line != 0 {
		t.Fatalf("err=%v, want a whole-file *ParseError", err)
	}
}

// FuzzParse checks that Parse never panics and that what it accepts is
// well-formed: valid keys, no duplicates, values that survive a round trip.
func FuzzParse(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz seeds skipped in -short mode")
	}
	for _, s := range []string{
		"", "a: 1", "description: x\nhttp.body_limit: 1MiB\n", "a: 'x''y'", `a: "x\"y" # c`,
		"a:", "a: - b", "a: b: c", "\ta: 1", "a: \u2028", "x.y_z: ok # c\r\n", "a: [", "a: '",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		p, err := firmware.Parse("fuzz", strings.NewReader(string(in)))
		if err != nil {
			return
		}
		again, err := firmware.Parse("fuzz", strings.NewReader(render(p)))
		if err != nil {
			t.Fatalf("re-parse of %q: %v", render(p), err)
		}
		if got, want := again.Description, p.Description; got != want {
			t.Fatalf("Description=%q after round trip, want %q", got, want)
		}
		if got, want := len(again.Values), len(p.Values); got != want {
			t.Fatalf("len(Values)=%d after round trip, want %d", got, want)
		}
		for i, kv := range p.Values {
			if got, want := again.Values[i].Key+"="+again.Values[i].Value, kv.Key+"="+kv.Value; got != want {
				t.Fatalf("Values[%d]=%q after round trip, want %q", i, got, want)
			}
		}
	})
}

// render writes p back in the profile format, every value double-quoted.
func render(p *firmware.Profile) string {
	q := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	var b strings.Builder
	b.WriteString(`description: "` + q.Replace(p.Description) + "\"\n")
	for _, kv := range p.Values {
		b.WriteString(kv.Key + `: "` + q.Replace(kv.Value) + "\"\n")
	}
	return b.String()
}
