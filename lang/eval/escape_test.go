// This file tests which functions reuse their call environments, and that
// reuse never changes a result.

package eval

import (
	"testing"

	"github.com/nixgo/nixgo/lang/token"
)

// TestReusableEnv checks the escape analysis on the outermost lambda of each
// expression.
func TestReusableEnv(t *testing.T) {
	cases := []struct {
		src   string
		reuse bool
	}{
		{"x: x", true},
		{"x: x + 1", true},
		{"x: if x then 1 else 2", true},
		{"x: x.a.b or 1", true},
		{"x: x ? a", true},
		{"x: \"${x}-suffix\"", true},
		{"x: [ x 1 \"s\" ]", true},
		{"f: f 1 f", true},
		{"x: x == 1 && x != 2", true},
		{"x: { a = 1; } // x", false}, // a set literal: conservative
		{"x: [ (x + 1) ]", false},     // a thunk of the environment
		{"f: f (f 1)", false},
		{"x: y: x", false}, // a closure
		{"x: let y = x; in y", false},
		{"x: with x; a", false},
		{"{ a ? 1 }: a", true},
		{"{ a ? \"d\" }: a", true},
		{"{ a ? b, b }: a", false}, // the default is a thunk of the environment
		{"{ a ? 1 + 1 }: a", false},
		{"f: x: f x", false},
		{"x: assert x; x", true},
		{"x: !x", true},
	}
	st := New(Options{})
	for _, c := range cases {
		l := compileLambda(t, st, c.src)
		if l.reuse != c.reuse {
			t.Errorf("%s: reuse = %v, want %v", c.src, l.reuse, c.reuse)
		}
	}
}

// TestCurried checks which functions of two arguments are called without
// making the inner function (lambdaNode.curried).
func TestCurried(t *testing.T) {
	cases := []struct {
		src     string
		curried bool
	}{
		{"a: b: a == b", true},
		{"a: b: a && b", true},
		{"a: b: if a == 0 then b else a", true},
		{"a: b: a", true},
		{"a: b: [ a b ]", false},     // a of an enclosing scope is delayed (lazyIsValue)
		{"a: b: [ (a + b) ]", false}, // a thunk of the environment
		{"a: b: c: a", false},        // the inner body is a closure
		{"a: { b }: b", false},       // a pattern
		{"{ a }: b: a", false},
		{"a: let c = a; in b: c", false},
	}
	st := New(Options{})
	for _, c := range cases {
		l := compileLambda(t, st, c.src)
		if got := l.curried != nil; got != c.curried {
			t.Errorf("%s: curried = %v, want %v", c.src, got, c.curried)
		}
	}
}

// compileLambda compiles src, which must be a function.
func compileLambda(t *testing.T, st *State, src string) *lambdaNode {
	t.Helper()
	p, err := st.Parse(token.OriginString, "", []byte(src), "/")
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	l, ok := p.node.(*lambdaNode)
	if !ok {
		t.Fatalf("%s: compiled to %T, not a lambda", src, p.node)
	}
	return l
}
