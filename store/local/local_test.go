// This file runs the store conformance suite on the local store and tests
// what is particular to it: the database files, lock files, canonical
// metadata, chroot layout and reopening.

package local

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/storetest"
)

// Interfaces the local store implements.
var (
	_ store.Store             = (*Store)(nil)
	_ store.Lister            = (*Store)(nil)
	_ store.ReferrersQuerier  = (*Store)(nil)
	_ store.DerivationQuerier = (*Store)(nil)
	_ store.HashPartResolver  = (*Store)(nil)
	_ store.NARDumper         = (*Store)(nil)
	_ store.LocalFS           = (*Store)(nil)
	_ store.Adder             = (*Store)(nil)
	_ store.NARAdder          = (*Store)(nil)
	_ store.Registrar         = (*Store)(nil)
	_ store.Verifier          = (*Store)(nil)
	_ store.PathVerifier      = (*Store)(nil)
	_ store.Optimiser         = (*Store)(nil)
	_ store.SignatureAdder    = (*Store)(nil)
	_ store.GCRooter          = (*Store)(nil)
)

// chrootConfig describes a chroot store in root, as "--store root".
func chrootConfig(root string) Config {
	return Config{
		StoreDir:      "/nix/store",
		RealStoreDir:  root + "/nix/store",
		StateDir:      root + "/nix/var/nix",
		LogDir:        root + "/nix/var/log/nix",
		UseWAL:        true,
		FsyncMetadata: true,
	}
}

func openTest(t *testing.T, root string) *Store {
	t.Helper()
	s, err := Open(context.Background(), chrootConfig(root))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTest(t, t.TempDir()) })
}

func TestConformanceNoWAL(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		cfg := chrootConfig(t.TempDir())
		cfg.UseWAL = false
		cfg.NoSyncContents = true
		s, err := Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestLayout(t *testing.T) {
	root := t.TempDir()
	s := openTest(t, root)
	defer s.Close()
	for _, p := range []string{
		"nix/store", "nix/store/.links", "nix/var/nix/db/db.sqlite", "nix/var/nix/db/schema",
		"nix/var/nix/db/big-lock", "nix/var/nix/db/reserved", "nix/var/nix/profiles/per-user",
		"nix/var/nix/gcroots/per-user", "nix/var/nix/temproots",
	} {
		if _, err := os.Lstat(filepath.Join(root, p)); err != nil {
			t.Errorf("missing %s: %v", p, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(root, "nix/var/nix/db/schema")); string(b) != "10" {
		t.Errorf("schema file = %q, want \"10\"", b)
	}
	if l, err := os.Readlink(filepath.Join(root, "nix/var/nix/gcroots/profiles")); err != nil || l != root+"/nix/var/nix/profiles" {
		t.Errorf("gcroots/profiles -> %q, %v", l, err)
	}
}
