package pos_test

import (
	"math"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
)

func TestPINBackoff(t *testing.T) {
	for _, tt := range []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {1, 0}, {4, 0},
		{5, time.Minute}, {6, 2 * time.Minute}, {7, 4 * time.Minute}, {8, 8 * time.Minute},
		{9, 16 * time.Minute}, {10, 32 * time.Minute}, {11, time.Hour}, {12, time.Hour},
		{100, time.Hour}, {math.MaxInt, time.Hour},
	} {
		if got := pos.PINBackoff(tt.failures); got != tt.want {
			t.Errorf("PINBackoff(%d)=%v, want %v", tt.failures, got, tt.want)
		}
	}
}
