// This file checks that functions reusing their call environments
// (lambdaNode.reuse) give the same results as any others.

package eval_test

import (
	"testing"

	"github.com/nixgo/nixgo/lang/builtins"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/store/dummy"
)

// TestReusedEnvResults evaluates programs whose functions reuse their
// environments, recursively and interleaved with functions that do not.
func TestReusedEnvResults(t *testing.T) {
	cases := []struct{ src, want string }{
		{"builtins.foldl' (a: b: a + b) 0 (builtins.genList (x: x) 1000)", "499500"},
		{"let f = x: x * 2; g = x: f x + f (x + 1); in g 3", "14"},
		{"let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 15", "610"},
		{"let sq = x: x * x; in builtins.map (x: sq x + sq (x + 1)) [ 1 2 3 ]", "[ 5 13 25 ]"},
		{"let pick = { a ? 1, b ? 2 }: a + b; in [ (pick { }) (pick { a = 10; }) (pick { b = 5; a = 1; }) ]", "[ 3 12 6 ]"},
		{"let id = x: x; l = builtins.genList (i: id [ i ]) 3; in l", "[ [ 0 ] [ 1 ] [ 2 ] ]"},
		{"let f = x: if x == 0 then [ ] else [ x ] ++ f (x - 1); in f 4", "[ 4 3 2 1 ]"},
		{"let get = s: s.a or s.b; in builtins.map get [ { a = 1; } { b = 2; } ]", "[ 1 2 ]"},
		// Curried functions called with both arguments (lambdaNode.curried),
		// recursively, partly applied, and with closures that must not be
		// reused.
		{"builtins.sort (a: b: a < b) [ 3 1 2 ]", "[ 1 2 3 ]"},
		{"let sub = a: b: a - b; in [ (sub 5 3) (sub (sub 9 1) (sub 4 2)) ]", "[ 2 6 ]"},
		{"let sub = a: b: a - b; dec = sub 10; in [ (dec 1) (dec 2) (builtins.foldl' sub 100 [ 1 2 3 ]) ]", "[ 9 8 94 ]"},
		{"let pow = b: e: if e == 0 then 1 else b * pow b (e - 1); in pow 2 10", "1024"},
		{"let pair = a: b: [ a b ]; in [ (pair 1 2) (pair 3 4) ]", "[ [ 1 2 ] [ 3 4 ] ]"},
		{"let k = a: b: a; in builtins.map (x: k x 0) [ 1 2 ]", "[ 1 2 ]"},
		{"let f = a: b: c: a + b + c; in f 1 2 3", "6"},
	}
	for _, c := range cases {
		st := eval.New(eval.Options{Store: dummy.New("/nix/store")})
		builtins.Install(st, builtins.Config{CurrentTime: 1})
		var got string
		err := st.Eval(func() {
			v, err := st.EvalString(c.src, "/")
			if err != nil {
				t.Fatalf("%s: %v", c.src, err)
			}
			got = st.PrintValue(v, eval.PrintOptions{Force: true, ThrowErrors: true})
		})
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		if got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
}
