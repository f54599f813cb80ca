// This file holds the fuzz target of resolution and lowering (compile).

package eval_test

import (
	"testing"

	"github.com/nixgo/nixgo/lang/builtins"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/token"
	"github.com/nixgo/nixgo/store/dummy"
)

// FuzzCompile checks that parsing and compiling any input in a full base
// environment returns a value or an *eval.Error, and never panics.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		"let x = 1; in x", "with { a = 1; }; a", "rec { a = b; b = 1; }", "x: with x; y",
		"let inherit (a) b; a = {}; in b", "{ a, b ? a }: b", "undefined", "with 1; with 2; z",
	} {
		f.Add(s)
	}
	st := eval.New(eval.Options{Store: dummy.New("/nix/store")})
	builtins.Install(st, builtins.Config{CurrentTime: 1})
	f.Fuzz(func(t *testing.T, src string) {
		_, err := st.Parse(token.OriginString, "", []byte(src), "/base")
		if err != nil {
			if _, ok := err.(*eval.Error); !ok {
				t.Fatalf("error of unexpected type %T: %v", err, err)
			}
		}
	})
}
