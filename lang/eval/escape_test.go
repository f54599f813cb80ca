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
		p, err := st.Parse(token.OriginString, "", []byte(c.src), "/")
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		l, ok := p.node.(*lambdaNode)
		if !ok {
			t.Fatalf("%s: compiled to %T, not a lambda", c.src, p.node)
		}
		if l.reuse != c.reuse {
			t.Errorf("%s: reuse = %v, want %v", c.src, l.reuse, c.reuse)
		}
	}
}
