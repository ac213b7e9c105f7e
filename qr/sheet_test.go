package qr_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/qr"
)

// writeSheet renders labels to a PDF file in a temp dir and returns its path.
func writeSheet(tb testing.TB, labels []pos.TagLabel, opts qr.SheetOptions) string {
	tb.Helper()
	var b bytes.Buffer
	if err := qr.WriteSheet(&b, labels, opts); err != nil {
		tb.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
		tb.Fatalf("not a PDF: %q", b.Bytes()[:min(20, b.Len())])
	}
	path := filepath.Join(tb.TempDir(), "tags.pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// TestWriteSheet reads the sheet back with poppler's pdfinfo and pdftotext:
// the embedded Go fonts carry a ToUnicode map, so the text that comes out
// is the text we drew, Cyrillic included.
func TestWriteSheet(t *testing.T) {
	pdfinfo := need(t, "pdfinfo", "poppler-utils")
	pdftotext := need(t, "pdftotext", "poppler-utils")
	path := writeSheet(t, thirtyLabels(), qr.SheetOptions{Location: time.UTC})

	info := string(run(t, pdfinfo, path))
	if m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindStringSubmatch(info); m == nil || m[1] != "2" {
		t.Fatalf("pdfinfo: want 2 pages (30 tags, 24 a page):\n%s", info)
	}
	if !strings.Contains(info, "595.276 x 841.89") && !strings.Contains(info, "595 x 842") {
		t.Fatalf("pdfinfo: want an A4 page:\n%s", info)
	}
	text := strings.ReplaceAll(string(run(t, pdftotext, "-layout", path, "-")), "\u00a0", " ")
	pages := strings.Split(text, "\f")
	for _, want := range []string{"Молоко 3,2% 930 мл", "89,90 Р", "Chocolate Dark 85%", "159,50 Р",
		"1 234,56 Р", "Сыр Российский весовой", "799,90 Р", "999,00 Р", "за 1 кг", "за 1 шт.",
		"4600000000008", "p20261101.0000-a20261130.2359 · 23.11.2026", "Антиперспирант"} {
		if !strings.Contains(pages[0], want) {
			t.Errorf("page 1 lacks %q", want)
		}
	}
	if !strings.Contains(pages[1], "Last Tag Apples") || strings.Contains(pages[0], "Last Tag Apples") {
		t.Errorf("tag 30 is not on page 2 alone")
	}
	if t.Failed() {
		t.Logf("pdftotext:\n%s", text)
	}
}

func TestWriteSheet_Errors(t *testing.T) {
	noURL := thirtyLabels()
	noURL[7].URL = ""
	badOld := thirtyLabels()[:1]
	badOld[0].OldPrice = &pos.Money{Amount: -5, Currency: "RUB"}
	tests := []struct {
		name   string
		labels []pos.TagLabel
		opts   qr.SheetOptions
		field  string
	}{
		{"None", nil, qr.SheetOptions{}, "labels"},
		{"TooMany", make([]pos.TagLabel, qr.MaxSheetLabels+1), qr.SheetOptions{}, "labels"},
		{"NoURL", noURL, qr.SheetOptions{}, "labels[7].url"},
		{"OldPrice", badOld, qr.SheetOptions{}, "labels[0].old_price"},
		{"Level", thirtyLabels(), qr.SheetOptions{Level: qr.Level(4)}, "level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			err := qr.WriteSheet(&b, tt.labels, tt.opts)
			if pos.ErrorCode(err) != pos.CodeValidationFailed || pos.ErrorField(err) != tt.field {
				t.Fatalf("err = %v, want validation_failed on %q", err, tt.field)
			}
			if b.Len() != 0 {
				t.Fatalf("wrote %d bytes before failing", b.Len())
			}
		})
	}
}

// TestWriteSheet_Concurrent renders sheets and tag images at once, as the
// API does for several clients; -race checks the shared fonts.
func TestWriteSheet_Concurrent(t *testing.T) {
	labels := thirtyLabels()
	errs := make(chan error, 8)
	for i := 0; i < 4; i++ {
		go func() { errs <- qr.WriteSheet(io.Discard, labels, qr.SheetOptions{}) }()
		go func() { _, err := qr.TagPNG(labels[i], qr.TagOptions{}); errs <- err }()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
