// Algo: the hash algorithms Nix supports, their names and sizes.

package hash

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	gohash "hash"
)

// Algo is a hash algorithm. The zero Algo means "no algorithm".
type Algo uint8

// The algorithms, in CppNix's order (which Compare follows).
const (
	MD5 Algo = iota + 1
	SHA1
	SHA256
	SHA512
)

// MaxSize is the largest digest size of any Algo (SHA512's).
const MaxSize = 64

var algoNames = [...]string{MD5: "md5", SHA1: "sha1", SHA256: "sha256", SHA512: "sha512"}

var algoSizes = [...]int{MD5: 16, SHA1: 20, SHA256: 32, SHA512: 64}

// Algos lists every supported algorithm.
var Algos = []Algo{MD5, SHA1, SHA256, SHA512}

// ParseAlgo returns the algorithm called name ("md5", "sha1", "sha256" or
// "sha512"), or an *UnknownAlgoError.
func ParseAlgo(name string) (Algo, error) {
	for _, a := range Algos {
		if algoNames[a] == name {
			return a, nil
		}
	}
	return 0, &UnknownAlgoError{Name: name}
}

// String returns the algorithm's name as Nix spells it.
func (a Algo) String() string {
	if a.Valid() {
		return algoNames[a]
	}
	return "invalid-algo"
}

// Valid reports whether a is one of the supported algorithms.
func (a Algo) Valid() bool { return a >= MD5 && a <= SHA512 }

// Size returns the digest size in bytes, or 0 for an invalid Algo.
func (a Algo) Size() int {
	if a.Valid() {
		return algoSizes[a]
	}
	return 0
}

// Base16Len returns the length of the base16 encoding of a digest.
func (a Algo) Base16Len() int { return a.Size() * 2 }

// Nix32Len returns the length of the nix32 encoding of a digest.
func (a Algo) Nix32Len() int { return (a.Size()*8-1)/5 + 1 }

// Base64Len returns the length of the padded base64 encoding of a digest.
func (a Algo) Base64Len() int { return ((4 * a.Size() / 3) + 3) &^ 3 }

// newGo returns a standard-library hash for a.
func (a Algo) newGo() gohash.Hash {
	switch a {
	case MD5:
		return md5.New()
	case SHA1:
		return sha1.New()
	case SHA256:
		return sha256.New()
	case SHA512:
		return sha512.New()
	}
	panic("hash: invalid algorithm " + a.String())
}

// MarshalText implements encoding.TextMarshaler.
func (a Algo) MarshalText() ([]byte, error) {
	if !a.Valid() {
		return nil, &UnknownAlgoError{Name: a.String()}
	}
	return []byte(a.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (a *Algo) UnmarshalText(b []byte) error {
	v, err := ParseAlgo(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}
