// This file checks the parser against the upstream language suite's parse cases.

package syntax

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixgo/nixgo/lang/token"
)

// suiteDir returns the upstream language suite named by NIXGO_LANG_SUITE, or skips.
func suiteDir(t *testing.T) string {
	dir := os.Getenv("NIXGO_LANG_SUITE")
	if dir == "" {
		t.Skip("NIXGO_LANG_SUITE is not set (point it at ../shared/conformance/nix-lang)")
	}
	return dir
}

func parseForTest(src []byte, name string) (string, error) {
	fs := token.NewFileSet()
	f := fs.AddFile(token.OriginStdin, "", src)
	syms := NewSymbols()
	e, err := Parse(fs, f, src, syms, &Config{BaseDir: "/pwd/lang", Home: "/fake-home"})
	if err != nil {
		if pe, ok := err.(*Error); ok {
			return "", &posErr{fs.Position(pe.Pos).String() + ": " + pe.Msg}
		}
		return "", err
	}
	return Show(syms, e), nil
}

type posErr struct{ s string }

func (e *posErr) Error() string { return e.s }

func TestSuiteParseOkay(t *testing.T) {
	dir := suiteDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "parse-okay-*.nix"))
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".nix")
		t.Run(name, func(t *testing.T) {
			src, _ := os.ReadFile(f)
			want, _ := os.ReadFile(strings.TrimSuffix(f, ".nix") + ".exp")
			got, err := parseForTest(src, name)
			if err != nil {
				t.Fatalf("parse error: %v", err)
			}
			if strings.TrimSpace(got) != strings.TrimSpace(string(want)) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}
