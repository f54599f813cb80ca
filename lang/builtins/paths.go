// This file holds the builtins on paths and files: toPath, pathExists,
// baseNameOf, dirOf, readFile, findFile, readFileType, readDir, filterSource
// and path.

package builtins

import (
	"bytes"
	"strings"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

// pathBuiltins are in the order of CppNix's primops.cc.
var pathBuiltins = []def{
	{name: "__toPath", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		var ctx eval.Context
		p := st.CoerceToPath(pos, args[0], &ctx, "while evaluating the first argument passed to builtins.toPath")
		return eval.MkStringCtx(p, ctx)
	}},
	{name: "__pathExists", arity: 1, fn: primPathExists},
	{name: "baseNameOf", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		var ctx eval.Context
		s := st.CoerceToString(pos, args[0], &ctx, "while evaluating the first argument passed to builtins.baseNameOf",
			eval.CoerceOpts{Canonicalize: true})
		return eval.MkStringCtx(legacyBaseNameOf(s), ctx)
	}},
	{name: "dirOf", arity: 1, fn: primDirOf},
	{name: "__readFile", arity: 1, fn: primReadFile},
	{name: "__findFile", arity: 2, fn: primFindFile},
	{name: "__readFileType", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		p := realiseSourcePath(st, pos, args[0], resolveNone)
		checkAccess(st, p)
		assertNoSymlinks(st, p)
		return eval.MkString(fileTypeName(mustLstat(st, p).Mode()))
	}},
	{name: "__readDir", arity: 1, fn: primReadDir},
	{name: "__filterSource", arity: 2, fn: primFilterSource},
	{name: "__path", arity: 1, fn: primPath},
}

// realiseSourcePath coerces v to a path, realises the store paths of its
// context and resolves its symlinks as mode says (CppNix's realisePath).
func realiseSourcePath(st *eval.State, pos token.Pos, v eval.Value, mode resolveMode) string {
	p := realisePath(st, pos, v)
	if mode == resolveNone {
		return p
	}
	st.PushTrace(pos, "while realising the context of path '"+p+"'")
	r := resolveSymlinks(st, p, mode)
	st.PopTrace()
	return r
}

// primPathExists is builtins.pathExists: a string ending in "/" or "/." must
// name a directory; a final symlink counts as existing unless it must be a
// directory; paths that restriction forbids do not exist.
func primPathExists(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	var exists bool
	err := st.Catch(func() {
		v := st.Force(args[0], pos)
		mustBeDir := false
		if s, ok := v.(*eval.String); ok {
			mustBeDir = strings.HasSuffix(s.S, "/") || strings.HasSuffix(s.S, "/.")
		}
		mode := resolveAncestors
		if mustBeDir {
			mode = resolveFull
		}
		p := realiseSourcePath(st, pos, v, mode)
		fi := lstat(st, p)
		exists = fi != nil && (!mustBeDir || fi.IsDir())
	})
	if err != nil {
		if err.Kind != eval.RestrictedPath {
			st.Rethrow(err)
		}
		return eval.Bool(false)
	}
	return eval.Bool(exists)
}

// legacyBaseNameOf returns what follows the last slash, ignoring one trailing
// slash (so "a//" gives "", as CppNix has done for a decade).
func legacyBaseNameOf(p string) string {
	if p == "" {
		return ""
	}
	last := len(p) - 1
	if p[last] == '/' && last > 0 {
		last--
	}
	i := strings.LastIndexByte(p[:last+1], '/')
	return p[i+1 : last+1]
}

// primDirOf is builtins.dirOf: the parent of a path value, or everything
// before the last slash of a string (following newer CppNix, which keeps
// repeated slashes: dirOf "a//b" is "a/").
func primDirOf(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	v := st.Force(args[0], pos)
	if p, ok := v.(eval.Path); ok {
		return eval.Path(parentPath(string(p)))
	}
	var ctx eval.Context
	s := st.CoerceToString(pos, v, &ctx, "while evaluating the first argument passed to 'builtins.dirOf'",
		eval.CoerceOpts{Canonicalize: true})
	// As newer CppNix, whose behaviour the upstream suite tests: everything
	// before the last slash ("a///b" gives "a//"). CppNix 2.26 used
	// libstdc++'s parent_path, which gives "a".
	switch i := strings.LastIndexByte(s, '/'); i {
	case -1:
		return eval.MkStringCtx(".", ctx)
	case 0:
		return eval.MkStringCtx("/", ctx)
	default:
		return eval.MkStringCtx(s[:i], ctx)
	}
}

// ReferencesQuerier is implemented by stores that know the references of
// their valid store paths. builtins.readFile of a file in such a path gives
// the result the context of the references that occur in the file.
type ReferencesQuerier interface {
	QueryReferences(storePath string) ([]string, error)
}

func primReadFile(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	p := realiseSourcePath(st, pos, args[0], resolveFull)
	data := readFileContents(st, p)
	if bytes.IndexByte(data, 0) >= 0 {
		st.Errorf(eval.EvalError, pos, "the contents of the file '%s' cannot be represented as a Nix string", p)
	}
	return eval.MkStringCtx(string(data), storeReferences(st, p, data))
}

// storeReferences returns, for a file inside a store path, the references of
// that store path whose hash occurs in data.
func storeReferences(st *eval.State, path string, data []byte) eval.Context {
	q, ok := st.Store.(ReferencesQuerier)
	if !ok || !strings.HasPrefix(path, st.StoreDir+"/") {
		return nil
	}
	rest := path[len(st.StoreDir)+1:]
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	refs, err := q.QueryReferences(st.StoreDir + "/" + rest)
	if err != nil {
		return nil
	}
	var found []string
	for _, r := range refs {
		base := baseName(r)
		if len(base) >= storepath.HashLen && bytes.Contains(data, []byte(base[:storepath.HashLen])) {
			found = append(found, r)
		}
	}
	return eval.NewContext(found...)
}

// primFindFile is builtins.findFile (<p> is __findFile __nixPath "p").
func primFindFile(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	l := st.ForceList(args[0], pos, "while evaluating the first argument passed to builtins.findFile")
	sp := make([]eval.SearchPathEntry, 0, len(l.Elems))
	for _, e := range l.Elems {
		a := st.ForceAttrs(e, pos, "while evaluating an element of the list passed to builtins.findFile")
		var prefix string
		if pa := a.Get(st.SymPrefix()); pa != nil {
			prefix = st.ForceStringNoCtx(pa.Value, pos, "while evaluating the `prefix` attribute of an element of the list passed to builtins.findFile")
		}
		pa := getAttr(st, a, "path", "in an element of the __nixPath")
		var ctx eval.Context
		path := st.CoerceToString(pos, pa.Value, &ctx,
			"while evaluating the `path` attribute of an element of the list passed to builtins.findFile",
			eval.CoerceOpts{Canonicalize: true})
		if r, ok := st.Store.(Realiser); ok && len(ctx) > 0 {
			realiseWith(st, r, ctx, func(msg string) {
				st.Errorf(eval.EvalError, pos, "cannot find '%s', since %s", path, msg)
			})
		}
		sp = append(sp, eval.SearchPathEntry{Prefix: prefix, Path: path})
	}
	name := st.ForceStringNoCtx(args[1], pos, "while evaluating the second argument passed to builtins.findFile")
	return st.FindFileIn(sp, name, pos)
}

func primReadDir(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	p := realiseSourcePath(st, pos, args[0], resolveFull)
	checkAccess(st, p)
	entries, err := readDirEntries(p)
	if err != nil {
		st.Errorf(eval.IOError, token.NoPos, "reading directory %s: %s", p, syserr.Strerror(err))
	}
	b := eval.NewAttrsBuilder(len(entries))
	for _, e := range entries {
		child := p + "/" + e.Name()
		if p == "/" {
			child = "/" + e.Name()
		}
		// Under restriction, CppNix lists only the entries it may access.
		if !isAllowed(st, child) {
			continue
		}
		b.Add(st.Sym(e.Name()), token.NoPos, typeString(fileTypeName(e.Type())))
	}
	return b.Finish()
}

// typeString returns the string value of a file type name.
func typeString(name string) eval.Value { return eval.MkString(name) }

func primFilterSource(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	var ctx eval.Context
	p := st.CoerceToPath(pos, args[1], &ctx, "while evaluating the second argument (the path to filter) passed to 'builtins.filterSource'")
	filter := st.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins.filterSource")
	return addPath(st, pos, addPathArgs{name: sourceName(p), path: p, filter: filter, recursive: true, ctx: ctx})
}

// sourceName is the default store path name of a source path: its base name,
// or "source" for the root.
func sourceName(p string) string {
	if p == "/" {
		return "source"
	}
	return baseName(p)
}

// primPath is builtins.path.
func primPath(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	a := st.ForceAttrs(args[0], pos, "while evaluating the argument passed to 'builtins.path'")
	ap := addPathArgs{recursive: true}
	hasPath := false
	for _, at := range a.All() {
		switch st.Symbols.Name(at.Name) {
		case "path":
			ap.path = st.CoerceToPath(at.Pos, at.Value, &ap.ctx, "while evaluating the 'path' attribute passed to 'builtins.path'")
			hasPath = true
		case "name":
			ap.name = st.ForceStringNoCtx(at.Value, at.Pos, "while evaluating the `name` attribute passed to builtins.path")
		case "filter":
			ap.filter = st.ForceFunction(at.Value, at.Pos, "while evaluating the `filter` parameter passed to builtins.path")
		case "recursive":
			ap.recursive = st.ForceBool(at.Value, at.Pos, "while evaluating the `recursive` attribute passed to builtins.path")
		case "sha256":
			s := st.ForceStringNoCtx(at.Value, at.Pos, "while evaluating the `sha256` attribute passed to builtins.path")
			h := parseHashAllowEmpty(st, s, hash.SHA256)
			ap.expected = &h
		default:
			st.Errorf(eval.EvalError, at.Pos, "unsupported argument '%s' to 'builtins.path'", syntax.Identifier(st.Symbols.Name(at.Name)))
		}
	}
	if !hasPath {
		st.Errorf(eval.EvalError, pos, "missing required 'path' attribute in the first argument to 'builtins.path'")
	}
	if ap.name == "" {
		ap.name = sourceName(ap.path)
	}
	return addPath(st, pos, ap)
}

// parseHashAllowEmpty parses a hash; an empty string is the zero hash of algo,
// with CppNix's warning (newHashAllowEmpty).
func parseHashAllowEmpty(st *eval.State, s string, algo hash.Algo) hash.Hash {
	if s == "" {
		h := hash.Zero(algo)
		st.Log("warning: found empty hash, assuming '" + h.SRI() + "'")
		return h
	}
	h, err := hash.ParseAny(s, algo)
	if err != nil {
		hashError(st, err)
	}
	return h
}

// addPathArgs are the arguments of CppNix's addPath.
type addPathArgs struct {
	name      string
	path      string
	filter    eval.Value // nil: keep everything
	recursive bool
	expected  *hash.Hash
	ctx       eval.Context
}

// ValidPathChecker is implemented by stores that can tell whether a store
// path exists. builtins.path then skips copying a path whose expected hash
// gives a path the store already has.
type ValidPathChecker interface {
	IsValidPath(storePath string) bool
}

// addPath copies a path to the store, through the filter, and returns the
// store path as a string with its context (CppNix's addPath).
func addPath(st *eval.State, pos token.Pos, a addPathArgs) eval.Value {
	st.PushTrace(pos, "while adding path '"+a.path+"'")
	dst := addPathToStore(st, pos, a)
	st.PopTrace()
	allowStorePath(st, dst)
	return eval.MkStringCtx(dst, eval.NewContext(dst))
}

func addPathToStore(st *eval.State, pos token.Pos, a addPathArgs) string {
	if st.Store == nil {
		st.Errorf(eval.EvalError, token.NoPos, "cannot copy '%s' to the store: no store available", a.path)
	}
	if len(a.ctx) > 0 && strings.HasPrefix(a.path, st.StoreDir+"/") {
		if r, ok := st.Store.(Realiser); ok {
			realiseWith(st, r, a.ctx, nil)
		}
	}
	method := storepath.MethodNAR
	if !a.recursive {
		method = storepath.MethodFlat
	}
	var expected string
	if a.expected != nil {
		dir := storepath.Dir(st.StoreDir)
		sp, err := dir.MakeFixedOutputPath(a.name, method, *a.expected, storepath.References{})
		if err != nil {
			st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
		}
		expected = dir.Path(sp)
		if v, ok := st.Store.(ValidPathChecker); ok && v.IsValidPath(expected) {
			return expected
		}
	}
	src := resolveSymlinks(st, a.path, resolveFull)
	mustLstatForCopy(st, src, a.recursive)
	dst, err := st.FetchToStore(a.name, src, a.recursive, pathFilter(st, pos, a.filter))
	if err != nil {
		st.Errorf(eval.EvalError, token.NoPos, "%s", fsErrorMessage(err))
	}
	if expected != "" && dst != expected {
		st.Errorf(eval.EvalError, pos, "store path mismatch in (possibly filtered) path added from '%s'", a.path)
	}
	return dst
}

// mustLstatForCopy checks that the root of a copy exists and may be read,
// with the messages CppNix gives for a NAR (lstat) or a flat file (open).
func mustLstatForCopy(st *eval.State, src string, recursive bool) {
	if recursive {
		mustLstat(st, src)
		return
	}
	openFile(st, src).Close()
}

// pathFilter returns the filter a copy applies: the entries that
// restriction forbids are left out (CppNix lists only allowed entries), then
// the user's filter is called with the path and its type and must return a
// Boolean.
func pathFilter(st *eval.State, pos token.Pos, fn eval.Value) func(path, typ string) bool {
	if fn == nil && !restricted(st) {
		return nil
	}
	return func(path, typ string) bool {
		path = ospath.FromNative(path)
		if !isAllowed(st, path) {
			return false
		}
		if fn == nil {
			return true
		}
		res := st.Call2(fn, eval.MkString(path), typeString(typ), pos)
		return st.ForceBool(res, pos, "while evaluating the return value of the path filter function")
	}
}
