package qr

import (
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
	"github.com/storeedge/storeedge/pos"
)

// Level is a QR error-correction level. The zero Level is M, the default:
// it survives 15% damage, enough for a shelf tag, while keeping the modules
// big.
type Level uint8

// The four QR error-correction levels, by the share of the symbol that may
// be damaged: L 7%, M 15%, Q 25%, H 30%.
const (
	LevelM Level = iota // the zero value
	LevelL
	LevelQ
	LevelH
)

var levelNames = [...]string{LevelM: "M", LevelL: "L", LevelQ: "Q", LevelH: "H"}

// ParseLevel parses "L", "M", "Q" or "H" (any case); "" is M.
// Codes: validation_failed (field "level").
func ParseLevel(s string) (Level, error) {
	if s == "" {
		return LevelM, nil
	}
	for l, name := range levelNames {
		if strings.EqualFold(s, name) {
			return Level(l), nil
		}
	}
	return LevelM, pos.FieldErrorf("level", "QR error correction level %q: want L, M, Q or H", s)
}

// String returns "L", "M", "Q" or "H".
func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return "Level(" + strconv.Itoa(int(l)) + ")"
}

// MarshalText lets a Level sit in YAML and JSON configuration.
func (l Level) MarshalText() ([]byte, error) {
	if int(l) >= len(levelNames) {
		return nil, pos.FieldErrorf("level", "unknown QR level %d", l)
	}
	return []byte(l.String()), nil
}

// UnmarshalText parses a Level as ParseLevel does.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// recovery maps l to go-qrcode's level.
func (l Level) recovery() (qrcode.RecoveryLevel, error) {
	switch l {
	case LevelL:
		return qrcode.Low, nil
	case LevelM:
		return qrcode.Medium, nil
	case LevelQ:
		return qrcode.High, nil
	case LevelH:
		return qrcode.Highest, nil
	}
	return 0, pos.FieldErrorf("level", "unknown QR level %d", l)
}
