// This file holds equality of values (==) and its explaining twin for assert a == b.

package eval

import (
	"fmt"

	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

// identical reports whether two unforced values are the same object, which
// CppNix treats as equal without comparing (functions included).
func identical(a, b Value) bool {
	switch x := a.(type) {
	case *Thunk:
		return x == b
	case *Lambda:
		y, ok := b.(*Lambda)
		return ok && x == y
	case *PrimOp:
		y, ok := b.(*PrimOp)
		return ok && x == y
	case *PrimOpApp:
		y, ok := b.(*PrimOpApp)
		return ok && x == y
	case *Attrs:
		y, ok := b.(*Attrs)
		return ok && x == y
	case *List:
		y, ok := b.(*List)
		return ok && x == y
	}
	return false
}

// Equal compares two values as CppNix's eqValues (the == operator).
func (st *State) Equal(a, b Value, pos token.Pos, ctx string) bool {
	return st.eq(a, b, pos, ctx, 0)
}

// EqualCells compares two values held in cells as CppNix's eqValues called on
// them directly (builtins.elem): a value in the same cell is equal to itself,
// functions included, unlike the operands of ==, which are evaluated into cells
// of their own.
func (st *State) EqualCells(a, b Value, pos token.Pos, ctx string) bool {
	return st.eq(a, b, pos, ctx, 1)
}

// eqMaxDepth is the nesting depth at which CppNix 2.26's eqValues runs out of
// C stack (nested lists or sets of 450,000 levels compare, 475,000 do not); it
// then exits with "stack overflow". Without a bound, comparing two distinct
// cyclic structures would exhaust the Go stack instead.
const eqMaxDepth = 460000

// eq is eqValues; depth is the nesting level (0 for the values compared).
func (st *State) eq(a, b Value, pos token.Pos, ctx string, depth int) bool {
	if depth > eqMaxDepth {
		st.Errorf(StackOverflow, token.NoPos, "stack overflow (possible infinite recursion)")
	}
	nested := depth > 0
	same := nested && identical(a, b)
	a = st.Force(a, pos)
	b = st.Force(b, pos)
	if same || nested && identical(a, b) {
		return true
	}
	switch x := a.(type) {
	case Int:
		switch y := b.(type) {
		case Int:
			return x == y
		case Float:
			return float64(x) == float64(y)
		}
		return false
	case Float:
		switch y := b.(type) {
		case Int:
			return float64(x) == float64(y)
		case Float:
			return x == y
		}
		return false
	case Bool:
		y, ok := b.(Bool)
		return ok && x == y
	case *String:
		y, ok := b.(*String)
		return ok && cstr(x.S) == cstr(y.S)
	case Path:
		y, ok := b.(Path)
		return ok && x == y
	case nullValue:
		return b == Null
	case *List:
		y, ok := b.(*List)
		if !ok || len(x.Elems) != len(y.Elems) {
			return false
		}
		for i := range x.Elems {
			if !st.eq(x.Elems[i], y.Elems[i], pos, ctx, depth+1) {
				return false
			}
		}
		return true
	case *Attrs:
		y, ok := b.(*Attrs)
		if !ok {
			return false
		}
		if st.IsDerivation(x) && st.IsDerivation(y) {
			i, j := x.Get(st.sOutPath), y.Get(st.sOutPath)
			if i != nil && j != nil {
				return st.eq(i.Value, j.Value, pos, ctx, depth+1)
			}
		}
		if x.Len() != y.Len() {
			return false
		}
		xl, yl := x.flat(), y.flat()
		for k := range xl {
			if xl[k].Name != yl[k].Name || !st.eq(xl[k].Value, yl[k].Value, pos, ctx, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}

// cstr cuts s at a NUL byte, as CppNix compares strings with strcmp.
func cstr(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i]
		}
	}
	return s
}

// assertEqValues explains why two values differ, raising an assertion error; it
// returns when they are equal. It follows Equal step by step.
//
// CppNix 2.26 calls it with the position of the == expression, which its
// parser leaves unset: the traces it adds ("while comparing …") have none.
func (st *State) assertEqValues(a, b Value, pos token.Pos, ctx string) {
	st.assertEq(a, b, token.NoPos, ctx, false)
}

func (st *State) assertEq(a, b Value, pos token.Pos, ctx string, nested bool) {
	same := nested && identical(a, b)
	a = st.Force(a, pos)
	b = st.Force(b, pos)
	if same || nested && identical(a, b) {
		return
	}
	fail := func(format string, args ...any) {
		st.throw(&Error{Kind: AssertionError, Msg: fmt.Sprintf(format, args...)})
	}
	isNum := func(v Value) bool { t := v.Type(); return t == TypeInt || t == TypeFloat }
	if isNum(a) && isNum(b) {
		if st.eq(a, b, pos, ctx, 0) {
			return
		}
		fail("%s with value '%s' is not equal to %s with value '%s'", TypeName(a), st.ShowValue(a), TypeName(b), st.ShowValue(b))
	}
	if a.Type() != b.Type() {
		fail("%s of value '%s' is not equal to %s of value '%s'", TypeName(a), st.ShowValue(a), TypeName(b), st.ShowValue(b))
	}
	switch x := a.(type) {
	case Bool:
		if x != b.(Bool) {
			fail("boolean '%s' is not equal to boolean '%s'", st.ShowValue(a), st.ShowValue(b))
		}
	case *String:
		if cstr(x.S) != cstr(b.(*String).S) {
			fail("string '%s' is not equal to string '%s'", st.ShowValue(a), st.ShowValue(b))
		}
	case Path:
		if x != b.(Path) {
			fail("path '%s' is not equal to path '%s'", st.ShowValue(a), st.ShowValue(b))
		}
	case *List:
		y := b.(*List)
		if len(x.Elems) != len(y.Elems) {
			fail("list of size '%d' is not equal to list of size '%d', left hand side is '%s', right hand side is '%s'",
				len(x.Elems), len(y.Elems), st.ShowValue(a), st.ShowValue(b))
		}
		for i := range x.Elems {
			st.push(fMsg, pos, fmt.Sprintf("while comparing list element %d", i))
			st.assertEq(x.Elems[i], y.Elems[i], pos, ctx, true)
			st.pop()
		}
	case *Attrs:
		y := b.(*Attrs)
		if st.IsDerivation(x) && st.IsDerivation(y) {
			i, j := x.Get(st.sOutPath), y.Get(st.sOutPath)
			if i != nil && j != nil {
				st.push(fMsg, pos, "while comparing a derivation by its 'outPath' attribute")
				st.assertEq(i.Value, j.Value, pos, ctx, true)
				st.pop()
				return
			}
		}
		if x.Len() != y.Len() {
			fail("attribute names of attribute set '%s' differs from attribute set '%s'", st.ShowValue(a), st.ShowValue(b))
		}
		xl, yl := x.flat(), y.flat()
		for k := range xl {
			i, j := &xl[k], &yl[k]
			if i.Name != j.Name {
				if y.Get(i.Name) == nil {
					fail("attribute name '%s' is contained in '%s', but not in '%s'", syntax.Identifier(st.Symbols.Name(i.Name)), st.ShowValue(a), st.ShowValue(b))
				}
				fail("attribute name '%s' is missing in '%s', but is contained in '%s'", syntax.Identifier(st.Symbols.Name(j.Name)), st.ShowValue(a), st.ShowValue(b))
			}
			n := len(st.frames)
			st.push(fMsg, pos, "while comparing attribute '"+syntax.Identifier(st.Symbols.Name(i.Name))+"'")
			if i.Pos != token.NoPos {
				st.push(fMsg, i.Pos, "where left hand side is")
			}
			if j.Pos != token.NoPos {
				st.push(fMsg, j.Pos, "where right hand side is")
			}
			st.assertEq(i.Value, j.Value, pos, ctx, true)
			st.frames = st.frames[:n]
		}
	case *Lambda, *PrimOp, *PrimOpApp:
		fail("distinct functions and immediate comparisons of identical functions compare as unequal")
	case Int:
		if x != b.(Int) {
			fail("integer '%d' is not equal to integer '%d'", int64(x), int64(b.(Int)))
		}
	case Float:
		if x != b.(Float) {
			fail("float '%f' is not equal to float '%f'", float64(x), float64(b.(Float)))
		}
	}
}
