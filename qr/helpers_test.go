package qr_test

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"
)

// decodeQR reads the QR code in img with gozxing, a Go port of ZXing, so
// the tests check what a phone would read rather than that bytes came out.
func decodeQR(tb testing.TB, img image.Image) string {
	tb.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		tb.Fatalf("binarize: %v", err)
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	res, err := gzqr.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		tb.Fatalf("decode QR: %v", err)
	}
	return res.GetText()
}

// decodePNG decodes PNG bytes into an image.
func decodePNG(tb testing.TB, b []byte) image.Image {
	tb.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("decode png: %v", err)
	}
	return img
}
