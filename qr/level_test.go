package qr_test

import (
	"encoding/json"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/qr"
)

func TestParseLevel(t *testing.T) {
	tests := []struct {
		in   string
		want qr.Level
		code string
	}{
		{"", qr.LevelM, ""},
		{"L", qr.LevelL, ""},
		{"m", qr.LevelM, ""},
		{"Q", qr.LevelQ, ""},
		{"h", qr.LevelH, ""},
		{"X", qr.LevelM, pos.CodeValidationFailed},
		{"MM", qr.LevelM, pos.CodeValidationFailed},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := qr.ParseLevel(tt.in)
			if got != tt.want || pos.ErrorCode(err) != tt.code {
				t.Fatalf("ParseLevel(%q) = %v, %v; want %v, code %q", tt.in, got, err, tt.want, tt.code)
			}
			if err != nil {
				if got, want := pos.ErrorField(err), "level"; got != want {
					t.Fatalf("field = %q, want %q", got, want)
				}
			}
		})
	}
}

func TestLevel_Text(t *testing.T) {
	var cfg struct{ Level qr.Level }
	if err := json.Unmarshal([]byte(`{"Level":"q"}`), &cfg); err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Level, qr.LevelQ; got != want {
		t.Fatalf("Level = %v, want %v", got, want)
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"Level":"Q"}`; got != want {
		t.Fatalf("json = %s, want %s", got, want)
	}
	if got, want := qr.Level(9).String(), "Level(9)"; got != want {
		t.Fatalf("String = %q, want %q", got, want)
	}
	if _, err := json.Marshal(struct{ L qr.Level }{qr.Level(9)}); err == nil {
		t.Fatal("an unknown level marshalled")
	}
}
