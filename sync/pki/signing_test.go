package pki_test

import (
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/storeedge/storeedge/sync/pki"
)

func centralPub(tb testing.TB, dir string) []ed25519.PublicKey {
	tb.Helper()
	out, _ := MustEnroll(tb, dir, "msk-001")
	id, err := pki.LoadIdentity(out)
	if err != nil {
		tb.Fatal(err)
	}
	return id.CentralKeys
}

func signingKey(tb testing.TB, dir string) ed25519.PrivateKey {
	tb.Helper()
	c, err := pki.LoadCentral(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return c.SigningKey
}

func pubOf(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

func equalKeys(a, b []ed25519.PublicKey) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

func TestRotateSigningKey(t *testing.T) {
	dir := MustInit(t)
	k0 := signingKey(t, dir)
	old, _ := MustEnroll(t, dir, "msk-old") // holds only k0

	if err := pki.RotateSigningKey(dir, pki.Stage); err != nil {
		t.Fatal(err)
	}
	if !signingKey(t, dir).Equal(k0) {
		t.Fatal("Stage changed the signing key")
	}
	staged := centralPub(t, dir)
	if len(staged) != 2 || !staged[0].Equal(pubOf(k0)) {
		t.Fatalf("after Stage central.pub holds %d keys, want the current then the next", len(staged))
	}
	checkModes(t, dir)

	t.Run("StageAgainKeepsTheStagedKey", func(t *testing.T) {
		if err := pki.RotateSigningKey(dir, pki.Stage); err != nil {
			t.Fatal(err)
		}
		if got := centralPub(t, dir); !equalKeys(got, staged) {
			t.Fatal("a second Stage made another key: shops given the first would not know it")
		}
	})

	if err := pki.RotateSigningKey(dir, pki.Activate); err != nil {
		t.Fatal(err)
	}
	k1 := signingKey(t, dir)
	if k1.Equal(k0) || !pubOf(k1).Equal(staged[1]) {
		t.Fatal("Activate did not make the staged key the signing key")
	}
	if got := centralPub(t, dir); !equalKeys(got, staged) {
		t.Fatal("Activate changed central.pub: shops must keep accepting both")
	}
	if _, err := os.Stat(filepath.Join(dir, "central-signing.next.key")); !os.IsNotExist(err) {
		t.Fatalf("staged key left behind: %v", err)
	}
	t.Run("ActivateWithoutStage", func(t *testing.T) {
		if err := pki.RotateSigningKey(dir, pki.Activate); !errors.Is(err, pki.ErrNotStaged) {
			t.Fatalf("%v, want ErrNotStaged", err)
		}
	})
	t.Run("NextStageDropsTheOldKey", func(t *testing.T) {
		if err := pki.RotateSigningKey(dir, pki.Stage); err != nil {
			t.Fatal(err)
		}
		got := centralPub(t, dir)
		if len(got) != 2 || !got[0].Equal(pubOf(k1)) || got[1].Equal(pubOf(k0)) {
			t.Fatal("after a new Stage central.pub should hold k1 and a new key")
		}
	})
	t.Run("OldIdentityStillLoads", func(t *testing.T) {
		id, err := pki.LoadIdentity(old)
		if err != nil || len(id.CentralKeys) != 1 || !id.CentralKeys[0].Equal(pubOf(k0)) {
			t.Fatalf("old identity: %v", err)
		}
	})
}

// A staged key that central.pub does not publish (a Stage cut short) must
// not become the signing key: no shop would accept it.
func TestRotateSigningKey_UnpublishedStage(t *testing.T) {
	dir := MustInit(t)
	pub, _ := os.ReadFile(filepath.Join(dir, "central.pub"))
	if err := pki.RotateSigningKey(dir, pki.Stage); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "central.pub"), pub, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := pki.RotateSigningKey(dir, pki.Activate); !errors.Is(err, pki.ErrNotStaged) {
		t.Fatalf("%v, want ErrNotStaged", err)
	}
	if err := pki.RotateSigningKey(dir, pki.Stage); err != nil {
		t.Fatal(err)
	}
	if err := pki.RotateSigningKey(dir, pki.Activate); err != nil {
		t.Fatalf("Activate after the Stage was finished: %v", err)
	}
}
