// Hash: the comparable hash value, its textual forms and their parsers.

package hash

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"

	"github.com/nixgo/nixgo/format/nixbase32"
)

// Hash is a digest together with the algorithm that produced it. It is a
// small comparable value: == compares algorithm and digest, and a Hash can
// be a map key. The zero Hash has no algorithm (IsZero reports true).
type Hash struct {
	algo   Algo
	digest [MaxSize]byte
}

// FromDigest returns the Hash with the given algorithm and digest, which
// must have the algorithm's size.
func FromDigest(a Algo, digest []byte) (Hash, error) {
	if !a.Valid() {
		return Hash{}, &UnknownAlgoError{Name: a.String()}
	}
	if len(digest) != a.Size() {
		return Hash{}, &BadHashError{fmt.Sprintf("digest of %d bytes has wrong length for hash algorithm '%s'", len(digest), a)}
	}
	h := Hash{algo: a}
	copy(h.digest[:], digest)
	return h, nil
}

// Zero returns the all-zero digest of algorithm a, as CppNix's Hash(algo).
func Zero(a Algo) Hash { return Hash{algo: a} }

// Algo returns the hash's algorithm.
func (h Hash) Algo() Algo { return h.algo }

// Size returns the digest length in bytes.
func (h Hash) Size() int { return h.algo.Size() }

// Digest returns a copy of the digest bytes.
func (h Hash) Digest() []byte { return bytes.Clone(h.digest[:h.Size()]) }

// AppendDigest appends the digest bytes to b.
func (h Hash) AppendDigest(b []byte) []byte { return append(b, h.digest[:h.Size()]...) }

// IsZero reports whether h is the zero Hash (no algorithm).
func (h Hash) IsZero() bool { return h.algo == 0 }

// Format is a textual encoding of a digest.
type Format uint8

// The formats. SRI always includes the algorithm ("sha256-...").
const (
	Base16 Format = iota + 1 // lower-case hexadecimal
	Nix32                    // Nix's base 32 (package nixbase32)
	Base64                   // standard base 64 with padding
	SRI                      // "<algo>-<base64>", as in Subresource Integrity
)

// ParseFormat returns the format called name: "base16", "nix32", "base64",
// "sri" or "base32". "base32" is a deprecated alias of "nix32"; CppNix
// warns when it is used, which callers may do with IsDeprecatedFormatName.
func ParseFormat(name string) (Format, error) {
	switch name {
	case "base16":
		return Base16, nil
	case "nix32", "base32":
		return Nix32, nil
	case "base64":
		return Base64, nil
	case "sri":
		return SRI, nil
	}
	return 0, fmt.Errorf("unknown hash format '%s', expect 'base16', 'base32', 'base64', or 'sri'", name)
}

// IsDeprecatedFormatName reports whether name is a deprecated format name
// ("base32"); CppNix then warns `"base32" is a deprecated alias for hash
// format "nix32".`
func IsDeprecatedFormatName(name string) bool { return name == "base32" }

// String returns the format's name ("base16", "nix32", "base64", "sri").
func (f Format) String() string {
	switch f {
	case Base16:
		return "base16"
	case Nix32:
		return "nix32"
	case Base64:
		return "base64"
	case SRI:
		return "sri"
	}
	return "invalid-format"
}

// Format returns the digest in format f. With withAlgo, or always for SRI,
// the algorithm is prefixed: "sha256:<digest>" or "sha256-<base64>"
// (CppNix's Hash::to_string).
func (h Hash) Format(f Format, withAlgo bool) string {
	var buf [2*MaxSize + 16]byte
	return string(h.AppendFormat(buf[:0], f, withAlgo))
}

// AppendFormat appends the digest in format f to b, as Format.
func (h Hash) AppendFormat(b []byte, f Format, withAlgo bool) []byte {
	if f == SRI || withAlgo {
		b = append(b, h.algo.String()...)
		if f == SRI {
			b = append(b, '-')
		} else {
			b = append(b, ':')
		}
	}
	d := h.digest[:h.Size()]
	switch f {
	case Base16:
		return hex.AppendEncode(b, d)
	case Nix32:
		return nixbase32.AppendEncode(b, d)
	}
	return base64.StdEncoding.AppendEncode(b, d)
}

// String returns the SRI form, e.g. "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=".
func (h Hash) String() string {
	if h.IsZero() {
		return "<no hash>"
	}
	return h.Format(SRI, true)
}

// Base16 returns the digest in lower-case hexadecimal, without algorithm.
func (h Hash) Base16() string { return h.Format(Base16, false) }

// Nix32 returns the digest in Nix's base 32, without algorithm.
func (h Hash) Nix32() string { return h.Format(Nix32, false) }

// Base64 returns the digest in base 64, without algorithm.
func (h Hash) Base64() string { return h.Format(Base64, false) }

// SRI returns the SRI form "<algo>-<base64>".
func (h Hash) SRI() string { return h.Format(SRI, true) }

// Base16Or32 returns base16 for MD5 and nix32 otherwise, without algorithm
// (CppNix's printHash16or32).
func (h Hash) Base16Or32() string {
	if h.algo == MD5 {
		return h.Base16()
	}
	return h.Nix32()
}

// Compare orders hashes as CppNix does: by digest size, then digest
// bytes, then algorithm. It returns -1, 0 or +1.
func (h Hash) Compare(o Hash) int {
	if c := h.Size() - o.Size(); c != 0 {
		if c < 0 {
			return -1
		}
		return 1
	}
	if c := bytes.Compare(h.digest[:], o.digest[:]); c != 0 {
		return c
	}
	switch {
	case h.algo < o.algo:
		return -1
	case h.algo > o.algo:
		return 1
	}
	return 0
}

// MarshalText implements encoding.TextMarshaler with the SRI form.
func (h Hash) MarshalText() ([]byte, error) {
	if h.IsZero() {
		return nil, &BadHashError{"cannot marshal the zero hash"}
	}
	return []byte(h.SRI()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseAnyPrefixed,
// so it accepts SRI and "<algo>:<digest>" forms.
func (h *Hash) UnmarshalText(b []byte) error {
	v, err := ParseAnyPrefixed(string(b))
	if err != nil {
		return err
	}
	*h = v
	return nil
}
