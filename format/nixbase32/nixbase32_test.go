// Tests for nixbase32 against vectors produced by CppNix (testdata/gen.sh).

package nixbase32

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

type vector struct {
	raw     []byte
	encoded string
}

func loadVectors(t testing.TB) []vector {
	t.Helper()
	f, err := os.Open("testdata/vectors.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var vs []vector
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		hexStr, enc, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			t.Fatalf("bad line %q", sc.Text())
		}
		raw, err := hex.DecodeString(hexStr)
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, vector{raw, enc})
	}
	if len(vs) == 0 {
		t.Fatal("no vectors")
	}
	return vs
}

func TestReferenceVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		if got := EncodeToString(v.raw); got != v.encoded {
			t.Errorf("EncodeToString(%x) = %s, want %s", v.raw, got, v.encoded)
		}
		got, err := DecodeString(v.encoded)
		if err != nil || !bytes.Equal(got, v.raw) {
			t.Errorf("DecodeString(%s) = %x, %v, want %x", v.encoded, got, err, v.raw)
		}
		if EncodedLen(len(v.raw)) != len(v.encoded) || DecodedLen(len(v.encoded)) != len(v.raw) {
			t.Errorf("lengths wrong for %d bytes", len(v.raw))
		}
	}
}

func TestLengths(t *testing.T) {
	for _, c := range []struct{ bytes, chars int }{{0, 0}, {1, 2}, {2, 4}, {3, 5}, {4, 7}, {5, 8}, {16, 26}, {20, 32}, {32, 52}, {64, 103}} {
		if got := EncodedLen(c.bytes); got != c.chars {
			t.Errorf("EncodedLen(%d) = %d, want %d", c.bytes, got, c.chars)
		}
		if got := DecodedLen(c.chars); got != c.bytes {
			t.Errorf("DecodedLen(%d) = %d, want %d", c.chars, got, c.bytes)
		}
		if !ValidLen(c.chars) {
			t.Errorf("ValidLen(%d) = false", c.chars)
		}
	}
	for _, n := range []int{1, 3, 6, 9} {
		if ValidLen(n) {
			t.Errorf("ValidLen(%d) = true", n)
		}
	}
}

func TestRoundTripAllLengths(t *testing.T) {
	for n := 0; n < 100; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*37 + n)
		}
		s := EncodeToString(b)
		got, err := DecodeString(s)
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("round trip of %x: %s -> %x, %v", b, s, got, err)
		}
		if app := AppendEncode([]byte("x-"), b); string(app) != "x-"+s {
			t.Fatalf("AppendEncode = %q", app)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, c := range []struct{ in, err string }{
		{"0000000000000000000000000e", "invalid character in Nix32 (Nix's Base32 variation) string: 'e'"},
		{"000000000000000000000000O0", "invalid character in Nix32 (Nix's Base32 variation) string: 'O'"},
		{"8zzzzzzzzzzzzzzzzzzzzzzzzz", "non-zero leftover bits in Nix32 (Nix's Base32 variation) string at offset 0"},
		{"2000000000000000000000000000000000000000000000000000", "non-zero leftover bits in Nix32 (Nix's Base32 variation) string at offset 0"},
		{"0", "invalid length for a Nix32 (Nix's Base32 variation) string: 1"},
		{"000", "invalid length for a Nix32 (Nix's Base32 variation) string: 3"},
	} {
		_, err := DecodeString(c.in)
		if err == nil || err.Error() != c.err {
			t.Errorf("DecodeString(%q) error = %v, want %q", c.in, err, c.err)
		}
	}
}

func TestIsDigit(t *testing.T) {
	for c := 0; c < 256; c++ {
		want := strings.IndexByte(Alphabet, byte(c)) >= 0
		if IsDigit(byte(c)) != want {
			t.Errorf("IsDigit(%q) = %v", byte(c), !want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "00", "zz", "0g1q6hq2qa1440f1h50h1h4080", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "8z", "e0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := DecodeString(s)
		if err != nil {
			return
		}
		if back := EncodeToString(b); back != s {
			t.Fatalf("DecodeString(%q) = %x, which encodes to %q", s, b, back)
		}
	})
}

func BenchmarkEncode20(b *testing.B) {
	src := bytes.Repeat([]byte{0xa5}, 20)
	dst := make([]byte, EncodedLen(20))
	b.SetBytes(20)
	for b.Loop() {
		Encode(dst, src)
	}
}

func BenchmarkEncode32(b *testing.B) {
	src := bytes.Repeat([]byte{0xa5}, 32)
	dst := make([]byte, EncodedLen(32))
	b.SetBytes(32)
	for b.Loop() {
		Encode(dst, src)
	}
}

func BenchmarkDecode32(b *testing.B) {
	src := []byte(EncodeToString(bytes.Repeat([]byte{0xa5}, 32)))
	dst := make([]byte, 32)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Decode(dst, src); err != nil {
			b.Fatal(err)
		}
	}
}
