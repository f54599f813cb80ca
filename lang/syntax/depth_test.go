// This file tests the limit on nesting, which follows bison's stack limit in
// CppNix's parser.

package syntax

import (
	"strings"
	"testing"

	"github.com/nixgo/nixgo/lang/token"
)

// TestNestingLimit checks where deep nesting fails, with CppNix's columns
// (measured with CppNix 2.26), and that nesting far beyond fails cleanly.
// (The model counts the states of the nesting, not those of the innermost
// expression: CppNix also rejects 9997 parentheses around "1", where the
// closing one no longer fits.)
func TestNestingLimit(t *testing.T) {
	cases := []struct {
		name, src string
		col       int // 0: parses
	}{
		{"parens", strings.Repeat("(", 9000) + "1" + strings.Repeat(")", 9000), 0},
		{"parens", strings.Repeat("(", 12000) + "1" + strings.Repeat(")", 12000), 9999},
		{"lists", strings.Repeat("[", 4990) + strings.Repeat("]", 4990), 0},
		{"lists", strings.Repeat("[", 6000) + strings.Repeat("]", 6000), 5000},
		{"lambdas", strings.Repeat("x: ", 6000) + "1", 14998},
		{"not", strings.Repeat("!", 12000) + "true", 9999},
		{"concat", strings.Repeat("[1] ++ ", 6000) + "[1]", 34988},
		{"interpolation", strings.Repeat(`"${`, 12000) + "1" + strings.Repeat(`}"`, 12000), 14998},
		{"application", strings.Repeat("f (", 6000) + "1" + strings.Repeat(")", 6000), 14998},
		{"implication", strings.Repeat("true -> ", 6000) + "true", 39993},
		{"paths", strings.Repeat("./a${", 6000) + `"b"` + strings.Repeat("}", 6000), 24996},
		{"a million parentheses", strings.Repeat("(", 1000000) + "1" + strings.Repeat(")", 1000000), 9999},
		{"a million lets", strings.Repeat("let a = 1; in ", 1000000) + "1", -1},
	}
	for _, c := range cases {
		fs := token.NewFileSet()
		file := fs.AddFile(token.OriginString, "", []byte(c.src))
		_, err := Parse(fs, file, []byte(c.src), NewSymbols(), &Config{BaseDir: "/base"})
		if c.col == 0 {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		e, ok := err.(*Error)
		if !ok || e.Msg != "memory exhausted" {
			t.Errorf("%s: error %v, want memory exhausted", c.name, err)
			continue
		}
		if pos := fs.Position(e.Pos); c.col > 0 && (pos.Line != 1 || pos.Column != c.col) {
			t.Errorf("%s: at %d:%d, want 1:%d", c.name, pos.Line, pos.Column, c.col)
		}
	}
}
