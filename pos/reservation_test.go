package pos_test

import (
	"strings"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

func TestAnonymousLimits_Check(t *testing.T) {
	l := pos.DefaultAnonymousLimits()
	for _, tt := range []struct {
		name     string
		unit     pos.Unit
		qty      int64
		st       pos.Stock
		anonHeld int64
		code     string
	}{
		{"OK", pos.UnitPiece, 5, pos.Stock{OnHand: 10}, 0, ""},
		{"OverMaxPieces", pos.UnitPiece, 6, pos.Stock{OnHand: 1000}, 0, pos.CodeValidationFailed},
		{"Grams", pos.UnitGram, 1000, pos.Stock{OnHand: 5000}, 0, ""},
		{"OverMaxGrams", pos.UnitGram, 1001, pos.Stock{OnHand: 50000}, 0, pos.CodeValidationFailed},
		{"HalfExactly", pos.UnitPiece, 2, pos.Stock{OnHand: 10, Reserved: 3}, 3, ""},
		{"OverHalf", pos.UnitPiece, 3, pos.Stock{OnHand: 10, Reserved: 3}, 3, pos.CodeInsufficientStock},
		// Identified holds are not the anonymous share: 10 on hand, 6 held
		// by the app's customers, 2 of the other 4 may go anonymously.
		{"OthersHold", pos.UnitPiece, 2, pos.Stock{OnHand: 10, Reserved: 6}, 0, ""},
		{"OthersHoldOver", pos.UnitPiece, 3, pos.Stock{OnHand: 10, Reserved: 6}, 0, pos.CodeInsufficientStock},
		{"LastOne", pos.UnitPiece, 1, pos.Stock{OnHand: 1}, 0, pos.CodeInsufficientStock},
		{"NoStock", pos.UnitPiece, 1, pos.Stock{OnHand: 0}, 0, pos.CodeInsufficientStock},
		{"Oversold", pos.UnitPiece, 1, pos.Stock{OnHand: -3}, 0, pos.CodeInsufficientStock},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := l.Check(tt.unit, tt.qty, tt.st, tt.anonHeld)
			if got := pos.ErrorCode(err); err != nil && got != tt.code || err == nil && tt.code != "" {
				t.Fatalf("err=%v, want code %q", err, tt.code)
			}
			if err != nil && pos.ErrorField(err) != "qty" {
				t.Fatalf("field=%q, want qty", pos.ErrorField(err))
			}
			if tt.code == pos.CodeInsufficientStock && strings.ContainsAny(pos.ErrorMessage(err), "0123456789") {
				t.Fatalf("message %q gives a number", pos.ErrorMessage(err))
			}
		})
	}
	t.Run("Message", func(t *testing.T) {
		l := pos.AnonymousLimits{MaxPieces: 5, MaxGrams: 2000, StockShare: 50}
		err := l.Check(pos.UnitGram, 3000, pos.Stock{OnHand: 9000}, 0)
		if got := pos.ErrorMessage(err); !strings.Contains(got, "2 kg") {
			t.Fatalf("message=%q, want the limit in kg", got)
		}
	})
}
