// Tests for derivations against .drv files and output paths produced by
// CppNix (testdata/gen.sh, testdata/drvs.nix).

package derivation

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
)

const nixStore storepath.Dir = "/nix/store"

// corpus is the reference .drv files, by store path.
type corpus struct {
	text map[storepath.StorePath]string
	drvs map[storepath.StorePath]*Derivation
	memo map[storepath.StorePath]DrvHash
}

func loadCorpus(t testing.TB) *corpus {
	t.Helper()
	files, err := filepath.Glob("testdata/drvs/*.drv")
	if err != nil || len(files) == 0 {
		t.Fatalf("no .drv files: %v", err)
	}
	c := &corpus{text: map[storepath.StorePath]string{}, drvs: map[storepath.StorePath]*Derivation{}, memo: map[storepath.StorePath]DrvHash{}}
	for _, f := range files {
		p, err := storepath.ParseBase(filepath.Base(f))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name, _ := p.DrvName()
		d, err := Parse(nixStore, string(b), name)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		c.text[p], c.drvs[p] = string(b), d
	}
	return c
}

// inputHash is an InputHashFunc over the corpus, memoised like CppNix's
// drvHashes.
func (c *corpus) inputHash(p storepath.StorePath) (DrvHash, error) {
	if h, ok := c.memo[p]; ok {
		return h, nil
	}
	d, ok := c.drvs[p]
	if !ok {
		return DrvHash{}, os.ErrNotExist
	}
	h, err := HashModulo(nixStore, d, false, c.inputHash)
	if err == nil {
		c.memo[p] = h
	}
	return h, err
}

func TestRoundTripReference(t *testing.T) {
	c := loadCorpus(t)
	for p, d := range c.drvs {
		if got := d.ATerm(nixStore); got != c.text[p] {
			t.Errorf("%s: printed differently:\n got %s\nwant %s", p, got, c.text[p])
		}
		if got, err := d.Path(nixStore); err != nil || got != p {
			t.Errorf("%s: Path() = %s, %v", p, got, err)
		}
	}
}

func TestOutputPathsReference(t *testing.T) {
	c := loadCorpus(t)
	var want map[string]map[string]*string
	data, err := os.ReadFile("testdata/outputs.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(c.drvs) {
		t.Fatalf("outputs.json has %d derivations, drvs/ %d", len(want), len(c.drvs))
	}
	for drvPathStr, outs := range want {
		drvPath, err := nixStore.Parse(drvPathStr)
		if err != nil {
			t.Fatal(err)
		}
		d := c.drvs[drvPath]
		typ, err := d.Type()
		if err != nil {
			t.Fatalf("%s: %v", drvPath, err)
		}
		h, err := HashModulo(nixStore, d, true, c.inputHash)
		if err != nil {
			t.Fatalf("%s: HashModulo: %v", drvPath, err)
		}
		for name, wantPath := range outs {
			var got string
			switch {
			case typ == TypeFixed:
				got = nixStore.Path(d.Outputs[name].Path)
			case h.Kind == Regular:
				oh, ok := h.Output(name)
				if !ok {
					t.Fatalf("%s: no modulo hash for output %s", drvPath, name)
				}
				p, err := nixStore.MakeOutputPath(name, oh, d.Name)
				if err != nil {
					t.Fatal(err)
				}
				got = nixStore.Path(p)
				if d.Outputs[name].Path != p {
					t.Errorf("%s!%s: the .drv says %s, computed %s", drvPath, name, d.Outputs[name].Path, p)
				}
			}
			if wantPath == nil {
				if got != "" {
					t.Errorf("%s!%s: computed %s, the reference has no path", drvPath, name, got)
				}
			} else if got != *wantPath {
				t.Errorf("%s!%s: computed %s, want %s (type %v, kind %v)", drvPath, name, got, *wantPath, typ, h.Kind)
			}
		}
	}
}

func roots(t testing.TB, c *corpus) map[string]*Derivation {
	var m map[string]string
	data, err := os.ReadFile("testdata/roots.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]*Derivation{}
	for k, v := range m {
		p, err := nixStore.Parse(v)
		if err != nil {
			t.Fatal(err)
		}
		out[k] = c.drvs[p]
	}
	return out
}

func TestEscapes(t *testing.T) {
	d := roots(t, loadCorpus(t))["escapes"]
	want := []string{"quote\"", "back\\slash", "new\nline", "cr\rret", "tab\tx", "dollar$", "unicode é 日本", ""}
	if !slices.Equal(d.Args, want) {
		t.Errorf("Args = %q", d.Args)
	}
	if d.Env["env1"] != "a\"b\\c\nd\re\tf" || d.Env["weird name"] != "x" {
		t.Errorf("Env = %q", d.Env)
	}
}

func TestKindsTypesAndFeatures(t *testing.T) {
	rs := roots(t, loadCorpus(t))
	for name, c := range map[string]struct {
		typ      Type
		kind     OutputKind
		features []string
	}{
		"simple":       {TypeInputAddressed, InputAddressed, nil},
		"fodFlat":      {TypeFixed, Fixed, nil},
		"fodText":      {TypeFixed, Fixed, []string{"dynamic-derivations"}},
		"floating":     {TypeFloating, Floating, []string{"ca-derivations"}},
		"onFloating":   {TypeDeferredInputAddressed, Deferred, nil},
		"impure":       {TypeImpure, Impure, []string{"impure-derivations"}},
		"builtinFetch": {TypeFixed, Fixed, nil},
	} {
		d := rs[name]
		typ, err := d.Type()
		if err != nil || typ != c.typ || d.Outputs["out"].Kind() != c.kind || !slices.Equal(d.ExperimentalFeatures(), c.features) {
			t.Errorf("%s: type %v, %v, kind %v, features %v", name, typ, err, d.Outputs["out"].Kind(), d.ExperimentalFeatures())
		}
	}
	if !rs["builtinFetch"].IsBuiltin() || rs["simple"].IsBuiltin() {
		t.Error("IsBuiltin")
	}
	if got := rs["multi"].OutputNames(); !slices.Equal(got, []string{"bin", "dev", "lib", "out"}) {
		t.Errorf("OutputNames = %v", got)
	}
}

func TestPlaceholders(t *testing.T) {
	c := loadCorpus(t)
	rs := roots(t, c)
	if got := rs["floating"].Env["out"]; got != HashPlaceholder("out") {
		t.Errorf("HashPlaceholder(out) = %s, the reference wrote %s", HashPlaceholder("out"), got)
	}
	var floatingPath storepath.StorePath
	for p, d := range c.drvs {
		if d == rs["floating"] {
			floatingPath = p
		}
	}
	if got := rs["onFloating"].Env["dep"]; got != UnknownCAOutputPlaceholder(floatingPath, "out") {
		t.Errorf("UnknownCAOutputPlaceholder = %s, the reference wrote %s", UnknownCAOutputPlaceholder(floatingPath, "out"), got)
	}
}

func TestConstructFixedOutput(t *testing.T) {
	d := roots(t, loadCorpus(t))["fodRecursive"]
	ca, err := d.Outputs["out"].ContentAddress()
	if err != nil {
		t.Fatal(err)
	}
	o, err := FixedOutput(nixStore, d.Name, "out", ca)
	if err != nil || o != d.Outputs["out"] {
		t.Errorf("FixedOutput = %+v, %v; want %+v", o, err, d.Outputs["out"])
	}
	if o.HashAlgo != "r:sha256" || ca.Hash != hash.SumString(hash.SHA256, "b") {
		t.Errorf("output %+v, content address %v", o, ca)
	}
}

// TestInstantiateLikeEvaluator rebuilds the "deps" derivation as
// derivationStrict does: outputs deferred and "out" blank, hash, then fill
// in the paths. The result must be the reference's .drv, byte for byte.
func TestInstantiateLikeEvaluator(t *testing.T) {
	c := loadCorpus(t)
	want := roots(t, c)["deps"]
	d := &Derivation{
		Name:      want.Name,
		Outputs:   map[string]Output{"out": {}},
		InputDrvs: want.InputDrvs,
		InputSrcs: want.InputSrcs,
		Platform:  want.Platform,
		Builder:   want.Builder,
		Args:      want.Args,
		Env:       map[string]string{},
	}
	for k, v := range want.Env {
		d.Env[k] = v
	}
	d.Env["out"] = ""
	h, err := HashModulo(nixStore, d, true, c.inputHash)
	if err != nil {
		t.Fatal(err)
	}
	p, err := nixStore.MakeOutputPath("out", h.Hash, d.Name)
	if err != nil {
		t.Fatal(err)
	}
	d.Outputs["out"] = InputAddressedOutput(p)
	d.Env["out"] = nixStore.Path(p)
	if d.ATerm(nixStore) != want.ATerm(nixStore) {
		t.Errorf("rebuilt derivation differs:\n got %s\nwant %s", d.ATerm(nixStore), want.ATerm(nixStore))
	}
}

func TestMaskedATerm(t *testing.T) {
	d := roots(t, loadCorpus(t))["multi"]
	m := d.MaskedATerm(nixStore)
	if strings.Contains(m, "/nix/store/") || !strings.Contains(m, `("dev","","","")`) || !strings.Contains(m, `("dev","")`) {
		t.Errorf("masked ATerm: %s", m)
	}
}

// badCase is an entry of testdata/bad.json.
type badCase struct {
	Error string
	Show  *struct {
		Args      []string
		Builder   string
		Env       map[string]string
		InputDrvs map[string]struct{ Outputs []string }
		InputSrcs []string
		Outputs   map[string]struct{ Path, Hash, HashAlgo, Method string }
		System    string
	}
}

// badKnownDifferences lists malformed .drv files that this package
// treats differently from CppNix, with its own message.
var badKnownDifferences = map[string]string{
	// Dynamic derivations are not supported.
	"dyn-drv": "derivations in the 'xp-dyn-drv' format (experimental feature 'dynamic-derivations') are not supported",
}

func TestMalformedReference(t *testing.T) {
	var cases map[string]badCase
	data, err := os.ReadFile("testdata/bad.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for name, c := range cases {
		text, err := os.ReadFile(filepath.Join("testdata", "bad", name+".drv"))
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(nixStore, string(text), name)
		if msg, ok := badKnownDifferences[name]; ok {
			if err == nil || err.Error() != msg {
				t.Errorf("%s: error %v, want %q", name, err, msg)
			}
			continue
		}
		if c.Error != "" {
			if err == nil || err.Error() != c.Error {
				t.Errorf("%s: error %v, want %q", name, err, c.Error)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		s := c.Show
		if !slices.Equal(d.Args, s.Args) && !(len(d.Args) == 0 && len(s.Args) == 0) || d.Builder != s.Builder || d.Platform != s.System || !reflect.DeepEqual(d.Env, s.Env) {
			t.Errorf("%s: parsed %+v, reference %+v", name, d, s)
		}
		for out, so := range s.Outputs {
			o, ok := d.Outputs[out]
			var path string
			if !o.Path.IsZero() {
				path = nixStore.Path(o.Path)
			}
			if !ok || path != so.Path || o.Hash != so.Hash {
				t.Errorf("%s: output %s = %+v, reference %+v", name, out, o, so)
			}
		}
		if len(d.Outputs) != len(s.Outputs) || len(d.InputDrvs) != len(s.InputDrvs) {
			t.Errorf("%s: %d outputs, %d input derivations", name, len(d.Outputs), len(d.InputDrvs))
		}
		for p, in := range s.InputDrvs {
			sp, _ := nixStore.Parse(p)
			if !slices.Equal(d.InputDrvs[sp], in.Outputs) {
				t.Errorf("%s: input %s outputs %v, reference %v", name, p, d.InputDrvs[sp], in.Outputs)
			}
		}
		// What CppNix accepts, it prints canonically; so must we.
		d2, err := Parse(nixStore, d.ATerm(nixStore), name)
		if err != nil || d2.ATerm(nixStore) != d.ATerm(nixStore) {
			t.Errorf("%s: canonical form does not round-trip: %v", name, err)
		}
	}
}

func TestTypeErrors(t *testing.T) {
	sp, _ := nixStore.Parse("/nix/store/nslw15pr9my88wks4szw3da7srj87lp4-simple")
	fixed, err := FixedOutput(nixStore, "x", "out", storepath.ContentAddress{Method: storepath.MethodFlat, Hash: hash.SumString(hash.SHA256, "")})
	if err != nil {
		t.Fatal(err)
	}
	for want, outs := range map[string]map[string]Output{
		"must have at least one output":                         {},
		"can't mix derivation output types":                     {"out": InputAddressedOutput(sp), "dev": {}},
		"only one fixed output is allowed for now":              {"out": fixed, "dev": fixed},
		`single fixed output must be named "out"`:               {"dev": fixed},
		"all floating outputs must use the same hash algorithm": {"out": FloatingOutput(storepath.MethodNAR, hash.SHA256), "dev": FloatingOutput(storepath.MethodNAR, hash.SHA1)},
	} {
		d := &Derivation{Name: "x", Outputs: outs}
		if _, err := d.Type(); err == nil || err.Error() != want {
			t.Errorf("Type() error = %v, want %q", err, want)
		}
	}
}

func TestHashModuloMissingOutput(t *testing.T) {
	c := loadCorpus(t)
	d := roots(t, c)["deps"]
	bad := *d
	bad.InputDrvs = map[storepath.StorePath][]string{}
	for p := range d.InputDrvs {
		bad.InputDrvs[p] = []string{"nonexistent"}
		break
	}
	if _, err := HashModulo(nixStore, &bad, true, c.inputHash); err == nil || err.Error() != "no hash for output 'nonexistent' of derivation 'deps'" {
		t.Errorf("error %v", err)
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.drv")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, text string) {
		d, err := Parse(nixStore, text, "fuzz")
		if err != nil {
			return
		}
		printed := d.ATerm(nixStore)
		// CppNix prints the platform and output names unescaped; such
		// derivations cannot be read back faithfully, there as here.
		quoted := func(s string) bool { return strings.ContainsAny(s, "\"\\") }
		if quoted(d.Platform) || slices.ContainsFunc(d.OutputNames(), quoted) {
			return
		}
		for _, outs := range d.InputDrvs {
			if slices.ContainsFunc(outs, quoted) {
				return
			}
		}
		d2, err := Parse(nixStore, printed, "fuzz")
		if err != nil {
			t.Fatalf("printed form does not parse: %v\n%s", err, printed)
		}
		if again := d2.ATerm(nixStore); again != printed {
			t.Fatalf("print is not stable:\n%s\n%s", printed, again)
		}
		if !reflect.DeepEqual(d, d2) {
			t.Fatalf("reparsed derivation differs:\n%+v\n%+v", d, d2)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	c := loadCorpus(b)
	text := c.text[func() storepath.StorePath {
		for p, d := range c.drvs {
			if d.Name == "deps" {
				return p
			}
		}
		return storepath.StorePath{}
	}()]
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := Parse(nixStore, text, "deps"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkATerm(b *testing.B) {
	d := roots(b, loadCorpus(b))["deps"]
	for b.Loop() {
		_ = d.ATerm(nixStore)
	}
}
