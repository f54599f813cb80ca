// This file parses JSON text as the library's SAX parser in strict mode: the
// same accepted texts, the same order of events, the same error messages and
// positions.

package nlohmann

import (
	"math"
	"strconv"
	"strings"
)

// Handler receives the values of a JSON text in document order, as the
// library's json_sax interface. A method that returns an error stops the
// parse; Parse returns that error unchanged.
type Handler interface {
	Null() error
	Bool(b bool) error
	// Int receives negative integers that fit in 64 bits.
	Int(n int64) error
	// Uint receives non-negative integers that fit in 64 bits unsigned.
	Uint(n uint64) error
	// Float receives other numbers, with their text.
	Float(f float64, text string) error
	String(s string) error
	StartObject() error
	Key(name string) error
	EndObject() error
	StartArray() error
	EndArray() error
}

// ParseError is a syntax error or a number out of range. Its message is the
// library's what(), e.g. "[json.exception.parse_error.101] parse error at
// line 1, column 4: syntax error while parsing value - invalid literal; last
// read: 'tru'".
type ParseError struct {
	Msg string
}

func (e *ParseError) Error() string { return e.Msg }

// Parse parses s, which must hold exactly one JSON value (surrounded by
// optional whitespace and preceded by an optional UTF-8 byte order mark),
// calling h for each value.
func Parse(s string, h Handler) error {
	p := &parser{lx: lexer{s: s}, h: h}
	p.next()
	if err := p.parseValue(); err != nil {
		return err
	}
	if p.next() != tokEOF {
		return p.syntaxError(tokEOF, "value")
	}
	return nil
}

type token uint8

const (
	tokUninitialized token = iota
	tokTrue
	tokFalse
	tokNull
	tokString
	tokUnsigned
	tokInteger
	tokFloat
	tokBeginArray
	tokBeginObject
	tokEndArray
	tokEndObject
	tokNameSeparator
	tokValueSeparator
	tokParseError
	tokEOF
	tokLiteralOrValue
)

// tokenNames are the names the library's messages use.
var tokenNames = [...]string{
	tokUninitialized:  "<uninitialized>",
	tokTrue:           "true literal",
	tokFalse:          "false literal",
	tokNull:           "null literal",
	tokString:         "string literal",
	tokUnsigned:       "number literal",
	tokInteger:        "number literal",
	tokFloat:          "number literal",
	tokBeginArray:     "'['",
	tokBeginObject:    "'{'",
	tokEndArray:       "']'",
	tokEndObject:      "'}'",
	tokNameSeparator:  "':'",
	tokValueSeparator: "','",
	tokParseError:     "<parse error>",
	tokEOF:            "end of input",
	tokLiteralOrValue: "'[', '{', or a literal",
}

type parser struct {
	lx   lexer
	h    Handler
	last token
}

func (p *parser) next() token {
	p.last = p.lx.scan()
	return p.last
}

// syntaxError builds the library's parse_error.101 for the last token.
func (p *parser) syntaxError(expected token, context string) error {
	var sb strings.Builder
	sb.WriteString("syntax error ")
	if context != "" {
		sb.WriteString("while parsing " + context + " ")
	}
	sb.WriteString("- ")
	if p.last == tokParseError {
		sb.WriteString(p.lx.errMsg + "; last read: '" + p.lx.tokenText() + "'")
	} else {
		sb.WriteString("unexpected " + tokenNames[p.last])
	}
	if expected != tokUninitialized {
		sb.WriteString("; expected " + tokenNames[expected])
	}
	return p.error101(sb.String())
}

func (p *parser) error101(msg string) error {
	return &ParseError{"[json.exception.parse_error.101] parse error at line " +
		strconv.Itoa(p.lx.lines+1) + ", column " + strconv.Itoa(p.lx.charsLine) + ": " + msg}
}

// parseValue parses the value that starts with the last token, iteratively
// (as the library, so that deep nesting needs no deep Go stack).
func (p *parser) parseValue() error {
	var stack []bool // true: in an array, false: in an object
	for {
		done, err := p.scalarOrOpen(&stack)
		if err != nil {
			return err
		}
		if !done {
			continue
		}
		// A value is complete: continue the enclosing containers.
		for {
			if len(stack) == 0 {
				return nil
			}
			if stack[len(stack)-1] {
				if p.next() == tokValueSeparator {
					p.next()
					break
				}
				if p.last != tokEndArray {
					return p.syntaxError(tokEndArray, "array")
				}
				if err := p.h.EndArray(); err != nil {
					return err
				}
				stack = stack[:len(stack)-1]
				continue
			}
			if p.next() == tokValueSeparator {
				if err := p.key(); err != nil {
					return err
				}
				break
			}
			if p.last != tokEndObject {
				return p.syntaxError(tokEndObject, "object")
			}
			if err := p.h.EndObject(); err != nil {
				return err
			}
			stack = stack[:len(stack)-1]
		}
	}
}

// key parses `"name" :` after '{' or ',' and reads the token after the colon.
func (p *parser) key() error {
	if p.next() != tokString {
		return p.syntaxError(tokString, "object key")
	}
	if err := p.h.Key(string(p.lx.buf)); err != nil {
		return err
	}
	if p.next() != tokNameSeparator {
		return p.syntaxError(tokNameSeparator, "object separator")
	}
	p.next()
	return nil
}

// scalarOrOpen handles the last token as the start of a value. It reports
// done when the value is complete (a scalar or an empty container); for a
// non-empty container it pushes it and leaves the first element's first
// token in p.last.
func (p *parser) scalarOrOpen(stack *[]bool) (done bool, err error) {
	h := p.h
	switch p.last {
	case tokBeginObject:
		if err := h.StartObject(); err != nil {
			return false, err
		}
		if p.next() == tokEndObject {
			return true, h.EndObject()
		}
		if p.last != tokString {
			return false, p.syntaxError(tokString, "object key")
		}
		if err := h.Key(string(p.lx.buf)); err != nil {
			return false, err
		}
		if p.next() != tokNameSeparator {
			return false, p.syntaxError(tokNameSeparator, "object separator")
		}
		*stack = append(*stack, false)
		p.next()
		return false, nil
	case tokBeginArray:
		if err := h.StartArray(); err != nil {
			return false, err
		}
		if p.next() == tokEndArray {
			return true, h.EndArray()
		}
		*stack = append(*stack, true)
		return false, nil
	case tokFloat:
		f := p.lx.float
		if math.IsInf(f, 0) || math.IsNaN(f) {
			text := p.lx.tokenText()
			return false, &ParseError{"[json.exception.out_of_range.406] number overflow parsing '" + text + "'"}
		}
		return true, h.Float(f, string(p.lx.buf))
	case tokFalse:
		return true, h.Bool(false)
	case tokNull:
		return true, h.Null()
	case tokTrue:
		return true, h.Bool(true)
	case tokInteger:
		return true, h.Int(p.lx.integer)
	case tokString:
		return true, h.String(string(p.lx.buf))
	case tokUnsigned:
		return true, h.Uint(p.lx.unsigned)
	case tokParseError:
		return false, p.syntaxError(tokUninitialized, "value")
	case tokEOF:
		if p.lx.charsTotal == 1 {
			return false, p.error101("attempting to parse an empty input; check that your input string or stream contains the expected JSON")
		}
	}
	return false, p.syntaxError(tokLiteralOrValue, "value")
}

const eof = -1

// lexer is the library's lexer: it reads bytes with one character of
// look-back, counts lines and columns as it does, and keeps the text read
// since the start of the current token for messages.
type lexer struct {
	s         string
	i         int
	cur       int
	nextUnget bool

	charsTotal int // chars_read_total
	charsLine  int // chars_read_current_line
	lines      int // lines_read

	text   []byte // token_string: bytes read for the current token
	buf    []byte // token_buffer: decoded string or number text
	errMsg string

	unsigned uint64
	integer  int64
	float    float64
}

func (l *lexer) get() int {
	l.charsTotal++
	l.charsLine++
	if l.nextUnget {
		l.nextUnget = false
	} else if l.i < len(l.s) {
		l.cur = int(l.s[l.i])
		l.i++
	} else {
		l.cur = eof
	}
	if l.cur != eof {
		l.text = append(l.text, byte(l.cur))
	}
	if l.cur == '\n' {
		l.lines++
		l.charsLine = 0
	}
	return l.cur
}

func (l *lexer) unget() {
	l.nextUnget = true
	l.charsTotal--
	if l.charsLine == 0 {
		if l.lines > 0 {
			l.lines--
		}
	} else {
		l.charsLine--
	}
	if l.cur != eof {
		l.text = l.text[:len(l.text)-1]
	}
}

// reset starts a new string or number token at the current character.
func (l *lexer) reset() {
	l.buf = l.buf[:0]
	l.text = append(l.text[:0], byte(l.cur))
}

// tokenText is the text read for the token, with control characters shown as
// <U+XXXX>.
func (l *lexer) tokenText() string {
	var sb strings.Builder
	for _, c := range l.text {
		if c <= 0x1F {
			sb.WriteString("<U+00" + hexByte(c) + ">")
		} else {
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

func (l *lexer) fail(msg string) token {
	l.errMsg = msg
	return tokParseError
}

func (l *lexer) scan() token {
	if l.charsTotal == 0 && !l.skipBOM() {
		return l.fail("invalid BOM; must be 0xEF 0xBB 0xBF if given")
	}
	for {
		c := l.get()
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			break
		}
	}
	switch l.cur {
	case '[':
		return tokBeginArray
	case ']':
		return tokEndArray
	case '{':
		return tokBeginObject
	case '}':
		return tokEndObject
	case ':':
		return tokNameSeparator
	case ',':
		return tokValueSeparator
	case 't':
		return l.literal("true", tokTrue)
	case 'f':
		return l.literal("false", tokFalse)
	case 'n':
		return l.literal("null", tokNull)
	case '"':
		return l.scanString()
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return l.scanNumber()
	case 0, eof:
		return tokEOF
	}
	return l.fail("invalid literal")
}

func (l *lexer) skipBOM() bool {
	if l.get() == 0xEF {
		return l.get() == 0xBB && l.get() == 0xBF
	}
	l.unget()
	return true
}

func (l *lexer) literal(word string, t token) token {
	for i := 1; i < len(word); i++ {
		if l.get() != int(word[i]) {
			return l.fail("invalid literal")
		}
	}
	return t
}

// controlNames are the names of the control characters in messages.
var controlNames = [32]string{"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL",
	"BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4",
	"NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US"}

// shortEscapes are the two-character escapes the messages suggest.
var shortEscapes = map[int]string{8: `\b`, 9: `\t`, 10: `\n`, 12: `\f`, 13: `\r`}

func (l *lexer) scanString() token {
	l.reset()
	for {
		c := l.get()
		switch {
		case c == eof:
			return l.fail("invalid string: missing closing quote")
		case c == '"':
			return tokString
		case c == '\\':
			if t, ok := l.escape(); !ok {
				return t
			}
		case c <= 0x1F:
			msg := "invalid string: control character U+00" + hexByte(byte(c)) + " (" + controlNames[c] +
				") must be escaped to \\u00" + hexByte(byte(c))
			if e, ok := shortEscapes[c]; ok {
				msg += " or " + e
			}
			return l.fail(msg)
		case c < 0x80:
			l.buf = append(l.buf, byte(c))
		default:
			lo, hi, n := seqRange(byte(c))
			if n == 0 {
				return l.fail("invalid string: ill-formed UTF-8 byte")
			}
			l.buf = append(l.buf, byte(c))
			for j := 0; j < n; j++ {
				b := l.get()
				if b == eof || b < int(lo) || b > int(hi) {
					return l.fail("invalid string: ill-formed UTF-8 byte")
				}
				l.buf = append(l.buf, byte(b))
				lo, hi = 0x80, 0xBF
			}
		}
	}
}

// escape decodes the escape after a backslash into buf.
func (l *lexer) escape() (token, bool) {
	switch c := l.get(); c {
	case '"', '\\', '/':
		l.buf = append(l.buf, byte(c))
	case 'b':
		l.buf = append(l.buf, '\b')
	case 'f':
		l.buf = append(l.buf, '\f')
	case 'n':
		l.buf = append(l.buf, '\n')
	case 'r':
		l.buf = append(l.buf, '\r')
	case 't':
		l.buf = append(l.buf, '\t')
	case 'u':
		cp := l.codepoint()
		if cp < 0 {
			return l.fail(`invalid string: '\u' must be followed by 4 hex digits`), false
		}
		switch {
		case cp >= 0xD800 && cp <= 0xDBFF:
			if l.get() != '\\' || l.get() != 'u' {
				return l.fail("invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF"), false
			}
			cp2 := l.codepoint()
			if cp2 < 0 {
				return l.fail(`invalid string: '\u' must be followed by 4 hex digits`), false
			}
			if cp2 < 0xDC00 || cp2 > 0xDFFF {
				return l.fail("invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF"), false
			}
			cp = (cp-0xD800)<<10 + (cp2 - 0xDC00) + 0x10000
		case cp >= 0xDC00 && cp <= 0xDFFF:
			return l.fail("invalid string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF"), false
		}
		l.buf = appendUTF8(l.buf, cp)
	default:
		return l.fail("invalid string: forbidden character after backslash"), false
	}
	return 0, true
}

// codepoint reads four hex digits, or returns -1 at the first other character.
func (l *lexer) codepoint() int {
	cp := 0
	for i := 0; i < 4; i++ {
		c := l.get()
		switch {
		case c >= '0' && c <= '9':
			cp = cp<<4 | (c - '0')
		case c >= 'A' && c <= 'F':
			cp = cp<<4 | (c - 'A' + 10)
		case c >= 'a' && c <= 'f':
			cp = cp<<4 | (c - 'a' + 10)
		default:
			return -1
		}
	}
	return cp
}

func appendUTF8(b []byte, cp int) []byte {
	switch {
	case cp < 0x80:
		return append(b, byte(cp))
	case cp < 0x800:
		return append(b, byte(0xC0|cp>>6), byte(0x80|cp&0x3F))
	case cp < 0x10000:
		return append(b, byte(0xE0|cp>>12), byte(0x80|cp>>6&0x3F), byte(0x80|cp&0x3F))
	}
	return append(b, byte(0xF0|cp>>18), byte(0x80|cp>>12&0x3F), byte(0x80|cp>>6&0x3F), byte(0x80|cp&0x3F))
}

func isDigit(c int) bool { return c >= '0' && c <= '9' }

// scanNumber reads a number with the library's state machine: integers
// without a sign are unsigned, with a minus sign signed; integers that do not
// fit and numbers with a fraction or exponent are doubles.
func (l *lexer) scanNumber() token {
	l.reset()
	t := tokUnsigned
	add := func(c int) { l.buf = append(l.buf, byte(c)) }
	c := l.cur
	add(c)
	if c == '-' {
		t = tokInteger
		c = l.get()
		if !isDigit(c) {
			return l.fail("invalid number; expected digit after '-'")
		}
		add(c)
	}
	if c != '0' {
		for c = l.get(); isDigit(c); c = l.get() {
			add(c)
		}
	} else {
		c = l.get()
	}
	if c == '.' {
		t = tokFloat
		add(c)
		c = l.get()
		if !isDigit(c) {
			return l.fail("invalid number; expected digit after '.'")
		}
		for ; isDigit(c); c = l.get() {
			add(c)
		}
	}
	if c == 'e' || c == 'E' {
		t = tokFloat
		add(c)
		c = l.get()
		if c == '+' || c == '-' {
			add(c)
			c = l.get()
			if !isDigit(c) {
				return l.fail("invalid number; expected digit after exponent sign")
			}
		} else if !isDigit(c) {
			return l.fail("invalid number; expected '+', '-', or digit after exponent")
		}
		for ; isDigit(c); c = l.get() {
			add(c)
		}
	}
	l.unget()
	text := string(l.buf)
	switch t {
	case tokUnsigned:
		if n, err := strconv.ParseUint(text, 10, 64); err == nil {
			l.unsigned = n
			return tokUnsigned
		}
	case tokInteger:
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			l.integer = n
			return tokInteger
		}
	}
	l.float, _ = strconv.ParseFloat(text, 64) // ±Inf on overflow, as strtod
	return tokFloat
}
