//go:build linux

// This file replays the file system and hash builtins cases of
// testdata/paths.txt, whose results come from CppNix 2.26 (see testdata/gen).

package builtins_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/nar"
	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/lang/builtins"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/token"
)

// pathCase is one case of testdata/paths.txt.
type pathCase struct {
	name, flags, expr, known string
	stdout, stderr, exit     string
}

func readPathCases(t *testing.T, file string) (tree []string, cases []*pathCase) {
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var c *pathCase
	section := ""
	for _, l := range strings.Split(strings.TrimSuffix(string(src), "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "=== "):
			c = &pathCase{name: l[4:]}
			cases = append(cases, c)
			section = ""
		case c == nil:
			if strings.HasPrefix(l, "tree ") {
				tree = append(tree, l)
			}
		case l == "--- stdout" || l == "--- stderr":
			section = l[4:]
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
	return tree, cases
}

// buildTree creates the files that the "tree KIND NAME [ARG]" lines describe.
func buildTree(t *testing.T, dir string, lines []string) {
	for _, l := range lines {
		f := strings.Fields(l)
		p := filepath.Join(dir, f[2])
		arg := ""
		if len(f) > 3 {
			s, err := strconv.Unquote(strings.Join(f[3:], " "))
			if err != nil {
				t.Fatalf("%s: %v", l, err)
			}
			arg = strings.ReplaceAll(s, "@D@", dir)
		}
		var err error
		switch f[1] {
		case "file":
			err = os.WriteFile(p, []byte(arg), 0o644)
		case "exec":
			err = os.WriteFile(p, []byte(arg), 0o755)
		case "dir":
			err = os.Mkdir(p, 0o755)
		case "symlink":
			err = os.Symlink(arg, p)
		case "fifo":
			err = syscall.Mkfifo(p, 0o644)
		default:
			t.Fatalf("%s: unknown kind", l)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// testStore computes store paths as a read-only store does.
type testStore struct{ dir storepath.Dir }

func (s testStore) AddPath(name, src string, recursive bool, filter func(path, typ string) bool) (string, error) {
	h := hash.NewHasher(hash.SHA256)
	method := storepath.MethodNAR
	if recursive {
		var opts nar.DumpOptions
		if filter != nil {
			opts.Filter = func(p string, fi fs.FileInfo) (bool, error) {
				typ := "unknown"
				switch m := fi.Mode(); {
				case m.IsRegular():
					typ = "regular"
				case m.IsDir():
					typ = "directory"
				case m&fs.ModeSymlink != 0:
					typ = "symlink"
				}
				return filter(p, typ), nil
			}
		}
		if err := nar.DumpPathWith(h, src, opts); err != nil {
			return "", err
		}
	} else {
		method = storepath.MethodFlat
		b, err := os.ReadFile(src)
		if err != nil {
			return "", err
		}
		h.Write(b)
	}
	p, err := s.dir.MakeFixedOutputPath(name, method, h.Sum(), storepath.References{})
	if err != nil {
		return "", err
	}
	return s.dir.Path(p), nil
}

func (s testStore) AddText(name, text string, refs []string) (string, error) {
	var rs []storepath.StorePath
	for _, r := range refs {
		p, err := s.dir.Parse(r)
		if err != nil {
			return "", err
		}
		rs = append(rs, p)
	}
	p, err := s.dir.MakeTextPath(name, hash.SumString(hash.SHA256, text), rs)
	if err != nil {
		return "", err
	}
	return s.dir.Path(p), nil
}

// evalCase evaluates expr as `nix-instantiate --eval --strict FLAGS -E EXPR`
// in dir and returns what that prints and its exit status.
func evalCase(dir, flags, expr string) (stdout, stderr, exit string) {
	var errb strings.Builder
	opts := eval.Options{
		Store:  testStore{dir: "/nix/store"},
		Home:   "/fake-home",
		Getenv: func(string) string { return "" },
		Log:    func(msg string) { errb.WriteString(msg + "\n") },
	}
	var include []string
	fl := strings.Fields(flags)
	for i := 0; i < len(fl); i++ {
		switch fl[i] {
		case "--pure-eval":
			opts.PureEval = true
		case "--restrict-eval":
			opts.RestrictEval = true
		case "-I":
			i++
			include = append(include, strings.ReplaceAll(fl[i], "@D@", dir))
		}
	}
	if !opts.PureEval {
		for _, p := range include {
			opts.SearchPath = append(opts.SearchPath, eval.SearchPathEntry{Path: p})
		}
	}
	st := eval.New(opts)
	builtins.Install(st, builtins.Config{})
	v, err := st.EvalString(expr, dir)
	if err == nil {
		err = st.Eval(func() {
			v = st.DeepForce(st.Force(v, token.NoPos))
			stdout = st.PrintAmbiguous(v) + "\n"
		})
	}
	exit = "0"
	if err != nil {
		errb.WriteString(st.Render(err, false) + "\n")
		exit = "1"
	}
	return stdout, errb.String(), exit
}

func TestPathCases(t *testing.T) {
	tree, cases := readPathCases(t, "testdata/paths.txt")
	native := t.TempDir()
	buildTree(t, native, tree)
	dir := ospath.FromNative(native) // what the evaluator sees and prints
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, exit := evalCase(dir, c.flags, c.expr)
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
