// This file tests reference scanning and modulo hashing against naive
// implementations, with every way of splitting the input into writes.

package refscan

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nixgo/nixgo/format/hash"
)

const (
	h1 = "0c6kzph7l0dcbsmh8yqi7vp0b5lrn1ad"
	h2 = "1c6kzph7l0dcbsmh8yqi7vp0b5lrn1ad"
	h3 = "2c6kzph7l0dcbsmh8yqi7vp0b5lrn1ad"
)

// naiveFound is the reference result: the wanted hashes occurring in b.
func naiveFound(b string, want []string) []string {
	var out []string
	for _, h := range want {
		if strings.Contains(b, h) {
			out = append(out, h)
		}
	}
	slices.Sort(out)
	return out
}

func scanInChunks(b string, want []string, r *rand.Rand) []string {
	s := NewScanner(want)
	for len(b) > 0 {
		n := 1 + r.IntN(len(b))
		s.Write([]byte(b[:n]))
		b = b[n:]
	}
	return s.Found()
}

func TestScanner(t *testing.T) {
	tests := []string{
		"",
		h1,
		"/nix/store/" + h1 + "-foo and /nix/store/" + h3 + "-bar",
		"x" + h2[:20] + "y" + h2[20:],
		strings.Repeat("a", 100) + h2 + strings.Repeat("b", 100),
		"0" + h1, // a hash preceded by hash characters
		h1[:31],
	}
	r := rand.New(rand.NewPCG(1, 2))
	want := []string{h1, h2, h3}
	for _, tc := range tests {
		for range 50 {
			if got, exp := scanInChunks(tc, want, r), naiveFound(tc, want); !slices.Equal(got, exp) {
				t.Errorf("%q: found %v, want %v", tc, got, exp)
			}
		}
	}
}

func FuzzScanner(f *testing.F) {
	f.Add("prefix "+h1+" suffix", uint64(7))
	f.Add(h2+h3, uint64(3))
	f.Fuzz(func(t *testing.T, s string, seed uint64) {
		r := rand.New(rand.NewPCG(seed, seed))
		want := []string{h1, h2, h3}
		if got, exp := scanInChunks(s, want, r), naiveFound(s, want); !slices.Equal(got, exp) {
			t.Errorf("%q: found %v, want %v", s, got, exp)
		}
	})
}

func TestModuloHasher(t *testing.T) {
	tests := []string{
		"",
		"no modulus here",
		"self: " + h1 + " and again " + h1 + h1,
		h1[:10],
		strings.Repeat("z", 70) + h1,
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, tc := range tests {
		zeroed := strings.ReplaceAll(tc, h1, string(make([]byte, len(h1))))
		want := hash.SumString(hash.SHA256, zeroed)
		for range 50 {
			m := NewModuloHasher(hash.SHA256, h1)
			b := []byte(tc)
			for len(b) > 0 {
				n := 1 + r.IntN(len(b))
				m.Write(bytes.Clone(b[:n]))
				b = b[n:]
			}
			got, n := m.Sum()
			if got != want || n != int64(len(tc)) {
				t.Errorf("%q: %s (%d bytes), want %s", tc, got, n, want)
			}
		}
	}
}
