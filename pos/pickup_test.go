package pos_test

import (
	"testing"

	"github.com/storeedge/storeedge/pos"
)

func TestCheckPickupTransition(t *testing.T) {
	const (
		pending, ready   = pos.PickupPending, pos.PickupReady
		collected, cancl = pos.PickupCollected, pos.PickupCancelled
	)
	for _, tt := range []struct {
		from, to string
		noop     bool
		code     string
	}{
		{pending, ready, false, ""},
		{pending, collected, false, ""},
		{ready, ready, true, ""},
		{ready, collected, false, ""},
		{collected, collected, false, pos.CodeConflict},
		{collected, ready, false, pos.CodeConflict},
		{cancl, ready, false, pos.CodeConflict},
		{cancl, collected, false, pos.CodeConflict},
		{"lost", ready, false, pos.CodeConflict},
		{pending, pending, false, pos.CodeValidationFailed},
		{pending, cancl, false, pos.CodeValidationFailed},
	} {
		t.Run(tt.from+"->"+tt.to, func(t *testing.T) {
			noop, err := pos.CheckPickupTransition(tt.from, tt.to)
			if got, want := pos.ErrorCode(err), tt.code; got != want {
				t.Fatalf("code=%q (%v), want %q", got, err, want)
			}
			if got, want := noop, tt.noop; got != want {
				t.Fatalf("noop=%v, want %v", got, want)
			}
		})
	}
}

func TestMergePickupStatus(t *testing.T) {
	const (
		pending, ready   = pos.PickupPending, pos.PickupReady
		collected, cancl = pos.PickupCollected, pos.PickupCancelled
	)
	for _, tt := range []struct{ remote, local, want string }{
		{pending, "", pending},
		{ready, "", ready},
		{cancl, "", cancl},
		{pending, ready, ready},         // central has not heard of ready yet
		{pending, collected, collected}, // nor of the hand-over
		{ready, collected, collected},
		{collected, ready, collected}, // central knows better
		{cancl, ready, cancl},         // cancelled before the shopper came
		{cancl, collected, collected}, // the goods are gone: central settles it
	} {
		t.Run(tt.remote+"+"+tt.local, func(t *testing.T) {
			if got := pos.MergePickupStatus(tt.remote, tt.local); got != tt.want {
				t.Fatalf("MergePickupStatus(%q, %q)=%q, want %q", tt.remote, tt.local, got, tt.want)
			}
		})
	}
}

func TestValidPickupStatus(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{pos.PickupPending, true}, {pos.PickupReady, true}, {pos.PickupCollected, true},
		{pos.PickupCancelled, true}, {"", false}, {"Ready", false},
	} {
		if got := pos.ValidPickupStatus(tt.s); got != tt.want {
			t.Fatalf("ValidPickupStatus(%q)=%v, want %v", tt.s, got, tt.want)
		}
	}
}
