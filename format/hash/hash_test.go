// Tests for hash parsing and printing against CppNix vectors (testdata/gen.py).

package hash

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

type parseCase struct {
	Func  string `json:"func"` // "any" (ParseAny) or "sri" (ParseSRI)
	Algo  string `json:"algo"`
	Input string `json:"input"`
	SRI   string `json:"sri"`
	Error string `json:"error"`
}

func TestParseReference(t *testing.T) {
	data, err := os.ReadFile("testdata/parse.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []parseCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		var h Hash
		var err error
		if c.Func == "sri" {
			h, err = ParseSRI(c.Input)
		} else {
			var a Algo
			if c.Algo != "" {
				if a, err = ParseAlgo(c.Algo); err != nil {
					t.Fatal(err)
				}
			}
			h, err = ParseAny(c.Input, a)
		}
		switch {
		case c.Error != "" && (err == nil || err.Error() != c.Error):
			t.Errorf("%s(%q, %q): got %v, %v; want error %q", c.Func, c.Input, c.Algo, h, err, c.Error)
		case c.Error == "" && (err != nil || h.SRI() != c.SRI):
			t.Errorf("%s(%q, %q): got %v, %v; want %s", c.Func, c.Input, c.Algo, h, err, c.SRI)
		}
	}
}

// The SHA-256 of "nixgo" in every format, as the reference prints it (the
// same digests appear in testdata/parse.json).
func TestFormats(t *testing.T) {
	h := SumString(SHA256, "nixgo")
	for _, c := range []struct {
		f        Format
		withAlgo bool
		want     string
	}{
		{Base16, false, "7e453ff95f726ce91d37aa7f4e679f3f4fcb3716c4c18b90c75e9f06d0b45fd8"},
		{Base16, true, "sha256:7e453ff95f726ce91d37aa7f4e679f3f4fcb3716c4c18b90c75e9f06d0b45fd8"},
		{Nix32, false, "1n2znk80d7syqy88phf42qvwnkrzkxklwzxa6wfyjv3jbzwkyiby"},
		{Nix32, true, "sha256:1n2znk80d7syqy88phf42qvwnkrzkxklwzxa6wfyjv3jbzwkyiby"},
		{Base64, false, "fkU/+V9ybOkdN6p/TmefP0/LNxbEwYuQx16fBtC0X9g="},
		{Base64, true, "sha256:fkU/+V9ybOkdN6p/TmefP0/LNxbEwYuQx16fBtC0X9g="},
		{SRI, false, "sha256-fkU/+V9ybOkdN6p/TmefP0/LNxbEwYuQx16fBtC0X9g="},
	} {
		if got := h.Format(c.f, c.withAlgo); got != c.want {
			t.Errorf("Format(%v, %v) = %s, want %s", c.f, c.withAlgo, got, c.want)
		}
	}
	if h.String() != h.SRI() || h.Base16() != h.Format(Base16, false) || h.Nix32() != h.Format(Nix32, false) || h.Base64() != h.Format(Base64, false) {
		t.Error("shorthand methods disagree with Format")
	}
	if h.Base16Or32() != h.Nix32() {
		t.Error("Base16Or32 of sha256 is not nix32")
	}
	m := SumString(MD5, "nixgo")
	if m.Base16Or32() != "6961dc0ae13bc839e94c7f3b0b0caf35" {
		t.Errorf("md5 Base16Or32 = %s", m.Base16Or32())
	}
}

func TestParseAnyPrefixed(t *testing.T) {
	want := SumString(SHA256, "nixgo")
	for _, s := range []string{
		"sha256:7e453ff95f726ce91d37aa7f4e679f3f4fcb3716c4c18b90c75e9f06d0b45fd8",
		"sha256:1n2znk80d7syqy88phf42qvwnkrzkxklwzxa6wfyjv3jbzwkyiby",
		"sha256:fkU/+V9ybOkdN6p/TmefP0/LNxbEwYuQx16fBtC0X9g=",
		"sha256-fkU/+V9ybOkdN6p/TmefP0/LNxbEwYuQx16fBtC0X9g=",
		"sha256-fkU/+V9ybOkdN6p/TmefP0/LNxbEwYuQx16fBtC0X9g",
	} {
		h, err := ParseAnyPrefixed(s)
		if err != nil || h != want {
			t.Errorf("ParseAnyPrefixed(%q) = %v, %v", s, h, err)
		}
	}
	for _, c := range []struct{ in, err string }{
		{"7e453ff95f726ce91d37aa7f4e679f3f4fcb3716c4c18b90c75e9f06d0b45fd8", "hash '7e453ff95f726ce91d37aa7f4e679f3f4fcb3716c4c18b90c75e9f06d0b45fd8' does not include a type"},
		{"sha256-7e453ff95f726ce91d37aa7f4e679f3f4fcb3716c4c18b90c75e9f06d0b45fd8", "invalid SRI hash '7e453ff95f726ce91d37aa7f4e679f3f4fcb3716c4c18b90c75e9f06d0b45fd8'"},
		{"blake3:abc", "unknown hash algorithm 'blake3', expect 'md5', 'sha1', 'sha256', or 'sha512'"},
	} {
		if _, err := ParseAnyPrefixed(c.in); err == nil || err.Error() != c.err {
			t.Errorf("ParseAnyPrefixed(%q) error = %v, want %q", c.in, err, c.err)
		}
	}
}

func TestParseNonSRIUnprefixed(t *testing.T) {
	want := SumString(SHA1, "nixgo")
	for _, s := range []string{"381107fef5782bc24d8a2ad7cfb2de141314ef9a", "kbpi84qlvsrczmrai96w4avqypz0f49q", "OBEH/vV4K8JNiirXz7LeFBMU75o="} {
		if h, err := ParseNonSRIUnprefixed(s, SHA1); err != nil || h != want {
			t.Errorf("ParseNonSRIUnprefixed(%q) = %v, %v", s, h, err)
		}
	}
	const in = "sha1:381107fef5782bc24d8a2ad7cfb2de141314ef9a"
	if _, err := ParseNonSRIUnprefixed(in, SHA1); err == nil || err.Error() != "hash '"+in+"' has wrong length for hash algorithm 'sha1'" {
		t.Errorf("prefixed input: error %v", err)
	}
}

func TestAlgo(t *testing.T) {
	for _, a := range Algos {
		b, err := ParseAlgo(a.String())
		if err != nil || b != a {
			t.Errorf("ParseAlgo(%s) = %v, %v", a, b, err)
		}
		if Sum(a, nil).Size() != a.Size() || len(Sum(a, nil).Digest()) != a.Size() {
			t.Errorf("%s: size mismatch", a)
		}
	}
	lens := map[Algo][3]int{MD5: {32, 26, 24}, SHA1: {40, 32, 28}, SHA256: {64, 52, 44}, SHA512: {128, 103, 88}}
	for a, l := range lens {
		if a.Base16Len() != l[0] || a.Nix32Len() != l[1] || a.Base64Len() != l[2] {
			t.Errorf("%s lengths = %d %d %d, want %v", a, a.Base16Len(), a.Nix32Len(), a.Base64Len(), l)
		}
	}
	if _, err := ParseAlgo("blake3"); err == nil || err.Error() != "unknown hash algorithm 'blake3', expect 'md5', 'sha1', 'sha256', or 'sha512'" {
		t.Errorf("ParseAlgo(blake3) error = %v", err)
	}
}

func TestParseFormat(t *testing.T) {
	for name, want := range map[string]Format{"base16": Base16, "nix32": Nix32, "base32": Nix32, "base64": Base64, "sri": SRI} {
		if f, err := ParseFormat(name); err != nil || f != want {
			t.Errorf("ParseFormat(%s) = %v, %v", name, f, err)
		}
	}
	if _, err := ParseFormat("hex"); err == nil || err.Error() != "unknown hash format 'hex', expect 'base16', 'base32', 'base64', or 'sri'" {
		t.Errorf("ParseFormat(hex) error = %v", err)
	}
}

func TestHasherAndCompress(t *testing.T) {
	h := NewHasher(SHA256)
	h.Write([]byte("nix"))
	h.WriteString("go")
	if h.Sum() != SumString(SHA256, "nixgo") || h.Written() != 5 {
		t.Errorf("Hasher = %v after %d bytes", h.Sum(), h.Written())
	}
	r, n, err := SumReader(SHA512, strings.NewReader("nixgo"))
	if err != nil || n != 5 || r != SumString(SHA512, "nixgo") {
		t.Errorf("SumReader = %v, %d, %v", r, n, err)
	}
	h.Reset()
	if h.Sum() != SumString(SHA256, "") || h.Written() != 0 {
		t.Error("Reset did not reset")
	}
	// XOR-fold of 32 bytes to 20: byte i ^= byte i+20.
	full := SumString(SHA256, "nixgo")
	d := full.Digest()
	c := CompressHash(full, 20)
	for i := range 20 {
		want := d[i]
		if i+20 < 32 {
			want ^= d[i+20]
		}
		if c[i] != want {
			t.Fatalf("CompressHash byte %d = %x, want %x", i, c[i], want)
		}
	}
}

func TestComparableAndOrder(t *testing.T) {
	m := map[Hash]int{SumString(SHA256, "a"): 1}
	if m[SumString(SHA256, "a")] != 1 {
		t.Error("Hash is not usable as a map key")
	}
	if Zero(SHA1) == Zero(MD5) || !(Hash{}).IsZero() || Zero(SHA1).IsZero() {
		t.Error("zero hashes compare wrongly")
	}
	if Zero(MD5).Compare(Zero(SHA1)) >= 0 || Zero(SHA256).Compare(SumString(SHA256, "x")) >= 0 || Zero(SHA256).Compare(Zero(SHA256)) != 0 {
		t.Error("Compare order differs from CppNix's (size, bytes, algo)")
	}
	h, err := FromDigest(SHA1, bytes.Repeat([]byte{1}, 20))
	if err != nil || h.Base16() != strings.Repeat("01", 20) {
		t.Errorf("FromDigest = %v, %v", h, err)
	}
	if _, err := FromDigest(SHA1, []byte{1}); err == nil {
		t.Error("FromDigest accepted a short digest")
	}
}

func TestTextMarshal(t *testing.T) {
	h := SumString(SHA512, "nixgo")
	b, err := json.Marshal(map[string]Hash{"h": h})
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]Hash
	if err := json.Unmarshal(b, &back); err != nil || back["h"] != h {
		t.Errorf("JSON round trip: %s -> %v, %v", b, back, err)
	}
	var a Algo
	if err := a.UnmarshalText([]byte("sha1")); err != nil || a != SHA1 {
		t.Errorf("Algo.UnmarshalText = %v, %v", a, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"sha256:7e453ff95f726ce91d37aa7f4e679f3f4fcb3716c4c18b90c75e9f06d0b45fd8",
		"sha256-fkU/+V9ybOkdN6p/TmefP0/LNxbEwYuQx16fBtC0X9g=",
		"1n2znk80d7syqy88phf42qvwnkrzkxklwzxa6wfyjv3jbzwkyiby",
		"md5:6961dc0ae13bc839e94c7f3b0b0caf35", "sha1-OBEH/vV4K8JNiirXz7LeFBMU75o=", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, a := range append([]Algo{0}, Algos...) {
			h, err := ParseAny(s, a)
			if err != nil {
				continue
			}
			if a != 0 && h.Algo() != a {
				t.Fatalf("ParseAny(%q, %s) gave algo %s", s, a, h.Algo())
			}
			for _, f := range []Format{Base16, Nix32, Base64, SRI} {
				back, err := ParseAnyPrefixed(h.Format(f, true))
				if err != nil || back != h {
					t.Fatalf("%q: %v printed as %s reparses as %v, %v", s, h, h.Format(f, true), back, err)
				}
			}
		}
		if h, err := ParseSRI(s); err == nil {
			if back, err := ParseSRI(h.SRI()); err != nil || back != h {
				t.Fatalf("SRI %q: %v", s, err)
			}
		}
	})
}

func BenchmarkSHA256Hasher(b *testing.B) {
	buf := make([]byte, 1<<20)
	b.SetBytes(int64(len(buf)))
	h := NewHasher(SHA256)
	for b.Loop() {
		h.Write(buf)
	}
}

func BenchmarkParseNix32(b *testing.B) {
	s := "1n2znk80d7syqy88phf42qvwnkrzkxklwzxa6wfyjv3jbzwkyiby"
	for b.Loop() {
		if _, err := ParseAny(s, SHA256); err != nil {
			b.Fatal(err)
		}
	}
}
