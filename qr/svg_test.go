package qr_test

import (
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"strings"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/qr"
)

// svgDoc is the shape SVG promises: a background and one path.
type svgDoc struct {
	XMLName xml.Name `xml:"svg"`
	ViewBox string   `xml:"viewBox,attr"`
	Rect    []struct {
		Fill string `xml:"fill,attr"`
	} `xml:"rect"`
	Path []struct {
		D    string `xml:"d,attr"`
		Fill string `xml:"fill,attr"`
	} `xml:"path"`
}

func TestSVG(t *testing.T) {
	url := qr.TagURL("https://shop.example.ru", qr.NewTagCode())
	b, err := qr.SVG(url, qr.LevelM)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"href", "<script", "<image", "url("} {
		if strings.Contains(string(b), bad) {
			t.Fatalf("SVG contains %q:\n%s", bad, b)
		}
	}
	var doc svgDoc
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("parse SVG: %v\n%s", err, b)
	}
	if got, want := len(doc.Path), 1; got != want {
		t.Fatalf("%d paths, want %d", got, want)
	}
	var n int
	if _, err := fmt.Sscanf(doc.ViewBox, "0 0 %d %d", &n, &n); err != nil || n < 21+8 {
		t.Fatalf("viewBox %q: want a square of at least 29 modules (quiet zone included)", doc.ViewBox)
	}
	if got := decodeQR(t, rasterizeRuns(t, doc.Path[0].D, n, 8)); got != url {
		t.Fatalf("decoded %q, want %q", got, url)
	}
}

// rasterizeRuns paints the path's "Mx yhWv1h-Wz" runs, scale pixels a module,
// so a QR reader can read the SVG's own geometry.
func rasterizeRuns(tb testing.TB, d string, n, scale int) image.Image {
	tb.Helper()
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for _, sub := range strings.Split(strings.TrimSuffix(d, "z"), "z") {
		var x, y, w, w2 int
		if _, err := fmt.Sscanf(sub, "M%d %dh%dv1h-%d", &x, &y, &w, &w2); err != nil || w != w2 || w <= 0 {
			tb.Fatalf("subpath %q: %v", sub, err)
		}
		r := image.Rect(x*scale, y*scale, (x+w)*scale, (y+1)*scale)
		draw.Draw(img, r, image.NewUniform(color.Black), image.Point{}, draw.Src)
	}
	return img
}

func TestSVG_Errors(t *testing.T) {
	if _, err := qr.SVG("", qr.LevelM); pos.ErrorField(err) != "content" {
		t.Fatalf("SVG(\"\") err = %v, want a content error", err)
	}
	if _, err := qr.SVG("x", qr.Level(5)); pos.ErrorField(err) != "level" {
		t.Fatalf("SVG with level 5 err = %v, want a level error", err)
	}
}
