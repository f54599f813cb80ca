// Package refscan finds references to store paths in byte streams, and hashes
// streams modulo a self-reference, as CppNix's RefScanSink and HashModuloSink.
//
// A store object refers to another when the 32-character hash part of the
// other's path occurs anywhere in its NAR. Scanner is an io.Writer that looks
// for a set of hash parts in what is written to it, across write boundaries.
// ModuloHasher hashes a stream with every occurrence of one hash part
// replaced by zero bytes, which is how content-addressed objects that refer
// to themselves are hashed.
package refscan

import (
	"bytes"
	"sort"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/nixbase32"
)

// HashLen is the length of the hash part of a store path.
const HashLen = 32

// isNix32 tells the bytes that can appear in a hash part.
var isNix32 = func() (t [256]bool) {
	for _, c := range []byte(nixbase32.Alphabet) {
		t[c] = true
	}
	return t
}()

// Scanner records which of a set of hash parts occur in the bytes written
// to it.
type Scanner struct {
	want  map[string]bool
	found map[string]bool
	tail  []byte
}

// NewScanner returns a Scanner looking for hashParts.
func NewScanner(hashParts []string) *Scanner {
	s := &Scanner{want: map[string]bool{}, found: map[string]bool{}}
	for _, h := range hashParts {
		s.want[h] = true
	}
	return s
}

// Write scans p. It never fails.
func (s *Scanner) Write(p []byte) (int, error) {
	if len(s.want) == 0 {
		return len(p), nil
	}
	// A reference may straddle the previous write and this one.
	head := min(len(p), HashLen)
	joined := append(s.tail, p[:head]...)
	s.search(joined)
	s.search(p)
	keep := HashLen - head
	if keep < len(s.tail) {
		s.tail = append(s.tail[:0], s.tail[len(s.tail)-keep:]...)
	}
	s.tail = append(s.tail, p[len(p)-head:]...)
	return len(p), nil
}

// search looks for wanted hash parts in b, skipping past bytes that cannot
// be part of one.
func (s *Scanner) search(b []byte) {
	for i := 0; i+HashLen <= len(b); {
		j := HashLen - 1
		for ; j >= 0; j-- {
			if !isNix32[b[i+j]] {
				break
			}
		}
		if j >= 0 {
			i += j + 1
			continue
		}
		if h := string(b[i : i+HashLen]); s.want[h] {
			delete(s.want, h)
			s.found[h] = true
		}
		i++
	}
}

// Found returns the hash parts seen so far, sorted.
func (s *Scanner) Found() []string {
	out := make([]string, 0, len(s.found))
	for h := range s.found {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// ModuloHasher hashes what is written to it with every occurrence of a
// modulus (a hash part) replaced by as many zero bytes (CppNix's
// HashModuloSink).
type ModuloHasher struct {
	h       *hash.Hasher
	modulus []byte
	zeros   []byte
	prev    []byte
	n       int64
}

// NewModuloHasher returns a ModuloHasher for algorithm a and modulus.
func NewModuloHasher(a hash.Algo, modulus string) *ModuloHasher {
	return &ModuloHasher{h: hash.NewHasher(a), modulus: []byte(modulus), zeros: make([]byte, len(modulus))}
}

// Write adds p to the hashed stream. It never fails.
func (m *ModuloHasher) Write(p []byte) (int, error) {
	s := append(m.prev, p...)
	for i := 0; ; {
		j := bytes.Index(s[i:], m.modulus)
		if j < 0 {
			break
		}
		copy(s[i+j:], m.zeros)
		i += j + len(m.modulus)
	}
	// Keep back what could start an occurrence completed by the next write.
	keep := min(len(s), len(m.modulus)-1)
	m.h.Write(s[:len(s)-keep])
	m.n += int64(len(s) - keep)
	m.prev = append([]byte(nil), s[len(s)-keep:]...)
	return len(p), nil
}

// Sum returns the hash of everything written, and its length.
func (m *ModuloHasher) Sum() (hash.Hash, int64) {
	m.h.Write(m.prev)
	m.n += int64(len(m.prev))
	m.prev = nil
	return m.h.Sum(), m.n
}
