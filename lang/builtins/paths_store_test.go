//go:build linux

// This file tests what the file system builtins take from stores that know
// more than a read-only one: references of store paths and valid paths.

package builtins_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/lang/builtins"
	"github.com/nixgo/nixgo/lang/eval"
)

// infoStore is a testStore that knows references and valid paths.
type infoStore struct {
	testStore
	refs  map[string][]string
	valid map[string]bool
}

func (s infoStore) QueryReferences(p string) ([]string, error) { return s.refs[p], nil }
func (s infoStore) IsValidPath(p string) bool                  { return s.valid[p] }

var (
	_ builtins.ReferencesQuerier = infoStore{}
	_ builtins.ValidPathChecker  = infoStore{}
)

func evalWith(t *testing.T, store eval.Store, storeDir, expr string) string {
	t.Helper()
	st := eval.New(eval.Options{Store: store, StoreDir: storeDir, Log: func(string) {}})
	builtins.Install(st, builtins.Config{})
	v, err := st.EvalString(expr, "/")
	var out string
	if err == nil {
		err = st.Eval(func() { out = st.PrintAmbiguous(st.DeepForce(v)) })
	}
	if err != nil {
		t.Fatalf("%s: %v", expr, st.Render(err, false))
	}
	return out
}

func TestReadFileContextOfStorePath(t *testing.T) {
	storeDir := filepath.Join(t.TempDir(), "store")
	self := storeDir + "/00000000000000000000000000000000-self"
	used := storeDir + "/11111111111111111111111111111111-used"
	unused := storeDir + "/22222222222222222222222222222222-unused"
	if err := os.MkdirAll(self, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(self+"/f", []byte("uses "+used+"/bin/x"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := infoStore{
		testStore: testStore{dir: storepath.Dir(storeDir)},
		refs:      map[string][]string{self: {used, unused}},
	}
	got := evalWith(t, s, storeDir, `builtins.attrNames (builtins.getContext (builtins.readFile "`+self+`/f"))`)
	if want := `[ "` + used + `" ]`; got != want {
		t.Errorf("context = %s, want %s", got, want)
	}
	// Outside the store, files have no context.
	outside := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(outside, []byte("uses "+used), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := evalWith(t, s, storeDir, `builtins.getContext (builtins.readFile "`+outside+`")`); got != "{ }" {
		t.Errorf("context of a file outside the store = %s", got)
	}
}

func TestPathWithValidExpectedPathIsNotRead(t *testing.T) {
	const storeDir = "/nix/store"
	h := hash.SumString(hash.SHA256, "anything")
	sp, err := storepath.Dir(storeDir).MakeFixedOutputPath("x", storepath.MethodNAR, h, storepath.References{})
	if err != nil {
		t.Fatal(err)
	}
	want := storepath.Dir(storeDir).Path(sp)
	s := infoStore{testStore: testStore{dir: storeDir}, valid: map[string]bool{want: true}}
	got := evalWith(t, s, storeDir, `builtins.path { path = /nonexistent; name = "x"; sha256 = "`+h.SRI()+`"; }`)
	if got != `"`+want+`"` {
		t.Errorf("builtins.path = %s, want %q", got, want)
	}
}
