// Parsing hashes from text, following CppNix's Hash::parse* functions.

package hash

import (
	"fmt"
	"strings"

	"github.com/nixgo/nixgo/format/nixbase32"
)

// BadHashError reports a malformed hash string. Its message is CppNix's.
type BadHashError struct{ Msg string }

func (e *BadHashError) Error() string { return e.Msg }

func badHash(format string, args ...any) error {
	return &BadHashError{fmt.Sprintf(format, args...)}
}

// UnknownAlgoError reports an algorithm name Nix does not know.
type UnknownAlgoError struct{ Name string }

func (e *UnknownAlgoError) Error() string {
	return fmt.Sprintf("unknown hash algorithm '%s', expect 'md5', 'sha1', 'sha256', or 'sha512'", e.Name)
}

// ParseSRI parses "<algo>-<base64>" (CppNix's Hash::parseSRI).
func ParseSRI(s string) (Hash, error) {
	algoName, rest, ok := strings.Cut(s, "-")
	if !ok {
		return Hash{}, badHash("hash '%s' is not SRI", s)
	}
	a, err := ParseAlgo(algoName)
	if err != nil {
		return Hash{}, err
	}
	return parseDigest(rest, a, true)
}

// splitAlgoPrefix removes an "<algo>:" or "<algo>-" prefix from s. It
// returns the algorithm (0 if there was no prefix), the rest of s, and
// whether the prefix was SRI-style.
func splitAlgoPrefix(s string) (Algo, string, bool, error) {
	name, rest, ok := strings.Cut(s, ":")
	isSRI := false
	if !ok {
		name, rest, ok = strings.Cut(s, "-")
		isSRI = ok
	}
	if !ok {
		return 0, s, false, nil
	}
	a, err := ParseAlgo(name)
	return a, rest, isSRI, err
}

// ParseAnyPrefixed parses a hash that names its algorithm:
// "<algo>:<base16|nix32|base64>" or "<algo>-<base64>" (CppNix's
// Hash::parseAnyPrefixed).
func ParseAnyPrefixed(s string) (Hash, error) {
	a, rest, isSRI, err := splitAlgoPrefix(s)
	if err != nil {
		return Hash{}, err
	}
	if a == 0 {
		return Hash{}, badHash("hash '%s' does not include a type", rest)
	}
	return parseDigest(rest, a, isSRI)
}

// ParseAny parses a hash in any form: prefixed as for ParseAnyPrefixed, or
// unprefixed when algo (which may be 0) gives the algorithm. When both the
// string and algo name an algorithm they must agree (CppNix's
// Hash::parseAny).
func ParseAny(s string, algo Algo) (Hash, error) {
	a, rest, isSRI, err := splitAlgoPrefix(s)
	if err != nil {
		return Hash{}, err
	}
	switch {
	case a == 0 && algo == 0:
		return Hash{}, badHash("hash '%s' does not include a type, nor is the type otherwise known from context", rest)
	case a != 0 && algo != 0 && a != algo:
		return Hash{}, badHash("hash '%s' should have type '%s'", s, algo)
	case a == 0:
		a = algo
	}
	return parseDigest(rest, a, isSRI)
}

// ParseNonSRIUnprefixed parses a bare base16, nix32 or base64 digest of
// algorithm a, telling the encoding by its length (CppNix's
// Hash::parseNonSRIUnprefixed).
func ParseNonSRIUnprefixed(s string, a Algo) (Hash, error) {
	return parseDigest(s, a, false)
}

// parseDigest decodes an unprefixed digest. Unless isSRI, its encoding is
// chosen by length: base16, nix32, then base64; SRI digests are base64 of
// any length that decodes to the right size.
func parseDigest(s string, a Algo, isSRI bool) (Hash, error) {
	if !a.Valid() {
		return Hash{}, &UnknownAlgoError{Name: a.String()}
	}
	h := Hash{algo: a}
	d := h.digest[:a.Size()]
	switch {
	case !isSRI && len(s) == a.Base16Len():
		for i := range d {
			hi, ok1 := hexDigit(s[2*i])
			lo, ok2 := hexDigit(s[2*i+1])
			if !ok1 || !ok2 {
				return Hash{}, badHash("invalid base-16 hash '%s'", s)
			}
			d[i] = hi<<4 | lo
		}
	case !isSRI && len(s) == a.Nix32Len():
		if _, err := nixbase32.Decode(d, []byte(s)); err != nil {
			return Hash{}, badHash("invalid base-32 hash '%s'", s)
		}
	case isSRI || len(s) == a.Base64Len():
		kind := "base-64"
		if isSRI {
			kind = "SRI"
		}
		raw, ok := decodeBase64Lenient(s)
		if !ok || len(raw) != len(d) {
			return Hash{}, badHash("invalid %s hash '%s'", kind, s)
		}
		copy(d, raw)
	default:
		return Hash{}, badHash("hash '%s' has wrong length for hash algorithm '%s'", s, a)
	}
	return h, nil
}

// hexDigit decodes one hexadecimal digit of either case.
func hexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// decodeBase64Lenient decodes base 64 as CppNix's base64Decode does: it
// stops at the first '=', skips newlines, and ignores leftover bits. It
// reports false on any other character outside the alphabet.
func decodeBase64Lenient(s string) ([]byte, bool) {
	out := make([]byte, 0, (len(s)+2)/4*3)
	var acc uint32
	bits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '=' {
			break
		}
		if c == '\n' {
			continue
		}
		v := strings.IndexByte(base64Alphabet, c)
		if v < 0 {
			return nil, false
		}
		acc = acc<<6 | uint32(v)
		bits += 6
		if bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>bits))
		}
	}
	return out, true
}
