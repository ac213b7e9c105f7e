package edge

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// readCatalogs parses every screen catalog: lang → key → string or plural
// forms.
func readCatalogs(t *testing.T) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, lang := range ScreenLanguages {
		b, err := catalogs.ReadFile("i18n/" + lang + ".json")
		if err != nil {
			t.Fatalf("catalog %s: %v", lang, err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("catalog %s: %v", lang, err)
		}
		out[lang] = m
	}
	return out
}

// pluralForms are the CLDR categories each language's counts need.
var pluralForms = map[string][]string{"ru": {"few", "many", "one", "other"}, "uk": {"few", "many", "one", "other"}, "en": {"one", "other"}}

var placeholder = regexp.MustCompile(`\{\w+\}`)

// placeholders lists the {names} of a value (all forms of a plural).
func placeholders(v any) []string {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case map[string]any:
		for _, f := range v {
			str, _ := f.(string)
			s += str
		}
	}
	got := placeholder.FindAllString(s, -1)
	sort.Strings(got)
	return slices.Compact(got)
}

// TestCatalogs_SameKeys checks that the catalogs have the same keys, the
// same placeholders, and the plural forms of their language.
func TestCatalogs_SameKeys(t *testing.T) {
	cats := readCatalogs(t)
	ref := cats["ru"]
	for _, lang := range ScreenLanguages {
		cat := cats[lang]
		for key := range ref {
			if _, ok := cat[key]; !ok {
				t.Errorf("%s.json lacks %q", lang, key)
			}
		}
		for key, v := range cat {
			rv, ok := ref[key]
			if !ok {
				t.Errorf("%s.json has %q, which ru.json lacks", lang, key)
				continue
			}
			if got, want := placeholders(v), placeholders(rv); !slices.Equal(got, want) {
				t.Errorf("%s.json %q has placeholders %v, ru.json %v", lang, key, got, want)
			}
			checkValue(t, lang, key, v)
		}
	}
}

func checkValue(t *testing.T, lang, key string, v any) {
	switch v := v.(type) {
	case string:
		if strings.TrimSpace(v) == "" {
			t.Errorf("%s.json %q is empty", lang, key)
		}
	case map[string]any:
		for _, form := range pluralForms[lang] {
			if s, ok := v[form].(string); !ok || s == "" {
				t.Errorf("%s.json %q lacks the plural form %q", lang, key, form)
			}
		}
	default:
		t.Errorf("%s.json %q is %T, want a string or plural forms", lang, key, v)
	}
}

// keyLiteral finds catalog keys in the screen's code: quoted strings of
// dotted lower-case words ('cart.items'), and data-i18n* attributes.
var (
	keyLiteral = regexp.MustCompile(`'([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)'`)
	keyAttr    = regexp.MustCompile(`data-i18n(?:-[a-z-]+)?="([^"]+)"`)
)

// TestCatalogs_KeysUsed checks that every key the screen's JS and HTML use
// is in every catalog, and that the code holds no words of its own.
func TestCatalogs_KeysUsed(t *testing.T) {
	cats := readCatalogs(t)
	namespaces := map[string]bool{}
	for key := range cats["ru"] {
		ns, _, _ := strings.Cut(key, ".")
		namespaces[ns] = true
	}
	used := map[string]string{} // key → file
	err := fs.WalkDir(posFS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".js") || strings.HasSuffix(path, ".html")) {
			return err
		}
		b, err := fs.ReadFile(posFS(), path)
		if err != nil {
			return err
		}
		for _, m := range keyLiteral.FindAllStringSubmatch(string(b), -1) {
			ns, _, _ := strings.Cut(m[1], ".")
			if namespaces[ns] && !strings.HasSuffix(m[1], ".js") {
				used[m[1]] = path
			}
		}
		for _, m := range keyAttr.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys in the screen's code: is the pattern stale?", len(used))
	}
	for key, file := range used {
		for _, lang := range ScreenLanguages {
			if _, ok := cats[lang][key]; !ok {
				t.Errorf("%s uses %q, missing from %s.json", file, key, lang)
			}
		}
	}
}

// TestAssets_ScreenConfig checks what the screen reads at start: the
// shop's language and zone, the scanner's timing, the catalogs, and the
// strict CSP of the page.
func TestAssets_ScreenConfig(t *testing.T) {
	s := NewServer()
	s.Logger = discardLogger()
	s.Currency = "UAH"
	s.Screen = ScreenConfig{Language: "uk", TimeZone: "Europe/Kyiv", ScannerGap: 30 * time.Millisecond}
	get := func(path string) (int, string, string) {
		res, err := s.App().Test(httptest.NewRequest("GET", path, nil))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b), res.Header.Get("Content-Security-Policy")
	}
	status, body, csp := get("/pos/config.json")
	want := `{"language":"uk","languages":["ru","uk","en"],"timezone":"Europe/Kyiv","currency":"UAH","scanner_gap_ms":30,"scanner_min_length":6}`
	if status != 200 || body != want || csp != posContentSecurityPolicy {
		t.Fatalf("config.json: %d %s (CSP %q), want %s", status, body, csp, want)
	}
	for _, lang := range ScreenLanguages {
		if status, body, _ := get("/pos/i18n/" + lang + ".json"); status != 200 || !strings.Contains(body, `"cart.items"`) {
			t.Errorf("i18n/%s.json: %d %.80s", lang, status, body)
		}
	}
	for _, path := range []string{"/pos/i18n/de.json", "/pos/i18n/ru", "/pos/i18n/..%2fassets.go"} {
		if status, _, _ := get(path); status != 404 {
			t.Errorf("GET %s: %d, want 404", path, status)
		}
	}
	if _, _, csp := get("/pos/"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP of /pos/ is %q, want scripts from self only", csp)
	}
}
