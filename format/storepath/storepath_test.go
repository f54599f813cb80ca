// Tests for store paths against vectors produced by CppNix (testdata/gen.sh).

package storepath

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nixgo/nixgo/format/hash"
)

const nixStore Dir = "/nix/store"

func mustParse(t testing.TB, s string) StorePath {
	t.Helper()
	p, err := nixStore.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func readJSON(t testing.TB, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

func TestTextPathsReference(t *testing.T) {
	var vs struct {
		Text []struct {
			Name, Content, Path string
			Refs                []string
		}
	}
	readJSON(t, "testdata/paths.json", &vs)
	for _, v := range vs.Text {
		var refs []StorePath
		for _, r := range slices.Backward(v.Refs) { // reversed: MakeTextPath must sort
			refs = append(refs, mustParse(t, r))
		}
		got, err := nixStore.MakeTextPath(v.Name, hash.SumString(hash.SHA256, v.Content), refs)
		if err != nil || nixStore.Path(got) != v.Path {
			t.Errorf("MakeTextPath(%q) = %s, %v; want %s", v.Name, nixStore.Path(got), err, v.Path)
		}
		ca := ContentAddress{Method: MethodText, Hash: hash.SumString(hash.SHA256, v.Content)}
		if got, err := nixStore.MakeFixedOutputPathFromCA(v.Name, ca, References{Others: refs}); err != nil || nixStore.Path(got) != v.Path {
			t.Errorf("MakeFixedOutputPathFromCA(text %q) = %s, %v", v.Name, got, err)
		}
	}
}

func TestFixedOutputPathsReference(t *testing.T) {
	var vs struct {
		Fixed []struct{ Mode, Algo, Name, Hash, Path string }
	}
	readJSON(t, "testdata/paths.json", &vs)
	for _, v := range vs.Fixed {
		a, err := hash.ParseAlgo(v.Algo)
		if err != nil {
			t.Fatal(err)
		}
		h, err := hash.ParseNonSRIUnprefixed(v.Hash, a)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]Method{"flat": MethodFlat, "recursive": MethodNAR, "text": MethodText}[v.Mode]
		got, err := nixStore.MakeFixedOutputPathFromCA(v.Name, ContentAddress{Method: m, Hash: h}, References{})
		if err != nil || nixStore.Path(got) != v.Path {
			t.Errorf("%s %s: got %s, %v; want %s", v.Mode, v.Algo, nixStore.Path(got), err, v.Path)
		}
	}
}

func TestContentAddressedWithSelfReference(t *testing.T) {
	var infos map[string]struct {
		CA         string
		References []string
	}
	readJSON(t, "testdata/ca.json", &infos)
	for path, info := range infos {
		want := mustParse(t, path)
		ca, err := ParseContentAddress(info.CA)
		if err != nil {
			t.Fatal(err)
		}
		if ca.String() != info.CA {
			t.Errorf("ContentAddress.String() = %s, want %s", ca, info.CA)
		}
		var refs References
		for _, r := range info.References {
			if p := mustParse(t, r); p == want {
				refs.Self = true
			} else {
				refs.Others = append(refs.Others, p)
			}
		}
		got, err := nixStore.MakeFixedOutputPathFromCA(want.Name(), ca, refs)
		if err != nil || got != want {
			t.Errorf("MakeFixedOutputPathFromCA(%s) = %s, %v; want %s", info.CA, got, err, want)
		}
	}
}

func TestErrorsReference(t *testing.T) {
	f, err := os.Open("testdata/errors.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		kind, rest, _ := strings.Cut(sc.Text(), "\t")
		input, want, _ := strings.Cut(rest, "\t")
		switch kind {
		case "storePath":
			if _, err := nixStore.Parse(input); err == nil || err.Error() != want {
				t.Errorf("Parse(%q) error = %v, want %q", input, err, want)
			}
		case "toFile":
			_, err := nixStore.MakeTextPath(input, hash.SumString(hash.SHA256, "y"), nil)
			if err == nil || err.Error() != want {
				t.Errorf("MakeTextPath(%q) error = %v, want %q", input, err, want)
			}
		}
	}
}

func TestNonASCIIName(t *testing.T) {
	err := CheckName("foo\xc3\xa9")
	if err == nil || err.Error() != "name 'foo\xc3\xa9' contains illegal character '\xc3'" {
		t.Errorf("CheckName error = %q", err)
	}
}

func TestValidNames(t *testing.T) {
	for _, n := range []string{"a", "-", ".a", "..a", "...", ".", "A+-._?=z", strings.Repeat("x", MaxNameLen)} {
		err := CheckName(n)
		if (err == nil) != (n != ".") {
			t.Errorf("CheckName(%q) = %v", n, err)
		}
	}
}

func TestParseAndPrint(t *testing.T) {
	const s = "/nix/store/q790zdjk75hm2cn42nh77pqw4gbv1b88-hello.txt"
	p := mustParse(t, s)
	if p.Name() != "hello.txt" || p.HashPart() != "q790zdjk75hm2cn42nh77pqw4gbv1b88" || nixStore.Path(p) != s || p.String() != p.Base() {
		t.Errorf("parsed %s as %#v", s, p)
	}
	for _, alt := range []string{"/nix//store/q790zdjk75hm2cn42nh77pqw4gbv1b88-hello.txt", "/nix/store/./q790zdjk75hm2cn42nh77pqw4gbv1b88-hello.txt/", "/nix/var/../store/q790zdjk75hm2cn42nh77pqw4gbv1b88-hello.txt"} {
		if q, err := nixStore.Parse(alt); err != nil || q != p {
			t.Errorf("Parse(%q) = %v, %v", alt, q, err)
		}
	}
	if _, err := nixStore.Parse("nix/store/q790zdjk75hm2cn42nh77pqw4gbv1b88-hello.txt"); err == nil || err.Error() != "not an absolute path: 'nix/store/q790zdjk75hm2cn42nh77pqw4gbv1b88-hello.txt'" {
		t.Errorf("relative path error = %v", err)
	}
	if _, err := ParseBase("q790zdjk75hm2cn42nh77pqw4gbv1b88Xhello.txt"); err == nil {
		t.Error("ParseBase accepted a base name without '-' after the hash")
	}
	other := Dir("/gnu/store")
	if q, err := other.Parse("/gnu/store/" + p.Base()); err != nil || q != p {
		t.Errorf("other store dir: %v, %v", q, err)
	}
	if other.IsStorePath(s) || !nixStore.IsStorePath(s) {
		t.Error("IsStorePath wrong")
	}
}

func TestToStorePath(t *testing.T) {
	const base = "/nix/store/q790zdjk75hm2cn42nh77pqw4gbv1b88-hello.txt"
	for in, rest := range map[string]string{base: "", base + "/bin/sh": "/bin/sh", base + "/": "/"} {
		p, r, err := nixStore.ToStorePath(in)
		if err != nil || r != rest || nixStore.Path(p) != base {
			t.Errorf("ToStorePath(%q) = %v, %q, %v", in, p, r, err)
		}
	}
	for _, in := range []string{"/nix/store", "/nix/store/", "/nix/storex/a", "/tmp/a"} {
		if _, _, err := nixStore.ToStorePath(in); err == nil {
			t.Errorf("ToStorePath(%q) succeeded", in)
		}
	}
}

func TestCompareAndSort(t *testing.T) {
	a := mustParse(t, "/nix/store/0000000000000000000000000000000z-b")
	b := mustParse(t, "/nix/store/10000000000000000000000000000000-a")
	c := mustParse(t, "/nix/store/10000000000000000000000000000000-b")
	if a.Compare(b) >= 0 || b.Compare(c) >= 0 || c.Compare(a) <= 0 || a.Compare(a) != 0 {
		t.Error("Compare is not base-name order")
	}
	got := SortPaths([]StorePath{c, a, b, a})
	if !slices.Equal(got, []StorePath{a, b, c}) {
		t.Errorf("SortPaths = %v", got)
	}
	if m := map[StorePath]bool{a: true}; !m[mustParse(t, "/nix/store/0000000000000000000000000000000z-b")] {
		t.Error("StorePath is not usable as a map key")
	}
}

func TestDrvName(t *testing.T) {
	p := mustParse(t, "/nix/store/mqch4hsp0jz9098230i329q2r9v8051p-x.drv")
	if n, err := p.DrvName(); err != nil || n != "x" || !p.IsDerivation() {
		t.Errorf("DrvName = %q, %v", n, err)
	}
	q := mustParse(t, "/nix/store/q790zdjk75hm2cn42nh77pqw4gbv1b88-hello.txt")
	if _, err := q.DrvName(); err == nil || err.Error() != "store path 'q790zdjk75hm2cn42nh77pqw4gbv1b88-hello.txt' is not a valid derivation path" {
		t.Errorf("DrvName error = %v", err)
	}
}

func TestMakeOutputPath(t *testing.T) {
	// From testdata of package derivation: the modulo hash of a simple
	// derivation and the output paths the reference gave it are checked
	// there; here only the naming rule.
	if OutputPathName("foo", "out") != "foo" || OutputPathName("foo", "dev") != "foo-dev" {
		t.Error("OutputPathName")
	}
}

func TestContentAddressParse(t *testing.T) {
	for _, c := range []struct{ in, out, methodAlgo string }{
		{"fixed:r:sha256:1kkm3bn15f0alafqx5shx559vrlgfsy9756b2d5vp2v5p553aidr", "", "r:sha256"},
		{"fixed:sha1:cc16f59cb63e3220180f7d466f7b84e0da512ebc", "fixed:sha1:php53np0hixnyikx1wc20ciynsfga5nc", "sha1"},
		{"text:sha256:lwqd2h6ys7akh81fzibnhybj6mrbaa2y0000000000000000000", "", ""},
	} {
		ca, err := ParseContentAddress(c.in)
		if c.methodAlgo == "" {
			if err == nil {
				t.Errorf("ParseContentAddress(%q) succeeded", c.in)
			}
			continue
		}
		want := c.out
		if want == "" {
			want = c.in
		}
		if err != nil || ca.String() != want || ca.MethodAlgo() != c.methodAlgo {
			t.Errorf("ParseContentAddress(%q) = %v (%s), %v", c.in, ca, ca.MethodAlgo(), err)
		}
	}
	for in, want := range map[string]string{
		"sha256:abc":   "content address prefix 'sha256' is unrecognized. Recogonized prefixes are 'text' or 'fixed'",
		"nocolon":      "not a content address because it is not in the form '<prefix>:<rest>': nocolon",
		"fixed:sha256": "content address hash must be in form '<algo>:<hash>', but found: fixed:sha256",
		"fixed:r:foo:": "unknown hash algorithm 'foo', expect 'md5', 'sha1', 'sha256', or 'sha512'",
	} {
		if _, err := ParseContentAddress(in); err == nil || err.Error() != want {
			t.Errorf("ParseContentAddress(%q) error = %v, want %q", in, err, want)
		}
	}
	for _, m := range []Method{MethodFlat, MethodNAR, MethodText, MethodGit} {
		got, a, err := ParseMethodWithAlgo(m.RenderWithAlgo(hash.SHA1))
		if err != nil || got != m || a != hash.SHA1 {
			t.Errorf("ParseMethodWithAlgo(%s) = %v, %v, %v", m.RenderWithAlgo(hash.SHA1), got, a, err)
		}
		if got, rest := ParseMethodPrefix(m.Prefix() + "sha1"); got != m || rest != "sha1" {
			t.Errorf("ParseMethodPrefix(%s) = %v %q", m.Prefix(), got, rest)
		}
		if got, err := ParseMethod(m.String()); err != nil || got != m {
			t.Errorf("ParseMethod(%s) = %v, %v", m, got, err)
		}
	}
}

func TestFixedOutputErrors(t *testing.T) {
	ref := mustParse(t, "/nix/store/q790zdjk75hm2cn42nh77pqw4gbv1b88-hello.txt")
	h := hash.SumString(hash.SHA1, "x")
	if _, err := nixStore.MakeFixedOutputPath("x", MethodFlat, h, References{Others: []StorePath{ref}}); err == nil || !strings.HasPrefix(err.Error(), "fixed output derivation 'x' is not allowed to refer to other store paths.") {
		t.Errorf("flat with references: %v", err)
	}
	if _, err := nixStore.MakeFixedOutputPathFromCA("x", ContentAddress{MethodText, hash.SumString(hash.SHA256, "x")}, References{Self: true}); err == nil || err.Error() != "self-reference not allowed with text hashing" {
		t.Errorf("text with self: %v", err)
	}
	if _, err := nixStore.MakeFixedOutputPath("x", MethodGit, hash.SumString(hash.SHA256, "x"), References{}); err == nil || err.Error() != "Git file ingestion must use SHA-1 hash" {
		t.Errorf("git with sha256: %v", err)
	}
}

func TestTextMarshal(t *testing.T) {
	p := mustParse(t, "/nix/store/q790zdjk75hm2cn42nh77pqw4gbv1b88-hello.txt")
	b, err := json.Marshal([]StorePath{p})
	if err != nil || string(b) != `["q790zdjk75hm2cn42nh77pqw4gbv1b88-hello.txt"]` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var back []StorePath
	if err := json.Unmarshal(b, &back); err != nil || back[0] != p {
		t.Errorf("Unmarshal = %v, %v", back, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"/nix/store/q790zdjk75hm2cn42nh77pqw4gbv1b88-hello.txt", "/nix/store/short", "/nix//store/../store/00000000000000000000000000000000-a", "/nix/store/00000000000000000000000000000000-..-a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := nixStore.Parse(s)
		if err != nil {
			return
		}
		back, err := nixStore.Parse(nixStore.Path(p))
		if err != nil || back != p {
			t.Fatalf("%q parsed as %v, whose path %q reparses as %v, %v", s, p, nixStore.Path(p), back, err)
		}
		if q, err := ParseBase(p.Base()); err != nil || q != p {
			t.Fatalf("ParseBase(%q) = %v, %v", p.Base(), q, err)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := nixStore.Parse("/nix/store/q790zdjk75hm2cn42nh77pqw4gbv1b88-hello.txt"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMakeTextPath(b *testing.B) {
	h := hash.SumString(hash.SHA256, "x")
	for b.Loop() {
		if _, err := nixStore.MakeTextPath("x", h, nil); err != nil {
			b.Fatal(err)
		}
	}
}
