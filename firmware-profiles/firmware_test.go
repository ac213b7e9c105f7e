package firmware_test

import (
	"errors"
	"slices"
	"testing"

	firmware "github.com/storeedge/storeedge/firmware-profiles"
)

func TestNames(t *testing.T) {
	want := []string{"pos-terminal-x86", "price-checker", "raspberry-pi-4", "raspberry-pi-zero-2w"}
	if got := firmware.Names(); !slices.Equal(got, want) {
		t.Fatalf("Names()=%q, want %q", got, want)
	}
}

func TestLoad(t *testing.T) {
	for _, name := range firmware.Names() {
		t.Run(name, func(t *testing.T) {
			p, err := firmware.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := p.Name, name; got != want {
				t.Fatalf("Name=%q, want %q", got, want)
			}
			if p.Description == "" {
				t.Fatal("no description")
			}
			if len(p.Values) == 0 {
				t.Fatal("no values")
			}
		})
	}
	t.Run("WithSuffix", func(t *testing.T) {
		p, err := firmware.Load("raspberry-pi-4.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := p.Name, "raspberry-pi-4"; got != want {
			t.Fatalf("Name=%q, want %q", got, want)
		}
	})
	for _, name := range []string{"", "nope", "../go.mod", "*", "raspberry-pi-4/..", "RASPBERRY-PI-4"} {
		t.Run("ErrUnknownProfile/"+name, func(t *testing.T) {
			if _, err := firmware.Load(name); !errors.Is(err, firmware.ErrUnknownProfile) {
				t.Fatalf("Load(%q) err=%v, want ErrUnknownProfile", name, err)
			}
		})
	}
}

func TestProfile_Get(t *testing.T) {
	p, err := firmware.Load("raspberry-pi-zero-2w")
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := p.Get("storage.max_size"); !ok || v != "1GiB" {
		t.Fatalf("Get(storage.max_size)=%q,%v, want 1GiB,true", v, ok)
	}
	if _, ok := p.Get("description"); ok {
		t.Fatal("description is not a value")
	}
	if _, ok := p.Get("nope"); ok {
		t.Fatal("Get(nope) ok")
	}
}
