// This file holds the store of nix-instantiate --eval: paths are computed and
// nothing is written, so no store path a string refers to is valid.

package cli

import (
	"fmt"
	"strings"

	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/store/dummy"
)

// readOnlyStore computes store paths without writing them, as CppNix in
// read-only mode. Builtins that read a path with a context (readFile,
// import, pathExists ...) first make sure the context's store paths are
// valid; none is, as on a store that holds nothing the evaluation needs.
type readOnlyStore struct{ eval.Store }

func (e *env) readOnlyEvalStore() eval.Store {
	return readOnlyStore{dummy.New(e.cfg.Dirs().StoreDir)}
}

// Realise fails on the first store path of ctx in CppNix's order of context
// elements: plain paths, then whole derivations, then derivation outputs
// (whose .drv file is checked).
func (s readOnlyStore) Realise(ctx eval.Context) error {
	var opaque, deep, built []string
	for _, c := range ctx {
		switch {
		case strings.HasPrefix(c, "="):
			deep = append(deep, c[1:])
		case strings.HasPrefix(c, "!"):
			rest := c[1:]
			if i := strings.IndexByte(rest, '!'); i >= 0 {
				built = append(built, rest[i+1:])
			}
		default:
			opaque = append(opaque, c)
		}
	}
	for _, l := range [][]string{opaque, deep, built} {
		if len(l) > 0 {
			return fmt.Errorf("path '%s' is not valid", l[0])
		}
	}
	return nil
}
