// This file holds the fuzz target of the scanner and parser.

package syntax

import (
	"testing"

	"github.com/nixgo/nixgo/lang/token"
)

// FuzzParse checks that no input makes the parser panic, and that printing a
// parsed tree is deterministic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"1 + 2", "let x = 1; in x", "{ a.b = 1; a.c = 2; }", "''\n  a\n  ${b}\n''", "./a/${b}/c",
		"x: y: x.a or y", "{ a, b ? 1, ... }@args: a", "rec { inherit a; inherit (b) c; }",
		"\"${a}b\\n$${c}\"", "a |> f <| b", "<nixpkgs/lib>", "http://x.org/y", "assert a; with b; c",
		"if a then b else c", "!a || b && c -> d", "a ? b.\"c\".${d}", "[ 1 2.5 \"x\" ]", "__curPos",
		"{ ${a} = 1; }", "let { body = 1; }", "1.5e3", "~/x", "/* c */ # c\n a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, pipes := range []bool{false, true} {
			fs := token.NewFileSet()
			file := fs.AddFile(token.OriginString, "", []byte(src))
			syms := NewSymbols()
			e, err := Parse(fs, file, []byte(src), syms, &Config{BaseDir: "/base", Home: "/home", PipeOperators: pipes})
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("error of unexpected type %T: %v", err, err)
				}
				continue
			}
			if a, b := Show(syms, e), Show(syms, e); a != b {
				t.Fatalf("printing is not deterministic: %q vs %q", a, b)
			}
		}
	})
}
