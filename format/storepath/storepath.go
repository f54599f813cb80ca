// StorePath: the comparable store path value, its name rules and parsing.

package storepath

import (
	"fmt"
	"strings"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/nixbase32"
)

const (
	// DigestSize is the size of a store path's digest in bytes.
	DigestSize = 20
	// HashLen is the length of a store path's hash part in characters.
	HashLen = 32
	// MaxNameLen is the longest allowed name.
	MaxNameLen = 211
	// DrvExtension ends the names of derivation store paths.
	DrvExtension = ".drv"
)

// StorePath is a store path without its store directory: a digest and a
// name. The zero StorePath is not a valid path (see IsZero). StorePaths
// are comparable and usable as map keys.
type StorePath struct {
	// base is "<hash>-<name>": store paths are printed, compared and used as
	// keys far more often than their digest is needed, so the text is kept.
	base string
}

// BadPathError reports a string that is not a valid store path. Its
// message is CppNix's.
type BadPathError struct{ Msg string }

func (e *BadPathError) Error() string { return e.Msg }

// BadNameError reports an invalid store path name. Its message is CppNix's.
type BadNameError struct{ Msg string }

func (e *BadNameError) Error() string { return e.Msg }

func badPath(format string, args ...any) error {
	return &BadPathError{fmt.Sprintf(format, args...)}
}

// CheckName reports whether name may be the name of a store path: 1 to
// 211 characters from [0-9a-zA-Z+-._?=], not "." or "..", and not starting
// with "." or ".." followed by "-" (CppNix's checkName).
func CheckName(name string) error {
	bad := func(format string, args ...any) error {
		return &BadNameError{fmt.Sprintf(format, args...)}
	}
	switch {
	case name == "":
		return bad("name must not be empty")
	case len(name) > MaxNameLen:
		return bad("name '%s' must be no longer than %d characters", name, MaxNameLen)
	case name == "." || name == "..":
		return bad("name '%s' is not valid", name)
	case strings.HasPrefix(name, ".-"):
		return bad("name '%s' is not valid: first dash-separated component must not be '%s'", name, ".")
	case strings.HasPrefix(name, "..-"):
		return bad("name '%s' is not valid: first dash-separated component must not be '%s'", name, "..")
	}
	for i := 0; i < len(name); i++ {
		if !nameChar(name[i]) {
			// The character is printed as a raw byte, as CppNix does.
			return bad("name '%s' contains illegal character '%s'", name, name[i:i+1])
		}
	}
	return nil
}

func nameChar(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' ||
		strings.IndexByte("+-._?=", c) >= 0
}

// New returns the store path with the given digest and name, which must
// pass CheckName.
func New(digest [DigestSize]byte, name string) (StorePath, error) {
	b := make([]byte, 0, HashLen+1+len(name))
	b = nixbase32.AppendEncode(b, digest[:])
	b = append(b, '-')
	base := string(append(b, name...))
	if err := CheckName(name); err != nil {
		return StorePath{}, badPath("path '%s' is not a valid store path: %s", base, err)
	}
	return StorePath{base: base}, nil
}

// FromDigest returns the store path with the given digest, which must
// be 20 bytes long (for example a SHA-1 hash, or a hash folded with
// hash.CompressHash).
func FromDigest(digest []byte, name string) (StorePath, error) {
	if len(digest) != DigestSize {
		return StorePath{}, badPath("store path digest must be %d bytes, not %d", DigestSize, len(digest))
	}
	return New([DigestSize]byte(digest), name)
}

// ParseBase parses a base name "<hash>-<name>" (CppNix's
// StorePath(std::string_view)).
func ParseBase(base string) (StorePath, error) {
	if len(base) < HashLen+1 {
		return StorePath{}, badPath("'%s' is too short to be a valid store path", base)
	}
	for i := 0; i < HashLen; i++ {
		if !nixbase32.IsDigit(base[i]) {
			return StorePath{}, badPath("store path '%s' contains illegal base-32 character '%s'", base, base[i:i+1])
		}
	}
	if base[HashLen] != '-' {
		return StorePath{}, badPath("store path '%s' has no '-' after its hash part", base)
	}
	var digest [DigestSize]byte
	// 32 digits are exactly 160 bits, so decoding cannot fail.
	if _, err := nixbase32.Decode(digest[:], []byte(base[:HashLen])); err != nil {
		return StorePath{}, badPath("store path '%s' has an invalid hash part: %v", base, err)
	}
	if err := CheckName(base[HashLen+1:]); err != nil {
		return StorePath{}, badPath("path '%s' is not a valid store path: %s", base, err)
	}
	return StorePath{base: base}, nil
}

// Name returns the name part.
func (p StorePath) Name() string {
	if p.base == "" {
		return ""
	}
	return p.base[HashLen+1:]
}

// Digest returns the 20-byte digest.
func (p StorePath) Digest() [DigestSize]byte {
	var d [DigestSize]byte
	if p.base != "" {
		nixbase32.Decode(d[:], []byte(p.base[:HashLen]))
	}
	return d
}

// HashPart returns the digest in nix32, the first 32 characters of the
// base name.
func (p StorePath) HashPart() string { return p.hashPart() }

func (p StorePath) hashPart() string {
	if p.base == "" {
		return nixbase32.EncodeToString(make([]byte, DigestSize))
	}
	return p.base[:HashLen]
}

// Base returns the base name "<hash>-<name>".
func (p StorePath) Base() string { return p.base }

// String returns the base name, as Base does.
func (p StorePath) String() string { return p.Base() }

// IsZero reports whether p is the zero StorePath.
func (p StorePath) IsZero() bool { return p.base == "" }

// IsDerivation reports whether the name ends in ".drv".
func (p StorePath) IsDerivation() bool { return strings.HasSuffix(p.base, DrvExtension) }

// DrvName returns the name of a derivation path without ".drv" (CppNix's
// BasicDerivation::nameFromPath).
func (p StorePath) DrvName() (string, error) {
	if !p.IsDerivation() {
		return "", badPath("store path '%s' is not a valid derivation path", p)
	}
	return strings.TrimSuffix(p.Name(), DrvExtension), nil
}

// Compare orders store paths as CppNix does, by base name bytewise. It
// returns -1, 0 or +1.
func (p StorePath) Compare(o StorePath) int {
	// The base names start with the hash parts, which have the same length.
	return strings.Compare(p.base, o.base)
}

// MarshalText implements encoding.TextMarshaler with the base name.
func (p StorePath) MarshalText() ([]byte, error) {
	if p.IsZero() {
		return nil, badPath("cannot marshal the zero store path")
	}
	return []byte(p.Base()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseBase.
func (p *StorePath) UnmarshalText(b []byte) error {
	v, err := ParseBase(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// fromFingerprint returns the store path whose digest is the folded
// SHA-256 of fingerprint.
func fromFingerprint(fingerprint []byte, name string) (StorePath, error) {
	h := hash.Sum(hash.SHA256, fingerprint)
	var digest [DigestSize]byte
	var full [hash.MaxSize]byte
	for i, b := range h.AppendDigest(full[:0]) {
		digest[i%DigestSize] ^= b
	}
	return New(digest, name)
}
