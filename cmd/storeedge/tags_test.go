package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTags prints tags through a running server and offline, then changes
// a price: --stale prints exactly the tag that now shows a wrong price.
func TestTags(t *testing.T) {
	dir := t.TempDir()
	p := startServe(t, dir, "--demo")
	out := filepath.Join(t.TempDir(), "tags.pdf")
	if got := mustRun(t, "tags", "--data", dir, "--sku", "DEMO-0001,DEMO-0002,DEMO-0003", "--out", out); !strings.Contains(got, "printed 3 tags") {
		t.Fatalf("tags: %s", got)
	}
	if b, err := os.ReadFile(out); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Fatalf("not a PDF: %v", err)
	}
	if got := mustRun(t, "tags", "--data", dir, "--stale", "--out", out); !strings.Contains(got, "no tags to print") {
		t.Fatalf("fresh tags reported stale: %s", got)
	}
	p.stop(t)

	catalog := filepath.Join(t.TempDir(), "price.csv")
	if err := os.WriteFile(catalog, []byte("sku,name,price\nDEMO-0002,Новая цена,12345\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "catalog", "import", "--data", dir, catalog)
	if got := mustRun(t, "tags", "--data", dir, "--stale", "--out", out); !strings.Contains(got, "printed 1 tags") {
		t.Fatalf("stale tags after a price change: %s", got)
	}
	if got := mustRun(t, "tags", "--data", dir, "--stale", "--out", out); !strings.Contains(got, "no tags to print") {
		t.Fatalf("reprinted tags still stale: %s", got)
	}
	png := filepath.Join(t.TempDir(), "tag.png")
	mustRun(t, "tags", "--data", dir, "--sku", "DEMO-0002", "--out", png)
	if _, _, code := runCmd(t, "tags", "--data", dir, "--sku", "DEMO-0002,DEMO-0003", "--out", png); code != 2 {
		t.Fatalf("two tags into one PNG: exit %d", code)
	}
}
