package edge

import (
	"strings"
	"testing"
)

// FuzzLookupQuery checks that any query either fails or yields exactly one
// key: a phone in E.164 or a valid card.
func FuzzLookupQuery(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz seeds only run without -short")
	}
	for _, seed := range [][2]string{
		{"+79161234567", ""}, {"8 (916) 123-45-67", ""}, {"", "LC-0042"}, {"", ""},
		{"+7916", "LC"}, {"  ", "\t"}, {"", "карта-1"}, {"", "LC 42"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, phone, card string) {
		p, c, err := lookupQuery(phone, card)
		if err != nil {
			if p != "" || c != "" {
				t.Fatalf("lookupQuery(%q, %q)=%q,%q with error %v", phone, card, p, c, err)
			}
			return
		}
		if (p == "") == (c == "") {
			t.Fatalf("lookupQuery(%q, %q)=%q,%q: want exactly one", phone, card, p, c)
		}
		if p != "" && !strings.HasPrefix(p, "+") {
			t.Fatalf("phone %q is not E.164", p)
		}
		if c != "" && !validCard(c) {
			t.Fatalf("card %q is not valid", c)
		}
	})
}
