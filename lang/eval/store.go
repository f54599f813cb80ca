// This file declares how the evaluator reaches the store: a small interface that
// a read-only implementation (which only computes paths) and the real store
// both satisfy.

package eval

import (
	"os"
	"strings"

	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/lang/token"
)

// Store is what evaluation needs from a Nix store.
type Store interface {
	// AddPath adds the file or directory at src to the store under name, as a
	// NAR hashed with SHA-256 (recursive) or as a flat file, keeping only the
	// entries for which filter returns true (filter may be nil). It returns the
	// store path. A read-only store only computes the path. src and the
	// paths filter is given are the operating system's (see format/ospath:
	// the evaluator maps its own paths to native ones and back).
	AddPath(name, src string, recursive bool, filter func(path string, typ string) bool) (string, error)
	// AddText adds a text file with the given references (toFile, .drv files).
	AddText(name, text string, refs []string) (string, error)
}

// CopyPathToStore copies a source path into the store (once per evaluation) and
// records it in ctx, as CppNix's copyPathToStore.
func (st *State) CopyPathToStore(ctx *Context, path string) string {
	if strings.HasSuffix(path, ".drv") {
		st.Errorf(EvalError, token.NoPos, "file names are not allowed to end in '.drv'")
	}
	dst, ok := st.srcToStore[path]
	if !ok {
		if st.Store == nil {
			st.Errorf(EvalError, token.NoPos, "cannot copy '%s' to the store: no store available", path)
		}
		st.CheckPathAllowed(path)
		if _, err := os.Lstat(ospath.Native(path)); err != nil {
			st.Errorf(IOError, token.NoPos, "path '%s' does not exist", path)
		}
		name := path[strings.LastIndexByte(path, '/')+1:]
		var err error
		dst, err = st.FetchToStore(name, path, true, nil)
		if err != nil {
			st.Errorf(EvalError, token.NoPos, "%s", err.Error())
		}
		st.srcToStore[path] = dst
		if st.Chatty != nil {
			st.Chatty("copied source '" + path + "' -> '" + dst + "'")
		}
	}
	if ctx != nil {
		*ctx = ctx.Add(dst)
	}
	return dst
}

// FetchToStore adds the file or directory at path (a Nix path) to the store,
// as CppNix's fetchToStore, which says what it does at the chatty level.
func (st *State) FetchToStore(name, path string, recursive bool, filter func(path, typ string) bool) (string, error) {
	if st.Debug != nil {
		st.Debug("source path '" + path + "' is uncacheable")
	}
	if st.Chatty != nil {
		if st.HashOnly {
			st.Chatty("hashing '" + path + "'...")
		} else {
			st.Chatty("copying '" + path + "' to the store...")
		}
	}
	dst, err := st.Store.AddPath(name, ospath.Native(path), recursive, filter)
	if err == nil && st.Debug != nil {
		if st.HashOnly {
			st.Debug("hashed '" + path + "'")
		} else {
			st.Debug("added '" + path + "' to '" + dst + "'")
		}
	}
	return dst, err
}
