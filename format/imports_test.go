// A test that the format packages import only the standard library and
// each other.

package format

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/nixgo/nixgo/"

func TestImportsOnlyStandardLibrary(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			first, _, _ := strings.Cut(p, "/")
			switch {
			case strings.HasPrefix(p, module+"format/"):
			case strings.Contains(first, "."):
				t.Errorf("%s imports %s: format packages may import only the standard library and format/...", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
