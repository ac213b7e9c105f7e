package qr_test

import (
	"strings"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/qr"
)

func TestPNG(t *testing.T) {
	url := qr.TagURL("https://shop-42.example.ru", qr.NewTagCode())
	for _, level := range []qr.Level{qr.LevelL, qr.LevelM, qr.LevelQ, qr.LevelH} {
		t.Run(level.String(), func(t *testing.T) {
			b, err := qr.PNG(url, 256, level)
			if err != nil {
				t.Fatal(err)
			}
			img := decodePNG(t, b)
			if got, want := img.Bounds().Dx(), 256; got != want {
				t.Fatalf("width = %d, want %d", got, want)
			}
			if got := decodeQR(t, img); got != url {
				t.Fatalf("decoded %q, want %q", got, url)
			}
		})
	}
}

func TestPNG_Errors(t *testing.T) {
	tests := []struct {
		name, content string
		size          int
		level         qr.Level
		field         string
	}{
		{"Empty", "", 256, qr.LevelM, "content"},
		{"TooLong", strings.Repeat("x", qr.MaxContentLen+1), 256, qr.LevelM, "content"},
		{"Small", "x", qr.MinPNGSize - 1, qr.LevelM, "size"},
		{"Huge", "x", qr.MaxPNGSize + 1, qr.LevelM, "size"},
		{"Level", "x", 256, qr.Level(7), "level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := qr.PNG(tt.content, tt.size, tt.level)
			if got, want := pos.ErrorCode(err), pos.CodeValidationFailed; got != want {
				t.Fatalf("code = %q (%v), want %q", got, err, want)
			}
			if got := pos.ErrorField(err); got != tt.field {
				t.Fatalf("field = %q, want %q", got, tt.field)
			}
		})
	}
}
