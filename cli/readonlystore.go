// This file holds the stores of evaluations that do not write to a real store:
// nix-instantiate --eval computes paths and writes nothing, so no store path a
// string refers to is valid; and CppNix's dummy:// store refuses writes.

package cli

import (
	"context"
	"errors"
	"strings"

	"github.com/nixgo/nixgo/lang/builtins"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/dummy"
	"github.com/nixgo/nixgo/store/evalstore"
)

// readOnlyStore computes store paths without writing them, as CppNix in
// read-only mode. Builtins that read a path with a context (readFile,
// import, pathExists ...) first make sure the context's store paths are
// valid; none is, as on a store that holds nothing the evaluation needs,
// except the files fetchurl downloaded: CppNix writes those to the store
// even in read-only mode, so they go to the real store, opened when the
// first one comes.
type readOnlyStore struct {
	eval.Store // computes the paths
	// open opens the store downloads go to; nil: they are only hashed.
	open      func() (store.Store, error)
	real      *evalstore.Adapter
	downloads map[string]bool
}

// StoreDir is the directory the paths are computed in.
func (s *readOnlyStore) StoreDir() string {
	if d, ok := s.Store.(interface{ StoreDir() string }); ok {
		return d.StoreDir()
	}
	return ""
}

// AddDownload writes a file fetchurl downloaded to the real store
// (builtins.Downloader).
func (s *readOnlyStore) AddDownload(name, src string) (string, error) {
	if s.open == nil {
		return s.AddPath(name, src, false, nil)
	}
	if s.real == nil {
		st, err := s.open()
		if err != nil {
			return "", err
		}
		s.real = evalstore.New(context.Background(), st)
		s.downloads = map[string]bool{}
	}
	p, err := s.real.AddDownload(name, src)
	if err == nil {
		s.downloads[p] = true
	}
	return p, err
}

// RealPath is where the files of a downloaded path are (a chroot store).
func (s *readOnlyStore) RealPath(path string) string {
	if s.real == nil {
		return path
	}
	return s.real.RealPath(path)
}

// Close closes the real store if a download opened it.
func (s *readOnlyStore) Close() error {
	if s.real == nil {
		return nil
	}
	return s.real.Store().Close()
}

// Realise fails on the first store path of ctx in CppNix's order of context
// elements: plain paths, then whole derivations, then derivation outputs
// (whose .drv file is checked). Downloaded paths are valid.
func (s *readOnlyStore) Realise(ctx eval.Context) ([]string, error) {
	opaque, deep, built := splitContext(ctx)
	for _, l := range [][]string{opaque, deep} {
		for _, p := range l {
			if !s.downloads[p] {
				return nil, &builtins.InvalidPathError{Path: p}
			}
		}
	}
	if len(built) > 0 {
		return nil, &builtins.InvalidPathError{Path: built[0].drv}
	}
	return nil, nil
}

// builtOutput is an output of a derivation named by a string context.
type builtOutput struct{ output, drv string }

// splitContext sorts the elements of a string context by kind, in CppNix's
// order of realisation: plain store paths, whole derivations ("=drv"), then
// derivation outputs ("!out!drv").
func splitContext(ctx eval.Context) (opaque, deep []string, built []builtOutput) {
	for _, c := range ctx {
		switch {
		case strings.HasPrefix(c, "="):
			deep = append(deep, c[1:])
		case strings.HasPrefix(c, "!"):
			if out, drv, ok := strings.Cut(c[1:], "!"); ok {
				built = append(built, builtOutput{out, drv})
			}
		default:
			opaque = append(opaque, c)
		}
	}
	return opaque, deep, built
}

// dummyStoreURI reports whether the configured store is CppNix's dummy store.
func (e *env) dummyStoreURI() bool {
	u := e.cfg.String("store")
	return u == "dummy://" || u == "dummy"
}

// unwritableStore is the dummy:// store where an evaluation writes to its
// store (nix eval, nix-instantiate --read-write-mode): CppNix's dummy store
// supports no additions.
type unwritableStore struct{ eval.Store }

var errDummyAdd = errors.New("operation 'addToStore' is not supported by store 'dummy'")

func (unwritableStore) AddPath(name, src string, recursive bool, filter func(path, typ string) bool) (string, error) {
	return "", errDummyAdd
}

func (unwritableStore) AddText(name, text string, refs []string) (string, error) {
	return "", errDummyAdd
}

// nixEvalStore is the store of nix eval when dummy:// is configured: the
// dummy store, refusing writes.
func (e *env) nixEvalStore() eval.Store {
	s := dummy.New(e.cfg.Dirs().StoreDir)
	if e.dummyStoreURI() {
		return unwritableStore{s}
	}
	return s
}
