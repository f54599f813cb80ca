// This file tests the pure parts of building: structured attributes
// (.attrs.json and .attrs.sh, expected texts captured from CppNix 2.26's
// builds), attribute access, string rewriting, error rendering and the
// fallback paths of redirected outputs.

package build

import (
	"errors"
	"strings"
	"testing"

	"github.com/nixgo/nixgo/format/derivation"
	"github.com/nixgo/nixgo/format/storepath"
)

func TestStructuredAttrs(t *testing.T) {
	// The __json of a derivation with __structuredAttrs, as
	// derivationStrict writes it.
	j := `{"big":5000000000,"builder":"/bin/bash","m":4.0,"n":3.5,"name":"sa","nested":{"a":{"b":1}},"o":{"a":1,"b":"s'q"},"outputs":["out","dev"],"system":"x86_64-linux","xs":[1,2,"x",true,null]}`
	drv := &derivation.Derivation{Name: "sa", Env: map[string]string{"__json": j},
		Outputs: map[string]derivation.Output{"out": {}, "dev": {}}}
	p, err := parseDrv(storepath.StorePath{}, drv)
	if err != nil {
		t.Fatal(err)
	}
	rw := newRewriter()
	rw.set(derivation.HashPlaceholder("out"), "/nix/store/wazg5ijrgqng8dzccn9hg1wki3xc14h8-sa")
	rw.set(derivation.HashPlaceholder("dev"), "/nix/store/ssjx4izzj69kkm0lvx3w87dz9343vai4-sa-dev")
	v, err := p.structuredAttrsJSON(rw, nil)
	if err != nil {
		t.Fatal(err)
	}
	text, err := v.dump()
	if err != nil {
		t.Fatal(err)
	}
	// Captured from CppNix 2.26 (.attrs.json and .attrs.sh of the build).
	wantJSON := `{"big":5000000000,"builder":"/bin/bash","m":4.0,"n":3.5,"name":"sa","nested":{"a":{"b":1}},"o":{"a":1,"b":"s'q"},"outputs":{"dev":"/nix/store/ssjx4izzj69kkm0lvx3w87dz9343vai4-sa-dev","out":"/nix/store/wazg5ijrgqng8dzccn9hg1wki3xc14h8-sa"},"system":"x86_64-linux","xs":[1,2,"x",true,null]}`
	if text != wantJSON {
		t.Errorf(".attrs.json:\n%s\nwant\n%s", text, wantJSON)
	}
	wantSh := `declare big=705032704
declare builder='/bin/bash'
declare m=4
declare name='sa'
declare -A o=(['a']=1 ['b']='s'\''q' )
declare -A outputs=(['dev']='/nix/store/ssjx4izzj69kkm0lvx3w87dz9343vai4-sa-dev' ['out']='/nix/store/wazg5ijrgqng8dzccn9hg1wki3xc14h8-sa' )
declare system='x86_64-linux'
declare -a xs=(1 2 'x' 1 '' )
`
	if sh := structuredAttrsShell(v); sh != wantSh {
		t.Errorf(".attrs.sh:\n%s\nwant\n%s", sh, wantSh)
	}
}

func TestParsedAttrs(t *testing.T) {
	plain := &derivation.Derivation{Env: map[string]string{"flag": "1", "list": " a  b\tc\n", "s": "x"}}
	p, _ := parseDrv(storepath.StorePath{}, plain)
	if b, _ := p.boolAttr("flag", false); !b {
		t.Errorf("flag = 1 is not true")
	}
	if b, _ := p.boolAttr("missing", true); !b {
		t.Errorf("a missing Boolean does not take its default")
	}
	if l, ok, _ := p.stringsAttr("list"); !ok || strings.Join(l, ",") != "a,b,c" {
		t.Errorf("list = %q", l)
	}
	structured := &derivation.Derivation{Env: map[string]string{"__json": `{"flag":"1","list":["a",1]}`}}
	sp, err := parseDrv(storepath.StorePath{}, structured)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sp.boolAttr("flag", false); err == nil || err.Error() != "attribute 'flag' of derivation '' must be a Boolean" {
		t.Errorf("structured Boolean: %v", err)
	}
	if _, _, err := sp.stringsAttr("list"); err == nil || !strings.Contains(err.Error(), "must be a list of strings") {
		t.Errorf("structured list: %v", err)
	}
	bad := &derivation.Derivation{Env: map[string]string{"__json": `{`}}
	if _, err := parseDrv(storepath.StorePath{}, bad); err == nil || !strings.HasPrefix(err.Error(), "cannot process __json attribute of '': [json.exception.parse_error.101]") {
		t.Errorf("bad __json: %v", err)
	}
}

func TestRewriter(t *testing.T) {
	r := newRewriter()
	r.set("bbb", "BBB")
	r.set("aaa", "bbb") // applied first (sorted), then rewritten again by bbb
	if got := r.rewrite("aaa bbb"); got != "BBB BBB" {
		t.Errorf("rewrite: %q", got)
	}
	var buf strings.Builder
	w := &rewritingWriter{w: &buf, rewrites: map[string]string{"0123456789": "abcdefghij"}}
	for _, chunk := range []string{"xx0123", "4567", "89yy0123456789"} {
		w.Write([]byte(chunk))
	}
	w.flush()
	if buf.String() != "xxabcdefghijyyabcdefghij" {
		t.Errorf("rewriting across writes: %q", buf.String())
	}
}

func TestFormatError(t *testing.T) {
	err := errors.New("hash mismatch in fixed-output derivation 'x':\n  specified: a\n     got:    b")
	want := "error: hash mismatch in fixed-output derivation 'x':\n         specified: a\n            got:    b"
	if got := FormatError(err); got != want {
		t.Errorf("FormatError:\n%s\nwant\n%s", got, want)
	}
	traced := withTrace(errors.New("unable to download"), "writing file 'f'")
	wantWhat := "\x1b[31;1merror:\x1b[0m\n       \u2026 writing file 'f'\n\n       \x1b[31;1merror:\x1b[0m unable to download"
	if got := errorWhat(traced); got != wantWhat {
		t.Errorf("errorWhat:\n%q\nwant\n%q", got, wantWhat)
	}
}

func TestFallbackPaths(t *testing.T) {
	dir := storepath.Dir("/nix/store")
	drvPath, _ := dir.Parse("/nix/store/dzscq2myzmgl5pdgksjfs1rq3c3akld5-hello.drv")
	out, _ := dir.Parse("/nix/store/hw8qb0q331hm6s0lw6xbmkkwkyj50ymy-hello")
	b := &localBuild{w: &worker{dir: dir}, g: &goal{drvPath: drvPath}, drv: &derivation.Derivation{Name: "hello"}}
	p1, err := b.fallbackForOutput("out")
	if err != nil {
		t.Fatal(err)
	}
	p2, err := b.fallbackForPath(out)
	if err != nil {
		t.Fatal(err)
	}
	if p1.Name() != "hello" || p2.Name() != "hello" || p1 == out || p2 == out || p1 == p2 {
		t.Errorf("fallback paths %s %s", p1, p2)
	}
}

func TestIndentError(t *testing.T) {
	if got := indentError("a\nb\n"); got != "a\n       b" {
		t.Errorf("indentError: %q", got)
	}
}
