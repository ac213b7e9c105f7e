package qr

import (
	"errors"

	qrcode "github.com/skip2/go-qrcode"
	"github.com/storeedge/storeedge/pos"
)

// Bounds on outside input, so a request cannot make us draw a huge image.
const (
	MaxContentLen = 1024 // bytes a QR may hold; a tag URL is far shorter
	MinPNGSize    = 64   // pixels
	MaxPNGSize    = 4096 // pixels
)

// PNG returns a size × size pixel PNG of a QR code holding content, with a
// 4-module quiet zone (larger when the code has more modules than size has
// pixels, as go-qrcode does). Codes: validation_failed (fields "content", "size",
// "level").
func PNG(content string, size int, level Level) ([]byte, error) {
	if size < MinPNGSize || size > MaxPNGSize {
		return nil, pos.FieldErrorf("size", "QR image size %d: want %d to %d pixels", size, MinPNGSize, MaxPNGSize)
	}
	q, err := encode(content, level)
	if err != nil {
		return nil, err
	}
	return q.PNG(size)
}

// encode validates its input and encodes content as a QR code.
func encode(content string, level Level) (*qrcode.QRCode, error) {
	if content == "" {
		return nil, pos.FieldErrorf("content", "nothing to encode")
	}
	if len(content) > MaxContentLen {
		return nil, pos.FieldErrorf("content", "%d bytes to encode: at most %d", len(content), MaxContentLen)
	}
	rl, err := level.recovery()
	if err != nil {
		return nil, err
	}
	q, err := qrcode.New(content, rl)
	if err != nil {
		return nil, errors.Join(pos.FieldErrorf("content", "cannot encode as QR"), err)
	}
	return q, nil
}

// modules returns the QR's dark modules, quiet zone included, as rows.
func modules(content string, level Level) ([][]bool, error) {
	q, err := encode(content, level)
	if err != nil {
		return nil, err
	}
	return q.Bitmap(), nil
}
