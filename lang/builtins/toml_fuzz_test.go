// A fuzz target for fromTOML's walk over the document (toml_scan.go) and its
// error formatting, which do their own index arithmetic.

package builtins

import (
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/nixgo/nixgo/lang/eval"
)

func FuzzFromTOML(f *testing.F) {
	for _, s := range []string{
		"a = 1\n[b]\nc = [1, 2, {d = 3}]\n",
		"a = 1979-05-27T07:32:00.123-07:00\nb = [07:32:00, 1979-05-27]\n",
		"a.b = 1\na = 2",
		"[[x]]\n[x.y]\nz = '''\nq'''\n",
		"\"k\\u0041\" = \"\"\"a\\\n  b\"\"\"",
		"a = {b=1,}",
		"a = [\n  1,\n  2,\n]\na.b = 1",
		"x = 9223372036854775808",
	} {
		f.Add(s)
	}
	st := eval.New(eval.Options{})
	Install(st, Config{})
	f.Fuzz(func(t *testing.T, src string) {
		text, dts, marker, _ := scanTOML(src)
		// Without dates, the walk only adds line breaks (before a table
		// header that follows a pair on its line, which toml11 accepts).
		if len(dts) == 0 && strings.ReplaceAll(text, "\n", "") != strings.ReplaceAll(src, "\n", "") {
			t.Fatalf("%q changed without dates: %q", src, text)
		}
		if marker != "" && strings.Contains(src, marker) {
			t.Fatalf("%q: marker %q is in the document", src, marker)
		}
		// Without dates or added line breaks, the walk must not change
		// what the parser reads.
		if len(dts) == 0 && text == src {
			var a, b map[string]any
			_, errA := toml.Decode(src, &a)
			_, errB := toml.Decode(text, &b)
			if (errA == nil) != (errB == nil) || errA == nil && !reflect.DeepEqual(a, b) {
				t.Fatalf("%q: parsed differently", src)
			}
		}
		// Conversion and error formatting must not panic.
		if _, err := fromTOML(st, src); err != nil {
			_ = err.Error()
		}
	})
}
