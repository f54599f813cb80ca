// This file holds arithmetic, bitwise and comparison builtins.

package builtins

import (
	"math"

	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/token"
)

func ceil(f float64) float64  { return math.Ceil(f) }
func floor(f float64) float64 { return math.Floor(f) }

// arith implements + - * with CppNix's contexts and overflow errors.
func arith(name, what, firstCtx, secondCtx string, fop func(a, b float64) float64, iop func(a, b int64) (int64, bool), sym string) fn {
	firstInt := "while evaluating the first argument of the " + what
	secondInt := "while evaluating the second argument of the " + what
	return func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		a := st.Force(args[0], pos)
		b := st.Force(args[1], pos)
		if a.Type() == eval.TypeFloat || b.Type() == eval.TypeFloat {
			return eval.Float(fop(st.ForceFloat(a, pos, firstCtx), st.ForceFloat(b, pos, secondCtx)))
		}
		i1 := st.ForceInt(a, pos, firstInt)
		i2 := st.ForceInt(b, pos, secondInt)
		r, ok := iop(i1, i2)
		if !ok {
			st.Errorf(eval.EvalError, pos, "integer overflow in %s %d %s %d", name, i1, sym, i2)
		}
		return eval.MkInt(r)
	}
}

func addOv(a, b int64) (int64, bool) {
	r := a + b
	return r, (a >= 0) != (b >= 0) || (r >= 0) == (a >= 0)
}

func subOv(a, b int64) (int64, bool) {
	r := a - b
	return r, (a >= 0) == (b >= 0) || (r >= 0) == (a >= 0)
}

func mulOv(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	r := a * b
	if r/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return r, false
	}
	return r, true
}

var arithBuiltins = []def{
	{name: "__add", arity: 2, fn: arith("adding", "addition",
		"while evaluating the first argument of the addition", "while evaluating the second argument of the addition",
		func(a, b float64) float64 { return a + b }, addOv, "+")},
	{name: "__sub", arity: 2, fn: arith("subtracting", "subtraction",
		"while evaluating the first argument of the subtraction", "while evaluating the second argument of the subtraction",
		func(a, b float64) float64 { return a - b }, subOv, "-")},
	{name: "__mul", arity: 2, fn: arith("multiplying", "multiplication",
		"while evaluating the first of the multiplication", "while evaluating the second argument of the multiplication",
		func(a, b float64) float64 { return a * b }, mulOv, "*")},
	{name: "__div", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		a := st.Force(args[0], pos)
		b := st.Force(args[1], pos)
		f2 := st.ForceFloat(b, pos, "while evaluating the second operand of the division")
		if f2 == 0 {
			st.Errorf(eval.EvalError, pos, "division by zero")
		}
		if a.Type() == eval.TypeFloat || b.Type() == eval.TypeFloat {
			return eval.Float(st.ForceFloat(a, pos, "while evaluating the first operand of the division") / f2)
		}
		i1 := st.ForceInt(a, pos, "while evaluating the first operand of the division")
		i2 := st.ForceInt(b, pos, "while evaluating the second operand of the division")
		if i1 == math.MinInt64 && i2 == -1 {
			st.Errorf(eval.EvalError, pos, "integer overflow in dividing %d / %d", i1, i2)
		}
		return eval.MkInt(i1 / i2)
	}},
	{name: "__bitAnd", arity: 2, fn: bitOp("bitAnd", func(a, b int64) int64 { return a & b })},
	{name: "__bitOr", arity: 2, fn: bitOp("bitOr", func(a, b int64) int64 { return a | b })},
	{name: "__bitXor", arity: 2, fn: bitOp("bitXor", func(a, b int64) int64 { return a ^ b })},
	{name: "__lessThan", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		a := st.Force(args[0], pos)
		b := st.Force(args[1], pos)
		return eval.Bool(st.CompareValues(a, b, ""))
	}},
}

func bitOp(name string, op func(a, b int64) int64) fn {
	return func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		a := st.ForceInt(args[0], pos, ctxArg(1, name))
		b := st.ForceInt(args[1], pos, ctxArg(2, name))
		return eval.MkInt(op(a, b))
	}
}
