// This file checks the import rules between nixgo's packages.

package archtest

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/nixgo/nixgo/"

// imports returns, for each package directory under root, the nixgo packages
// its non-test files import.
func imports(t *testing.T, root string) map[string][]string {
	res := map[string][]string{}
	err := filepath.Walk(root, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.IsDir() {
			if name := fi.Name(); name == "testdata" || strings.HasPrefix(name, ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(path))
		dir = filepath.ToSlash(dir)
		for _, imp := range f.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			if strings.HasPrefix(p, module) {
				res[dir] = append(res[dir], strings.TrimPrefix(p, module))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestImportRules(t *testing.T) {
	root, _ := filepath.Abs("../..")
	for pkg, deps := range imports(t, root) {
		for _, dep := range deps {
			switch {
			case strings.HasPrefix(pkg, "format") && !strings.HasPrefix(dep, "format"):
				t.Errorf("%s imports %s: format packages may import only the standard library and format/*", pkg, dep)
			case strings.HasPrefix(pkg, "lang") && !strings.HasPrefix(dep, "lang") && !strings.HasPrefix(dep, "format"):
				t.Errorf("%s imports %s: the language packages reach the outside only through interfaces", pkg, dep)
			case pkg == "config":
				t.Errorf("config imports %s: config must not depend on other nixgo packages", dep)
			}
		}
	}
}
