package demo

import (
	"strings"
	"testing"
)

// TestReviewPhrases checks that every department has its own sentences,
// each a finished one, so that no page falls back to the general ones or
// draws from an empty list.
func TestReviewPhrases(t *testing.T) {
	for _, d := range departments {
		t.Run(d.Slug, func(t *testing.T) {
			ph, ok := reviewPhrases[d.Slug]
			if !ok {
				t.Fatalf("no review phrases for %q", d.Slug)
			}
			for _, list := range [][]string{ph.praise, ph.caveat, ph.complaint} {
				if got, min := len(list), 2; got < min {
					t.Fatalf("%d sentences in a list, want at least %d", got, min)
				}
				for _, s := range list {
					if !strings.ContainsAny(s[len(s)-1:], ".!") {
						t.Fatalf("%q is not a finished sentence", s)
					}
				}
			}
		})
	}
	if got, want := len(reviewPhrases), len(departments); got != want {
		t.Fatalf("%d phrase lists for %d departments", got, want)
	}
}
