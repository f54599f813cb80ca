// This file holds the stores of evaluations that do not write to a real store:
// nix-instantiate --eval computes paths and writes nothing, so no store path a
// string refers to is valid; and CppNix's dummy:// store refuses writes.

package cli

import (
	"errors"
	"strings"

	"github.com/nixgo/nixgo/lang/builtins"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/store/dummy"
)

// readOnlyStore computes store paths without writing them, as CppNix in
// read-only mode. Builtins that read a path with a context (readFile,
// import, pathExists ...) first make sure the context's store paths are
// valid; none is, as on a store that holds nothing the evaluation needs.
type readOnlyStore struct{ eval.Store }

// StoreDir is the directory the paths are computed in.
func (s readOnlyStore) StoreDir() string {
	if d, ok := s.Store.(interface{ StoreDir() string }); ok {
		return d.StoreDir()
	}
	return ""
}

func (e *env) readOnlyEvalStore() eval.Store {
	return readOnlyStore{dummy.New(e.cfg.Dirs().StoreDir)}
}

// Realise fails on the first store path of ctx in CppNix's order of context
// elements: plain paths, then whole derivations, then derivation outputs
// (whose .drv file is checked).
func (s readOnlyStore) Realise(ctx eval.Context) ([]string, error) {
	opaque, deep, built := splitContext(ctx)
	for _, l := range [][]string{opaque, deep} {
		if len(l) > 0 {
			return nil, &builtins.InvalidPathError{Path: l[0]}
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
