// This file declares the evaluator's nodes and how each evaluates. Every eval
// method returns a value in weak head normal form (never a *Thunk).

package eval

import (
	"strconv"
	"strings"

	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

// node is an executable expression.
type node interface {
	eval(st *State, env *Env) Value
	pos() token.Pos
}

// lazy returns the value of n in env without evaluating it, as CppNix's
// maybeThunk: literals and variables need no thunk.
func (st *State) lazy(n node, env *Env) Value {
	switch n := n.(type) {
	case *constNode:
		return n.v
	case *var0Node:
		if v := *env.slot(n.displ); v != nil {
			return v
		}
	case *var1Node:
		if v := *env.Up.slot(n.displ); v != nil {
			return v
		}
	case *varNode:
		e := env
		for l := n.level; l > 0; l-- {
			e = e.Up
		}
		if v := *e.slot(n.displ); v != nil {
			return v
		}
	case *baseVarNode:
		return st.baseVals[n.displ]
	case *listNode:
		if len(n.elems) == 0 {
			return emptyList
		}
	}
	return &Thunk{code: n, x: env}
}

// constNode is a literal.
type constNode struct {
	p token.Pos
	v Value
}

func (n *constNode) pos() token.Pos                 { return token.NoPos }
func (n *constNode) eval(st *State, env *Env) Value { return n.v }

// Variables.

type var0Node struct {
	p     token.Pos
	name  syntax.Symbol
	displ int
}

func (n *var0Node) pos() token.Pos { return n.p }
func (n *var0Node) eval(st *State, env *Env) Value {
	v := *env.slot(n.displ)
	if t, ok := v.(*Thunk); ok {
		v = st.forceThunk(t, n.p)
		*env.slot(n.displ) = v
	}
	return v
}

type var1Node struct {
	p     token.Pos
	name  syntax.Symbol
	displ int
}

func (n *var1Node) pos() token.Pos { return n.p }
func (n *var1Node) eval(st *State, env *Env) Value {
	env = env.Up
	v := *env.slot(n.displ)
	if t, ok := v.(*Thunk); ok {
		v = st.forceThunk(t, n.p)
		*env.slot(n.displ) = v
	}
	return v
}

type varNode struct {
	p     token.Pos
	name  syntax.Symbol
	level int
	displ int
}

func (n *varNode) pos() token.Pos { return n.p }
func (n *varNode) eval(st *State, env *Env) Value {
	for l := n.level; l > 0; l-- {
		env = env.Up
	}
	v := *env.slot(n.displ)
	if t, ok := v.(*Thunk); ok {
		v = st.forceThunk(t, n.p)
		*env.slot(n.displ) = v
	}
	return v
}

// baseVarNode is a name of the base environment (builtins, true, map, ...).
type baseVarNode struct {
	p     token.Pos
	name  syntax.Symbol
	displ int
}

func (n *baseVarNode) pos() token.Pos { return n.p }
func (n *baseVarNode) eval(st *State, env *Env) Value {
	return st.Force(st.baseVals[n.displ], n.p)
}

// withVarNode is a variable that only a with can bind.
type withVarNode struct {
	p     token.Pos
	name  syntax.Symbol
	level int // of the innermost with
	with  *withNode
}

func (n *withVarNode) pos() token.Pos { return n.p }
func (n *withVarNode) eval(st *State, env *Env) Value {
	return st.Force(st.lookupWith(n, env), n.p)
}

func (st *State) lookupWith(n *withVarNode, env *Env) Value {
	for l := n.level; l > 0; l-- {
		env = env.Up
	}
	w := n.with
	for {
		attrs := st.forceAttrsSlot(env.slot(0), w.p, "while evaluating the first subexpression of a with expression")
		if a := attrs.Get(n.name); a != nil {
			return a.Value
		}
		if w.parent == nil {
			st.Errorf(UndefinedVar, n.p, "undefined variable '%s'", st.Symbols.Name(n.name))
		}
		for l := w.prevWith; l > 0; l-- {
			env = env.Up
		}
		w = w.parent
	}
}

// forceAttrsSlot forces the value in *slot to a set, replacing a thunk by its value.
func (st *State) forceAttrsSlot(slot *Value, pos token.Pos, ctx string) *Attrs {
	v := *slot
	if t, ok := v.(*Thunk); ok {
		v = st.forceThunk(t, pos)
		*slot = v
	}
	a, ok := v.(*Attrs)
	if !ok {
		st.typeError(v, "a set", pos, ctx)
	}
	return a
}

// curPosNode is __curPos.
type curPosNode struct{ p token.Pos }

func (n *curPosNode) pos() token.Pos { return n.p }
func (n *curPosNode) eval(st *State, env *Env) Value {
	return st.MkPos(n.p)
}

// attrName is an element of an attribute path: a symbol or a computed name
// (with its source, shown in traces when it cannot be evaluated).
type attrName struct {
	sym  syntax.Symbol
	expr node
	src  syntax.Expr
}

// name returns the symbol an attribute name stands for, evaluating it if needed.
func (st *State) name(a *attrName, env *Env) syntax.Symbol {
	if a.expr == nil {
		return a.sym
	}
	v := freshCell(a.expr.eval(st, env))
	s := st.ForceStringNoCtx(v, a.expr.pos(), "while evaluating an attribute name")
	return st.Symbols.Intern(s)
}

// selectNode is e.a.b.c (or def).
type selectNode struct {
	p    token.Pos
	e    node
	path []attrName
	def  node
}

func (n *selectNode) pos() token.Pos { return n.p }
func (n *selectNode) eval(st *State, env *Env) Value {
	v := n.e.eval(st, env)
	fi := len(st.frames)
	st.frames = append(st.frames, frame{kind: fSelect, node: n, env: env})
	var slot *Value
	for i := range n.path {
		name := st.name(&n.path[i], env)
		var attrs *Attrs
		if n.def != nil {
			v = st.Force(v, n.p)
			a, ok := v.(*Attrs)
			var j *Attr
			if ok {
				j = a.Get(name)
			}
			if j == nil {
				r := n.def.eval(st, env)
				st.frames = st.frames[:fi]
				return r
			}
			attrs = a
		} else {
			if t, ok := v.(*Thunk); ok {
				v = st.forceThunk(t, n.p)
				if slot != nil {
					*slot = v
				}
			}
			a, ok := v.(*Attrs)
			if !ok {
				if i == 0 {
					v = freshCell(v) // the subject, evaluated into a cell of its own
				}
				st.typeError(v, "a set", n.p, "while selecting an attribute")
			}
			attrs = a
			if attrs.Get(name) == nil {
				st.missingAttr(attrs, name, n.p)
			}
		}
		j := attrs.Get(name)
		v = j.Value
		slot = &j.Value
		st.frames[fi].pos = j.Pos
	}
	if t, ok := v.(*Thunk); ok {
		p := st.frames[fi].pos
		if p == token.NoPos {
			p = n.p
		}
		v = st.forceThunk(t, p)
		*slot = v
	}
	st.frames = st.frames[:fi]
	return v
}

func (st *State) missingAttr(attrs *Attrs, name syntax.Symbol, pos token.Pos) {
	names := make([]string, 0, attrs.Len())
	for _, a := range attrs.flat() {
		names = append(names, st.Symbols.Name(a.Name))
	}
	st.throw(&Error{Kind: EvalError, Pos: pos, Msg: "attribute '" + syntax.Identifier(st.Symbols.Name(name)) + "' missing",
		Suggestions: bestMatches(names, st.Symbols.Name(name))})
}

// showSelectPath renders the attribute path of a select node for a trace, as
// CppNix's showAttrPath: computed names are evaluated, or shown as source.
func (st *State) showSelectPath(nd node, env *Env) string {
	var path []attrName
	switch n := nd.(type) {
	case *selectNode:
		path = n.path
	default:
		return ""
	}
	var sb strings.Builder
	for i := range path {
		if i > 0 {
			sb.WriteByte('.')
		}
		a := &path[i]
		if a.expr == nil {
			sb.WriteString(syntax.Identifier(st.Symbols.Name(a.sym)))
			continue
		}
		var name syntax.Symbol
		if err := st.catch(func() { name = st.name(a, env) }); err != nil {
			sb.WriteString("\"${" + syntax.Show(st.Symbols, a.src) + "}\"")
		} else {
			sb.WriteString(syntax.Identifier(st.Symbols.Name(name)))
		}
	}
	return sb.String()
}

// hasAttrNode is e ? a.b.c.
type hasAttrNode struct {
	p    token.Pos
	e    node
	path []attrName
}

func (n *hasAttrNode) pos() token.Pos { return n.p }
func (n *hasAttrNode) eval(st *State, env *Env) Value {
	v := n.e.eval(st, env)
	for i := range n.path {
		v = st.Force(v, n.p)
		name := st.name(&n.path[i], env)
		a, ok := v.(*Attrs)
		if !ok {
			return Bool(false)
		}
		j := a.Get(name)
		if j == nil {
			return Bool(false)
		}
		v = j.Value
	}
	return Bool(true)
}

// attrDef is a static attribute of a set or let.
type attrDef struct {
	name  syntax.Symbol
	pos   token.Pos
	kind  syntax.AttrKind
	value node
}

// dynAttr is an attribute with a computed name.
type dynAttr struct {
	pos   token.Pos
	name  node
	value node
}

// attrsNode is { … } or rec { … }.
type attrsNode struct {
	p           token.Pos
	rec         bool
	attrs       []attrDef // in symbol order
	dynamic     []dynAttr
	inheritFrom []node
	overrides   int // slot of __overrides in a rec set, or -1
}

func (n *attrsNode) pos() token.Pos { return n.p }

// inheritEnv builds the environment holding the sources of inherit (e) clauses.
func (st *State) inheritEnv(from []node, up *Env) *Env {
	if len(from) == 0 {
		return nil
	}
	e := st.newEnv(up, len(from))
	for i, f := range from {
		*e.slot(i) = st.lazy(f, up)
	}
	return e
}

func chooseEnv(kind syntax.AttrKind, inner, outer, inherit *Env) *Env {
	switch kind {
	case syntax.AttrInherited:
		return outer
	case syntax.AttrInheritedFrom:
		return inherit
	}
	return inner
}

func (n *attrsNode) eval(st *State, env *Env) Value {
	var res *Attrs
	var list []Attr
	if len(n.dynamic) == 0 && n.overrides < 0 {
		res = newAttrs(len(n.attrs))
		list = res.own
	} else {
		list = make([]Attr, len(n.attrs), len(n.attrs)+len(n.dynamic))
	}
	dynEnv := env
	sorted := true
	if n.rec {
		env2 := st.newEnv(env, len(n.attrs))
		dynEnv = env2
		inh := st.inheritEnv(n.inheritFrom, env2)
		for i := range n.attrs {
			d := &n.attrs[i]
			var v Value
			if n.overrides >= 0 && d.kind != syntax.AttrInherited {
				v = &Thunk{code: d.value, x: chooseEnv(d.kind, env2, env, inh)}
			} else {
				v = st.lazy(d.value, chooseEnv(d.kind, env2, env, inh))
			}
			*env2.slot(i) = v
			list[i] = Attr{Name: d.name, Pos: d.pos, Value: v}
		}
		if n.overrides >= 0 {
			vo := list[n.overrides].Value
			vo = st.Force(vo, token.NoPos)
			ov := st.ForceAttrs(vo, st.determinePos(vo, token.NoPos), "while evaluating the `__overrides` attribute")
			for _, a := range ov.flat() {
				found := false
				for i := range n.attrs {
					if n.attrs[i].name == a.Name {
						list[i] = a
						*env2.slot(i) = a.Value
						found = true
						break
					}
				}
				if !found {
					list = append(list, a)
					sorted = false
				}
			}
		}
	} else {
		inh := st.inheritEnv(n.inheritFrom, env)
		for i := range n.attrs {
			d := &n.attrs[i]
			list[i] = Attr{Name: d.name, Pos: d.pos, Value: st.lazy(d.value, chooseEnv(d.kind, env, env, inh))}
		}
	}
	if !sorted {
		sortAttrs(list)
	}
	for i := range n.dynamic {
		d := &n.dynamic[i]
		nv := st.Force(d.name.eval(st, dynEnv), d.pos)
		if nv == Null {
			continue
		}
		s := st.ForceStringNoCtx(freshCell(nv), d.pos, "while evaluating the name of a dynamic attribute")
		sym := st.Symbols.Intern(s)
		for _, a := range list {
			if a.Name == sym {
				st.Errorf(EvalError, d.pos, "dynamic attribute '%s' already defined at %s", syntax.Identifier(s), st.Files.Position(a.Pos))
			}
		}
		list = append(list, Attr{Name: sym, Pos: d.pos, Value: st.lazy(d.value, dynEnv)})
		sortAttrs(list)
	}
	if res != nil {
		if len(n.attrs) == 0 {
			// CppNix's empty set literals all share one set (emptyBindings),
			// which its printer reports as «repeated».
			return emptyAttrs
		}
		res.Pos = n.p
		return res
	}
	if len(list) == 0 {
		return &Attrs{Pos: n.p}
	}
	return &Attrs{own: list, Pos: n.p}
}

func sortAttrs(l []Attr) {
	// Insertion sort: sets are nearly sorted when this is called.
	for i := 1; i < len(l); i++ {
		for j := i; j > 0 && l[j].Name < l[j-1].Name; j-- {
			l[j], l[j-1] = l[j-1], l[j]
		}
	}
}

// inheritFromNode reads the source of an inherit (e) clause.
type inheritFromNode struct {
	p     token.Pos
	displ int
}

func (n *inheritFromNode) pos() token.Pos { return n.p }
func (n *inheritFromNode) eval(st *State, env *Env) Value {
	v := *env.slot(n.displ)
	if t, ok := v.(*Thunk); ok {
		v = st.forceThunk(t, n.p)
		*env.slot(n.displ) = v
	}
	return v
}

// letNode is let … in body.
type letNode struct {
	p           token.Pos
	attrs       []attrDef
	inheritFrom []node
	body        node
}

func (n *letNode) pos() token.Pos { return token.NoPos }
func (n *letNode) eval(st *State, env *Env) Value {
	env2 := st.newEnv(env, len(n.attrs))
	inh := st.inheritEnv(n.inheritFrom, env2)
	for i := range n.attrs {
		d := &n.attrs[i]
		*env2.slot(i) = st.lazy(d.value, chooseEnv(d.kind, env2, env, inh))
	}
	return n.body.eval(st, env2)
}

// listNode is [ … ].
type listNode struct {
	p     token.Pos
	elems []node
}

func (n *listNode) pos() token.Pos { return n.p }
func (n *listNode) eval(st *State, env *Env) Value {
	if len(n.elems) == 0 {
		return emptyList
	}
	l := newList(len(n.elems))
	for i, e := range n.elems {
		l.Elems[i] = st.lazy(e, env)
	}
	return l
}

// formal is one argument of a set pattern.
type formal struct {
	name syntax.Symbol
	pos  token.Pos
	def  node
}

// lambdaNode is a function expression.
type lambdaNode struct {
	p          token.Pos
	name       syntax.Symbol
	arg        syntax.Symbol
	hasFormals bool
	formals    []formal // sorted by symbol
	ellipsis   bool
	size       int // slots of the call environment
	body       node
	// reuse is set when calls can give their environment back for the next
	// call (reusableEnv).
	reuse bool
	// curried is the body of x: y: BODY when neither takes a pattern and
	// BODY keeps no reference to its environment (so none to x's either):
	// a call with both arguments then evaluates BODY directly, with both
	// environments reused, instead of making the inner function first.
	curried *lambdaNode
}

func (n *lambdaNode) pos() token.Pos { return n.p }
func (n *lambdaNode) eval(st *State, env *Env) Value {
	return &Lambda{Fn: n, Env: env}
}

// hasFormal reports whether the pattern names sym.
func (n *lambdaNode) hasFormal(sym syntax.Symbol) bool {
	for i := range n.formals {
		if n.formals[i].name == sym {
			return true
		}
	}
	return false
}

// displayName is the function's name for messages.
func (st *State) lambdaName(n *lambdaNode) string {
	if n.name == syntax.NoSymbol {
		return "anonymous lambda"
	}
	return "'" + st.Symbols.Name(n.name) + "'"
}

// callNode is f a b ….
type callNode struct {
	p    token.Pos
	fn   node
	args []node
}

func (n *callNode) pos() token.Pos { return n.p }
func (n *callNode) eval(st *State, env *Env) Value {
	fn := n.fn.eval(st, env)
	base := len(st.args)
	for _, a := range n.args {
		st.args = append(st.args, st.lazy(a, env))
	}
	v := st.callFunction(fn, st.args[base:], n.p)
	// The popped slots are not cleared: they are overwritten by the next call,
	// and clearing costs more (write barriers) than the garbage it frees.
	st.args = st.args[:base]
	return v
}

// primOp2Node applies a two-argument built-in of the base environment (the
// operators - * / < and friends) without a generic call: the arguments that
// CppNix would put in fresh thunks are evaluated directly, since the built-in
// forces them at once. Frames, call depth and positions are as in a call.
type primOp2Node struct {
	p    token.Pos
	op   *PrimOp
	l, r node
}

func (n *primOp2Node) pos() token.Pos { return n.p }
func (n *primOp2Node) eval(st *State, env *Env) Value {
	if st.callDepth > st.maxCallDepth {
		st.Errorf(EvalError, n.p, "stack overflow; max-call-depth exceeded")
	}
	st.callDepth++
	fi := len(st.frames)
	st.frames = append(st.frames, frame{kind: fPrimOp, pos: n.p, msg: n.op.Name})
	a := st.operand(n.l, env)
	b := st.operand(n.r, env)
	base := len(st.args)
	st.args = append(st.args, a, b)
	v := n.op.Fn(st, token.NoPos, st.args[base:base+2])
	st.args = st.args[:base]
	st.frames = st.frames[:fi]
	st.callDepth--
	return v
}

// operand evaluates an argument of a built-in as if it had been passed lazily
// and forced by the built-in (with no position).
func (st *State) operand(n node, env *Env) Value {
	switch n.(type) {
	case *constNode, *var0Node, *var1Node, *varNode, *baseVarNode:
		return st.Force(st.lazy(n, env), token.NoPos)
	case *listNode:
		return n.eval(st, env)
	}
	// The thunk CppNix would make holds a copy of the value.
	return freshCell(n.eval(st, env))
}

// withNode is with e; body.
type withNode struct {
	p        token.Pos
	attrs    node
	body     node
	parent   *withNode // the enclosing with, if any
	prevWith int       // scopes from this with's scope up to the enclosing with's
}

func (n *withNode) pos() token.Pos { return n.p }
func (n *withNode) eval(st *State, env *Env) Value {
	env2 := st.newEnv(env, 1)
	*env2.slot(0) = st.lazy(n.attrs, env)
	return n.body.eval(st, env2)
}

// ifNode is if c then a else b.
type ifNode struct {
	p               token.Pos
	cond, then, els node
}

func (n *ifNode) pos() token.Pos { return n.p }
func (n *ifNode) eval(st *State, env *Env) Value {
	if st.evalBool(n.cond, env, n.p, "while evaluating a branch condition") {
		return n.then.eval(st, env)
	}
	return n.els.eval(st, env)
}

// evalBool evaluates e to a Boolean, annotating errors with ctx at pos.
func (st *State) evalBool(e node, env *Env, pos token.Pos, ctx string) bool {
	st.frames = append(st.frames, frame{kind: fMsg, pos: pos, msg: ctx})
	v := e.eval(st, env)
	b, ok := v.(Bool)
	if !ok {
		st.Errorf(TypeError, pos, "expected a Boolean but found %s: %s", TypeName(v), st.ShowValue(freshCell(v)))
	}
	st.frames = st.frames[:len(st.frames)-1]
	return bool(b)
}

// assertNode is assert c; body.
type assertNode struct {
	p          token.Pos
	cond, body node
	text       string   // the condition as CppNix shows it
	eq         *binNode // the condition, when it is an equality
}

func (n *assertNode) pos() token.Pos { return n.p }
func (n *assertNode) eval(st *State, env *Env) Value {
	if !st.evalBool(n.cond, env, n.p, "in the condition of the assert statement") {
		if n.eq != nil {
			st.frames = append(st.frames, frame{kind: fAssert, pos: n.p, msg: "while evaluating the condition of the assertion '" + n.text + "'"})
			v1 := n.eq.l.eval(st, env)
			v2 := n.eq.r.eval(st, env)
			st.assertEqValues(freshCell(v1), freshCell(v2), n.eq.p, "in an equality assertion")
			st.pop()
		}
		st.Errorf(AssertionError, n.p, "assertion '%s' failed", n.text)
	}
	return n.body.eval(st, env)
}

// notNode is !e.
type notNode struct {
	p token.Pos
	e node
}

func (n *notNode) pos() token.Pos { return n.p }
func (n *notNode) eval(st *State, env *Env) Value {
	return Bool(!st.evalBool(n.e, env, n.p, "in the argument of the not operator"))
}

// binNode is one of == != && || -> // ++.
type binNode struct {
	p    token.Pos
	op   syntax.Op
	l, r node
}

// pos is CppNix's getPos: == and != have no position there.
func (n *binNode) pos() token.Pos {
	if n.op == syntax.OpEq || n.op == syntax.OpNEq {
		return token.NoPos
	}
	return n.p
}
func (n *binNode) eval(st *State, env *Env) Value {
	switch n.op {
	case syntax.OpEq:
		v1 := n.l.eval(st, env)
		v2 := n.r.eval(st, env)
		return Bool(st.Equal(v1, v2, n.p, "while testing two values for equality"))
	case syntax.OpNEq:
		v1 := n.l.eval(st, env)
		v2 := n.r.eval(st, env)
		return Bool(!st.Equal(v1, v2, n.p, "while testing two values for inequality"))
	case syntax.OpAnd:
		return Bool(st.evalBool(n.l, env, n.p, "in the left operand of the AND (&&) operator") &&
			st.evalBool(n.r, env, n.p, "in the right operand of the AND (&&) operator"))
	case syntax.OpOr:
		return Bool(st.evalBool(n.l, env, n.p, "in the left operand of the OR (||) operator") ||
			st.evalBool(n.r, env, n.p, "in the right operand of the OR (||) operator"))
	case syntax.OpImpl:
		return Bool(!st.evalBool(n.l, env, n.p, "in the left operand of the IMPL (->) operator") ||
			st.evalBool(n.r, env, n.p, "in the right operand of the IMPL (->) operator"))
	case syntax.OpUpdate:
		a := st.evalAttrs(n.l, env, n.p, "in the left operand of the update (//) operator")
		b := st.evalAttrs(n.r, env, n.p, "in the right operand of the update (//) operator")
		return updateAttrs(a, b)
	case syntax.OpConcatLists:
		v1 := n.l.eval(st, env)
		v2 := n.r.eval(st, env)
		return st.concatLists([]Value{v1, v2}, n.p, "while evaluating one of the elements to concatenate")
	}
	panic("unreachable")
}

func (st *State) evalAttrs(e node, env *Env, pos token.Pos, ctx string) *Attrs {
	st.frames = append(st.frames, frame{kind: fMsg, pos: pos, msg: ctx})
	v := e.eval(st, env)
	a, ok := v.(*Attrs)
	if !ok {
		st.Errorf(TypeError, token.NoPos, "expected a set but found %s: %s", TypeName(v), st.ShowValue(freshCell(v)))
	}
	st.frames = st.frames[:len(st.frames)-1]
	return a
}

// updateAttrs is a // b. A small b over a large a makes a layered set (see
// Attrs); when the layers get too deep, the small upper layers are merged into
// one over the same bottom set, so that accumulating small updates on a large
// set never copies the large set. Otherwise the result is built from whole
// runs of both (copy).
func updateAttrs(a, b *Attrs) *Attrs {
	if a.Len() == 0 {
		return b
	}
	if b.Len() == 0 {
		return a
	}
	bl := b.flat()
	if len(bl)*4 <= a.Len() {
		if a.depth < maxAttrsDepth {
			return layerAttrs(bl, a, a.depth+1)
		}
		bottom := a
		for bottom.base != nil {
			bottom = bottom.base
		}
		overlay := a.overlay(bottom)
		overlay = mergeAttrs(make([]Attr, 0, len(overlay)+len(bl)), overlay, bl)
		if len(overlay)*4 <= len(bottom.own) {
			return layerAttrs(trimAttrs(overlay), bottom, 1)
		}
	}
	al := a.flat()
	out := mergeAttrs(make([]Attr, 0, len(al)+len(bl)), al, bl)
	return &Attrs{own: trimAttrs(out)}
}

// layerAttrs makes the set of top over base.
func layerAttrs(top []Attr, base *Attrs, depth uint8) *Attrs {
	n := base.Len()
	for i := range top {
		if base.Get(top[i].Name) == nil {
			n++
		}
	}
	return &Attrs{own: top, base: base, n: int32(n), depth: depth}
}

// overlay returns the attributes of the layers of a above bottom, merged, the
// upper layers winning.
func (a *Attrs) overlay(bottom *Attrs) []Attr {
	if a.base == bottom {
		return a.own
	}
	below := a.base.overlay(bottom)
	return mergeAttrs(make([]Attr, 0, len(below)+len(a.own)), below, a.own)
}

// mergeAttrs appends the union of two sorted attribute lists to out, taking b's
// attribute when both have a name; runs are copied whole.
func mergeAttrs(out, a, b []Attr) []Attr {
	if len(b)*8 < len(a) {
		rest := a
		for _, y := range b {
			i := searchAttrs(rest, y.Name)
			out = append(out, rest[:i]...)
			out = append(out, y)
			if i < len(rest) && rest[i].Name == y.Name {
				i++
			}
			rest = rest[i:]
		}
		return append(out, rest...)
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		x, y := &a[i], &b[j]
		switch {
		case x.Name == y.Name:
			out = append(out, *y)
			i++
			j++
		case x.Name < y.Name:
			k := i + searchAttrs(a[i:], y.Name)
			out = append(out, a[i:k]...)
			i = k
		default:
			k := j + searchAttrs(b[j:], x.Name)
			out = append(out, b[j:k]...)
			j = k
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// trimAttrs drops the spare capacity left by overridden attributes when it is
// large: merged sets often live long.
func trimAttrs(l []Attr) []Attr {
	if cap(l)-len(l) > len(l)/8+4 {
		return append([]Attr(nil), l...)
	}
	return l
}

// searchAttrs returns the index of the first attribute not before name.
func searchAttrs(l []Attr, name syntax.Symbol) int {
	lo, hi := 0, len(l)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if l[m].Name < name {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// concatLists concatenates lists, sharing the only non-empty one.
func (st *State) concatLists(lists []Value, pos token.Pos, ctx string) Value {
	total := 0
	var nonEmpty *List
	ls := make([]*List, len(lists))
	for i, v := range lists {
		l := st.ForceList(v, pos, ctx)
		ls[i] = l
		total += len(l.Elems)
		if len(l.Elems) > 0 {
			nonEmpty = l
		}
	}
	if nonEmpty != nil && total == len(nonEmpty.Elems) {
		return nonEmpty
	}
	if total == 0 {
		return emptyList
	}
	out := make([]Value, 0, total)
	for _, l := range ls {
		out = append(out, l.Elems...)
	}
	return &List{Elems: out}
}

// concatNode is a + b, or an interpolated string or path.
type concatNode struct {
	p           token.Pos
	forceString bool
	parts       []node
	poss        []token.Pos
}

func (n *concatNode) pos() token.Pos { return n.p }
func (n *concatNode) eval(st *State, env *Env) Value {
	var ctx Context
	var nInt int64
	var nFloat float64
	first := !n.forceString
	firstType := TypeString
	// The parts are collected first so that the result is allocated once, at
	// its exact size.
	var partsBuf [8]string
	parts := partsBuf[:0]
	total := 0
	for i, part := range n.parts {
		ipos := n.poss[i]
		v := part.eval(st, env)
		if first {
			firstType = v.Type()
		}
		switch firstType {
		case TypeInt:
			switch x := v.(type) {
			case Int:
				r, ok := addInt(nInt, int64(x))
				if !ok {
					st.Errorf(EvalError, ipos, "integer overflow in adding %d + %d", nInt, int64(x))
				}
				nInt = r
			case Float:
				firstType = TypeFloat
				nFloat = float64(nInt) + float64(x)
			default:
				st.Errorf(EvalError, ipos, "cannot add %s to an integer", TypeName(v))
			}
		case TypeFloat:
			switch x := v.(type) {
			case Int:
				nFloat += float64(x)
			case Float:
				nFloat += float64(x)
			default:
				st.Errorf(EvalError, ipos, "cannot add %s to a float", TypeName(v))
			}
		default:
			s := st.coerceToString(ipos, freshCell(v), &ctx, "while evaluating a path segment", false, firstType == TypeString, !first)
			parts = append(parts, s)
			total += len(s)
		}
		first = false
	}
	switch firstType {
	case TypeInt:
		return MkInt(nInt)
	case TypeFloat:
		return Float(nFloat)
	}
	var str string
	if len(parts) == 1 {
		str = parts[0]
	} else {
		var sb strings.Builder
		sb.Grow(total)
		for _, p := range parts {
			sb.WriteString(p)
		}
		str = sb.String()
	}
	if firstType == TypePath {
		if len(ctx) > 0 {
			st.Errorf(EvalError, n.p, "a string that refers to a store path cannot be appended to a path")
		}
		return Path(syntax.CanonPath(str))
	}
	return MkStringCtx(str, ctx)
}

// addInt adds with overflow detection.
func addInt(a, b int64) (int64, bool) {
	r := a + b
	if (a >= 0) == (b >= 0) && (r >= 0) != (a >= 0) {
		return r, false
	}
	return r, true
}

// blackholeNode marks a thunk under evaluation.
type blackholeNode struct{}

func (*blackholeNode) pos() token.Pos                 { return token.NoPos }
func (*blackholeNode) eval(st *State, env *Env) Value { panic("blackhole evaluated") }

var blackhole node = &blackholeNode{}

// appNode is a delayed function application (CppNix's tApp).
type appNode struct {
	fn, arg Value
}

func (*appNode) pos() token.Pos { return token.NoPos }
func (n *appNode) eval(st *State, env *Env) Value {
	return st.Call1(n.fn, n.arg, token.NoPos)
}

// itoa is strconv.Itoa.
func itoa(i int) string { return strconv.Itoa(i) }
