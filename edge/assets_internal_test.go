package edge

import (
	"bytes"
	"io"
	"io/fs"
	"net/http/httptest"
	"testing"
)

// TestAssets_Index guards against the fasthttp trap where a static fs.FS
// answers 404 for a directory index (ECOSYSTEM-NOTES 1.6.2): GET /pos/ must
// serve the embedded index.html byte for byte.
func TestAssets_Index(t *testing.T) {
	want, err := fs.ReadFile(posFS(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer()
	s.Logger = discardLogger()
	for _, path := range []string{"/pos/", "/pos/index.html"} {
		res, err := s.App().Test(httptest.NewRequest("GET", path, nil))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !bytes.Equal(got, want) {
			t.Fatalf("GET %s: status=%d body=%.80q, want 200 and the embedded index.html", path, res.StatusCode, got)
		}
	}
}
