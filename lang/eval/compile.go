// This file lowers syntax trees to the evaluator's nodes, resolving every variable
// once, as CppNix's bindVars does.
//
// Resolution walks the static scopes from the innermost outward. A scope is the
// set of names one runtime Env holds: the bindings of a let or rec set, the
// arguments of a function, or a with (which holds one value, the attribute set,
// and no names). A variable found in a named scope becomes (levels up, slot).
// Lexical scoping beats with: only when no named scope binds the name does the
// variable refer to the innermost with, to be looked up by name at run time,
// falling back to enclosing withs. With no with in scope, it is an undefined
// variable, reported before evaluation.

package eval

import (
	"sort"

	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

type scopeKind uint8

const (
	scopeNames scopeKind = iota
	scopeWith
)

// scope is a static environment.
type scope struct {
	up    *scope
	kind  scopeKind
	names map[syntax.Symbol]int // slot of each name (scopeNames)
	with  *withNode             // scopeWith
}

func newScope(up *scope, n int) *scope {
	return &scope{up: up, names: make(map[syntax.Symbol]int, n)}
}

// compiler lowers one file or expression.
type compiler struct {
	st *State
}

// compileErr stops compilation with an error.
type compileErr struct{ err *Error }

// compile lowers e in static scope sc.
func (st *State) compile(e syntax.Expr, sc *scope) (n node, err *Error) {
	defer func() {
		if r := recover(); r != nil {
			ce, ok := r.(compileErr)
			if !ok {
				panic(r)
			}
			err = ce.err
		}
	}()
	c := &compiler{st: st}
	return c.expr(e, sc), nil
}

func (c *compiler) fail(kind ErrorKind, pos token.Pos, msg string) {
	panic(compileErr{&Error{Kind: kind, Pos: pos, Msg: msg}})
}

func (c *compiler) exprs(es []syntax.Expr, sc *scope) []node {
	out := make([]node, len(es))
	for i, e := range es {
		out[i] = c.expr(e, sc)
	}
	return out
}

func (c *compiler) expr(e syntax.Expr, sc *scope) node {
	switch e := e.(type) {
	case *syntax.Int:
		return &constNode{v: MkInt(e.Val), p: e.P}
	case *syntax.Float:
		return &constNode{v: Float(e.Val), p: e.P}
	case *syntax.String:
		return &constNode{v: MkString(e.Val), p: e.P}
	case *syntax.Path:
		return &constNode{v: Path(e.Val), p: e.P}
	case *syntax.Var:
		return c.variable(e.Name, e.P, sc)
	case *syntax.CurPos:
		return &curPosNode{p: e.P}
	case *syntax.Select:
		n := &selectNode{p: e.P, e: c.expr(e.E, sc), path: c.attrPath(e.Path, sc)}
		if e.Default != nil {
			n.def = c.expr(e.Default, sc)
		}
		return n
	case *syntax.HasAttr:
		return &hasAttrNode{p: exprPos(e), e: c.expr(e.E, sc), path: c.attrPath(e.Path, sc)}
	case *syntax.Attrs:
		return c.attrs(e, sc)
	case *syntax.InheritFrom:
		return &inheritFromNode{p: e.P, displ: e.Index}
	case *syntax.List:
		return &listNode{p: e.Pos(), elems: c.exprs(e.Elems, sc)}
	case *syntax.Lambda:
		return c.lambda(e, sc)
	case *syntax.Call:
		fn := c.expr(e.Fn, sc)
		args := c.exprs(e.Args, sc)
		if op := c.binaryPrimOp(fn, len(args)); op != nil {
			return &primOp2Node{p: e.P, op: op, l: args[0], r: args[1]}
		}
		return &callNode{p: e.P, fn: fn, args: args}
	case *syntax.Let:
		return c.let(e, sc)
	case *syntax.With:
		w := &withNode{p: e.P}
		// The enclosing with, and how many scopes up it is from this with's own scope.
		level := 1
		for s := sc; s != nil; s = s.up {
			if s.kind == scopeWith {
				w.parent = s.with
				w.prevWith = level
				break
			}
			level++
		}
		w.attrs = c.expr(e.Attrs, sc)
		inner := &scope{up: sc, kind: scopeWith, with: w}
		w.body = c.expr(e.Body, inner)
		return w
	case *syntax.If:
		return &ifNode{p: e.P, cond: c.expr(e.Cond, sc), then: c.expr(e.Then, sc), els: c.expr(e.Else, sc)}
	case *syntax.Assert:
		n := &assertNode{p: e.P, cond: c.expr(e.Cond, sc), body: c.expr(e.Body, sc)}
		n.text = syntax.Show(c.st.Symbols, e.Cond)
		if eq, ok := e.Cond.(*syntax.BinOp); ok && eq.Op == syntax.OpEq {
			n.eq = n.cond.(*binNode)
		}
		return n
	case *syntax.Not:
		return &notNode{p: exprPos(e), e: c.expr(e.E, sc)}
	case *syntax.BinOp:
		return &binNode{p: e.P, op: e.Op, l: c.expr(e.L, sc), r: c.expr(e.R, sc)}
	case *syntax.ConcatStrings:
		n := &concatNode{p: e.P, forceString: e.ForceString}
		for _, part := range e.Parts {
			n.parts = append(n.parts, c.expr(part.E, sc))
			n.poss = append(n.poss, part.P)
		}
		return n
	}
	panic("compile: unknown syntax node")
}

// variable resolves a name.
func (c *compiler) variable(name syntax.Symbol, pos token.Pos, sc *scope) node {
	level := 0
	withLevel := -1
	var with *withNode
	for s := sc; s != nil; s = s.up {
		if s.kind == scopeWith {
			if withLevel < 0 {
				withLevel = level
				with = s.with
			}
		} else if displ, ok := s.names[name]; ok {
			if s.up == nil && c.st.baseScope == s {
				// A name of the base environment: its value never changes.
				return &baseVarNode{p: pos, name: name, displ: displ}
			}
			switch level {
			case 0:
				return &var0Node{p: pos, name: name, displ: displ}
			case 1:
				return &var1Node{p: pos, name: name, displ: displ}
			}
			return &varNode{p: pos, name: name, level: level, displ: displ}
		}
		level++
	}
	if withLevel < 0 {
		c.fail(UndefinedVar, pos, "undefined variable '"+c.st.Symbols.Name(name)+"'")
	}
	return &withVarNode{p: pos, name: name, level: withLevel, with: with}
}

func (c *compiler) attrPath(path []syntax.AttrName, sc *scope) []attrName {
	out := make([]attrName, len(path))
	for i, a := range path {
		if a.Expr != nil {
			out[i] = attrName{expr: c.expr(a.Expr, sc), src: a.Expr}
		} else {
			out[i] = attrName{sym: a.Sym}
		}
	}
	return out
}

// sortedDefs returns the static attributes in symbol order, as CppNix iterates them.
func sortedDefs(a *syntax.Attrs) []syntax.AttrDef {
	defs := append([]syntax.AttrDef(nil), a.Attrs...)
	sort.Slice(defs, func(i, j int) bool { return defs[i].Name < defs[j].Name })
	return defs
}

// bindings lowers the static attributes of a set or let. Plain attributes are
// resolved in inner, inherited ones in outer, inherit-from ones in the scope of
// the inherit sources.
func (c *compiler) bindings(a *syntax.Attrs, inner, outer *scope) ([]attrDef, []node) {
	var from []node
	var fromScope *scope
	if len(a.InheritFrom) > 0 {
		from = c.exprs(a.InheritFrom, inner)
		fromScope = newScope(inner, 0)
	}
	defs := sortedDefs(a)
	out := make([]attrDef, len(defs))
	for i, d := range defs {
		ad := attrDef{name: d.Name, pos: d.P, kind: d.Kind}
		switch d.Kind {
		case syntax.AttrPlain:
			ad.value = c.expr(d.Value, inner)
		case syntax.AttrInherited:
			ad.value = c.expr(d.Value, outer)
		case syntax.AttrInheritedFrom:
			ad.value = c.expr(d.Value, fromScope)
		}
		out[i] = ad
	}
	return out, from
}

func (c *compiler) attrs(a *syntax.Attrs, sc *scope) node {
	n := &attrsNode{p: a.P, rec: a.Rec, overrides: -1}
	inner := sc
	if a.Rec {
		defs := sortedDefs(a)
		inner = newScope(sc, len(defs))
		for i, d := range defs {
			inner.names[d.Name] = i
			if d.Name == c.st.sOverrides {
				n.overrides = i
			}
		}
	}
	n.attrs, n.inheritFrom = c.bindings(a, inner, sc)
	for _, d := range a.Dynamic {
		n.dynamic = append(n.dynamic, dynAttr{pos: d.P, name: c.expr(d.Name, inner), value: c.expr(d.Value, inner)})
	}
	return n
}

func (c *compiler) let(l *syntax.Let, sc *scope) node {
	defs := sortedDefs(l.Attrs)
	inner := newScope(sc, len(defs))
	for i, d := range defs {
		inner.names[d.Name] = i
	}
	n := &letNode{p: l.P}
	n.attrs, n.inheritFrom = c.bindings(l.Attrs, inner, sc)
	n.body = c.expr(l.Body, inner)
	return n
}

func (c *compiler) lambda(l *syntax.Lambda, sc *scope) node {
	n := &lambdaNode{p: l.P, name: l.Name, arg: l.Arg}
	size := 0
	if l.Arg != syntax.NoSymbol {
		size++
	}
	if l.Formals != nil {
		size += len(l.Formals.List)
	}
	inner := newScope(sc, size)
	displ := 0
	if l.Arg != syntax.NoSymbol {
		inner.names[l.Arg] = displ
		displ++
	}
	if l.Formals != nil {
		n.hasFormals = true
		n.ellipsis = l.Formals.Ellipsis
		for _, f := range l.Formals.List {
			inner.names[f.Name] = displ
			displ++
		}
		for _, f := range l.Formals.List {
			fm := formal{name: f.Name, pos: f.P}
			if f.Default != nil {
				fm.def = c.expr(f.Default, inner)
			}
			n.formals = append(n.formals, fm)
		}
	}
	n.size = size
	n.body = c.expr(l.Body, inner)
	n.reuse = n.reusableEnv()
	if in, ok := n.body.(*lambdaNode); ok && !n.hasFormals && !in.hasFormals && in.reuse {
		n.curried = in
	}
	return n
}

// binaryPrimOp returns the built-in function a call applies when it is a
// two-argument call of one of the operators' built-ins (__sub, __mul, __div,
// __lessThan) as bound in the base environment, or nil.
func (c *compiler) binaryPrimOp(fn node, nargs int) *PrimOp {
	v, ok := fn.(*baseVarNode)
	if !ok || nargs != 2 {
		return nil
	}
	op, ok := c.st.baseVals[v.displ].(*PrimOp)
	if !ok || op.Arity != 2 {
		return nil
	}
	switch op.Name {
	case "sub", "mul", "div", "lessThan", "add":
		return op
	}
	return nil
}

// exprPos is the position CppNix's getPos gives an expression: == and != have
// none (the parser makes them without one), and ! and ? take their operand's.
func exprPos(e syntax.Expr) token.Pos {
	switch e := e.(type) {
	case *syntax.Not:
		return exprPos(e.E)
	case *syntax.HasAttr:
		return exprPos(e.E)
	case *syntax.BinOp:
		if e.Op == syntax.OpEq || e.Op == syntax.OpNEq {
			return token.NoPos
		}
	}
	return e.Pos()
}
