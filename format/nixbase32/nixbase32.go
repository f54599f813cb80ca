// Package nixbase32 implements Nix's base-32 encoding ("nix32").
//
// Nix's base 32 differs from RFC 4648 base 32 in two ways: its alphabet is
// "0123456789abcdfghijklmnpqrsvwxyz" (digits and lower-case letters without
// e, o, u and t), and it reads the input from its last byte to its first,
// least significant bits first, so that the first character of an encoding
// holds the high bits of the last input byte. There is no padding: n bytes
// encode to exactly ceil(8n/5) characters.
//
// The encoding is used for store path hash parts (20 bytes, 32 characters)
// and for the "nix32" form of hashes.
package nixbase32

import (
	"fmt"
	"strconv"
)

// Alphabet is the ordered set of digits of Nix's base-32 encoding.
const Alphabet = "0123456789abcdfghijklmnpqrsvwxyz"

// invalid marks bytes that are not digits in decodeMap.
const invalid = 0xff

// decodeMap maps a byte to its digit value, or to invalid.
var decodeMap = func() (m [256]byte) {
	for i := range m {
		m[i] = invalid
	}
	for i := 0; i < len(Alphabet); i++ {
		m[Alphabet[i]] = byte(i)
	}
	return m
}()

// IsDigit reports whether c belongs to Alphabet.
func IsDigit(c byte) bool { return decodeMap[c] != invalid }

// EncodedLen returns the length of the encoding of n bytes.
func EncodedLen(n int) int {
	if n <= 0 {
		return 0
	}
	return (n*8-1)/5 + 1
}

// DecodedLen returns the number of bytes encoded by n characters. It is
// only meaningful for lengths that EncodedLen can return; see ValidLen.
func DecodedLen(n int) int { return n * 5 / 8 }

// ValidLen reports whether n is the length of an encoding (EncodedLen of
// some byte count).
func ValidLen(n int) bool { return n >= 0 && EncodedLen(DecodedLen(n)) == n }

// Encode writes the encoding of src into dst, which must have room for
// EncodedLen(len(src)) bytes, and returns the number of bytes written.
func Encode(dst, src []byte) int {
	n := EncodedLen(len(src))
	last := len(src) - 1
	for k := 0; k < n; k++ {
		// Character k (from the left) holds bits [5m, 5m+5) of the input
		// read as a little-endian number, where m counts from the right.
		b := (n - 1 - k) * 5
		i, j := b/8, uint(b%8)
		c := src[i] >> j
		if i < last {
			c |= src[i+1] << (8 - j)
		}
		dst[k] = Alphabet[c&0x1f]
	}
	return n
}

// EncodeToString returns the encoding of src.
func EncodeToString(src []byte) string {
	buf := make([]byte, EncodedLen(len(src)))
	Encode(buf, src)
	return string(buf)
}

// AppendEncode appends the encoding of src to dst and returns the result.
func AppendEncode(dst, src []byte) []byte {
	n := len(dst)
	dst = append(dst, make([]byte, EncodedLen(len(src)))...)
	Encode(dst[n:], src)
	return dst
}

// A CorruptInputError reports malformed input to Decode.
type CorruptInputError struct {
	Offset int    // index in the input of the offending character, or -1 for a bad length
	Char   byte   // the offending character
	Reason string // "invalid character", "non-zero leftover bits" or "invalid length"
}

func (e *CorruptInputError) Error() string {
	switch e.Reason {
	case reasonChar:
		// CppNix's wording (BaseNix32::decode).
		return fmt.Sprintf("invalid character in Nix32 (Nix's Base32 variation) string: '%c'", e.Char)
	case reasonLen:
		return "invalid length for a Nix32 (Nix's Base32 variation) string: " + strconv.Itoa(e.Offset)
	}
	return fmt.Sprintf("non-zero leftover bits in Nix32 (Nix's Base32 variation) string at offset %d", e.Offset)
}

const (
	reasonChar     = "invalid character"
	reasonLeftover = "non-zero leftover bits"
	reasonLen      = "invalid length"
)

// Decode decodes src into dst, which must have room for
// DecodedLen(len(src)) bytes, and returns the number of bytes written.
//
// It rejects characters outside Alphabet, lengths that no byte count
// encodes to, and encodings whose unused high bits (in the first
// character) are not zero, so that every byte string has exactly one
// accepted encoding, as CppNix requires when it parses a nix32 hash.
func Decode(dst, src []byte) (int, error) {
	if !ValidLen(len(src)) {
		return 0, &CorruptInputError{Offset: len(src), Reason: reasonLen}
	}
	n := DecodedLen(len(src))
	clear(dst[:n])
	for m := 0; m < len(src); m++ {
		pos := len(src) - 1 - m
		d := decodeMap[src[pos]]
		if d == invalid {
			return 0, &CorruptInputError{Offset: pos, Char: src[pos], Reason: reasonChar}
		}
		b := m * 5
		i, j := b/8, uint(b%8)
		dst[i] |= d << j
		hi := d >> (8 - j)
		if i+1 < n {
			dst[i+1] |= hi
		} else if hi != 0 {
			return 0, &CorruptInputError{Offset: pos, Char: src[pos], Reason: reasonLeftover}
		}
	}
	return n, nil
}

// DecodeString returns the bytes encoded by s.
func DecodeString(s string) ([]byte, error) {
	buf := make([]byte, DecodedLen(len(s)))
	n, err := Decode(buf, []byte(s))
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}
