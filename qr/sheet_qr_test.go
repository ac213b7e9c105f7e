package qr_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/qr"
)

// TestWriteSheet_QR rasterises single tags of the sheet with pdftoppm and
// reads their QR with zbarimg, as a phone would read the printed tag. One
// tag at a time: zbar misses codes on a whole sheet (ECOSYSTEM-NOTES 6.6).
func TestWriteSheet_QR(t *testing.T) {
	pdftoppm := need(t, "pdftoppm", "poppler-utils")
	zbarimg := need(t, "zbarimg", "zbar-tools")
	labels := thirtyLabels()
	path := writeSheet(t, labels, qr.SheetOptions{Location: time.UTC})
	const dpi = 200
	px := func(mm float64) string { return fmt.Sprint(int(mm * dpi / 25.4)) }
	for _, i := range []int{0, 3, 14, 23, 29} {
		t.Run(labels[i].SKU, func(t *testing.T) {
			page, col, row := i/qr.TagsPerPage+1, i%qr.SheetCols, i%qr.TagsPerPage/qr.SheetCols
			x, y := float64(col)*70, 0.5+float64(row)*37
			out := filepath.Join(t.TempDir(), "tag")
			run(t, pdftoppm, "-r", fmt.Sprint(dpi), "-png", "-singlefile", "-f", fmt.Sprint(page), "-l", fmt.Sprint(page),
				"-x", px(x), "-y", px(y), "-W", px(70), "-H", px(37), path, out)
			got := strings.TrimSpace(string(run(t, zbarimg, "-q", "--raw", out+".png")))
			if want := labels[i].URL; got != want {
				t.Fatalf("tag %d: zbarimg read %q, want %q", i, got, want)
			}
		})
	}
}
