package importer

import (
	"io"
	"strings"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

func TestLimitReader(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		wantErr bool
	}{
		{"Under", "123456789", false},
		{"Exact", "1234567890", false},
		{"Over", "12345678901", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := io.ReadAll(&limitReader{r: strings.NewReader(tc.in), n: 10})
			if got := err != nil; got != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil {
				if got, want := pos.ErrorField(err), "file"; got != want {
					t.Fatalf("Field = %q, want %q", got, want)
				}
			} else if string(b) != tc.in {
				t.Fatalf("read %q, want %q", b, tc.in)
			}
		})
	}
}

func TestKopecks(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"129.90", 12990, true},
		{"129,9", 12990, true},
		{"0.05", 5, true},
		{"12.345", 0, false},
		{".5", 0, false},
		{"5.", 0, false},
		{"-1.5", 0, false},
		{"1e3", 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := kopecks(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("kopecks(%q) = %d, %v, want %d, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestClip(t *testing.T) {
	s := strings.Repeat("я", 40) // 80 bytes: the cut must not split a rune
	if got := clip(s); !strings.HasSuffix(got, "…") || len(got) > 64+len("…") || !isUTF8(got) {
		t.Fatalf("clip = %q", got)
	}
	if got, want := clip("short"), "short"; got != want {
		t.Fatalf("clip = %q, want %q", got, want)
	}
}

func isUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
