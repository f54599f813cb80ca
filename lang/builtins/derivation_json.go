// This file prints values as JSON for derivations with __structuredAttrs, as
// CppNix's printValueAsJSON followed by nlohmann::json's compact dump: keys in
// byte order, no spaces, floats in the shortest form that reads back.

package builtins

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

// maxJSONDepth is how deeply nested values may be before printing fails with
// a stack overflow, as CppNix's C stack does (it overflows near 99,500
// nested sets there).
const maxJSONDepth = 99500

// jsonPrinter prints values as JSON, collecting the context of strings and
// copying paths to the store.
type jsonPrinter struct {
	st    *eval.State
	ctx   *eval.Context
	depth int
	// utf8Err is nlohmann's message for the first string that is not valid
	// UTF-8, raised only when the whole object is dumped.
	utf8Err string
}

// appendString appends a JSON string, noting the first invalid one.
func (p *jsonPrinter) appendString(b []byte, s string) []byte {
	if p.utf8Err == "" {
		p.utf8Err = checkUTF8(s)
	}
	return appendJSONString(b, s)
}

// appendValue appends the JSON of v, forcing it (CppNix's printValueAsJSON
// with strict and copyToStore).
func (p *jsonPrinter) appendValue(b []byte, v eval.Value, pos token.Pos) []byte {
	st := p.st
	v = st.Force(v, pos)
	switch x := v.(type) {
	case eval.Int:
		return strconv.AppendInt(b, int64(x), 10)
	case eval.Bool:
		return strconv.AppendBool(b, bool(x))
	case *eval.String:
		*p.ctx = p.ctx.Union(x.Ctx)
		return p.appendString(b, x.S)
	case eval.Path:
		s := st.CoerceToString(pos, x, p.ctx, "", eval.CoerceOpts{CopyToStore: true, Canonicalize: true})
		return p.appendString(b, s)
	case *eval.Attrs:
		return p.appendAttrs(b, x, pos)
	case *eval.List:
		return p.appendList(b, x, pos)
	case eval.Float:
		return appendJSONFloat(b, float64(x))
	}
	if v == eval.Null {
		return append(b, "null"...)
	}
	st.Errorf(eval.TypeError, st.DeterminePos(v, pos), "cannot convert %s to JSON", eval.TypeName(v))
	return b
}

func (p *jsonPrinter) enter() {
	p.depth++
	if p.depth > maxJSONDepth {
		p.st.Errorf(eval.StackOverflow, token.NoPos, "stack overflow (possible infinite recursion)")
	}
}

func (p *jsonPrinter) appendAttrs(b []byte, a *eval.Attrs, pos token.Pos) []byte {
	st := p.st
	if a.Get(st.SymToString()) != nil {
		s := st.CoerceToString(pos, a, p.ctx, "", eval.CoerceOpts{})
		return p.appendString(b, s)
	}
	if o := a.Get(st.SymOutPath()); o != nil {
		p.enter()
		b = p.appendValue(b, o.Value, o.Pos)
		p.depth--
		return b
	}
	p.enter()
	b = append(b, '{')
	for i, at := range sortedAttrs(st, a) {
		if i > 0 {
			b = append(b, ',')
		}
		name := st.Symbols.Name(at.Name)
		b = p.appendString(b, name)
		b = append(b, ':')
		st.PushTrace(at.Pos, "while evaluating attribute '"+syntax.Identifier(name)+"'")
		b = p.appendValue(b, at.Value, at.Pos)
		st.PopTrace()
	}
	p.depth--
	return append(b, '}')
}

func (p *jsonPrinter) appendList(b []byte, l *eval.List, pos token.Pos) []byte {
	st := p.st
	p.enter()
	b = append(b, '[')
	for i, e := range l.Elems {
		if i > 0 {
			b = append(b, ',')
		}
		st.PushTrace(pos, "while evaluating list element at index "+strconv.Itoa(i))
		b = p.appendValue(b, e, pos)
		st.PopTrace()
	}
	p.depth--
	return append(b, ']')
}

// sortedAttrs returns the attributes of a in the byte order of their names
// (CppNix's lexicographicOrder).
func sortedAttrs(st *eval.State, a *eval.Attrs) []eval.Attr {
	l := append([]eval.Attr(nil), a.All()...)
	sort.Slice(l, func(i, j int) bool { return st.Symbols.Name(l[i].Name) < st.Symbols.Name(l[j].Name) })
	return l
}

// appendJSONString appends s as a JSON string as nlohmann::json's dump does
// without ensure_ascii: UTF-8 kept, control characters escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			b = append(b, `\"`...)
		case '\\':
			b = append(b, `\\`...)
		case '\b':
			b = append(b, `\b`...)
		case '\f':
			b = append(b, `\f`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		default:
			if c < 0x20 {
				const hex = "0123456789abcdef"
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			} else {
				b = append(b, c)
			}
		}
	}
	return append(b, '"')
}

// checkUTF8 returns nlohmann::json's message for a string that is not valid
// UTF-8, or "". Its decoder rejects a byte as soon as no valid sequence can
// continue with it: stray continuation bytes, overlong forms, surrogates and
// code points above U+10FFFF.
func checkUTF8(s string) string {
	need := 0                  // continuation bytes still expected
	lo, hi := byte(0), byte(0) // range of the next continuation byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if need > 0 {
			if c < lo || c > hi {
				return fmt.Sprintf("[json.exception.type_error.316] invalid UTF-8 byte at index %d: 0x%02X", i, c)
			}
			need--
			lo, hi = 0x80, 0xBF
			continue
		}
		lo, hi = 0x80, 0xBF
		switch {
		case c < 0x80:
		case c >= 0xC2 && c <= 0xDF:
			need = 1
		case c == 0xE0:
			need, lo = 2, 0xA0
		case c == 0xED:
			need, hi = 2, 0x9F
		case c >= 0xE1 && c <= 0xEF:
			need = 2
		case c == 0xF0:
			need, lo = 3, 0x90
		case c == 0xF4:
			need, hi = 3, 0x8F
		case c >= 0xF1 && c <= 0xF3:
			need = 3
		default:
			return fmt.Sprintf("[json.exception.type_error.316] invalid UTF-8 byte at index %d: 0x%02X", i, c)
		}
	}
	if need > 0 {
		return fmt.Sprintf("[json.exception.type_error.316] incomplete UTF-8 string; last byte: 0x%02X", s[len(s)-1])
	}
	return ""
}

// appendJSONFloat appends f as nlohmann::json prints doubles: the shortest
// digits that read back, in fixed notation for decimal exponents from -4 to
// 15 (with ".0" for whole numbers), else as d.ddde+XX; non-finite numbers are
// null.
func appendJSONFloat(b []byte, f float64) []byte {
	if f != f || f > 1.7976931348623157e308 || f < -1.7976931348623157e308 {
		return append(b, "null"...)
	}
	if f == 0 {
		if 1/f < 0 {
			return append(b, "-0.0"...)
		}
		return append(b, "0.0"...)
	}
	if f < 0 {
		b = append(b, '-')
		f = -f
	}
	// Shortest digits and exponent: "d.ddde±x".
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	x, _ := strconv.Atoi(exp)
	k := len(digits)
	n := x + 1 // position of the decimal point from the start of digits
	const minExp, maxExp = -4, 15
	switch {
	case k <= n && n <= maxExp:
		b = append(b, digits...)
		b = append(b, strings.Repeat("0", n-k)...)
		return append(b, ".0"...)
	case 0 < n && n <= maxExp:
		b = append(b, digits[:n]...)
		b = append(b, '.')
		return append(b, digits[n:]...)
	case minExp < n && n <= 0:
		b = append(b, "0."...)
		b = append(b, strings.Repeat("0", -n)...)
		return append(b, digits...)
	}
	b = append(b, digits[0])
	if k > 1 {
		b = append(b, '.')
		b = append(b, digits[1:]...)
	}
	b = append(b, 'e')
	e10 := n - 1
	if e10 < 0 {
		b = append(b, '-')
		e10 = -e10
	} else {
		b = append(b, '+')
	}
	if e10 < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(e10), 10)
}
