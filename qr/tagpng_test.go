package qr_test

import (
	"image"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/qr"
)

func TestTagPNG(t *testing.T) {
	l := thirtyLabels()[3] // the promotion
	for _, width := range []int{0, qr.MinTagWidth * 2, 1400} {
		b, err := qr.TagPNG(l, qr.TagOptions{Width: width, Location: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		img := decodePNG(t, b)
		want := width
		if want == 0 {
			want = qr.DefaultTagWidth
		}
		if got := img.Bounds().Dx(); got != want {
			t.Fatalf("width = %d, want %d", got, want)
		}
		if got, want := img.Bounds().Dy(), want*37/70; got < want-1 || got > want+1 {
			t.Fatalf("height = %d, want %d (70 × 37 mm)", got, want)
		}
		// The QR sits in the left 36% of the tag; crop it as a phone camera would frame it.
		qrArea := img.(*image.Gray).SubImage(image.Rect(0, 0, img.Bounds().Dx()*36/100, img.Bounds().Dy()*75/100))
		if got := decodeQR(t, qrArea); got != l.URL {
			t.Fatalf("width %d: QR holds %q, want %q", width, got, l.URL)
		}
	}
}

func TestTagPNG_Errors(t *testing.T) {
	ok := thirtyLabels()[0]
	noURL := ok
	noURL.URL = ""
	negative := ok
	negative.Price.Amount = -1
	tests := []struct {
		name  string
		l     pos.TagLabel
		opts  qr.TagOptions
		field string
	}{
		{"Narrow", ok, qr.TagOptions{Width: qr.MinTagWidth - 1}, "width"},
		{"Wide", ok, qr.TagOptions{Width: qr.MaxTagWidth + 1}, "width"},
		{"NoURL", noURL, qr.TagOptions{}, "label.url"},
		{"NegativePrice", negative, qr.TagOptions{}, "label.price"},
		{"Level", ok, qr.TagOptions{Level: qr.Level(4)}, "level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := qr.TagPNG(tt.l, tt.opts)
			if pos.ErrorCode(err) != pos.CodeValidationFailed || pos.ErrorField(err) != tt.field {
				t.Fatalf("err = %v, want validation_failed on %q", err, tt.field)
			}
		})
	}
}
