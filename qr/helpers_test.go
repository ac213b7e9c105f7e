package qr_test

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"
)

// decodeQR reads the QR code in img as a phone would, rather than checking
// that bytes came out: with gozxing (a Go port of ZXing) and, when its
// finder misses (it does on about one random code in a thousand, which
// zbar and phones read), with zbarimg.
func decodeQR(tb testing.TB, img image.Image) string {
	tb.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		tb.Fatalf("binarize: %v", err)
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	res, err := gzqr.NewQRCodeReader().Decode(bmp, hints)
	if err == nil {
		return res.GetText()
	}
	path := filepath.Join(tb.TempDir(), "qr.png")
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		tb.Fatal(err)
	}
	out, zerr := exec.Command(need(tb, "zbarimg", "zbar-tools"), "-q", "--raw", path).Output()
	if zerr != nil {
		tb.Fatalf("decode QR: gozxing: %v; zbarimg: %v", err, zerr)
	}
	return strings.TrimSpace(string(out))
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
