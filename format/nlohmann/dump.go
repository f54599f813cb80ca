// Package nlohmann reproduces the JSON text conventions of nlohmann::json,
// the C++ library CppNix uses for builtins.toJSON, builtins.fromJSON and its
// other JSON input and output: how numbers and strings are printed, which
// texts the parser accepts, and the exact wording of its errors (which Nix
// shows to users, as in "[json.exception.parse_error.101] parse error at
// line 1, column 4: ...").
//
// Printing is done by appending to byte slices (AppendString, AppendFloat);
// parsing is event based (Parse calls a Handler for each value, as the
// library's SAX interface), so that callers build their own values and can
// stop at the first value they reject, in the order the library would.
package nlohmann

import "strconv"

// TypeError is a serialisation error, such as invalid UTF-8 in a string. Its
// message is the library's what(): "[json.exception.type_error.316] ...".
type TypeError struct {
	ID  int
	Msg string
}

func (e *TypeError) Error() string {
	return "[json.exception.type_error." + strconv.Itoa(e.ID) + "] " + e.Msg
}

const hexDigits = "0123456789ABCDEF"

func hexByte(b byte) string { return string([]byte{hexDigits[b>>4], hexDigits[b&15]}) }

// AppendString appends s as a JSON string literal, escaping as the library's
// dump with ensure_ascii off: the two-character escapes \b \t \n \f \r \" \\,
// other control characters as \u00xx (lower-case hex), everything else as is.
// s must be valid UTF-8; otherwise the error is the library's strict error
// handler's, naming the byte index at which decoding failed.
func AppendString(dst []byte, s string) ([]byte, error) {
	if i, ok := validUTF8(s); !ok {
		if i < len(s) {
			return dst, &TypeError{316, "invalid UTF-8 byte at index " + strconv.Itoa(i) + ": 0x" + hexByte(s[i])}
		}
		return dst, &TypeError{316, "incomplete UTF-8 string; last byte: 0x" + hexByte(s[len(s)-1])}
	}
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		start = i + 1
		switch c {
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '"', '\\':
			dst = append(dst, '\\', c)
		default:
			const lower = "0123456789abcdef"
			dst = append(dst, '\\', 'u', '0', '0', lower[c>>4], lower[c&15])
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"'), nil
}

// validUTF8 checks s as the library's UTF-8 decoder does. When s is invalid,
// it returns the index of the byte at which decoding failed, or len(s) when s
// ends inside a sequence.
func validUTF8(s string) (int, bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			i++
			continue
		}
		lo, hi, n := seqRange(c)
		if n == 0 {
			return i, false
		}
		for j := 1; j <= n; j++ {
			if i+j >= len(s) {
				return len(s), false
			}
			b := s[i+j]
			if b < lo || b > hi {
				return i + j, false
			}
			lo, hi = 0x80, 0xBF
		}
		i += n + 1
	}
	return 0, true
}

// seqRange returns, for the lead byte c of a multi-byte sequence, the range
// allowed for the second byte and the number of continuation bytes; n is 0
// when c cannot start a sequence. This is Unicode's table of well-formed
// sequences (no overlong forms, no surrogates, nothing above U+10FFFF).
func seqRange(c byte) (lo, hi byte, n int) {
	switch {
	case c >= 0xC2 && c <= 0xDF:
		return 0x80, 0xBF, 1
	case c == 0xE0:
		return 0xA0, 0xBF, 2
	case c == 0xED:
		return 0x80, 0x9F, 2
	case c >= 0xE1 && c <= 0xEF:
		return 0x80, 0xBF, 2
	case c == 0xF0:
		return 0x90, 0xBF, 3
	case c >= 0xF1 && c <= 0xF3:
		return 0x80, 0xBF, 3
	case c == 0xF4:
		return 0x80, 0x8F, 3
	}
	return 0, 0, 0
}
