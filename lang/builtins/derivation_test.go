// This file tests derivationStrict against CppNix: the drvPath, output paths
// and .drv text of the derivations in testdata/derivations/cases.nix, and
// error messages, as testdata/derivations/gen.sh captured them from the
// reference.

package builtins_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/lang/builtins"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/token"
	"github.com/nixgo/nixgo/store/dummy"
)

const drvTestdata = "testdata/derivations"

// memStore computes paths as the dummy store does and keeps what is added,
// like a real store: it implements builtins.StoreReader.
type memStore struct {
	*dummy.Store
	files map[string]string   // text files (toFile, .drv) by path
	refs  map[string][]string // references by path
}

func newMemStore() *memStore {
	return &memStore{Store: dummy.New("/nix/store"), files: map[string]string{}, refs: map[string][]string{}}
}

func (s *memStore) AddPath(name, src string, recursive bool, filter func(path, typ string) bool) (string, error) {
	p, err := s.Store.AddPath(name, src, recursive, filter)
	if err == nil {
		s.refs[p] = nil
	}
	return p, err
}

func (s *memStore) AddText(name, text string, refs []string) (string, error) {
	p, err := s.Store.AddText(name, text, refs)
	if err == nil {
		s.files[p] = text
		s.refs[p] = refs
	}
	return p, err
}

func (s *memStore) IsValidPath(path string) bool { _, ok := s.refs[path]; return ok }

func (s *memStore) QueryReferences(path string) ([]string, error) {
	r, ok := s.refs[path]
	if !ok {
		return nil, &os.PathError{Op: "query", Path: path, Err: os.ErrNotExist}
	}
	return r, nil
}

func (s *memStore) ReadStoreFile(path string) ([]byte, error) {
	t, ok := s.files[path]
	if !ok {
		return nil, &os.PathError{Op: "read", Path: path, Err: os.ErrNotExist}
	}
	return []byte(t), nil
}

var _ builtins.StoreReader = (*memStore)(nil)

// newDrvState returns an evaluation state with the features cases.nix needs.
func newDrvState(t *testing.T, store eval.Store, logs *[]string) *eval.State {
	t.Helper()
	st := eval.New(eval.Options{
		Store:  store,
		System: "x86_64-linux",
		Features: map[string]bool{
			"ca-derivations": true, "impure-derivations": true, "dynamic-derivations": true,
		},
		Log: func(msg string) { *logs = append(*logs, msg) },
	})
	builtins.Install(st, builtins.Config{})
	return st
}

type drvRoot struct {
	DrvPath string            `json:"drvPath"`
	Outputs map[string]string `json:"outputs"`
}

func forceString(t *testing.T, st *eval.State, v eval.Value) string {
	t.Helper()
	var s string
	if err := st.Eval(func() { s = st.ForceString(v, token.NoPos, "").S }); err != nil {
		t.Fatalf("%s", st.Render(err, true))
	}
	return s
}

func TestDerivationsMatchReference(t *testing.T) {
	var roots map[string]drvRoot
	b, err := os.ReadFile(filepath.Join(drvTestdata, "roots.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &roots); err != nil {
		t.Fatal(err)
	}
	store := newMemStore()
	var logs []string
	st := newDrvState(t, store, &logs)
	abs, _ := filepath.Abs(filepath.Join(drvTestdata, "cases.nix"))
	v, err := st.EvalFileTop(ospath.FromNative(abs)) // a Nix path (C:\x is /C:/x on Windows)
	if err != nil {
		t.Fatalf("%s", st.Render(err, true))
	}
	cases := v.(*eval.Attrs)
	names := make([]string, 0, len(roots))
	for n := range roots {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		want := roots[name]
		t.Run(name, func(t *testing.T) {
			a := cases.Get(st.Sym(name))
			if a == nil {
				t.Fatalf("no attribute %s in cases.nix", name)
			}
			var d *eval.Attrs
			if err := st.Eval(func() { d = st.ForceAttrs(a.Value, token.NoPos, "") }); err != nil {
				t.Fatalf("%s", st.Render(err, true))
			}
			if got := forceString(t, st, d.Get(st.SymDrvPath()).Value); got != want.DrvPath {
				t.Errorf("drvPath = %s, want %s", got, want.DrvPath)
			}
			var all *eval.List
			if err := st.Eval(func() { all = st.ForceList(d.Get(st.Sym("all")).Value, token.NoPos, "") }); err != nil {
				t.Fatalf("%s", st.Render(err, true))
			}
			got := map[string]string{}
			for _, o := range all.Elems {
				var oa *eval.Attrs
				if err := st.Eval(func() { oa = st.ForceAttrs(o, token.NoPos, "") }); err != nil {
					t.Fatalf("%s", st.Render(err, true))
				}
				got[forceString(t, st, oa.Get(st.Sym("outputName")).Value)] = forceString(t, st, oa.Get(st.SymOutPath()).Value)
			}
			for o, p := range want.Outputs {
				if got[o] != p {
					t.Errorf("output %s = %q, want %q", o, got[o], p)
				}
			}
			if len(got) != len(want.Outputs) {
				t.Errorf("outputs %v, want %v", got, want.Outputs)
			}
		})
	}
	// Every .drv written must be the reference's, byte for byte.
	written := 0
	for p, text := range store.files {
		if !strings.HasSuffix(p, ".drv") {
			continue
		}
		written++
		if runtime.GOOS == "windows" && strings.ContainsAny(filepath.Base(p), `"*:<>?|`) {
			t.Run(filepath.Base(p), func(t *testing.T) {
				t.Skip("Windows cannot open a file with this name, so the reference .drv cannot be read there")
			})
			continue
		}
		want, err := os.ReadFile(filepath.Join(drvTestdata, "drvs", filepath.Base(p)))
		if err != nil {
			t.Errorf("%s: not written by the reference (%v):\n%s", p, err, text)
			continue
		}
		if text != string(want) {
			t.Errorf("%s:\ngot  %s\nwant %s", p, text, want)
		}
	}
	files, _ := os.ReadDir(filepath.Join(drvTestdata, "drvs"))
	if written != len(files) {
		t.Errorf("wrote %d .drv files, the reference %d", written, len(files))
	}
	wantLogs := []string{
		"warning: In a derivation named 'structured', 'structuredAttrs' disables the effect of the derivation attribute 'allowedReferences'; use 'outputChecks.<output>.allowedReferences' instead",
		"warning: In a derivation named 'structured', 'structuredAttrs' disables the effect of the derivation attribute 'maxSize'; use 'outputChecks.<output>.maxSize' instead",
	}
	if strings.Join(logs, "\n") != strings.Join(wantLogs, "\n") {
		t.Errorf("logs:\n%s\nwant:\n%s", strings.Join(logs, "\n"), strings.Join(wantLogs, "\n"))
	}
}

// TestDerivationErrors checks messages and traces against the reference,
// with the dummy store as nix-instantiate --eval uses it.
func TestDerivationErrors(t *testing.T) {
	var cases []struct {
		Name, Expr, Stderr string
	}
	b, err := os.ReadFile(filepath.Join(drvTestdata, "errors.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			var logs []string
			st := newDrvState(t, dummy.New("/nix/store"), &logs)
			st.Features = map[string]bool{}
			dir, _ := filepath.Abs(drvTestdata)
			dir = ospath.FromNative(dir)
			var out []string
			v, err := st.EvalString(c.Expr, dir)
			if err == nil {
				err = st.Eval(func() { st.DeepForce(v) })
			}
			out = append(out, logs...)
			if err != nil {
				out = append(out, st.Render(err, false))
			} else {
				out = append(out, "ok: "+st.ShowValue(v))
			}
			got := strings.Join(out, "\n") + "\n"
			if got != c.Stderr {
				t.Errorf("%s\ngot:\n%s\nwant:\n%s", c.Expr, got, c.Stderr)
			}
		})
	}
}
