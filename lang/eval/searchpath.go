// This file looks up <path> in the search path (NIX_PATH, -I), as CppNix's findFile.

package eval

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

// suffixIfMatch returns the rest of path after prefix, if prefix is a prefix
// of path at a component boundary.
func suffixIfMatch(prefix, path string) (string, bool) {
	n := len(prefix)
	sep := n > 0 && n < len(path)
	if sep && path[n] != '/' {
		return "", false
	}
	if !strings.HasPrefix(path, prefix) {
		return "", false
	}
	if sep {
		return path[n+1:], true
	}
	return path[n:], true
}

// FindFile looks path up in the state's search path.
func (st *State) FindFile(path string, pos token.Pos) Value {
	return st.FindFileIn(st.SearchPath, path, pos)
}

// FindFileIn looks path up in the given search path (builtins.findFile).
func (st *State) FindFileIn(sp []SearchPathEntry, path string, pos token.Pos) Value {
	for _, e := range sp {
		suffix, ok := suffixIfMatch(e.Prefix, path)
		if !ok {
			continue
		}
		root, ok := st.resolveSearchPathEntry(e.Path)
		if !ok {
			continue
		}
		// The suffix is canonicalised on its own (CppNix's CanonPath), so
		// ".." in it stops at the entry's root.
		res := root
		if suffix = syntax.CanonPath("/" + suffix); suffix != "/" {
			res = syntax.CanonPath(root + suffix)
		}
		st.CheckPathAllowed(res)
		if r, err := filepath.EvalSymlinks(ospath.Native(res)); err == nil {
			res = ospath.FromNative(r)
		} else {
			continue
		}
		if _, err := os.Lstat(ospath.Native(res)); err == nil {
			return Path(res)
		}
	}
	if strings.HasPrefix(path, "nix/") {
		if _, ok := st.internalFiles[path[4:]]; ok {
			return Path("<nix/" + path[4:] + ">")
		}
	}
	if st.PureEval {
		st.Errorf(ThrownError, pos, "cannot look up '<%s>' in pure evaluation mode (use '--impure' to override)", path)
	}
	st.Errorf(ThrownError, pos, "file '%s' was not found in the Nix search path (add it using $NIX_PATH or -I)", path)
	return nil
}

// RegisterInternalFile provides <nix/name> with the given source (the files
// CppNix keeps in its corepkgs, such as fetchurl.nix).
func (st *State) RegisterInternalFile(name, src string) { st.internalFiles[name] = src }

// AllowSearchPath resolves the entries of the search path and allows them
// in pure and restricted mode, as CppNix's evaluator does when it starts
// (warning then of entries that do not exist).
func (st *State) AllowSearchPath() {
	if !st.PureEval && !st.RestrictEval {
		return
	}
	for _, e := range st.SearchPath {
		if !isPseudoURL(e.Path) {
			st.resolveEntry(e.Path, true)
		}
	}
}

// isPseudoURL reports whether a search path entry names something to fetch
// (CppNix's EvalSettings::isPseudoUrl).
func isPseudoURL(s string) bool {
	if strings.HasPrefix(s, "channel:") {
		return true
	}
	scheme, _, ok := strings.Cut(s, "://")
	if !ok {
		return false
	}
	switch scheme {
	case "http", "https", "file", "channel", "git", "s3", "ssh":
		return true
	}
	return false
}

func (st *State) resolveSearchPathEntry(p string) (string, bool) { return st.resolveEntry(p, false) }

// resolveEntry resolves a search path entry once, allowing it first when
// allow is set.
func (st *State) resolveEntry(p string, allow bool) (string, bool) {
	if r, ok := st.searchResolved[p]; ok {
		return r, r != ""
	}
	// CppNix's lookup path hook for flake:ID needs the flakes feature
	// (which nixgo does not have: with it, the entry is taken as a path).
	if strings.HasPrefix(p, "flake:") && !st.Features["flakes"] {
		st.Errorf(EvalError, token.NoPos, "experimental Nix feature 'flakes' is disabled; add '--extra-experimental-features flakes' to enable it")
	}
	abs := p
	if !strings.HasPrefix(abs, "/") {
		cwd, _ := ospath.Getwd()
		abs = cwd + "/" + abs
	}
	abs = syntax.CanonPath(abs)
	if allow {
		st.AllowedPaths = append(st.AllowedPaths, abs)
	} else {
		st.CheckPathAllowed(abs) // CppNix's pathExists reads through its access control
	}
	if _, err := os.Stat(ospath.Native(abs)); err != nil {
		st.Log("warning: Nix search path entry '" + p + "' does not exist, ignoring")
		st.searchResolved[p] = ""
		return "", false
	}
	st.searchResolved[p] = abs
	return abs, true
}
