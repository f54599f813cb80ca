// This file exports the operations built-in functions need: traces, catching
// errors, lazy values, comparisons and access to function patterns.

package eval

import (
	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

// PushTrace adds a trace frame: an error raised before the matching PopTrace
// gets "… msg" at pos in its trace, as CppNix's catch-and-addTrace.
func (st *State) PushTrace(pos token.Pos, msg string) {
	st.frames = append(st.frames, frame{kind: fMsg, pos: pos, msg: msg})
}

// PushTraceAlways is PushTrace for a trace printed even when the trace is
// truncated (builtins.addErrorContext).
func (st *State) PushTraceAlways(pos token.Pos, msg string) {
	st.frames = append(st.frames, frame{kind: fAlways, pos: pos, msg: msg})
}

// PushDerivationTrace adds the "while evaluating derivation 'name'" frame, whose
// message spans two lines.
func (st *State) PushDerivationTrace(msg string) {
	st.frames = append(st.frames, frame{kind: fDerivationName, msg: msg})
}

// PushDerivationAttrTrace adds the frame "while evaluating attribute
// '<attr>' of derivation '<drvName>'", whose message is made only if an
// error needs it.
func (st *State) PushDerivationAttrTrace(pos token.Pos, attr syntax.Symbol, drvName string) {
	st.frames = append(st.frames, frame{kind: fDrvAttr, pos: pos, sym: attr, msg: drvName})
}

// PopTrace removes the last trace frame.
func (st *State) PopTrace() { st.frames = st.frames[:len(st.frames)-1] }

// TraceDepth returns the number of active frames, for TruncateTrace.
func (st *State) TraceDepth() int { return len(st.frames) }

// TruncateTrace removes the frames above depth.
func (st *State) TruncateTrace(depth int) { st.frames = st.frames[:depth] }

// Catch runs f; an evaluation error raised inside is returned (with the frames
// pushed inside attached), and the evaluator's stacks are restored.
func (st *State) Catch(f func()) *Error { return st.catch(f) }

// Rethrow raises a caught error again.
func (st *State) Rethrow(e *Error) { panic(e) }

// FinishError turns the frames of a caught error into traces.
func (st *State) FinishError(e *Error) { st.finish(e) }

// Lazy returns a value that evaluates fn applied to arg when forced.
func (st *State) Lazy(fn, arg Value) Value { return NewApp(fn, arg) }

// ConcatLists concatenates lists as the ++ operator.
func (st *State) ConcatLists(lists []Value, pos token.Pos, ctx string) Value {
	return st.concatLists(lists, pos, ctx)
}

// AttrsFromSorted makes a set from attributes already sorted by symbol and unique.
func AttrsFromSorted(l []Attr) *Attrs { return attrsFromSorted(l) }

// NewEmptyAttrs returns a set without attributes that is not the shared empty
// set: CppNix shares one empty set among the sets it builds with no room for
// attributes, but a set built with room that ends up empty (removeAttrs of
// every name) is a set of its own, which its printer does not report as
// «repeated».
func NewEmptyAttrs() *Attrs { return &Attrs{} }

// FormalInfo describes one argument of a set pattern.
type FormalInfo struct {
	Name       syntax.Symbol
	Pos        token.Pos
	HasDefault bool
}

// HasFormals reports whether the function takes a set pattern.
func (l *Lambda) HasFormals() bool { return l.Fn.hasFormals }

// Formals returns the arguments of the set pattern, sorted by symbol.
func (l *Lambda) Formals() []FormalInfo {
	out := make([]FormalInfo, len(l.Fn.formals))
	for i, f := range l.Fn.formals {
		out[i] = FormalInfo{Name: f.name, Pos: f.pos, HasDefault: f.def != nil}
	}
	return out
}

// Pos returns where the function was written.
func (l *Lambda) Pos() token.Pos { return l.Fn.p }

// DeterminePos returns the position of a set or function, else pos.
func (st *State) DeterminePos(v Value, pos token.Pos) token.Pos { return st.determinePos(v, pos) }

// Predefined symbols used by builtins.
func (st *State) SymOutPath() syntax.Symbol  { return st.sOutPath }
func (st *State) SymDrvPath() syntax.Symbol  { return st.sDrvPath }
func (st *State) SymType() syntax.Symbol     { return st.sType }
func (st *State) SymName() syntax.Symbol     { return st.sName }
func (st *State) SymValue() syntax.Symbol    { return st.sValue }
func (st *State) SymFunctor() syntax.Symbol  { return st.sFunctor }
func (st *State) SymToString() syntax.Symbol { return st.sToString }
func (st *State) SymOutputs() syntax.Symbol  { return st.sOutputs }
func (st *State) SymRight() syntax.Symbol    { return st.sRight }
func (st *State) SymWrong() syntax.Symbol    { return st.sWrong }
func (st *State) SymStartSet() syntax.Symbol { return st.sStartSet }
func (st *State) SymOperator() syntax.Symbol { return st.sOperator }
func (st *State) SymKey() syntax.Symbol      { return st.sKey }
func (st *State) SymPath() syntax.Symbol     { return st.sPath }
func (st *State) SymPrefix() syntax.Symbol   { return st.sPrefix }
func (st *State) SymFile() syntax.Symbol     { return st.sFile }
func (st *State) SymLine() syntax.Symbol     { return st.sLine }
func (st *State) SymColumn() syntax.Symbol   { return st.sColumn }

// CompareValues orders two forced values as CppNix's CompareValues (the <
// operator): numbers, strings, paths, and lists lexicographically. ctx, when
// not empty, is added as a trace to errors.
func (st *State) CompareValues(a, b Value, ctx string) bool {
	if ctx == "" {
		return st.compareValues(a, b, ctx)
	}
	// Frames are popped explicitly, never in a defer: an error must find them.
	st.frames = append(st.frames, frame{kind: fMsg, msg: ctx})
	r := st.compareValues(a, b, ctx)
	st.frames = st.frames[:len(st.frames)-1]
	return r
}

func (st *State) compareValues(a, b Value, ctx string) bool {
	switch x := a.(type) {
	case Float:
		switch y := b.(type) {
		case Int:
			return float64(x) < float64(y)
		case Float:
			return x < y
		}
	case Int:
		switch y := b.(type) {
		case Float:
			return float64(x) < float64(y)
		case Int:
			return x < y
		}
	}
	if a.Type() != b.Type() {
		st.Errorf(EvalError, token.NoPos, "cannot compare %s with %s", TypeName(a), TypeName(b))
	}
	switch x := a.(type) {
	case *String:
		return cstr(x.S) < cstr(b.(*String).S)
	case Path:
		return x < b.(Path)
	case *List:
		y := b.(*List)
		for i := 0; ; i++ {
			if i == len(y.Elems) {
				return false
			}
			if i == len(x.Elems) {
				return true
			}
			if !st.eq(x.Elems[i], y.Elems[i], token.NoPos, ctx, 1) {
				return st.CompareValues(st.Force(x.Elems[i], 0), st.Force(y.Elems[i], 0), "while comparing two list elements")
			}
		}
	}
	st.Errorf(EvalError, token.NoPos, "cannot compare %s with %s; values of that type are incomparable", TypeName(a), TypeName(b))
	return false
}
