// This file holds the builtins that read and change string contexts
// (CppNix's primops/context.cc), and those that make strings referring to the
// store: toFile and storePath.

package builtins

import (
	"os"
	"strings"

	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

var contextBuiltins = []def{
	{name: "__unsafeDiscardStringContext", arity: 1, fn: primUnsafeDiscardStringContext},
	{name: "__hasContext", arity: 1, fn: primHasContext},
	{name: "__unsafeDiscardOutputDependency", arity: 1, fn: primUnsafeDiscardOutputDependency},
	{name: "__addDrvOutputDependencies", arity: 1, fn: primAddDrvOutputDependencies},
	{name: "__getContext", arity: 1, fn: primGetContext},
	{name: "__appendContext", arity: 2, fn: primAppendContext},
	{name: "__toFile", arity: 2, fn: primToFile},
	{name: "__storePath", arity: 1, fn: primStorePath},
}

func primUnsafeDiscardStringContext(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	var ctx eval.Context
	return eval.MkString(coerce(st, pos, args[0], &ctx, "while evaluating the argument passed to builtins.unsafeDiscardStringContext"))
}

func primHasContext(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	s := st.ForceString(args[0], pos, "while evaluating the argument passed to builtins.hasContext")
	return eval.Bool(len(s.Ctx) > 0)
}

// primUnsafeDiscardOutputDependency turns drvPath contexts (a derivation and
// its whole closure) into plain references to the .drv file.
func primUnsafeDiscardOutputDependency(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	var ctx eval.Context
	s := coerce(st, pos, args[0], &ctx, "while evaluating the argument passed to builtins.unsafeDiscardOutputDependency")
	out := make([]string, len(ctx))
	for i, e := range ctx {
		out[i] = strings.TrimPrefix(e, "=")
	}
	return eval.MkStringCtx(s, eval.NewContext(out...))
}

// primAddDrvOutputDependencies turns a plain reference to a .drv file into a
// reference to the derivation and its closure.
func primAddDrvOutputDependencies(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	var ctx eval.Context
	s := coerce(st, pos, args[0], &ctx, "while evaluating the argument passed to builtins.addDrvOutputDependencies")
	if len(ctx) != 1 {
		st.Errorf(eval.EvalError, pos, "context of string '%s' must have exactly one element, but has %d", s, len(ctx))
	}
	e := ctx[0]
	switch {
	case strings.HasPrefix(e, "!"):
		out, _, _ := strings.Cut(e[1:], "!")
		st.Errorf(eval.EvalError, pos, "`addDrvOutputDependencies` can only act on derivations, not on a derivation output such as '%s'", out)
	case !strings.HasPrefix(e, "="):
		if !strings.HasSuffix(e, storepath.DrvExtension) {
			st.Errorf(eval.EvalError, pos, "path '%s' is not a derivation", e)
		}
		e = eval.ContextDeep(e)
	}
	return eval.MkStringCtx(s, eval.Context{e})
}

// contextInfo is what getContext tells of one store path.
type contextInfo struct {
	path, allOutputs bool
	outputs          []eval.Value
}

func primGetContext(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	s := st.ForceString(args[0], pos, "while evaluating the argument passed to builtins.getContext")
	infos := map[string]*contextInfo{}
	info := func(p string) *contextInfo {
		i := infos[p]
		if i == nil {
			i = &contextInfo{}
			infos[p] = i
		}
		return i
	}
	for _, e := range s.Ctx {
		switch {
		case strings.HasPrefix(e, "="):
			info(e[1:]).allOutputs = true
		case strings.HasPrefix(e, "!"):
			out, drv, _ := strings.Cut(e[1:], "!")
			i := info(drv)
			i.outputs = append(i.outputs, eval.MkString(out))
		default:
			info(e).path = true
		}
	}
	sPath, sAllOutputs := st.Sym("path"), st.Sym("allOutputs")
	b := eval.NewAttrsBuilder(len(infos))
	for p, i := range infos {
		ib := eval.NewAttrsBuilder(3)
		if i.path {
			ib.Add(sPath, token.NoPos, eval.Bool(true))
		}
		if i.allOutputs {
			ib.Add(sAllOutputs, token.NoPos, eval.Bool(true))
		}
		if len(i.outputs) > 0 {
			ib.Add(st.SymOutputs(), token.NoPos, eval.MkList(i.outputs))
		}
		b.Add(st.Sym(p), token.NoPos, ib.Finish())
	}
	return b.Finish()
}

func primAppendContext(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	orig := st.ForceString(args[0], token.NoPos, "while evaluating the first argument passed to builtins.appendContext")
	attrs := st.ForceAttrs(args[1], pos, "while evaluating the second argument passed to builtins.appendContext")
	dir := storepath.Dir(st.StoreDir)
	sPath, sAllOutputs := st.Sym("path"), st.Sym("allOutputs")
	var add []string
	for _, a := range attrs.All() {
		name := st.Symbols.Name(a.Name)
		p, err := dir.Parse(name)
		if err != nil {
			st.Errorf(eval.EvalError, a.Pos, "context key '%s' is not a store path", syntax.Identifier(name))
		}
		full := dir.Path(p)
		isDrv := strings.HasSuffix(name, storepath.DrvExtension)
		info := st.ForceAttrs(a.Value, a.Pos, "while evaluating the value of a string context")
		if at := info.Get(sPath); at != nil {
			if st.ForceBool(at.Value, at.Pos, "while evaluating the `path` attribute of a string context") {
				add = append(add, full)
			}
		}
		if at := info.Get(sAllOutputs); at != nil {
			if st.ForceBool(at.Value, at.Pos, "while evaluating the `allOutputs` attribute of a string context") {
				if !isDrv {
					st.Errorf(eval.EvalError, a.Pos, "tried to add all-outputs context of %s, which is not a derivation, to a string", syntax.Identifier(name))
				}
				add = append(add, eval.ContextDeep(full))
			}
		}
		if at := info.Get(st.SymOutputs()); at != nil {
			l := st.ForceList(at.Value, at.Pos, "while evaluating the `outputs` attribute of a string context")
			if len(l.Elems) > 0 && !isDrv {
				st.Errorf(eval.EvalError, a.Pos, "tried to add derivation output context of %s, which is not a derivation, to a string", syntax.Identifier(name))
			}
			for _, e := range l.Elems {
				out := st.ForceStringNoCtx(e, at.Pos, "while evaluating an output name within a string context")
				add = append(add, eval.ContextBuilt(full, out))
			}
		}
	}
	return eval.MkStringCtx(orig.S, orig.Ctx.Union(eval.NewContext(add...)))
}

// contextElemString prints a context element as CppNix does, with base
// names of store paths: "<hash>-foo", "=<hash>-foo.drv", "!out!<hash>-foo.drv".
func contextElemString(st *eval.State, e string) string {
	prefix := ""
	switch {
	case strings.HasPrefix(e, "="):
		prefix, e = "=", e[1:]
	case strings.HasPrefix(e, "!"):
		out, drv, _ := strings.Cut(e[1:], "!")
		prefix, e = "!"+out+"!", drv
	}
	return prefix + strings.TrimPrefix(e, st.StoreDir+"/")
}

// primToFile writes a text file to the store; it may refer to store paths
// but not to derivations.
func primToFile(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	name := st.ForceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.toFile")
	contents := st.ForceString(args[1], pos, "while evaluating the second argument passed to builtins.toFile")
	refs := make([]string, 0, len(contents.Ctx))
	for _, e := range contents.Ctx {
		if strings.HasPrefix(e, "=") || strings.HasPrefix(e, "!") {
			st.Errorf(eval.EvalError, pos, "files created by %s may not reference derivations, but %s references %s", "builtins.toFile", name, contextElemString(st, e))
		}
		refs = append(refs, e)
	}
	p, err := st.Store.AddText(name, contents.S, refs)
	if err != nil {
		st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
	}
	allowStorePath(st, p)
	return eval.MkStringCtx(p, eval.Context{p})
}

// primStorePath makes a string referring to a path already in the store.
func primStorePath(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	if st.PureEval {
		st.Errorf(eval.EvalError, pos, "'%s' is not allowed in pure evaluation mode", "builtins.storePath")
	}
	var ctx eval.Context
	path := st.CoerceToPath(pos, args[0], &ctx, "while evaluating the first argument passed to 'builtins.storePath'")
	dir := storepath.Dir(st.StoreDir)
	// Symlinks are resolved, unless path is itself a store path (which may
	// be a symlink).
	if !dir.IsStorePath(path) {
		path = canonPathFollowing(path)
	}
	if !dir.IsInStore(path) {
		st.Errorf(eval.EvalError, pos, "path '%s' is not in the Nix store", path)
	}
	p, _, err := dir.ToStorePath(path)
	if err != nil {
		st.Errorf(eval.EvalError, pos, "%s", err.Error())
	}
	full := dir.Path(p)
	return eval.MkStringCtx(path, ctx.Add(full))
}

// canonPathFollowing makes path canonical, following the symlinks among its
// components that exist (CppNix's canonPath with resolveSymlinks).
func canonPathFollowing(path string) string {
	for follows := 0; follows < 1024; {
		comps := strings.Split(strings.TrimPrefix(path, "/"), "/")
		cur := ""
		changed := false
		for i, c := range comps {
			next := cur + "/" + c
			fi, err := os.Lstat(ospath.Native(next))
			if err == nil && fi.Mode()&os.ModeSymlink != 0 {
				target, err := os.Readlink(ospath.Native(next))
				if err == nil {
					target = ospath.FromNative(target)
					if !strings.HasPrefix(target, "/") {
						target = cur + "/" + target
					}
					rest := strings.Join(comps[i+1:], "/")
					if rest != "" {
						target += "/" + rest
					}
					path = syntax.CanonPath(target)
					changed = true
					follows++
					break
				}
			}
			cur = next
		}
		if !changed {
			return syntax.CanonPath(path)
		}
	}
	return path
}
