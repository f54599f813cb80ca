// This file holds import, type predicates, and control builtins: throw, abort,
// tryEval, seq, deepSeq, trace, warn, addErrorContext, getEnv, genericClosure.

package builtins

import (
	"errors"
	"strings"

	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

var importBuiltins = []def{
	{name: "scopedImport", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		return doImport(st, pos, args[1], args[0])
	}},
	{name: "import", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		return doImport(st, pos, args[0], nil)
	}},
}

// realisePath coerces v to a path, realising the store paths of its context.
func realisePath(st *eval.State, pos token.Pos, v eval.Value) string {
	var ctx eval.Context
	p := st.CoerceToPath(token.NoPos, v, &ctx, "while realising the context of a path")
	if len(ctx) > 0 {
		realiseContext(st, pos, ctx, p)
		// As CppNix's toRealPath: a path with context names a store object,
		// whose files may be elsewhere (a chroot store).
		if r, ok := st.Store.(RealPather); ok {
			p = r.RealPath(p)
		}
	}
	return p
}

// RealPather is implemented by stores whose files are not where their paths
// say (a chroot store: /nix/store/x is in ROOT/nix/store/x).
type RealPather interface {
	RealPath(path string) string
}

// realiseContext makes sure the store paths of ctx exist, building derivation
// outputs if needed (import from derivation), whose closures may then be
// read under restriction, as CppNix's allowClosure.
func realiseContext(st *eval.State, pos token.Pos, ctx eval.Context, path string) {
	r, ok := st.Store.(Realiser)
	if !ok {
		return
	}
	st.PushTrace(pos, "while realising the context of path '"+path+"'")
	realiseWith(st, r, ctx, nil)
	st.PopTrace()
}

// realiseWith realises ctx through r and allows the closures of what it
// built; a failure is raised with the exit status it asks for, or through
// invalid when a path of ctx is not valid and invalid is not nil.
func realiseWith(st *eval.State, r Realiser, ctx eval.Context, invalid func(msg string)) {
	built, err := r.Realise(ctx)
	if err != nil {
		var ip *InvalidPathError
		if invalid != nil && errors.As(err, &ip) {
			invalid(err.Error())
		}
		status := 0
		if s, ok := err.(interface{ ExitStatus() int }); ok {
			status = s.ExitStatus()
		}
		st.ErrorfStatus(status, eval.EvalError, token.NoPos, "%s", err.Error())
	}
	for _, p := range built {
		allowStorePath(st, p)
	}
}

// InvalidPathError is a Realiser's failure for a store path of the context
// that is not valid.
type InvalidPathError struct{ Path string }

func (e *InvalidPathError) Error() string { return "path '" + e.Path + "' is not valid" }

// Realiser is implemented by stores that can build the derivation outputs a
// string refers to (import from derivation).
type Realiser interface {
	// Realise makes sure the store paths of ctx are valid, building the
	// derivation outputs it names, and returns the closures of those
	// outputs. An error may tell the exit status it asks for with an
	// ExitStatus() int method.
	Realise(ctx eval.Context) (built []string, err error)
}

func doImport(st *eval.State, pos token.Pos, vPath eval.Value, vScope eval.Value) eval.Value {
	path := realisePath(st, pos, vPath)
	if strings.HasSuffix(path, ".drv") {
		if v, ok := importDerivation(st, pos, path); ok {
			return v
		}
	}
	if vScope != nil {
		scope := st.ForceAttrs(vScope, pos, "while evaluating the first argument passed to builtins.scopedImport")
		return st.ScopedImport(scope, path)
	}
	return st.EvalFile(path)
}

func isType(name string, t eval.Type) def {
	return def{name: name, arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		return eval.Bool(st.Force(args[0], pos).Type() == t)
	}}
}

var typeBuiltins = []def{
	{name: "__typeOf", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		return eval.MkString(eval.TypeOf(st.Force(args[0], pos)))
	}},
	isType("isNull", eval.TypeNull),
	isType("__isFunction", eval.TypeFunction),
	isType("__isInt", eval.TypeInt),
	isType("__isFloat", eval.TypeFloat),
	isType("__isString", eval.TypeString),
	isType("__isBool", eval.TypeBool),
	isType("__isPath", eval.TypePath),
}

var controlBuiltins = []def{
	{name: "__genericClosure", arity: 1, fn: primGenericClosure},
	{name: "break", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		return st.Force(args[0], pos)
	}},
	{name: "abort", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		s := coerce(st, pos, args[0], nil, "while evaluating the error message passed to builtins.abort")
		st.Errorf(eval.Abort, token.NoPos, "evaluation aborted with the following error message: '%s'", s)
		return nil
	}},
	{name: "throw", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		s := coerce(st, pos, args[0], nil, "while evaluating the error message passed to builtin.throw")
		st.Fail(eval.ThrownError, token.NoPos, s)
		return nil
	}},
	{name: "__addErrorContext", arity: 2, noTrace: true, fn: primAddErrorContext},
	{name: "__ceil", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		f := st.ForceFloat(args[0], st.DeterminePos(args[0], pos), "while evaluating the first argument passed to builtins.ceil")
		return floatToInt(ceil(f))
	}},
	{name: "__floor", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		f := st.ForceFloat(args[0], st.DeterminePos(args[0], pos), "while evaluating the first argument passed to builtins.floor")
		return floatToInt(floor(f))
	}},
	{name: "__tryEval", arity: 1, fn: primTryEval},
	{name: "__getEnv", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		name := st.ForceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.getEnv")
		if st.RestrictEval || st.PureEval {
			return eval.MkString("")
		}
		return eval.MkString(st.Getenv(name))
	}},
	{name: "__seq", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		st.Force(args[0], pos)
		return st.Force(args[1], pos)
	}},
	{name: "__deepSeq", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		st.DeepForce(args[0])
		return st.Force(args[1], pos)
	}},
	{name: "__trace", arity: 2, fn: primTrace},
	{name: "__warn", arity: 2, fn: primWarn},
}

func primSecond(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	return st.Force(args[1], pos)
}

func primTrace(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	v := st.Force(args[0], pos)
	if s, ok := v.(*eval.String); ok {
		st.Log("trace: " + s.S)
	} else {
		st.Log("trace: " + st.PrintValue(v, eval.PrintOptions{TrackRepeated: true}))
	}
	return st.Force(args[1], pos)
}

func primWarn(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	msg := st.ForceString(args[0], pos, "while evaluating the first argument; the message passed to builtins.warn")
	st.Log(st.RenderWarning("evaluation warning", msg.S, pos))
	if st.AbortOnWarn {
		st.Errorf(eval.EvalError, token.NoPos, "aborting to reveal stack trace of warning, as abort-on-warn is set")
	}
	return st.Force(args[1], pos)
}

func primAddErrorContext(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	var v eval.Value
	err := st.Catch(func() { v = st.Force(args[1], pos) })
	if err != nil {
		msg := coerce(st, pos, args[0], nil, "while evaluating the error message passed to builtins.addErrorContext")
		err.AddTrace(eval.Trace{Msg: msg, Always: true})
		st.Rethrow(err)
	}
	return v
}

func primTryEval(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	b := eval.NewAttrsBuilder(2)
	success := st.Sym("success")
	err := st.Catch(func() { st.Force(args[0], pos) })
	if err != nil {
		if err.Kind != eval.AssertionError && err.Kind != eval.ThrownError {
			st.Rethrow(err)
		}
		b.Add(success, token.NoPos, eval.Bool(false))
		b.Add(st.SymValue(), token.NoPos, eval.Bool(false))
		return b.Finish()
	}
	b.Add(success, token.NoPos, eval.Bool(true))
	b.Add(st.SymValue(), token.NoPos, args[0])
	return b.Finish()
}

// getAttr returns an attribute that must exist, failing with CppNix's message.
func getAttr(st *eval.State, a *eval.Attrs, name string, ctx string) *eval.Attr {
	at := a.Get(st.Sym(name))
	if at == nil {
		st.ErrorWithTrace(eval.TypeError, token.NoPos, token.NoPos, ctx, "attribute '%s' missing", syntax.Identifier(name))
	}
	return at
}

func primGenericClosure(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	a := st.ForceAttrs(args[0], token.NoPos, "while evaluating the first argument passed to builtins.genericClosure")
	startSet := getAttr(st, a, "startSet", "in the attrset passed as argument to builtins.genericClosure")
	start := st.ForceList(startSet.Value, token.NoPos, "while evaluating the 'startSet' attribute passed as argument to builtins.genericClosure")
	if len(start.Elems) == 0 {
		return start
	}
	op := getAttr(st, a, "operator", "in the attrset passed as argument to builtins.genericClosure")
	st.ForceFunction(op.Value, token.NoPos, "while evaluating the 'operator' attribute passed as argument to builtins.genericClosure")
	work := append([]eval.Value(nil), start.Elems...)
	var res []eval.Value
	done := newKeySet(st)
	for len(work) > 0 {
		e := work[0]
		work = work[1:]
		ea := st.ForceAttrs(e, token.NoPos, "while evaluating one of the elements generated by (or initially passed to) builtins.genericClosure")
		key := getAttr(st, ea, "key", "in one of the attrsets generated by (or initially passed to) builtins.genericClosure")
		kv := st.Force(key.Value, token.NoPos)
		if !done.insert(kv) {
			continue
		}
		res = append(res, e)
		newElems := st.ForceList(st.Call1(op.Value, e, token.NoPos), token.NoPos,
			"while evaluating the return value of the `operator` passed to builtins.genericClosure")
		work = append(work, newElems.Elems...)
	}
	return eval.MkList(res)
}

// keySet is an ordered set of genericClosure keys, compared as CppNix's std::set
// with CompareValues.
type keySet struct {
	st   *eval.State
	keys []eval.Value
}

func newKeySet(st *eval.State) *keySet { return &keySet{st: st} }

func (s *keySet) less(a, b eval.Value) bool {
	return s.st.CompareValues(a, b, "while comparing the `key` attributes of two genericClosure elements")
}

// insert adds k and reports whether it was new. Like std::set, it first
// compares the new key against existing ones (new < existing), then checks the
// predecessor (predecessor < new), so comparison errors name the types in the
// same order.
func (s *keySet) insert(k eval.Value) bool {
	lo, hi := 0, len(s.keys)
	for lo < hi {
		m := (lo + hi) / 2
		if s.less(k, s.keys[m]) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	if lo > 0 && !s.less(s.keys[lo-1], k) {
		return false
	}
	s.keys = append(s.keys, nil)
	copy(s.keys[lo+1:], s.keys[lo:])
	s.keys[lo] = k
	return true
}

// coerce is coerceToString with CppNix's default flags: no extra types, paths
// copied to the store, canonical.
func coerce(st *eval.State, pos token.Pos, v eval.Value, ctx *eval.Context, errCtx string) string {
	return st.CoerceToString(pos, v, ctx, errCtx, eval.CoerceOpts{CopyToStore: true, Canonicalize: true})
}

// floatToInt converts as a C++ double-to-int64 conversion on x86-64: values out
// of range (and NaN) become the smallest int64.
func floatToInt(f float64) eval.Value {
	if f != f || f >= 9223372036854775808.0 || f < -9223372036854775808.0 {
		return eval.MkInt(-9223372036854775808)
	}
	return eval.MkInt(int64(f))
}
