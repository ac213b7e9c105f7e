package sync

import (
	"testing"
)

func TestDecodePage(t *testing.T) {
	const m1 = `{"stream":"prices","version":4,"items":[]}`
	const m2 = `{"stream":"prices","version":9,"items":[]}`
	for _, tt := range []struct {
		name  string
		body  string
		since uint64
		last  uint64
		ok    bool
	}{
		{"Empty", `{"stream":"prices","head":0,"messages":[],"more":false}`, 0, 0, true},
		{"HeadOnly", `{"stream":"prices","head":12,"messages":[],"more":false}`, 3, 3, true},
		{"Two", `{"stream":"prices","head":9,"messages":[` + m1 + `,` + m2 + `],"more":true}`, 3, 9, true},
		{"NullMessages", `{"stream":"prices","head":0,"messages":null}`, 0, 0, true},
		{"OtherStream", `{"stream":"catalog","head":0,"messages":[]}`, 0, 0, false},
		{"MoreButEmpty", `{"stream":"prices","head":9,"messages":[],"more":true}`, 3, 0, false},
		{"NotAfterSince", `{"stream":"prices","head":9,"messages":[` + m1 + `]}`, 4, 0, false},
		{"OutOfOrder", `{"stream":"prices","head":9,"messages":[` + m2 + `,` + m1 + `]}`, 0, 0, false},
		{"MessageOfOtherStream", `{"stream":"prices","head":9,"messages":[{"stream":"stock","version":5}]}`, 0, 0, false},
		{"MessageNotObject", `{"stream":"prices","head":9,"messages":[7]}`, 0, 0, false},
		{"NotJSON", `<html>`, 0, 0, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, last, err := decodePage([]byte(tt.body), "prices", tt.since)
			if (err == nil) != tt.ok || last != tt.last {
				t.Fatalf("decodePage last=%d err=%v, want last=%d ok=%v", last, err, tt.last, tt.ok)
			}
		})
	}
}

// FuzzDecodePage: whatever central answers, decodePage returns an error
// or a page whose versions increase from since, never a panic.
func FuzzDecodePage(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz: not in -short")
	}
	f.Add([]byte(`{"stream":"prices","head":9,"messages":[{"stream":"prices","version":4,"items":[]}],"more":true}`), uint64(0))
	f.Add([]byte(`{"stream":"prices","head":0,"messages":[],"more":false}`), uint64(7))
	f.Add([]byte(`{"stream":"prices","messages":[{"version":1e30}]}`), uint64(0))
	f.Add([]byte(`null`), uint64(0))
	f.Fuzz(func(t *testing.T, b []byte, since uint64) {
		pg, last, err := decodePage(b, "prices", since)
		if err != nil {
			return
		}
		if last < since || (pg.More && len(pg.Messages) == 0) || pg.Stream != "prices" {
			t.Fatalf("accepted page=%+v last=%d since=%d", pg, last, since)
		}
	})
}
