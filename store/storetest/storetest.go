// Package storetest is the conformance suite every store implementation
// runs: storetest.Run(t, newStore) checks the contracts of package store's
// interfaces on fresh stores made by newStore, for the capabilities the store
// has (a store without NARAdder skips the import tests, and so on).
//
// The expected paths and hashes are computed independently of the store
// (format/storepath, format/nar) and were checked against CppNix 2.26: the
// text path of "hello" named "hello.txt" is the one builtins.toFile gives.
//
// A store that only computes paths (IsValidPath is false right after a
// successful add, and it cannot list its paths), such as store/dummy, runs
// only the path computation tests.
package storetest

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/nixgo/nixgo/format/derivation"
	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/nar"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
)

// Run runs the suite. newStore must return a new, empty store each time it
// is called; Run closes it.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	open := func(t *testing.T) store.Store {
		s := newStore(t)
		t.Cleanup(func() { s.Close() })
		return s
	}
	t.Run("PathComputation", func(t *testing.T) { testPathComputation(t, open(t)) })
	s := open(t)
	if computeOnly(t, s) {
		t.Log("store only computes paths: skipping the rest of the suite")
		return
	}
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"AddText", testAddText},
		{"AddTextIdempotent", testAddTextIdempotent},
		{"AddFlat", testAddFlat},
		{"AddNARTree", testAddNARTree},
		{"AddBadNAR", testAddBadNAR},
		{"InvalidPath", testInvalidPath},
		{"ReferencesAndReferrers", testReferences},
		{"MissingReference", testMissingReference},
		{"ScanReferences", testScanReferences},
		{"Closure", testClosure},
		{"Derivation", testDerivation},
		{"BadDerivation", testBadDerivation},
		{"AddNAR", testAddNAR},
		{"AddNARMismatch", testAddNARMismatch},
		{"Register", testRegister},
		{"RegisterCycle", testRegisterCycle},
		{"HashPart", testHashPart},
		{"Signatures", testSignatures},
		{"Verify", testVerify},
		{"Concurrent", testConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
	t.Run("ExportImport", func(t *testing.T) { testExportImport(t, open(t), open(t)) })
	t.Run("Registration", func(t *testing.T) { testRegistration(t, open(t)) })
}

var ctx = context.Background()

// computeOnly tells whether s keeps what is added to it.
func computeOnly(t *testing.T, s store.Store) bool {
	a, ok := s.(store.Adder)
	if !ok {
		return true
	}
	p, err := store.AddText(ctx, a, "probe", "probe", nil, false)
	if err != nil {
		t.Fatalf("AddText: %v", err)
	}
	valid, err := s.IsValidPath(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	_, lister := s.(store.Lister)
	return !valid && !lister
}

func adder(t *testing.T, s store.Store) store.Adder {
	a, ok := s.(store.Adder)
	if !ok {
		t.Skip("store is not an Adder")
	}
	return a
}

func addText(t *testing.T, s store.Store, name, text string, refs ...storepath.StorePath) storepath.StorePath {
	t.Helper()
	p, err := store.AddText(ctx, adder(t, s), name, text, refs, false)
	if err != nil {
		t.Fatalf("AddText(%q): %v", name, err)
	}
	return p
}

func mustParse(t *testing.T, dir storepath.Dir, s string) storepath.StorePath {
	t.Helper()
	p, err := dir.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// flatNAR returns the NAR of a regular file.
func flatNAR(contents string, executable bool) []byte {
	var b bytes.Buffer
	w := nar.NewWriter(&b)
	w.WriteHeader(&nar.Header{Path: "/", Type: nar.TypeRegular, Size: int64(len(contents)), Executable: executable})
	io.WriteString(w, contents)
	w.Close()
	return b.Bytes()
}

// treeNAR returns the NAR of a tree with a file, an executable, a symlink,
// an empty directory and a non-ASCII name.
func treeNAR() []byte {
	var b bytes.Buffer
	w := nar.NewWriter(&b)
	hs := []nar.Header{
		{Path: "/", Type: nar.TypeDirectory},
		{Path: "/bin", Type: nar.TypeDirectory},
		{Path: "/bin/run", Type: nar.TypeRegular, Executable: true, Size: 10},
		{Path: "/empty", Type: nar.TypeDirectory},
		{Path: "/link", Type: nar.TypeSymlink, LinkTarget: "bin/run"},
		{Path: "/zürich.txt", Type: nar.TypeRegular, Size: 5},
	}
	for _, h := range hs {
		w.WriteHeader(&h)
		if h.Type == nar.TypeRegular {
			io.WriteString(w, strings.Repeat("x", int(h.Size)))
		}
	}
	w.Close()
	return b.Bytes()
}

func sha256(b []byte) hash.Hash { return hash.Sum(hash.SHA256, b) }

func testPathComputation(t *testing.T, s store.Store) {
	a := adder(t, s)
	dir := s.Dir()
	p, err := store.AddText(ctx, a, "hello.txt", "hello", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := store.ComputeTextPath(dir, "hello.txt", "hello", nil)
	if p != want {
		t.Errorf("text path = %s, want %s", p, want)
	}
	if dir == "/nix/store" && p.String() != "q790zdjk75hm2cn42nh77pqw4gbv1b88-hello.txt" {
		t.Errorf("text path = %s, want CppNix's q790zdjk75hm2cn42nh77pqw4gbv1b88-hello.txt", p)
	}
	tree := treeNAR()
	p, err = a.AddFromDump(ctx, bytes.NewReader(tree), "tree", store.AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ = dir.MakeFixedOutputPath("tree", storepath.MethodNAR, sha256(tree), storepath.References{})
	if p != want {
		t.Errorf("NAR path = %s, want %s", p, want)
	}
	for _, algo := range []hash.Algo{hash.MD5, hash.SHA1, hash.SHA256, hash.SHA512} {
		p, err := a.AddFromDump(ctx, strings.NewReader("flat contents"), "flat", store.AddOptions{Serialisation: store.SerialFlat, Algo: algo})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := dir.MakeFixedOutputPath("flat", storepath.MethodFlat, hash.SumString(algo, "flat contents"), storepath.References{})
		if p != want {
			t.Errorf("flat %s path = %s, want %s", algo, p, want)
		}
	}
}

func testAddText(t *testing.T, s store.Store) {
	p := addText(t, s, "hello.txt", "hello")
	info, err := s.QueryPathInfo(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	n := flatNAR("hello", false)
	if info.Path != p || info.NarHash != sha256(n) || info.NarSize != uint64(len(n)) {
		t.Errorf("info = %+v, want NAR hash %s size %d", info, sha256(n), len(n))
	}
	if got, want := info.CA.String(), "text:sha256:"+hash.SumString(hash.SHA256, "hello").Nix32(); got != want {
		t.Errorf("CA = %s, want %s", got, want)
	}
	if len(info.References) != 0 || !info.Deriver.IsZero() || info.RegistrationTime == 0 {
		t.Errorf("info = %+v", info)
	}
	checkNAR(t, s, p, n)
}

// checkNAR checks the NAR a NARDumper gives for p.
func checkNAR(t *testing.T, s store.Store, p storepath.StorePath, want []byte) {
	t.Helper()
	d, ok := s.(store.NARDumper)
	if !ok {
		return
	}
	var b bytes.Buffer
	if err := d.DumpNAR(ctx, p, &b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("NAR of %s differs from what was added", p)
	}
}

func testAddTextIdempotent(t *testing.T, s store.Store) {
	p1 := addText(t, s, "a", "same")
	i1, _ := s.QueryPathInfo(ctx, p1)
	p2 := addText(t, s, "a", "same")
	i2, _ := s.QueryPathInfo(ctx, p2)
	if p1 != p2 || i1.RegistrationTime != i2.RegistrationTime {
		t.Errorf("second add changed something: %+v vs %+v", i1, i2)
	}
	p3, err := store.AddText(ctx, adder(t, s), "a", "same", nil, true)
	if err != nil || p3 != p1 {
		t.Errorf("repair: %v, %s", err, p3)
	}
	checkNAR(t, s, p1, flatNAR("same", false))
}

func testAddFlat(t *testing.T, s store.Store) {
	a := adder(t, s)
	p, err := a.AddFromDump(ctx, strings.NewReader("data"), "f", store.AddOptions{Serialisation: store.SerialFlat, Algo: hash.SHA1})
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.QueryPathInfo(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := info.CA.String(), "fixed:sha1:"+hash.SumString(hash.SHA1, "data").Nix32(); got != want {
		t.Errorf("CA = %s, want %s", got, want)
	}
	checkNAR(t, s, p, flatNAR("data", false))
	// A NAR of a single file hashed flat gives the same path.
	p2, err := a.AddFromDump(ctx, bytes.NewReader(flatNAR("data", false)), "f", store.AddOptions{Serialisation: store.SerialNAR, Method: storepath.MethodFlat, Algo: hash.SHA1})
	if err != nil || p2 != p {
		t.Errorf("NAR hashed flat: %v, %s, want %s", err, p2, p)
	}
}

func testAddNARTree(t *testing.T, s store.Store) {
	tree := treeNAR()
	p, err := adder(t, s).AddFromDump(ctx, bytes.NewReader(tree), "tree", store.AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.QueryPathInfo(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if info.NarHash != sha256(tree) || info.NarSize != uint64(len(tree)) || info.CA.String() != "fixed:r:sha256:"+sha256(tree).Nix32() {
		t.Errorf("info = %+v", info)
	}
	checkNAR(t, s, p, tree)
	// The same tree hashed with SHA-1 is another path with the same NAR.
	p2, err := adder(t, s).AddFromDump(ctx, bytes.NewReader(tree), "tree", store.AddOptions{Algo: hash.SHA1})
	if err != nil || p2 == p {
		t.Fatalf("SHA-1: %v %s", err, p2)
	}
	checkNAR(t, s, p2, tree)
}

// rawNAR builds a NAR from its strings, without the checks of nar.Writer.
func rawNAR(strs ...string) []byte {
	var b bytes.Buffer
	for _, s := range strs {
		binary.Write(&b, binary.LittleEndian, uint64(len(s)))
		b.WriteString(s)
		b.Write(make([]byte, (8-len(s)%8)%8))
	}
	return b.Bytes()
}

func entry(name string, node ...string) []string {
	return append(append([]string{"entry", "(", "name", name, "node"}, node...), ")")
}

func dirNAR(entries ...[]string) []byte {
	strs := []string{"nix-archive-1", "(", "type", "directory"}
	for _, e := range entries {
		strs = append(strs, e...)
	}
	return rawNAR(append(strs, ")")...)
}

var file = []string{"(", "type", "regular", "contents", "x", ")"}

func testAddBadNAR(t *testing.T, s store.Store) {
	good := treeNAR()
	bad := map[string][]byte{
		"dotdot":    dirNAR(entry("..", file...)),
		"slash":     dirNAR(entry("a/b", file...)),
		"duplicate": dirNAR(entry("a", file...), entry("a", file...)),
		"unsorted":  dirNAR(entry("b", file...), entry("a", file...)),
		"empty":     dirNAR(entry("", file...)),
		"truncated": good[:len(good)-20],
		"garbage":   []byte("this is not a NAR at all, not at all"),
	}
	before := validPaths(t, s)
	for name, n := range bad {
		_, err := adder(t, s).AddFromDump(ctx, bytes.NewReader(n), "bad", store.AddOptions{})
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if after := validPaths(t, s); !slices.Equal(before, after) {
		t.Errorf("valid paths changed: %v -> %v", before, after)
	}
}

func validPaths(t *testing.T, s store.Store) []storepath.StorePath {
	l, ok := s.(store.Lister)
	if !ok {
		return nil
	}
	ps, err := l.QueryAllValidPaths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func testInvalidPath(t *testing.T, s store.Store) {
	p := mustParse(t, s.Dir(), string(s.Dir())+"/00000000000000000000000000000000-missing")
	if ok, err := s.IsValidPath(ctx, p); ok || err != nil {
		t.Errorf("IsValidPath = %v, %v", ok, err)
	}
	_, err := s.QueryPathInfo(ctx, p)
	var ip *store.InvalidPathError
	if !errors.As(err, &ip) || err.Error() != "path '"+string(s.Dir())+"/00000000000000000000000000000000-missing' is not valid" {
		t.Errorf("QueryPathInfo error = %v", err)
	}
	if d, ok := s.(store.NARDumper); ok {
		if err := d.DumpNAR(ctx, p, io.Discard); !store.IsInvalidPath(err) {
			t.Errorf("DumpNAR error = %v", err)
		}
	}
}

func testReferences(t *testing.T, s store.Store) {
	a := addText(t, s, "a", "A")
	b := addText(t, s, "b", "B refers to "+string(s.Dir().Path(a)), a)
	c := addText(t, s, "c", "C", a, b)
	info, err := s.QueryPathInfo(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(info.References, storepath.SortPaths([]storepath.StorePath{a, b})) {
		t.Errorf("references of c = %v", info.References)
	}
	rq, ok := s.(store.ReferrersQuerier)
	if !ok {
		return
	}
	refs, err := rq.QueryReferrers(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(refs, storepath.SortPaths([]storepath.StorePath{b, c})) {
		t.Errorf("referrers of a = %v", refs)
	}
}

func testMissingReference(t *testing.T, s store.Store) {
	missing := mustParse(t, s.Dir(), string(s.Dir())+"/00000000000000000000000000000000-missing")
	_, err := store.AddText(ctx, adder(t, s), "x", "x", []storepath.StorePath{missing}, false)
	if err == nil || !strings.Contains(err.Error(), "is not valid") {
		t.Errorf("error = %v", err)
	}
	want, _ := store.ComputeTextPath(s.Dir(), "x", "x", []storepath.StorePath{missing})
	if ok, _ := s.IsValidPath(ctx, want); ok {
		t.Errorf("%s became valid", want)
	}
}

func testScanReferences(t *testing.T, s store.Store) {
	a := addText(t, s, "a", "A")
	b := addText(t, s, "b", "B")
	text := "see " + s.Dir().Path(a) + "/bin"
	p, err := adder(t, s).AddFromDump(ctx, bytes.NewReader(flatNAR(text, false)), "scanned", store.AddOptions{ScanReferences: []storepath.StorePath{a, b}})
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.QueryPathInfo(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(info.References, []storepath.StorePath{a}) {
		t.Errorf("references = %v, want [%s]", info.References, a)
	}
	want, _ := s.Dir().MakeFixedOutputPath("scanned", storepath.MethodNAR, sha256(flatNAR(text, false)), storepath.References{Others: []storepath.StorePath{a}})
	if p != want {
		t.Errorf("path = %s, want %s", p, want)
	}
}

func testClosure(t *testing.T, s store.Store) {
	a := addText(t, s, "a", "A")
	b := addText(t, s, "b", "B", a)
	c := addText(t, s, "c", "C", b)
	d := addText(t, s, "d", "D")
	got, err := store.Closure(ctx, s, []storepath.StorePath{c}, store.ClosureOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := storepath.SortPaths([]storepath.StorePath{a, b, c}); !slices.Equal(got, want) {
		t.Errorf("closure = %v, want %v", got, want)
	}
	sorted, err := store.TopoSort(ctx, s, []storepath.StorePath{a, b, c, d})
	if err != nil {
		t.Fatal(err)
	}
	pos := map[storepath.StorePath]int{}
	for i, p := range sorted {
		pos[p] = i
	}
	if !(pos[c] < pos[b] && pos[b] < pos[a]) || len(sorted) != 4 {
		t.Errorf("topological order = %v", sorted)
	}
	if _, ok := s.(store.ReferrersQuerier); ok {
		got, err := store.Closure(ctx, s, []storepath.StorePath{a}, store.ClosureOptions{Flip: true})
		if err != nil {
			t.Fatal(err)
		}
		if want := storepath.SortPaths([]storepath.StorePath{a, b, c}); !slices.Equal(got, want) {
			t.Errorf("referrers closure = %v, want %v", got, want)
		}
	}
}

// makeDrv returns a derivation named name with one input-addressed output
// and its .drv text.
func makeDrv(t *testing.T, dir storepath.Dir, name string, srcs ...storepath.StorePath) (*derivation.Derivation, storepath.StorePath) {
	d := &derivation.Derivation{
		Name:      name,
		Outputs:   map[string]derivation.Output{"out": {}},
		InputDrvs: map[storepath.StorePath][]string{},
		InputSrcs: srcs,
		Platform:  "x86_64-linux",
		Builder:   "/bin/sh",
		Args:      []string{"-c", "echo hi > $out"},
		Env:       map[string]string{"name": name, "out": ""},
	}
	h, err := derivation.HashModulo(dir, d, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := dir.MakeOutputPath("out", h.Hash, name)
	if err != nil {
		t.Fatal(err)
	}
	d.Outputs["out"] = derivation.InputAddressedOutput(out)
	d.Env["out"] = dir.Path(out)
	return d, out
}

func testDerivation(t *testing.T, s store.Store) {
	dir := s.Dir()
	src := addText(t, s, "builder.sh", "echo hi")
	d, out := makeDrv(t, dir, "hello", src)
	drv := addText(t, s, "hello.drv", d.ATerm(dir), d.References()...)
	if want, _ := d.Path(dir); drv != want {
		t.Errorf("drv path = %s, want %s", drv, want)
	}
	dq, ok := s.(store.DerivationQuerier)
	if !ok {
		return
	}
	outs, err := dq.QueryDerivationOutputs(ctx, drv)
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 1 || outs["out"] != out {
		t.Errorf("outputs = %v, want out=%s", outs, out)
	}
	ds, err := dq.QueryValidDerivers(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ds, []storepath.StorePath{drv}) {
		t.Errorf("derivers = %v", ds)
	}
}

func testBadDerivation(t *testing.T, s store.Store) {
	dir := s.Dir()
	d, _ := makeDrv(t, dir, "bad")
	other, _ := makeDrv(t, dir, "other")
	d.Outputs["out"] = other.Outputs["out"]
	d.Env["out"] = other.Env["out"]
	_, err := store.AddText(ctx, adder(t, s), "bad.drv", d.ATerm(dir), nil, false)
	if err == nil || !strings.Contains(err.Error(), "has incorrect output") {
		t.Errorf("error = %v", err)
	}
	if p, _ := d.Path(dir); p.Name() != "" {
		if ok, _ := s.IsValidPath(ctx, p); ok {
			t.Errorf("bad derivation became valid")
		}
	}
}

func narAdder(t *testing.T, s store.Store) store.NARAdder {
	a, ok := s.(store.NARAdder)
	if !ok {
		t.Skip("store is not a NARAdder")
	}
	return a
}

func testAddNAR(t *testing.T, s store.Store) {
	dir := s.Dir()
	tree := treeNAR()
	p, _ := dir.MakeFixedOutputPath("imported", storepath.MethodNAR, sha256(tree), storepath.References{})
	deriver := mustParse(t, dir, string(dir)+"/11111111111111111111111111111111-imported.drv")
	info := &store.PathInfo{Path: p, NarHash: sha256(tree), NarSize: uint64(len(tree)), Deriver: deriver,
		CA: storepath.ContentAddress{Method: storepath.MethodNAR, Hash: sha256(tree)}, Ultimate: true, Sigs: []string{"k:c2ln"}}
	if err := narAdder(t, s).AddNAR(ctx, info, bytes.NewReader(tree), store.AddNAROptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := s.QueryPathInfo(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	got.RegistrationTime = 0
	if fmt.Sprint(got) != fmt.Sprint(info) {
		t.Errorf("info = %+v, want %+v", got, info)
	}
	checkNAR(t, s, p, tree)
	// Input-addressed, with a self-reference.
	p2 := mustParse(t, dir, string(dir)+"/22222222222222222222222222222222-self")
	n := flatNAR("I am "+dir.Path(p2), false)
	info2 := &store.PathInfo{Path: p2, NarHash: sha256(n), NarSize: uint64(len(n)), References: []storepath.StorePath{p, p2}}
	if err := narAdder(t, s).AddNAR(ctx, info2, bytes.NewReader(n), store.AddNAROptions{}); err != nil {
		t.Fatal(err)
	}
	got, err = s.QueryPathInfo(ctx, p2)
	if err != nil || !slices.Equal(got.References, storepath.SortPaths([]storepath.StorePath{p, p2})) {
		t.Errorf("self-referencing path: %v, %+v", err, got)
	}
}

func testAddNARMismatch(t *testing.T, s store.Store) {
	dir := s.Dir()
	tree := treeNAR()
	p := mustParse(t, dir, string(dir)+"/33333333333333333333333333333333-x")
	cases := map[string]*store.PathInfo{
		"hash":    {Path: p, NarHash: hash.SumString(hash.SHA256, "other"), NarSize: uint64(len(tree))},
		"size":    {Path: p, NarHash: sha256(tree), NarSize: 1},
		"ca":      {Path: p, NarHash: sha256(tree), NarSize: uint64(len(tree)), CA: storepath.ContentAddress{Method: storepath.MethodNAR, Hash: sha256(tree)}},
		"corrupt": {Path: p, NarHash: sha256(tree[:100]), NarSize: 100},
	}
	for name, info := range cases {
		n := tree
		if name == "corrupt" {
			n = tree[:100]
		}
		if err := narAdder(t, s).AddNAR(ctx, info, bytes.NewReader(n), store.AddNAROptions{}); err == nil {
			t.Errorf("%s: no error", name)
		}
		if ok, _ := s.IsValidPath(ctx, p); ok {
			t.Fatalf("%s: path became valid", name)
		}
	}
}

func registrar(t *testing.T, s store.Store) store.Registrar {
	r, ok := s.(store.Registrar)
	if !ok {
		t.Skip("store is not a Registrar")
	}
	return r
}

func testRegister(t *testing.T, s store.Store) {
	a := addText(t, s, "a", "A")
	info, err := s.QueryPathInfo(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	info.Sigs = []string{"cache:c2ln"}
	info.Ultimate = true
	if err := registrar(t, s).RegisterValidPaths(ctx, []*store.PathInfo{info}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.QueryPathInfo(ctx, a)
	if !got.Ultimate || !slices.Equal(got.Sigs, info.Sigs) {
		t.Errorf("re-registered info = %+v", got)
	}
}

func testRegisterCycle(t *testing.T, s store.Store) {
	a := addText(t, s, "a", "A")
	b := addText(t, s, "b", "B")
	ia, _ := s.QueryPathInfo(ctx, a)
	ib, _ := s.QueryPathInfo(ctx, b)
	ia.References = []storepath.StorePath{b}
	ib.References = []storepath.StorePath{a}
	err := registrar(t, s).RegisterValidPaths(ctx, []*store.PathInfo{ia, ib})
	var ce *store.CycleError
	if !errors.As(err, &ce) {
		t.Fatalf("error = %v, want a cycle", err)
	}
	if got, _ := s.QueryPathInfo(ctx, a); len(got.References) != 0 {
		t.Errorf("the failed registration changed references: %v", got.References)
	}
}

func testHashPart(t *testing.T, s store.Store) {
	hr, ok := s.(store.HashPartResolver)
	if !ok {
		t.Skip()
	}
	a := addText(t, s, "a", "A")
	p, found, err := hr.QueryPathFromHashPart(ctx, a.HashPart())
	if err != nil || !found || p != a {
		t.Errorf("QueryPathFromHashPart = %s, %v, %v", p, found, err)
	}
	if _, found, _ := hr.QueryPathFromHashPart(ctx, "00000000000000000000000000000000"); found {
		t.Errorf("found a missing path")
	}
}

func testSignatures(t *testing.T, s store.Store) {
	sa, ok := s.(store.SignatureAdder)
	if !ok {
		t.Skip()
	}
	a := addText(t, s, "a", "A")
	if err := sa.AddSignatures(ctx, a, []string{"b:Yg==", "a:YQ=="}); err != nil {
		t.Fatal(err)
	}
	if err := sa.AddSignatures(ctx, a, []string{"a:YQ=="}); err != nil {
		t.Fatal(err)
	}
	info, _ := s.QueryPathInfo(ctx, a)
	if !slices.Equal(info.Sigs, []string{"a:YQ==", "b:Yg=="}) {
		t.Errorf("sigs = %v", info.Sigs)
	}
}

func testVerify(t *testing.T, s store.Store) {
	v, ok := s.(store.Verifier)
	if !ok {
		t.Skip()
	}
	addText(t, s, "a", "A")
	adder(t, s).AddFromDump(ctx, bytes.NewReader(treeNAR()), "tree", store.AddOptions{})
	var msgs []string
	bad, err := v.Verify(ctx, store.VerifyOptions{CheckContents: true, Log: store.LoggerFunc(func(l store.Level, m string) {
		if l <= store.LevelWarn {
			msgs = append(msgs, m)
		}
	})})
	if err != nil || bad || len(msgs) > 0 {
		t.Errorf("Verify = %v, %v, %q", bad, err, msgs)
	}
}

func testConcurrent(t *testing.T, s store.Store) {
	a := adder(t, s)
	var wg sync.WaitGroup
	paths := make([]storepath.StorePath, 8)
	errs := make([]error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths[i], errs[i] = store.AddText(ctx, a, "same", "concurrent", nil, false)
			if errs[i] == nil {
				_, errs[i] = a.AddFromDump(ctx, bytes.NewReader(treeNAR()), "tree", store.AddOptions{})
			}
		}()
	}
	wg.Wait()
	for i := range 8 {
		if errs[i] != nil || paths[i] != paths[0] {
			t.Errorf("goroutine %d: %s, %v", i, paths[i], errs[i])
		}
	}
}

func testExportImport(t *testing.T, src, dst store.Store) {
	if _, ok := src.(store.NARDumper); !ok {
		t.Skip()
	}
	narAdder(t, dst)
	a := addText(t, src, "a", "A")
	b := addText(t, src, "b", "B", a)
	var buf bytes.Buffer
	if err := store.Export(ctx, src, []storepath.StorePath{b, a}, &buf); err != nil {
		t.Fatal(err)
	}
	got, err := store.Import(ctx, dst, bytes.NewReader(buf.Bytes()), store.AddNAROptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []storepath.StorePath{a, b}) {
		t.Errorf("imported %v, want [%s %s]", got, a, b)
	}
	for _, p := range got {
		i1, _ := src.QueryPathInfo(ctx, p)
		i2, err := dst.QueryPathInfo(ctx, p)
		if err != nil || i1.NarHash != i2.NarHash || !slices.Equal(i1.References, i2.References) {
			t.Errorf("%s: %+v vs %+v (%v)", p, i1, i2, err)
		}
	}
	// Importing again changes nothing; a truncated export fails.
	if _, err := store.Import(ctx, dst, bytes.NewReader(buf.Bytes()), store.AddNAROptions{}); err != nil {
		t.Errorf("second import: %v", err)
	}
	if _, err := store.Import(ctx, dst, bytes.NewReader(buf.Bytes()[:buf.Len()/2]), store.AddNAROptions{}); err == nil {
		t.Errorf("truncated import: no error")
	}
}

func testRegistration(t *testing.T, s store.Store) {
	a := addText(t, s, "a", "A")
	b := addText(t, s, "b", "B", a)
	ia, _ := s.QueryPathInfo(ctx, a)
	ib, _ := s.QueryPathInfo(ctx, b)
	var buf bytes.Buffer
	if err := store.WriteRegistration(&buf, s.Dir(), []*store.PathInfo{ia, ib}, true, true); err != nil {
		t.Fatal(err)
	}
	rr := store.NewRegistrationReader(&buf, s.Dir(), true)
	for _, want := range []*store.PathInfo{ia, ib} {
		got, err := rr.Next()
		if err != nil {
			t.Fatal(err)
		}
		if got.Path != want.Path || got.NarHash != want.NarHash || got.NarSize != want.NarSize || !slices.Equal(got.References, want.References) {
			t.Errorf("read %+v, want %+v", got, want)
		}
	}
	if _, err := rr.Next(); err != io.EOF {
		t.Errorf("at the end: %v", err)
	}
}
