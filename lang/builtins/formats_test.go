// This file replays the cases of testdata/formats.txt (toJSON, fromJSON,
// toXML, fromTOML, and the --json and --xml outputs), whose results come from
// CppNix 2.26 (see testdata/genformats).

package builtins_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/nar"
	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/lang/builtins"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/token"
)

// formatCase is one case of testdata/formats.txt.
type formatCase struct {
	name, flags, expr, known string
	stdout, stderr, exit     string
}

// readFormatCases reads the "tree" lines and the cases; a section header
// ending in " noeol" means the output has no final newline.
func readFormatCases(t *testing.T, file string) (tree []string, cases []*formatCase) {
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var c *formatCase
	section := ""
	noEOL := map[string]bool{}
	end := func() {
		if c != nil && noEOL["stdout"] {
			c.stdout = strings.TrimSuffix(c.stdout, "\n")
		}
		if c != nil && noEOL["stderr"] {
			c.stderr = strings.TrimSuffix(c.stderr, "\n")
		}
		noEOL = map[string]bool{}
	}
	for _, l := range strings.Split(strings.TrimSuffix(string(src), "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "=== "):
			end()
			c = &formatCase{name: l[4:]}
			cases = append(cases, c)
			section = ""
		case c == nil:
			if strings.HasPrefix(l, "tree ") {
				tree = append(tree, l)
			}
		case strings.HasPrefix(l, "--- stdout") || strings.HasPrefix(l, "--- stderr"):
			section = l[4:10]
			noEOL[section] = strings.HasSuffix(l, " noeol")
		case strings.HasPrefix(l, "--- exit "):
			c.exit, section = l[9:], ""
		case section == "stdout":
			c.stdout += l + "\n"
		case section == "stderr":
			c.stderr += l + "\n"
		case strings.HasPrefix(l, "flags: "):
			c.flags = l[7:]
		case strings.HasPrefix(l, "expr: "):
			c.expr = l[6:]
		case strings.HasPrefix(l, "known: "):
			c.known = l[7:]
		}
	}
	end()
	return tree, cases
}

func writeFormatTree(t *testing.T, dir string, lines []string) {
	for _, l := range lines {
		f := strings.Fields(l)
		p := filepath.Join(dir, f[2])
		var err error
		switch f[1] {
		case "file":
			var s string
			if s, err = strconv.Unquote(strings.Join(f[3:], " ")); err == nil {
				err = os.WriteFile(p, []byte(s), 0o644)
			}
		case "dir":
			err = os.Mkdir(p, 0o755)
		}
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
	}
}

// pathStore computes the store paths of added sources as a read-only store.
type pathStore struct{ dir storepath.Dir }

func (s pathStore) AddPath(name, src string, recursive bool, filter func(path, typ string) bool) (string, error) {
	h := hash.NewHasher(hash.SHA256)
	if err := nar.DumpPathWith(h, src, nar.DumpOptions{}); err != nil {
		return "", err
	}
	p, err := s.dir.MakeFixedOutputPath(name, storepath.MethodNAR, h.Sum(), storepath.References{})
	if err != nil {
		return "", err
	}
	return s.dir.Path(p), nil
}

func (s pathStore) AddText(name, text string, refs []string) (string, error) {
	p, err := s.dir.MakeTextPath(name, hash.SumString(hash.SHA256, text), nil)
	if err != nil {
		return "", err
	}
	return s.dir.Path(p), nil
}

// runFormatCase evaluates expr as `nix-instantiate --eval FLAGS -E EXPR` in
// dir, with the flags the cases use: --strict, --json, --xml, --no-location,
// --show-trace and --extra-experimental-features.
func runFormatCase(dir, flags, expr string) (stdout, stderr, exit string) {
	var out, errb strings.Builder
	opts := eval.Options{
		Store:    pathStore{dir: "/nix/store"},
		Home:     "/fake-home",
		Getenv:   func(string) string { return "" },
		Log:      func(msg string) { errb.WriteString(msg + "\n") },
		Features: map[string]bool{},
	}
	strict, mode, location := false, "", true
	fl := strings.Fields(flags)
	for i := 0; i < len(fl); i++ {
		switch fl[i] {
		case "--strict":
			strict = true
		case "--json", "--xml":
			mode = fl[i]
		case "--no-location":
			location = false
		case "--show-trace":
			opts.ShowTrace = true
		case "--extra-experimental-features":
			i++
			opts.Features[fl[i]] = true
		}
	}
	st := eval.New(opts)
	builtins.Install(st, builtins.Config{})
	v, err := st.EvalString(expr, dir)
	if err == nil {
		err = st.Eval(func() {
			v = st.Force(v, st.DeterminePos(v, token.NoPos))
			switch mode {
			case "--json":
				st.WriteJSONTop(&out, v, strict, st.DeterminePos(v, token.NoPos))
			case "--xml":
				st.WriteXMLTop(&out, v, strict, location)
			default:
				if strict {
					v = st.DeepForce(v)
				}
				out.WriteString(st.PrintAmbiguous(v) + "\n")
			}
		})
	}
	exit = "0"
	if err != nil {
		errb.WriteString(st.Render(err, opts.ShowTrace) + "\n")
		exit = "1"
	}
	return out.String(), errb.String(), exit
}

func TestFormatCases(t *testing.T) {
	tree, cases := readFormatCases(t, "testdata/formats.txt")
	native := t.TempDir()
	writeFormatTree(t, native, tree)
	dir := ospath.FromNative(native) // what the evaluator sees and prints
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, exit := runFormatCase(dir, c.flags, c.expr)
			stdout = strings.ReplaceAll(stdout, dir, "@D@")
			stderr = strings.ReplaceAll(stderr, dir, "@D@")
			same := stdout == c.stdout && stderr == c.stderr && exit == c.exit
			switch {
			case c.known != "" && same:
				t.Errorf("known difference (%s) is gone: remove the known line", c.known)
			case c.known == "" && !same:
				t.Errorf("%s\ngot exit %s, stdout:\n%s\nstderr:\n%s\nwant exit %s, stdout:\n%s\nstderr:\n%s",
					c.expr, exit, stdout, stderr, c.exit, c.stdout, c.stderr)
			}
		})
	}
}
