// This file holds function application: lambdas with their argument patterns,
// built-in functions and their partial applications, and functors.

package eval

import (
	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

// Call applies fn to args. The args slice is not retained.
func (st *State) Call(fn Value, args []Value, pos token.Pos) Value {
	return st.callFunction(fn, args, pos)
}

// Call1 applies fn to one argument.
func (st *State) Call1(fn, arg Value, pos token.Pos) Value {
	base := len(st.args)
	st.args = append(st.args, arg)
	v := st.callFunction(fn, st.args[base:], pos)
	st.args = st.args[:base]
	return v
}

// Call2 applies fn to two arguments.
func (st *State) Call2(fn, a, b Value, pos token.Pos) Value {
	base := len(st.args)
	st.args = append(st.args, a, b)
	v := st.callFunction(fn, st.args[base:], pos)
	st.args = st.args[:base]
	return v
}

func (st *State) callFunction(fn Value, args []Value, pos token.Pos) Value {
	if st.callDepth > st.maxCallDepth {
		st.Errorf(EvalError, pos, "stack overflow; max-call-depth exceeded")
	}
	st.callDepth++
	cur := st.Force(fn, pos)
	for len(args) > 0 {
		switch f := cur.(type) {
		case *Lambda:
			if in := f.Fn.curried; in != nil && len(args) >= 2 && !st.ShowTrace {
				// f a b of f = x: y: BODY, without the closure y: BODY
				// (which nothing else could see); with --show-trace the
				// two calls are made for their frames.
				outer := st.newEnv(f.Env, f.Fn.size)
				*outer.slot(0) = args[0]
				env := st.newEnv(outer, in.size)
				*env.slot(0) = args[1]
				cur = in.body.eval(st, env)
				st.releaseEnv(env, in.size)
				st.releaseEnv(outer, f.Fn.size)
				args = args[2:]
				continue
			}
			cur = st.callLambda(f, args[0], pos)
			args = args[1:]
		case *PrimOp:
			if len(args) < f.Arity {
				cur = &PrimOpApp{Op: f, Args: append([]Value(nil), args...)}
				args = nil
				break
			}
			cur = st.callPrimOp(f, args[:f.Arity], pos)
			args = args[f.Arity:]
		case *PrimOpApp:
			left := f.Op.Arity - len(f.Args)
			if len(args) < left {
				all := make([]Value, 0, len(f.Args)+len(args))
				all = append(append(all, f.Args...), args...)
				cur = &PrimOpApp{Op: f.Op, Args: all}
				args = nil
				break
			}
			all := make([]Value, 0, f.Op.Arity)
			all = append(append(all, f.Args...), args[:left]...)
			cur = st.callPrimOp(f.Op, all, pos)
			args = args[left:]
		case *Attrs:
			functor := f.Get(st.sFunctor)
			if functor == nil {
				st.notCallable(cur, pos)
			}
			st.frames = append(st.frames, frame{kind: fMsg, pos: pos, msg: "while calling a functor (an attribute set with a '__functor' attribute)"})
			cur = st.Call2(functor.Value, cur, args[0], functor.Pos)
			st.frames = st.frames[:len(st.frames)-1]
			args = args[1:]
		default:
			st.notCallable(cur, pos)
		}
	}
	st.callDepth--
	return cur
}

func (st *State) notCallable(v Value, pos token.Pos) {
	st.Errorf(TypeError, pos, "attempt to call something which is not a function but %s: %s", TypeName(v), st.ShowValue(freshCell(v)))
}

func (st *State) callPrimOp(op *PrimOp, args []Value, pos token.Pos) Value {
	if op.NoTrace {
		return op.Fn(st, token.NoPos, args)
	}
	st.frames = append(st.frames, frame{kind: fPrimOp, pos: pos, msg: op.Name})
	v := op.Fn(st, token.NoPos, args)
	st.frames = st.frames[:len(st.frames)-1]
	return v
}

// callLambda applies a lambda to one argument.
func (st *State) callLambda(l *Lambda, arg Value, pos token.Pos) Value {
	fn := l.Fn
	env := st.newEnv(l.Env, fn.size)
	if !fn.hasFormals {
		*env.slot(0) = arg
	} else {
		var attrs *Attrs
		if t, ok := arg.(*Thunk); ok && t.code != nil || arg.Type() != TypeAttrs {
			if pos != token.NoPos {
				st.frames = append(st.frames, frame{kind: fCallSite, pos: pos})
			}
			attrs = st.ForceAttrs(arg, fn.p, "while evaluating the value passed for the lambda argument")
			if pos != token.NoPos {
				st.frames = st.frames[:len(st.frames)-1]
			}
		} else {
			attrs = st.Force(arg, fn.p).(*Attrs)
		}
		displ := 0
		if fn.arg != 0 {
			*env.slot(0) = arg
			displ = 1
		}
		used := 0
		for i := range fn.formals {
			f := &fn.formals[i]
			if j := attrs.Get(f.name); j != nil {
				used++
				*env.slot(displ) = j.Value
			} else {
				if f.def == nil {
					st.throw(&Error{Kind: TypeError, Pos: fn.p,
						Msg: "function '" + st.lambdaNameBare(fn) + "' called without required argument '" + syntax.Identifier(st.Symbols.Name(f.name)) + "'",
						own: []Trace{{Pos: pos, Msg: "from call site"}}})
				}
				*env.slot(displ) = st.lazy(f.def, env)
			}
			displ++
		}
		if !fn.ellipsis && used != attrs.Len() {
			for _, a := range attrs.flat() {
				if !fn.hasFormal(a.Name) {
					names := make([]string, len(fn.formals))
					for i, f := range fn.formals {
						names[i] = st.Symbols.Name(f.name)
					}
					st.throw(&Error{Kind: TypeError, Pos: fn.p,
						Msg:         "function '" + st.lambdaNameBare(fn) + "' called with unexpected argument '" + syntax.Identifier(st.Symbols.Name(a.Name)) + "'",
						own:         []Trace{{Pos: pos, Msg: "from call site"}},
						Suggestions: bestMatches(names, st.Symbols.Name(a.Name))})
				}
			}
		}
	}
	if st.ShowTrace {
		fi := len(st.frames)
		if pos != token.NoPos {
			st.frames = append(st.frames, frame{kind: fCallSite, pos: pos})
		}
		st.frames = append(st.frames, frame{kind: fMsg, pos: fn.p, msg: "while calling " + st.lambdaName(fn)})
		v := fn.body.eval(st, env)
		st.frames = st.frames[:fi]
		if fn.reuse {
			st.releaseEnv(env, fn.size)
		}
		return v
	}
	v := fn.body.eval(st, env)
	if fn.reuse {
		st.releaseEnv(env, fn.size)
	}
	return v
}

// lambdaNameBare is the name used in argument errors: the name or "anonymous lambda".
func (st *State) lambdaNameBare(fn *lambdaNode) string {
	if fn.name == 0 {
		return "anonymous lambda"
	}
	return st.Symbols.Name(fn.name)
}

// AutoCall applies fun to the automatic arguments (--arg/--argstr), as CppNix's
// autoCallFunction: functors are called first; functions with a set pattern get
// the arguments they name (or all of them with ...); other values are returned.
func (st *State) AutoCall(args *Attrs, fun Value) Value {
	pos := st.determinePos(fun, token.NoPos)
	fun = st.Force(fun, pos)
	if a, ok := fun.(*Attrs); ok {
		if f := a.Get(st.sFunctor); f != nil {
			v := st.Force(st.Call1(f.Value, fun, pos), pos)
			return st.AutoCall(args, v)
		}
	}
	l, ok := fun.(*Lambda)
	if !ok || !l.Fn.hasFormals {
		return fun
	}
	b := NewAttrsBuilder(len(l.Fn.formals))
	if l.Fn.ellipsis {
		for _, a := range args.flat() {
			b.Add(a.Name, a.Pos, a.Value)
		}
	} else {
		for _, f := range l.Fn.formals {
			if j := args.Get(f.name); j != nil {
				b.Add(j.Name, j.Pos, j.Value)
			} else if f.def == nil {
				st.Errorf(MissingArgument, f.pos, `cannot evaluate a function that has an argument without a value ('%s')
Nix attempted to evaluate a function as a top level expression; in
this case it must have its arguments supplied either by default
values, or passed explicitly with '--arg' or '--argstr'. See
https://nixos.org/manual/nix/stable/language/constructs.html#functions.`, st.Symbols.Name(f.name))
			}
		}
	}
	return st.Call1(fun, b.Finish(), pos)
}

// determinePos is CppNix's Value::determinePos: the position of a set or lambda,
// else pos.
func (st *State) determinePos(v Value, pos token.Pos) token.Pos {
	if t, ok := v.(*Thunk); ok && t.code == nil {
		v = t.x
	}
	switch x := v.(type) {
	case *Attrs:
		return x.Pos
	case *Lambda:
		return x.Fn.p
	case *Thunk:
		if app, ok := x.code.(*appNode); ok {
			return st.determinePos(app.fn, pos)
		}
		if app, ok := x.code.(*fnApp); ok {
			return st.determinePos(app.fn, pos)
		}
		if app, ok := x.code.(*app2Node); ok {
			return st.determinePos(app.fn, pos)
		}
	}
	return pos
}
