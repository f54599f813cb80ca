// Hasher: streaming hashing into a Hash, and hashing helpers.

package hash

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	gohash "hash"
	"io"
	"unsafe"
)

// Hasher computes a Hash of everything written to it (CppNix's HashSink).
type Hasher struct {
	algo Algo
	h    gohash.Hash
	n    int64
}

// NewHasher returns a Hasher for algorithm a, which must be valid.
func NewHasher(a Algo) *Hasher { return &Hasher{algo: a, h: a.newGo()} }

// Write adds p to the hashed data. It never fails.
func (h *Hasher) Write(p []byte) (int, error) {
	h.n += int64(len(p))
	return h.h.Write(p)
}

// WriteString adds s to the hashed data. It never fails.
func (h *Hasher) WriteString(s string) (int, error) {
	h.n += int64(len(s))
	return io.WriteString(h.h, s)
}

// Sum returns the hash of the data written so far; writing may continue.
func (h *Hasher) Sum() Hash {
	out := Hash{algo: h.algo}
	h.h.Sum(out.digest[:0])
	return out
}

// Written returns the number of bytes written so far.
func (h *Hasher) Written() int64 { return h.n }

// Reset forgets the data written so far.
func (h *Hasher) Reset() {
	h.h.Reset()
	h.n = 0
}

// Sum returns the hash of data with algorithm a, which must be valid.
func Sum(a Algo, data []byte) Hash {
	h := Hash{algo: a}
	switch a {
	case MD5:
		d := md5.Sum(data)
		copy(h.digest[:], d[:])
	case SHA1:
		d := sha1.Sum(data)
		copy(h.digest[:], d[:])
	case SHA256:
		d := sha256.Sum256(data)
		copy(h.digest[:], d[:])
	case SHA512:
		d := sha512.Sum512(data)
		copy(h.digest[:], d[:])
	default:
		panic("hash: invalid algorithm " + a.String())
	}
	return h
}

// SumString returns the hash of s with algorithm a (CppNix's hashString).
func SumString(a Algo, s string) Hash {
	// The hash functions only read their input: no need to copy s.
	return Sum(a, unsafe.Slice(unsafe.StringData(s), len(s)))
}

// SumReader returns the hash of everything read from r, and its length.
func SumReader(a Algo, r io.Reader) (Hash, int64, error) {
	h := NewHasher(a)
	n, err := io.Copy(h, r)
	return h.Sum(), n, err
}

// CompressHash folds h's digest to size bytes by XOR-ing byte i into byte
// i mod size (CppNix's compressHash; store paths use size 20).
func CompressHash(h Hash, size int) []byte {
	out := make([]byte, size)
	for i, b := range h.digest[:h.Size()] {
		out[i%size] ^= b
	}
	return out
}
