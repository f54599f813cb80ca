// This file holds thunks and the functions that force values to a given type.

package eval

import (
	"strings"

	"github.com/nixgo/nixgo/lang/token"
)

// Thunk is a value not yet computed: an expression and its environment. Forcing
// it evaluates the expression once and keeps the result.
//
// States: pending (code is the node, x the *Env), running (code is blackhole;
// forcing it again is infinite recursion), done (code is nil, x the value).
type Thunk struct {
	code node
	x    Value
}

// NewThunk returns a delayed application of fn to arg.
func NewApp(fn, arg Value) Value {
	// One allocation holds the thunk and the application it delays.
	a := &appThunk{app: appNode{fn: fn, arg: arg}}
	a.t.code = &a.app
	return &a.t
}

// Applier makes delayed applications of one function to many arguments (map,
// genList): each is a single thunk holding its argument, the function being
// kept once for all of them.
type Applier struct{ n *fnApp }

// NewApplier returns an Applier of fn.
func NewApplier(fn Value) Applier { return Applier{&fnApp{fn: fn}} }

// Apply returns the delayed application of the function to arg.
func (a Applier) Apply(arg Value) Value { return &Thunk{code: a.n, x: arg} }

// NewApp2 returns the delayed application of fn to a, then of the result to b
// (CppNix's mapAttrs makes it of two applications): one thunk holds b, its
// code fn and a.
func NewApp2(fn, a, b Value) Value {
	t := &app2Thunk{app: app2Node{fn: fn, arg: a}}
	t.t.code, t.t.x = &t.app, b
	return &t.t
}

// app2Thunk is a thunk and the first application it delays, allocated
// together; the thunk's x is the second argument.
type app2Thunk struct {
	t   Thunk
	app app2Node
}

// app2Node is the code of NewApp2's thunks.
type app2Node struct{ fn, arg Value }

func (*app2Node) pos() token.Pos { return token.NoPos }

// eval is never called: forceThunk applies app2Node thunks itself.
func (n *app2Node) eval(st *State, env *Env) Value {
	panic("eval: app2Node evaluated without its thunk")
}

// fnApp is the code of the thunks of an Applier, whose x is the argument.
type fnApp struct{ fn Value }

func (*fnApp) pos() token.Pos { return token.NoPos }

// eval is never called: forceThunk applies fnApp thunks itself.
func (n *fnApp) eval(st *State, env *Env) Value { panic("eval: fnApp evaluated without its thunk") }

// appThunk is a thunk and the application it delays, allocated together.
type appThunk struct {
	t   Thunk
	app appNode
}

// Type implements Value; thunks must be forced before their type is known.
func (*Env) Type() Type { return TypeThunk }

func (t *Thunk) isBlackhole() bool { return t.code == blackhole }

// IsEvaluated reports whether the thunk has been forced.
func (t *Thunk) IsEvaluated() bool { return t.code == nil }

// forcing records a thunk under evaluation, to reset it if evaluation fails.
type forcing struct {
	t    *Thunk
	code node
}

func (f forcing) reset() { f.t.code = f.code }

// Force evaluates v to weak head normal form. pos is where the value is needed,
// for the position of an infinite recursion error.
func (st *State) Force(v Value, pos token.Pos) Value {
	if t, ok := v.(*Thunk); ok {
		return st.forceThunk(t, pos)
	}
	return v
}

func (st *State) forceThunk(t *Thunk, pos token.Pos) Value {
	code := t.code
	if code == nil {
		return t.x
	}
	if code == blackhole {
		st.Errorf(InfiniteRecursion, pos, "infinite recursion encountered")
	}
	if app, ok := code.(*fnApp); ok {
		v := cellCopy(st.Call1(app.fn, t.x, pos))
		t.code, t.x = nil, v
		return v
	}
	if app, ok := code.(*app2Node); ok {
		v := cellCopy(st.Call1(st.Call1(app.fn, app.arg, pos), t.x, pos))
		t.code, t.x = nil, v
		app.fn, app.arg = nil, nil
		return v
	}
	if app, ok := code.(*appNode); ok {
		// Applications are not blackholed, as in CppNix.
		v := cellCopy(st.Call1(app.fn, app.arg, pos))
		t.code, t.x = nil, v
		app.fn, app.arg = nil, nil // let the function and argument be collected
		return v
	}
	env, _ := t.x.(*Env)
	t.code = blackhole
	st.forcing = append(st.forcing, forcing{t, code})
	if len(st.forcing) > st.maxNesting {
		st.Errorf(StackOverflow, token.NoPos, "stack overflow (possible infinite recursion)")
	}
	v := code.eval(st, env)
	st.forcing = st.forcing[:len(st.forcing)-1]
	switch code.(type) {
	case *listNode, *lambdaNode:
		// The value was made in the cell (copying it would change nothing).
	default:
		v = cellCopy(v)
	}
	t.code, t.x = nil, v
	return v
}

// freshCell returns v as found in a temporary cell of its own: CppNix evaluates
// the operands of operators, the subject of a selection, conditions and
// interpolated parts into such cells, and calls copy the function into one, so
// a list printed from there is not the list of the cell it was copied from
// (which may be met again inside it). Only for values about to be shown.
func freshCell(v Value) Value {
	if l, ok := v.(*List); ok && len(l.Elems) > 0 {
		return &List{Elems: l.Elems}
	}
	return v
}

// cellCopy returns v as it is when CppNix copies it into another cell (a
// thunk's, from a variable, a selection or a call returning an existing value).
// CppNix tells such copies apart from the original where nixgo compares
// pointers: its printer finds lists «repeated» by their cells (printAmbiguous
// keys larger lists by their elements, which copies share) and its equality
// holds a function equal to itself only in the same cell. So lists and
// functions get a new object; sets need none (CppNix keys them by their
// bindings, which copies share).
func cellCopy(v Value) Value {
	switch x := v.(type) {
	case *List:
		if len(x.Elems) > 0 {
			return &List{Elems: x.Elems}
		}
	case *Lambda:
		c := *x
		return &c
	case *PrimOp:
		c := *x
		return &c
	case *PrimOpApp:
		c := *x
		return &c
	}
	return v
}

// typeError raises "expected X but found Y: V" with ctx as its first trace.
func (st *State) typeError(v Value, want string, pos token.Pos, ctx string) {
	st.throw(&Error{Kind: TypeError, Msg: "expected " + want + " but found " + TypeName(v) + ": " + st.ShowValue(v),
		own: []Trace{{Pos: pos, Msg: ctx}}})
}

// typeErrorAt raises "expected X but found Y: V" at pos (forceInt and friends put
// the position on the error and add ctx as a trace).
func (st *State) typeErrorAt(v Value, want string, pos token.Pos) {
	st.throw(&Error{Kind: TypeError, Pos: pos, Msg: "expected " + want + " but found " + TypeName(v) + ": " + st.ShowValue(v)})
}

// ForceAttrs forces v to a set.
func (st *State) ForceAttrs(v Value, pos token.Pos, ctx string) *Attrs {
	v = st.Force(v, pos)
	a, ok := v.(*Attrs)
	if !ok {
		st.typeError(v, "a set", pos, ctx)
	}
	return a
}

// ForceList forces v to a list.
func (st *State) ForceList(v Value, pos token.Pos, ctx string) *List {
	v = st.Force(v, pos)
	l, ok := v.(*List)
	if !ok {
		st.typeError(v, "a list", pos, ctx)
	}
	return l
}

// withCtx runs the forcing of v with ctx as a trace frame, as CppNix's forceInt
// and friends, which catch every error.
func (st *State) forceCtx(v Value, pos token.Pos, ctx string) Value {
	if t, ok := v.(*Thunk); ok && t.code != nil {
		st.frames = append(st.frames, frame{kind: fMsg, pos: pos, msg: ctx})
		v = st.forceThunk(t, pos)
		st.frames = st.frames[:len(st.frames)-1]
		return v
	}
	return st.Force(v, pos)
}

func (st *State) failCtx(v Value, want string, pos token.Pos, ctx string) {
	st.frames = append(st.frames, frame{kind: fMsg, pos: pos, msg: ctx})
	st.typeErrorAt(v, want, pos)
}

// ForceInt forces v to an integer.
func (st *State) ForceInt(v Value, pos token.Pos, ctx string) int64 {
	v = st.forceCtx(v, pos, ctx)
	n, ok := v.(Int)
	if !ok {
		st.failCtx(v, "an integer", pos, ctx)
	}
	return int64(n)
}

// ForceFloat forces v to a float; integers are converted.
func (st *State) ForceFloat(v Value, pos token.Pos, ctx string) float64 {
	v = st.forceCtx(v, pos, ctx)
	switch x := v.(type) {
	case Int:
		return float64(x)
	case Float:
		return float64(x)
	}
	st.failCtx(v, "a float", pos, ctx)
	return 0
}

// ForceBool forces v to a Boolean.
func (st *State) ForceBool(v Value, pos token.Pos, ctx string) bool {
	v = st.forceCtx(v, pos, ctx)
	b, ok := v.(Bool)
	if !ok {
		st.failCtx(v, "a Boolean", pos, ctx)
	}
	return bool(b)
}

// IsFunctor reports whether v is a set with a __functor attribute.
func (st *State) IsFunctor(v Value) bool {
	a, ok := v.(*Attrs)
	return ok && a.Get(st.sFunctor) != nil
}

// ForceFunction forces v to a function or functor.
func (st *State) ForceFunction(v Value, pos token.Pos, ctx string) Value {
	v = st.forceCtx(v, pos, ctx)
	if v.Type() != TypeFunction && !st.IsFunctor(v) {
		st.failCtx(v, "a function", pos, ctx)
	}
	return v
}

// ForceString forces v to a string and returns it with its context.
func (st *State) ForceString(v Value, pos token.Pos, ctx string) *String {
	v = st.forceCtx(v, pos, ctx)
	s, ok := v.(*String)
	if !ok {
		st.failCtx(v, "a string", pos, ctx)
	}
	return s
}

// ForceStringNoCtx forces v to a string that must not refer to store paths.
func (st *State) ForceStringNoCtx(v Value, pos token.Pos, ctx string) string {
	s := st.ForceString(v, pos, ctx)
	if len(s.Ctx) > 0 {
		st.ErrorWithTrace(EvalError, token.NoPos, pos, ctx,
			"the string '%s' is not allowed to refer to a store path (such as '%s')", s.S, st.contextElemBase(s.Ctx[0]))
	}
	return s.S
}

// DeepForce forces v and everything it contains, as CppNix's forceValueDeep.
func (st *State) DeepForce(v Value) Value {
	seen := map[any]bool{}
	var rec func(v Value) Value
	depth := 0
	rec = func(v Value) Value {
		v = st.Force(v, st.determinePos(v, token.NoPos))
		switch x := v.(type) {
		case *Attrs:
			if seen[x] {
				return v
			}
			seen[x] = true
			depth++
			if depth > st.maxNesting {
				st.Errorf(StackOverflow, token.NoPos, "stack overflow (possible infinite recursion)")
			}
			xl := x.flat()
			for i := range xl {
				a := &xl[i]
				st.frames = append(st.frames, frame{kind: fAttrName, pos: a.Pos, sym: a.Name})
				a.Value = rec(a.Value)
				st.frames = st.frames[:len(st.frames)-1]
			}
			depth--
		case *List:
			if seen[x] {
				return v
			}
			seen[x] = true
			depth++
			if depth > st.maxNesting {
				st.Errorf(StackOverflow, token.NoPos, "stack overflow (possible infinite recursion)")
			}
			for i := range x.Elems {
				x.Elems[i] = rec(x.Elems[i])
			}
			depth--
		}
		return v
	}
	return rec(v)
}

// contextElemBase renders a context element as CppNix encodes it internally:
// with store path base names instead of full paths.
func (st *State) contextElemBase(e string) string {
	return strings.ReplaceAll(e, st.StoreDir+"/", "")
}
