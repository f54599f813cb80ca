// This file filters messages on their way to standard error as CppNix's
// filterANSIEscapes does when standard error is not a terminal: escape sequences
// are removed, carriage returns and bells dropped, and tabs expanded.

package cli

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// filterANSIEscapes returns s as CppNix's logger writes it to a non-terminal.
// Tabs advance to the next multiple of eight columns, counted from the start of
// the whole message (line breaks have no width and do not reset the count).
func filterANSIEscapes(s string) string {
	if !strings.ContainsAny(s, "\x1b\t\r\a") {
		return s
	}
	var t strings.Builder
	w := 0
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == 0x1b:
			i = skipEscape(s, i+1)
		case c == '\t':
			for {
				w++
				t.WriteByte(' ')
				if w%8 == 0 {
					break
				}
			}
			i++
		case c == '\r' || c == '\a':
			i++
		default:
			width, n := charWidth(s[i:])
			w += width
			t.WriteString(s[i : i+n])
			i += n
		}
	}
	return t.String()
}

// skipEscape returns the index after the escape sequence whose introducer
// (ESC) ends before i.
func skipEscape(s string, i int) int {
	switch {
	case i < len(s) && s[i] == '[':
		i++
		for i < len(s) && s[i] >= 0x30 && s[i] <= 0x3f {
			i++
		}
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
			i++
		}
		if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
			i++
		}
	case i < len(s) && s[i] == ']':
		i++
		for i < len(s) && s[i] != 0x1b {
			i++
		}
		if i < len(s) && s[i] == '\\' {
			i++
		}
	case i < len(s) && s[i] >= 0x40 && s[i] <= 0x5f:
		i++
	}
	return i
}

// charWidth returns the display width and byte length of the character at the
// start of s, as CppNix's charWidthUTF8Helper: an invalid sequence counts one
// column per byte read.
func charWidth(s string) (width, n int) {
	c := s[0]
	switch {
	case c < 0x80:
		if c < 0x20 || c == 0x7f {
			return 0, 1
		}
		return 1, 1
	case c&0xe0 == 0xc0:
		n = 2
	case c&0xf0 == 0xe0:
		n = 3
	case c&0xf8 == 0xf0:
		n = 4
	default:
		return 1, 1
	}
	for i := 1; i < n; i++ {
		if i >= len(s) || s[i]&0xc0 != 0x80 {
			return i, i
		}
	}
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size <= 1 {
		return n, n // overlong or surrogate: one column per byte
	}
	return runeWidth(r), n
}

// runeWidth approximates widechar_wcwidth: no width for control, combining and
// format characters, two columns for East Asian wide characters and emoji.
func runeWidth(r rune) int {
	switch {
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Cf, r) || unicode.IsControl(r):
		return 0
	case r >= 0x1100 && r <= 0x115f, r >= 0x2e80 && r <= 0x303e, r >= 0x3041 && r <= 0x33ff,
		r >= 0x3400 && r <= 0x4dbf, r >= 0x4e00 && r <= 0x9fff, r >= 0xa000 && r <= 0xa4cf,
		r >= 0xac00 && r <= 0xd7a3, r >= 0xf900 && r <= 0xfaff, r >= 0xfe30 && r <= 0xfe4f,
		r >= 0xff00 && r <= 0xff60, r >= 0xffe0 && r <= 0xffe6, r >= 0x1f300 && r <= 0x1f64f,
		r >= 0x1f900 && r <= 0x1f9ff, r >= 0x20000 && r <= 0x3fffd:
		return 2
	}
	return 1
}
