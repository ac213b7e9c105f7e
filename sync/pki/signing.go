package pki

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// RotateStep is one step of a signing key rotation.
type RotateStep int

// The two steps of RotateSigningKey.
const (
	// Stage makes a next key and publishes it beside the current one in
	// central.pub. Then re-enroll the shops or copy central.pub to them: a
	// shop accepts every key its central.pub holds.
	Stage RotateStep = iota + 1
	// Activate makes the staged key the signing key. central.pub keeps both
	// until the next Stage, so shops that still hold the old central.pub
	// keep accepting the old key while messages signed with it drain.
	Activate
)

// ErrNotStaged: Activate without a staged key, or with one that
// central.pub does not publish (so no shop would accept it).
var ErrNotStaged = errors.New("no staged signing key")

// RotateSigningKey runs one step of rotating central's Ed25519 signing key.
// Stage is idempotent: with a key already staged it publishes that one
// again rather than make another, so a stage cut short by a crash is
// finished by running it again.
func RotateSigningKey(dir string, step RotateStep) error {
	switch step {
	case Stage:
		return stageSigningKey(dir)
	case Activate:
		return activateSigningKey(dir)
	}
	return fmt.Errorf("rotate signing key: unknown step %d", step)
}

func stageSigningKey(dir string) error {
	cur, err := readEd25519Key(filepath.Join(dir, fileSigningKey))
	if err != nil {
		return err
	}
	nextPath := filepath.Join(dir, fileNextSigningKey)
	next, err := readEd25519Key(nextPath)
	if errors.Is(err, fs.ErrNotExist) {
		next, err = newSigningKey(nextPath)
	}
	if err != nil {
		return err
	}
	pub, err := encodePublicKeys(cur.Public().(ed25519.PublicKey), next.Public().(ed25519.PublicKey))
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, fileCentralPub), pub, modePublic)
}

func newSigningKey(path string) (ed25519.PrivateKey, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate signing key: %w", err)
	}
	data, err := encodeKey(key)
	if err != nil {
		return nil, err
	}
	return key, writeFile(path, data, modePrivate)
}

// activateSigningKey is one rename, so a power cut leaves either key
// active, and both are in central.pub.
func activateSigningKey(dir string) error {
	nextPath := filepath.Join(dir, fileNextSigningKey)
	next, err := readEd25519Key(nextPath)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("activate: %w (stage one first)", ErrNotStaged)
	}
	if err != nil {
		return err
	}
	published, err := readPublicKeys(filepath.Join(dir, fileCentralPub))
	if err != nil {
		return err
	}
	if !containsKey(published, next.Public().(ed25519.PublicKey)) {
		return fmt.Errorf("activate: %w in %s (stage again)", ErrNotStaged, fileCentralPub)
	}
	if err := os.Rename(nextPath, filepath.Join(dir, fileSigningKey)); err != nil {
		return fmt.Errorf("activate: %w", err)
	}
	return syncDir(dir)
}

func containsKey(keys []ed25519.PublicKey, k ed25519.PublicKey) bool {
	for _, x := range keys {
		if x.Equal(k) {
			return true
		}
	}
	return false
}
