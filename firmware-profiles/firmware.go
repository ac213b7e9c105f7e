package firmware

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// files holds the profiles shipped in the binary.
//
//go:embed *.yaml
var files embed.FS

// ErrUnknownProfile is returned by Load for a name that is not embedded.
var ErrUnknownProfile = errors.New("unknown firmware profile")

// Profile is one parsed profile file.
type Profile struct {
	// Name is the file name without ".yaml", e.g. "raspberry-pi-4".
	Name string
	// Description is the value of the profile's description key.
	Description string
	// Values are the settings in file order; keys are unique.
	Values []KV
}

// KV is one `key: value` line of a profile.
type KV struct {
	Key   string
	Value string
	// Line is the 1-based line number, for error messages.
	Line int
}

// Get returns the value of key and whether the profile sets it.
func (p *Profile) Get(key string) (string, bool) {
	for _, kv := range p.Values {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return "", false
}

// Names returns the names of the embedded profiles, sorted.
func Names() []string {
	entries, err := fs.ReadDir(files, ".")
	if err != nil { // cannot happen: the embed pattern guarantees the root
		panic(fmt.Sprintf("firmware: read embedded profiles: %v", err))
	}
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok && !e.IsDir() {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// Load parses the embedded profile called name (with or without ".yaml").
// An unknown name gives an error wrapping ErrUnknownProfile.
func Load(name string) (*Profile, error) {
	name = strings.TrimSuffix(name, ".yaml")
	// Only accept a listed name, so "../x" or "*" never reach the FS.
	if !slices.Contains(Names(), name) {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownProfile, name, strings.Join(Names(), ", "))
	}
	f, err := files.Open(path.Clean(name + ".yaml"))
	if err != nil {
		return nil, fmt.Errorf("open profile: %w", err)
	}
	defer f.Close()
	return Parse(name, f)
}
