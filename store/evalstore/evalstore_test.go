// This file tests the adapter: paths it gives match the dummy store's
// computations, files land in a chroot store's real directory, filters and
// read-only mode work, and it satisfies the evaluator's interfaces.

package evalstore

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nixgo/nixgo/lang/builtins"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/dummy"
	"github.com/nixgo/nixgo/store/internal/testdir"
	"github.com/nixgo/nixgo/store/local"
)

var (
	_ eval.Store                 = (*Adapter)(nil)
	_ builtins.StoreReader       = (*Adapter)(nil)
	_ builtins.ValidPathChecker  = (*Adapter)(nil)
	_ builtins.ReferencesQuerier = (*Adapter)(nil)
)

func openLocal(t *testing.T) (*Adapter, string) {
	root := testdir.New(t)
	s, err := local.Open(context.Background(), local.Config{
		StoreDir: "/nix/store", RealStoreDir: root + "/nix/store", StateDir: root + "/nix/var/nix",
		LogDir: root + "/nix/var/log/nix", UseWAL: true, NoSyncContents: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return New(context.Background(), s), root
}

// tree makes a small source tree.
func tree(t *testing.T) string {
	src := filepath.Join(testdir.New(t), "src")
	os.MkdirAll(filepath.Join(src, "sub"), 0o755)
	os.WriteFile(filepath.Join(src, "a.txt"), []byte("a"), 0o644)
	os.WriteFile(filepath.Join(src, "run.sh"), []byte("#!/bin/sh\n"), 0o755)
	os.WriteFile(filepath.Join(src, "sub", "skip.o"), []byte("o"), 0o644)
	os.Symlink("a.txt", filepath.Join(src, "link"))
	return src
}

func TestAddPathMatchesDummy(t *testing.T) {
	a, root := openLocal(t)
	d := dummy.New("/nix/store")
	src := tree(t)
	filter := func(path, typ string) bool { return !strings.HasSuffix(path, ".o") }
	for _, f := range []func(string, string) bool{nil, filter} {
		for _, recursive := range []bool{true, false} {
			in := src
			if !recursive {
				in = filepath.Join(src, "a.txt")
			}
			got, err := a.AddPath("src", in, recursive, f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := d.AddPath("src", in, recursive, f)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("recursive=%v filter=%v: %s, dummy says %s", recursive, f != nil, got, want)
			}
			if !a.IsValidPath(got) {
				t.Errorf("%s is not valid", got)
			}
			real := root + "/nix/store/" + strings.TrimPrefix(got, "/nix/store/")
			if _, err := os.Lstat(real); err != nil {
				t.Errorf("not in the real store directory: %v", err)
			}
			if a.RealPath(got) != real {
				t.Errorf("RealPath = %s, want %s", a.RealPath(got), real)
			}
		}
	}
}

func TestAddTextAndRead(t *testing.T) {
	a, _ := openLocal(t)
	d := dummy.New("/nix/store")
	dep, err := a.AddText("dep", "dep", nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.AddText("file.txt", "refers to "+dep, []string{dep})
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := d.AddText("file.txt", "refers to "+dep, []string{dep}); p != want {
		t.Errorf("AddText = %s, dummy says %s", p, want)
	}
	b, err := a.ReadStoreFile(p)
	if err != nil || string(b) != "refers to "+dep {
		t.Errorf("ReadStoreFile = %q, %v", b, err)
	}
	refs, err := a.QueryReferences(p)
	if err != nil || !slices.Equal(refs, []string{dep}) {
		t.Errorf("QueryReferences = %v, %v", refs, err)
	}
	missing := "/nix/store/00000000000000000000000000000000-x"
	if _, err := a.QueryReferences(missing); err == nil || err.Error() != "path '"+missing+"' is not valid" {
		t.Errorf("QueryReferences(missing) error = %v", err)
	}
	if _, err := a.ReadStoreFile(missing); !store.IsInvalidPath(err) {
		t.Errorf("ReadStoreFile(missing) error = %v", err)
	}
}

func TestReadOnly(t *testing.T) {
	a, _ := openLocal(t)
	a.ReadOnly = true
	p, err := a.AddText("x", "x", nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.IsValidPath(p) {
		t.Errorf("read-only AddText wrote %s", p)
	}
	q, err := a.AddPath("src", tree(t), true, nil)
	if err != nil || a.IsValidPath(q) {
		t.Errorf("read-only AddPath: %s, %v", q, err)
	}
}

func TestDummyRefuses(t *testing.T) {
	a := New(context.Background(), dummy.New("/nix/store"))
	_, err := a.AddText("x", "x", nil)
	if err == nil || err.Error() != "operation 'addToStore' is not supported by store 'dummy'" {
		t.Errorf("error = %v", err)
	}
}
