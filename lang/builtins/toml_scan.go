// This file walks a TOML document before the Go parser reads it, for what
// that parser does differently from CppNix's TOML library (toml11):
//
//   - Dates and times: CppNix shows them as written (the delimiter and the
//     digits of fractional seconds, which the Go parser drops) and checks
//     them with toml11's rules (second 60 and offsets up to ±24:60 are
//     accepted). Each date or time is replaced by a string of the same length
//     holding a marker and its index; after parsing, the markers are turned
//     back into the dates as toml11 prints them.
//   - Redefinitions: the Go parser accepts some documents that define a key
//     twice (a.b = 1 then a = 2; a = {b = 1} then a.c = 2; x.y = 1 then
//     [x]) and silently keeps one value. The walk follows toml11's
//     insert_value rules for tables, dotted keys and arrays of tables, and
//     reports its errors.
//
// The walk reads keys, headers and the shape of values, skipping strings and
// comments. Anything it does not understand stops it, leaving the rest of
// the text to the parser and its errors.

package builtins

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// tomlDatetime is a date or time value as toml11 prints it.
type tomlDatetime struct{ value string }

// tomlScan is the state of the walk.
type tomlScan struct {
	src    string
	i      int
	out    strings.Builder
	copied int // src[:copied] is in out
	bad    bool
	marker string // a character absent from the document, starting markers
	dts    []tomlDatetime
	err    *tomlError // the first error toml11 would report
	// syn are the syntax errors found: toml11 reports each, skipping to
	// the next line after one.
	syn   []*tomlError
	keyAt int // where key found no simple key after a dot, or -1
	// resume, if not -1, is where to go on after a syntax error.
	resume int
	// skipTable: after this syntax error toml11 goes on at the next
	// table header.
	skipTable bool
	rewritten bool // out holds text the parser must read instead of src

	root, cur *tnode
}

// scanTOML walks src and returns it with its dates and times replaced by
// markers (unchanged when it has none), the dates, the marker prefix, and
// the first error toml11 would report that the walk can see.
func scanTOML(src string) (string, []tomlDatetime, string, *tomlError) {
	s := &tomlScan{src: src, root: &tnode{table: true, fmt: fmtExplicit}, resume: -1}
	s.cur = s.root
	if mayHoldDatetime(src) {
		s.marker = unusedMarker(src)
	}
	s.document()
	err := s.err
	if len(s.syn) > 0 && (err == nil || s.syn[0].offset < err.offset) {
		err = &tomlError{offset: s.syn[0].offset, syntax: true}
		for _, e := range s.syn {
			err.text += e.text
		}
	}
	if len(s.dts) == 0 && !s.rewritten {
		return src, nil, "", err
	}
	s.out.WriteString(src[s.copied:])
	return s.out.String(), s.dts, s.marker, err
}

// mayHoldDatetime is a quick test for "dd:dd" or "dddd-dd".
func mayHoldDatetime(s string) bool {
	for i := 2; i+1 < len(s); i++ {
		if s[i] == ':' && isDigitByte(s[i-1]) && isDigitByte(s[i-2]) && isDigitByte(s[i+1]) {
			return true
		}
		if s[i] == '-' && i >= 4 && isDigitByte(s[i-1]) && isDigitByte(s[i+1]) {
			return true
		}
	}
	return false
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// unusedMarker picks a private-use character that neither appears in src nor
// can be written there as an escape.
func unusedMarker(src string) string {
	lower := strings.ToLower(src)
	for cp := rune(0xE000); cp < 0xF8FF; cp++ {
		m := string(cp)
		if !strings.Contains(src, m) && !strings.Contains(lower, strconv.FormatInt(int64(cp), 16)) {
			return m
		}
	}
	return string(rune(0xF8FF))
}

// syntax records a syntax error and stops the walk of the line.
func (s *tomlScan) syntax(title string, at int, msg string) {
	s.syn = append(s.syn, newTOMLError(s.src, title, region{at, 1}, msg))
	s.bad = true
}

// fail records the first error.
func (s *tomlScan) fail(e *tomlError) {
	if s.err == nil {
		s.err = e
	}
}

func (s *tomlScan) eof() bool { return s.i >= len(s.src) }

func (s *tomlScan) peek() byte {
	if s.eof() {
		return 0
	}
	return s.src[s.i]
}

// document walks key/value lines and table headers.
func (s *tomlScan) document() {
	for {
		s.skipBlank(true)
		if s.eof() {
			return
		}
		header := s.peek() == '['
		if header {
			s.header()
		} else {
			s.keyValue(s.cur)
		}
		s.endOfLine(header)
		if !s.bad {
			continue
		}
		if len(s.syn) == 0 || s.syn[len(s.syn)-1].offset < s.lineStart() {
			return // an error only the parser reports
		}
		// As toml11, go on after a syntax error at the next line.
		if s.skipTable {
			s.skipToTable()
			s.skipTable, s.resume = false, -1
		} else if s.resume >= 0 {
			s.i, s.resume = s.resume, -1
		} else {
			for !s.eof() && s.peek() != '\n' {
				s.i++
			}
		}
		s.bad = false
	}
}

// skipToTable is toml11's skip_until_next_table: it moves to the next line
// holding a table header.
func (s *tomlScan) skipToTable() {
	for !s.eof() {
		nl := strings.IndexByte(s.src[s.i:], '\n')
		if nl < 0 {
			s.i = len(s.src)
			return
		}
		s.i += nl + 1
		line := strings.TrimLeft(s.src[s.i:], " \t")
		if end := strings.IndexByte(line, '\n'); end >= 0 {
			line = line[:end]
		}
		if isTableHeader(line) {
			return
		}
	}
}

// isTableHeader tells whether line starts with a table header, [key] or
// [[key]].
func isTableHeader(line string) bool {
	t := &tomlScan{src: line, resume: -1}
	if !strings.HasPrefix(line, "[") {
		return false
	}
	closing := "]"
	t.i = 1
	if strings.HasPrefix(line, "[[") {
		t.i, closing = 2, "]]"
	}
	t.skipBlank(false)
	if keys, _, _ := t.key(); t.bad || len(keys) == 0 {
		return false
	}
	t.skipBlank(false)
	return strings.HasPrefix(line[t.i:], closing)
}

// lineStart is the offset of the start of the current line.
func (s *tomlScan) lineStart() int {
	return strings.LastIndexByte(s.src[:min(s.i, len(s.src))], '\n') + 1
}

// skipBlank skips spaces and tabs, and with newlines also line breaks and
// comments.
func (s *tomlScan) skipBlank(newlines bool) {
	for !s.eof() {
		switch s.peek() {
		case ' ', '\t':
			s.i++
		case '\r', '\n':
			if !newlines {
				return
			}
			s.i++
		case '#':
			if !newlines {
				return
			}
			s.comment()
		default:
			return
		}
	}
}

func (s *tomlScan) comment() {
	for !s.eof() && s.peek() != '\n' {
		s.i++
	}
}

// endOfLine expects optional blanks and a comment, then a line break.
func (s *tomlScan) endOfLine(header bool) {
	if s.bad {
		return
	}
	s.skipBlank(false)
	if !header && s.peek() == '[' {
		// toml11 ends a table where a header starts, even on the line
		// of a pair; the parser gets a line break there.
		s.out.WriteString(s.src[s.copied:s.i])
		s.out.WriteString("\n")
		s.copied = s.i
		s.rewritten = true
		return
	}
	if s.peek() == '#' {
		s.comment()
	}
	if s.peek() == '\r' && strings.HasPrefix(s.src[s.i:], "\r\n") {
		s.i++
	}
	if !s.eof() && s.peek() != '\n' {
		if header {
			s.syntax("toml::parse_file: newline (or EOF) expected", s.i, "expected 0x0a(LINE FEED) or\n")
			s.skipTable = true
		} else {
			s.syntax("toml::parse_table: newline (LF / CRLF) or EOF is expected", s.i, "here")
			s.skipTable = true
		}
	}
}

// header reads [table] or [[array.of.tables]] and makes it the current table.
func (s *tomlScan) header() {
	start := s.i
	array := strings.HasPrefix(s.src[s.i:], "[[")
	if array {
		s.i += 2
	} else {
		s.i++
	}
	s.skipBlank(false)
	before := len(s.syn)
	keys, keyStart, keyEnd := s.key()
	closing, title := "]", "toml::parse_file: invalid table key"
	if array {
		closing, title = "]]", "toml::parse_file: invalid array-table key"
	}
	if s.bad {
		// A quoted key that is no string is only a bad table key.
		quoted := len(s.syn) > before
		s.syn = s.syn[:before]
		if quoted {
			s.keyAt = keyStart
		}
		switch {
		case s.keyAt < 0:
		case len(keys) == 0:
			s.syntax(title, s.keyAt, `expected basic key([a-zA-Z0-9_-]) or quoted key(" or ')`)
			s.skipTable = true
		default:
			s.syntax(title, keyEnd, "expected "+closing)
			s.skipTable = true
		}
		return
	}
	s.skipBlank(false)
	if !strings.HasPrefix(s.src[s.i:], closing) {
		s.syntax(title, s.i, "expected "+closing)
		s.skipTable = true
		return
	}
	s.i += len(closing)
	reg := region{start, s.i - start}
	table := &tnode{table: true, fmt: fmtExplicit, reg: reg}
	kind := insertTable
	if array {
		kind = insertArrayTable
	}
	t, err := s.insert(kind, s.root, keys, reg, table)
	if err != nil {
		s.fail(err)
		t = &tnode{table: true, fmt: fmtExplicit, reg: reg} // check the body anyway
	}
	s.cur = t
}

// keyValue reads `key = value` and inserts it into table.
func (s *tomlScan) keyValue(table *tnode) {
	if c := s.peek(); c != '"' && c != '\'' && !isBareKeyByte(c) {
		s.simpleKeyError(s.i)
		return
	}
	keys, start, end := s.key()
	if s.bad {
		if s.keyAt >= 0 {
			s.simpleKeyError(s.keyAt)
		}
		return
	}
	s.skipBlank(false)
	if s.peek() != '=' {
		s.syntax("toml::parse_key_value_pair: invalid key value separator `=`", s.i, "expected =")
		return
	}
	s.i++
	v := s.value()
	if s.bad {
		return
	}
	if _, err := s.insert(insertDotted, table, keys, region{start, end - start}, v); err != nil {
		s.fail(err)
	}
}

// simpleKeyError is toml11's error for a missing key at off.
func (s *tomlScan) simpleKeyError(off int) {
	s.syntax(`toml::parse_simple_key: invalid key: key must be "quoted", 'quoted-literal', or bare key.`,
		off, "expected alpha [a-zA-Z], digit [0-9], -, or _")
	e := s.syn[len(s.syn)-1]
	e.text += "Hint: non-ASCII scripts are allowed in toml v1.1.0, but not in v1.0.0.\n"
}

// key reads a possibly dotted key and returns its parts and extent; where
// it finds no key it sets s.keyAt.
func (s *tomlScan) key() (keys []string, start, end int) {
	start = s.i
	s.keyAt = -1
	for !s.bad {
		switch c := s.peek(); {
		case c == '"' || c == '\'':
			k, ok := s.keyString()
			if !ok {
				s.bad = true
				return
			}
			keys = append(keys, k)
		case isBareKeyByte(c):
			j := s.i
			for isBareKeyByte(s.peek()) {
				s.i++
			}
			keys = append(keys, s.src[j:s.i])
		default:
			s.keyAt = s.i
			s.bad = true
			return
		}
		end = s.i
		s.skipBlank(false)
		if s.peek() != '.' {
			return
		}
		s.i++
		s.skipBlank(false)
	}
	return
}

func isBareKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigitByte(c) || c == '_' || c == '-'
}

// keyString reads a quoted key and returns its value.
func (s *tomlScan) keyString() (string, bool) {
	start := s.i
	if strings.HasPrefix(s.src[start:], `"""`) || strings.HasPrefix(s.src[start:], "'''") {
		// toml11 reads the empty key "" and stops at the third quote.
		s.i += 2
		return "", true
	}
	s.lineString(s.peek())
	if s.bad {
		return "", false
	}
	raw := s.src[start+1 : s.i-1]
	if s.src[start] == '\'' {
		return raw, true
	}
	return unescapeTOML(raw)
}

// unescapeTOML decodes the escapes of a basic string.
func unescapeTOML(raw string) (string, bool) {
	var sb strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			sb.WriteByte(c)
			continue
		}
		if i+1 >= len(raw) {
			return "", false
		}
		i++
		switch raw[i] {
		case 'b':
			sb.WriteByte('\b')
		case 't':
			sb.WriteByte('\t')
		case 'n':
			sb.WriteByte('\n')
		case 'f':
			sb.WriteByte('\f')
		case 'r':
			sb.WriteByte('\r')
		case '"', '\\':
			sb.WriteByte(raw[i])
		case 'u', 'U':
			n := 4
			if raw[i] == 'U' {
				n = 8
			}
			if i+1+n > len(raw) {
				return "", false
			}
			cp, err := strconv.ParseUint(raw[i+1:i+1+n], 16, 32)
			if err != nil || !utf8.ValidRune(rune(cp)) {
				return "", false
			}
			sb.WriteRune(rune(cp))
			i += n
		default:
			return "", false
		}
	}
	return sb.String(), true
}

// str skips a string of any of the four kinds.
func (s *tomlScan) str() {
	q := s.peek()
	triple := strings.Repeat(string(q), 3)
	if strings.HasPrefix(s.src[s.i:], triple) {
		s.i += 3
		for !s.eof() {
			c := s.peek()
			if c == '\\' && q == '"' {
				s.i += 2
				continue
			}
			if c == q && strings.HasPrefix(s.src[s.i:], triple) {
				for n := 0; n < 5 && s.peek() == q; n++ {
					s.i++
				}
				return
			}
			s.i++
		}
		s.bad = true
		return
	}
	s.i++
	for !s.eof() {
		switch c := s.peek(); {
		case c == '\\' && q == '"':
			s.i += 2
		case c == q:
			s.i++
			return
		case c == '\n':
			s.bad = true
			return
		default:
			s.i++
		}
	}
	s.bad = true
}

// value reads a value and returns its shape, replacing dates and times.
func (s *tomlScan) value() *tnode {
	s.skipBlank(false)
	start := s.i
	switch c := s.peek(); c {
	case '"', '\'':
		if strings.HasPrefix(s.src[s.i:], strings.Repeat(string(c), 3)) {
			s.mlString(c)
		} else {
			s.lineString(c)
		}
	case 't', 'f':
		word := map[byte]string{'t': "true", 'f': "false"}[c]
		if !strings.HasPrefix(s.src[s.i:], word) {
			s.syntax("toml::parse_boolean: invalid boolean: boolean must be `true` or `false`, in lowercase. string must be surrounded by `\"`",
				s.i, "expected true or false")
			break
		}
		s.i += len(word)
	case 'i', 'I', 'n', 'N':
		word := map[byte]string{'i': "inf", 'I': "inf", 'n': "nan", 'N': "nan"}[c]
		if !strings.HasPrefix(s.src[s.i:], word) {
			s.syntax("toml::parse_value: `"+word+"` must be in lowercase. A string must be surrounded by quotes.",
				s.i, "expected from `1` to `9` or digit [0-9] or inf or nan")
			break
		}
		s.number()
	case '[':
		return s.array(start)
	case '{':
		return s.inlineTable(start)
	case 'T', 'F':
		word := map[byte]string{'T': "true", 'F': "false"}[c]
		s.syntax("toml::parse_value: `"+word+"` must be in lowercase. A string must be surrounded by quotes.", s.i, "expected true or false")
	case 0, '\n', '\r', '#', ',', ']', '}':
		s.syntax("bad format: unknown value appeared", s.i, "here")
	default:
		if n := matchDatetime(s.src[s.i:]); n > 0 {
			if s.badDatetime(n) {
				break
			}
			if isValueEnd(s.src[s.i+n:]) || !strings.ContainsRune("0123456789-:.+_", rune(s.src[s.i+n])) || n > 10 {
				s.datetime(n)
				break
			}
		}
		s.number()
	}
	return &tnode{reg: region{start, s.i - start}}
}

const (
	tomlIntHint   = "Hint: valid  : -42, 1_000, 1_2_3_4_5, 0xC0FFEE, 0b0010, 0o755\nHint: invalid: _42, 1__000, 0123\n"
	tomlFloatHint = "Hint: valid  : +1.0, -2e-2, 3.141_592_653_589, inf, nan\nHint: invalid: .0, 1., _1.0, 1.0_, 1_.0, 1.0__0\n"
	tomlDateHint  = "Hint: valid  : 1979-05-27T07:32:00-07:00, 1979-05-27 07:32:00.999999Z\nHint: invalid: 1979-05-27T7:32:00-7:00, 1979-05-27 7:32-00:30"
)

// hinted records a syntax error with toml11's hint lines.
func (s *tomlScan) hinted(title string, at int, msg, hint string) {
	s.syntax(title, at, msg)
	s.syn[len(s.syn)-1].text += hint
}

// number skips a number (not a date or time) as toml11's guess_number_type
// and integer parsers see it, with their errors.
func (s *tomlScan) number() {
	start := s.i
	rest := s.src[start:]
	if n := scanTOMLFloat(rest); n > 0 {
		s.i = start + n
		if s.peek() == '_' {
			s.hinted("bad float: `_` must be surrounded by digits", s.i, "invalid underscore", tomlFloatHint)
		}
		return
	}
	n := scanTOMLInt(rest)
	if n == 0 {
		switch s.peek() {
		case '.':
			s.hinted("bad float: integer part is required before decimal point", s.i, "missing integer part", tomlFloatHint)
		case '_':
			s.hinted("bad number: `_` must be surrounded by digits", s.i, "digits required before `_`", tomlIntHint)
		default:
			s.syntax("bad format: unknown value appeared", s.i, "here")
		}
		return
	}
	tok := rest[:n]
	s.i = start + n
	switch c := s.peek(); {
	case c == '_' && (tok == "0" || tok == "+0" || tok == "-0"):
		s.hinted("bad integer: leading zero is not allowed in decimal int", s.i, "leading zero", tomlIntHint)
	case c == '_':
		s.hinted("bad integer: `_` must be surrounded by digits", s.i, "invalid underscore", tomlIntHint)
	case c == '0':
		s.hinted("bad integer: leading zero", s.i-1, "leading zero is not allowed", tomlIntHint)
	case isDigitByte(c):
		s.hinted("bad integer: invalid digit after an integer", s.i, "this digit is not allowed", tomlIntHint)
	case c == ':' || c == '-':
		s.hinted("bad datetime: invalid format", s.i, "here", tomlDateHint)
	case c == '.' || c == 'e' || c == 'E':
		s.hinted("bad float: invalid format", s.i, "here", tomlFloatHint)
	case (tok == "+0" || tok == "-0") && (c == 'x' || c == 'o' || c == 'b'):
		// parse_integer skips the sign and reads a prefixed integer,
		// which cannot start with one.
		kind := map[byte]string{'x': "hex", 'o': "oct", 'b': "bin"}[c]
		like := map[byte]string{'x': "0xC0FFEE, 0xdead_beef", 'o': "0o775, 0o04_44", 'b': "0b0101, 0b1111_0000"}[c]
		s.syntax("toml::parse_"+kind+"_integer: invalid integer: "+kind+"_int must be like: "+like, start, "expected 0"+string(c))
	case tok == "0" && c == 'x':
		s.syntax("toml::parse_hex_integer: invalid integer: hex_int must be like: 0xC0FFEE, 0xdead_beef", s.i+1, "expected hex [0-9a-fA-F]")
	case tok == "0" && c == 'o':
		s.syntax("toml::parse_oct_integer: invalid integer: oct_int must be like: 0o775, 0o04_44", s.i+1, "expected from `0` to `7`")
	case tok == "0" && c == 'b':
		s.syntax("toml::parse_bin_integer: invalid integer: bin_int must be like: 0b0101, 0b1111_0000", s.i+1, "expected 0 or 1")
	}
}

// badDatetime reports toml11's errors (as guess_number_type) for the date or
// time of n bytes at s.i followed by a malformed rest: an offset after a
// date-time, a time after a date.
func (s *tomlScan) badDatetime(n int) bool {
	rest := s.src[s.i+n:]
	at := s.i + n
	fail := func(title string, off int, msg, hint string) bool {
		s.hinted(title, off, msg, hint)
		return true
	}
	const timeHint = "Hint: valid  : 1979-05-27T07:32:00, 1979-05-27 07:32:00.999999\nHint: invalid: 1979-05-27T7:32:00, 1979-05-27 17:32\n"
	switch {
	case n > 10 && rest != "" && (rest[0] == '+' || rest[0] == '-'):
		// A date-time whose offset does not scan.
		k, expect := patternFailure(rest[1:], "dd:dd")
		expect = "z or Z or " + expect
		return fail("bad offset: must be [+-]HH:MM or Z", at+1+k, "expected "+expect, "Hint: valid  : +09:00, -05:30\nHint: invalid: +9:00,  -5:30\n")
	case n == 10 && s.src[s.i+4] == '-' && rest != "" && (rest[0] == 'T' || rest[0] == 't'),
		n == 10 && s.src[s.i+4] == '-' && len(rest) > 1 && rest[0] == ' ' && isDigitByte(rest[1]):
		k, expect := patternFailure(rest[1:], "dd:dd:dd")
		return fail("bad time: must be HH:MM:SS.subsec", at+1+k, "expected "+expect, timeHint)
	}
	return false
}

// patternFailure returns where s stops matching pat (d for a digit) and what
// toml11 says it expected there.
func patternFailure(s, pat string) (int, string) {
	for i := 0; i < len(pat); i++ {
		if i < len(s) && (pat[i] == 'd' && isDigitByte(s[i]) || pat[i] != 'd' && s[i] == pat[i]) {
			continue
		}
		if pat[i] == 'd' {
			return i, "digit [0-9]"
		}
		return i, string(pat[i])
	}
	return len(pat), ""
}

// scanDigits returns the length of digits (as isDigit tells) with single
// underscores between them at the start of s.
func scanDigits(s string, isDigit func(byte) bool) int {
	if s == "" || !isDigit(s[0]) {
		return 0
	}
	n := 1
	for n < len(s) {
		if isDigit(s[n]) {
			n++
		} else if s[n] == '_' && n+1 < len(s) && isDigit(s[n+1]) {
			n += 2
		} else {
			break
		}
	}
	return n
}

// scanTOMLInt returns the length of a TOML integer at the start of s, or 0.
func scanTOMLInt(s string) int {
	for _, p := range []struct {
		prefix string
		digit  func(byte) bool
	}{
		{"0x", func(c byte) bool { return isDigitByte(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }},
		{"0o", func(c byte) bool { return c >= '0' && c <= '7' }},
		{"0b", func(c byte) bool { return c == '0' || c == '1' }},
	} {
		if strings.HasPrefix(s, p.prefix) {
			if n := scanDigits(s[2:], p.digit); n > 0 {
				return 2 + n
			}
		}
	}
	return scanDecInt(s)
}

// scanDecInt returns the length of a decimal integer (no leading zeros).
func scanDecInt(s string) int {
	sign := 0
	if s != "" && (s[0] == '+' || s[0] == '-') {
		sign = 1
	}
	switch {
	case len(s) > sign && s[sign] >= '1' && s[sign] <= '9':
		return sign + scanDigits(s[sign:], isDigitByte)
	case len(s) > sign && s[sign] == '0':
		return sign + 1
	}
	return 0
}

// scanTOMLFloat returns the length of a TOML float at the start of s, or 0.
func scanTOMLFloat(s string) int {
	sign := 0
	if s != "" && (s[0] == '+' || s[0] == '-') {
		sign = 1
	}
	if strings.HasPrefix(s[sign:], "inf") || strings.HasPrefix(s[sign:], "nan") {
		return sign + 3
	}
	n := scanDecInt(s)
	if n == 0 {
		return 0
	}
	exp := func(i int) int { // the length of an exponent at s[i:]
		if i >= len(s) || s[i] != 'e' && s[i] != 'E' {
			return 0
		}
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if d := scanDigits(s[j:], isDigitByte); d > 0 {
			return j + d - i
		}
		return 0
	}
	if n < len(s) && s[n] == '.' {
		d := scanDigits(s[n+1:], isDigitByte)
		if d == 0 {
			return 0
		}
		n += 1 + d
		return n + exp(n)
	}
	if e := exp(n); e > 0 {
		return n + e
	}
	return 0
}

// lineString skips a one-line basic or literal string, with toml11's error
// where it stops being one.
func (s *tomlScan) lineString(q byte) {
	title, msg := "toml::parse_basic_string: invalid string format", `expected "`
	if q == '\'' {
		title, msg = "toml::parse_literal_string: invalid string format", "expected '"
	}
	s.i++
	for {
		if s.eof() {
			s.syntax(title, s.i, msg)
			return
		}
		c := s.peek()
		switch {
		case c == q:
			s.i++
			return
		case c < 0x20 && c != '\t' || c == 0x7F:
			s.syntax(title, s.i, msg)
			return
		case c == '\\' && q == '"':
			if !s.escape() {
				s.syntax(title, s.i, msg)
				return
			}
		default:
			s.i++
		}
	}
}

// mlString skips a multi-line basic or literal string, with toml11's errors;
// after one, toml11 goes on at the line after the string's start.
func (s *tomlScan) mlString(q byte) {
	title, msg := "toml::parse_ml_basic_string: invalid string format", `expected """`
	if q == '\'' {
		title, msg = "toml::parse_ml_literal_string: invalid string format", "expected '''"
	}
	resume := len(s.src)
	if nl := strings.IndexByte(s.src[s.i:], '\n'); nl >= 0 {
		resume = s.i + nl + 1
	}
	s.i += 3
	for {
		if s.eof() {
			s.eofError(title, msg)
			s.resume = resume
			return
		}
		c := s.peek()
		switch {
		case c == q && strings.HasPrefix(s.src[s.i:], strings.Repeat(string(q), 3)):
			for n := 0; n < 5 && s.peek() == q; n++ {
				s.i++
			}
			return
		case c == '\n' || c == '\t' || c == '\r' && strings.HasPrefix(s.src[s.i:], "\r\n"):
			s.i++
		case c < 0x20 || c == 0x7F:
			s.syntax(title, s.i, msg)
			s.resume = resume
			return
		case c == '\\' && q == '"':
			j := s.i + 1
			for j < len(s.src) && (s.src[j] == ' ' || s.src[j] == '\t') {
				j++
			}
			if j < len(s.src) && (s.src[j] == '\n' || strings.HasPrefix(s.src[j:], "\r\n")) {
				s.i = j // a line-ending backslash
				continue
			}
			if !s.escape() {
				s.syntax(title, s.i, msg)
				s.resume = resume
				return
			}
		default:
			s.i++
		}
	}
}

// eofError records toml11's error for a value cut short by the end of the
// document, which it shows oddly: the last line with a mark after it, then
// the whole document as one line (line feeds written out) under a mark as
// long as its first line.
func (s *tomlScan) eofError(title, msg string) {
	d := strings.TrimSuffix(s.src, "\n")
	lines := strings.Split(d, "\n")
	n := len(lines)
	lnw := len(strconv.Itoa(n + 1))
	pad := strings.Repeat(" ", lnw+1)
	show := func(l string) string {
		var sb strings.Builder
		for i := 0; i < len(l); i++ {
			sb.WriteString(showTOMLChar(l[i]))
		}
		return sb.String()
	}
	num := func(k int) string {
		v := strconv.Itoa(k)
		return " " + strings.Repeat(" ", lnw-len(v)) + v + " | "
	}
	text := "[error] " + title + "\n --> fromTOML\n" + pad + " |\n" +
		num(n) + show(lines[n-1]) + "\n" +
		pad + " | " + strings.Repeat(" ", len(lines[n-1])) + "--\n" +
		num(n+1) + show(d) + "\n" +
		pad + " | " + strings.Repeat("^", len(lines[0])+1) + "-- " + msg + "\n"
	s.syn = append(s.syn, &tomlError{text: text, offset: len(s.src)})
	s.bad = true
}

// escape skips an escape sequence of a basic string, reporting false for
// one toml11's scanner rejects.
func (s *tomlScan) escape() bool {
	if s.i+1 >= len(s.src) {
		return false
	}
	switch c := s.src[s.i+1]; c {
	case 'b', 't', 'n', 'f', 'r', '"', '\\':
		s.i += 2
		return true
	case 'u', 'U':
		n := 4
		if c == 'U' {
			n = 8
		}
		digits := s.src[s.i+2 : min(s.i+2+n, len(s.src))]
		if len(digits) < n || strings.Trim(digits, "0123456789abcdefABCDEF") != "" {
			return false
		}
		cp, _ := strconv.ParseUint(digits, 16, 64)
		esc := s.src[s.i : s.i+2+n]
		switch {
		case cp >= 0xD800 && cp <= 0xDFFF:
			s.codepointError("toml::parse_utf8_codepoint: [0xD800, 0xDFFF] is not a valid UTF-8", esc, "here")
		case cp > 0x10FFFF:
			s.codepointError("toml::parse_utf8_codepoint: input codepoint is too large.", esc, "must be in range [0x00, 0x10FFFF]")
		}
		s.i += 2 + n
		return true
	}
	return false
}

// codepointError is toml11's error for an escape naming no character,
// shown on the escape alone.
func (s *tomlScan) codepointError(title, esc, msg string) {
	e := newTOMLError(esc, title, region{1, len(esc) - 1}, msg)
	e.text = strings.Replace(e.text, " --> fromTOML\n", " --> internal temporary\n", 1)
	e.offset = s.i
	s.syn = append(s.syn, e)
	s.bad = true
}

func (s *tomlScan) array(start int) *tnode {
	s.i++
	n := &tnode{array: true, allTables: true}
	for !s.bad {
		s.skipBlank(true)
		if s.eof() {
			s.eofError("toml::parse_array: missing closing bracket `]`", "expected `]`, reached EOF")
			break
		}
		if s.peek() == ']' {
			break
		}
		at := s.i
		e := s.value()
		if s.bad && len(s.syn) > 0 && s.syn[len(s.syn)-1].offset == at && (s.peek() == ',' || s.peek() == '}') {
			// toml11 cannot skip the bad value and stops the array there.
			s.syn = append(s.syn, newTOMLError(s.src, "toml::parse_array: missing closing bracket `]`", region{at, 1}, "expected `]`, reached EOF"))
		}
		n.allTables = n.allTables && e.table
		n.elems++
		s.skipBlank(true)
		if s.peek() == ',' {
			s.i++
		} else if s.eof() {
			if !s.bad {
				s.eofError("toml::parse_array: missing closing bracket `]`", "expected `]`, reached EOF")
			}
			s.bad = true
		} else if !s.bad && s.peek() != ']' {
			s.syntax("toml::parse_array: expected value-separator `,` or closing `]`", s.i, "here")
		}
	}
	s.i++
	n.allTables = n.allTables && n.elems > 0
	n.reg = region{start, s.i - start}
	return n
}

func (s *tomlScan) inlineTable(start int) *tnode {
	s.i++
	n := &tnode{table: true, fmt: fmtInline}
	s.skipBlank(false)
	if s.peek() == '}' {
		s.i++
	} else {
		for !s.bad {
			s.skipBlank(false)
			before := len(s.syn)
			s.keyValue(n)
			if s.bad {
				// toml11 skips the bad pair; at the end of the line it
				// finds no closing brace.
				if len(s.syn) > before {
					if off := s.syn[len(s.syn)-1].offset; off >= len(s.src) || s.src[off] == '\n' || s.src[off] == '\r' {
						s.syn = append(s.syn, newTOMLError(s.src, "toml::parse_inline_table: missing closing bracket `}`",
							region{off, 1}, "expected `}`, reached line end"))
					}
				}
				break
			}
			s.skipBlank(false)
			if s.peek() == ',' {
				s.i++
				s.skipBlank(false)
				if s.peek() == '}' {
					s.fail(newTOMLError(s.src, "toml::parse_inline_table: trailing comma is not allowed in TOML-v1.0.0)",
						region{s.i, 1}, "here"))
					s.bad = true
				}
			} else if s.peek() == '}' {
				s.i++
				break
			} else if !s.bad {
				// toml11 goes on at the closing brace.
				s.syntax("toml::parse_inline_table: expected value-separator `,` or closing `}`", s.i, "here")
				for !s.eof() && s.peek() != '}' && s.peek() != '\n' {
					s.i++
				}
				s.bad = false
				break
			}
		}
	}
	n.reg = region{start, s.i - start}
	return n
}

// isValueEnd reports whether rest starts with what may follow a bare value.
func isValueEnd(rest string) bool {
	return rest == "" || strings.IndexByte(" \t\r\n,]}#", rest[0]) >= 0
}

// datetime records the date or time of n bytes at s.i and replaces it.
func (s *tomlScan) datetime(n int) {
	raw := s.src[s.i : s.i+n]
	value, err := checkDatetime(s.src, s.i, raw)
	if err != nil {
		s.fail(err)
	}
	index := strconv.Itoa(len(s.dts))
	if pad := n - 2 - len(s.marker) - len(index); pad > 0 {
		index = strings.Repeat("0", pad) + index
	}
	s.out.WriteString(s.src[s.copied:s.i])
	s.out.WriteString(`"` + s.marker + index + `"`)
	s.i += n
	s.copied = s.i
	s.dts = append(s.dts, tomlDatetime{value: value})
}

// datetimeIndex returns the index of the date or time a marker string stands
// for.
func datetimeIndex(s, marker string, n int) (int, bool) {
	if marker == "" || !strings.HasPrefix(s, marker) {
		return 0, false
	}
	i, err := strconv.Atoi(s[len(marker):])
	if err != nil || i < 0 || i >= n {
		return 0, false
	}
	return i, true
}

// matchDatetime returns the length of the TOML 1.0 date, time, or date-time
// at the start of s, or 0.
func matchDatetime(s string) int {
	if n := matchPattern(s, "dddd-dd-dd"); n > 0 {
		if len(s) > n+1 && (s[n] == 'T' || s[n] == 't' || s[n] == ' ') {
			if t := matchTime(s[n+1:]); t > 0 {
				n += 1 + t
				return n + matchOffset(s[n:])
			}
		}
		return n
	}
	return matchTime(s)
}

// matchTime matches HH:MM:SS with optional fractional seconds.
func matchTime(s string) int {
	n := matchPattern(s, "dd:dd:dd")
	if n == 0 {
		return 0
	}
	if len(s) > n+1 && s[n] == '.' && isDigitByte(s[n+1]) {
		n++
		for n < len(s) && isDigitByte(s[n]) {
			n++
		}
	}
	return n
}

func matchOffset(s string) int {
	if s != "" && (s[0] == 'Z' || s[0] == 'z') {
		return 1
	}
	if s != "" && (s[0] == '+' || s[0] == '-') {
		if m := matchPattern(s[1:], "dd:dd"); m > 0 {
			return m + 1
		}
	}
	return 0
}

// matchPattern matches s against a pattern where d is any digit.
func matchPattern(s, pat string) int {
	if len(s) < len(pat) {
		return 0
	}
	for i := 0; i < len(pat); i++ {
		if pat[i] == 'd' && !isDigitByte(s[i]) || pat[i] != 'd' && s[i] != pat[i] {
			return 0
		}
	}
	return len(pat)
}

// checkDatetime checks the ranges of a date or time as toml11, and returns it
// as toml11 prints it: the delimiter as written, at most nine digits of
// fractional seconds, a zero offset as "Z".
func checkDatetime(src string, at int, raw string) (string, *tomlError) {
	var sb strings.Builder
	rest, pos := raw, at
	if len(rest) >= 10 && rest[4] == '-' {
		year, month, day := atoi(rest[0:4]), atoi(rest[5:7]), atoi(rest[8:10])
		if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
			return "", newTOMLError(src, "toml::parse_local_date: invalid date.", region{pos, 1},
				"month must be 01-12, day must be any of 01-28,29,30,31 depending on the month/year.")
		}
		sb.WriteString(rest[:10])
		if len(rest) == 10 {
			return sb.String(), nil
		}
		// Newer CppNix (toml11 4), which the upstream suite follows, always
		// prints 'T'; 2.26 kept the separator of the document.
		sb.WriteByte('T')
		rest, pos = rest[11:], pos+11
	}
	hour, minute, second := atoi(rest[0:2]), atoi(rest[3:5]), atoi(rest[6:8])
	if hour > 23 || minute > 59 {
		return "", newTOMLError(src, "toml::parse_local_time: invalid time.", region{pos, 1},
			"hour must be 00-23, minute must be 00-59.")
	}
	if second > 60 {
		return "", newTOMLError(src, "toml::parse_local_time: invalid time.", region{pos, 1},
			"second must be 00-60.")
	}
	n := matchTime(rest)
	sb.WriteString(rest[:8])
	if n > 8 {
		// Milli-, micro- or nanoseconds, as toml11 4 prints them (2.26 kept
		// the digits of the document, up to nine).
		frac := rest[9:n]
		if len(frac) > 9 {
			frac = frac[:9]
		}
		width := (len(frac) + 2) / 3 * 3
		sb.WriteString("." + frac + strings.Repeat("0", width-len(frac)))
	}
	switch off := rest[n:]; {
	case off == "":
	case off == "Z" || off == "z":
		sb.WriteString("Z")
	default:
		h, m := atoi(off[1:3]), atoi(off[4:6])
		if h > 24 || m > 60 {
			return "", newTOMLError(src, "toml::parse_offset_datetime: too large offset: |hour| <= 24, |minute| <= 60",
				region{at, len(raw)}, "here")
		}
		minutes := h*60 + m
		if minutes == 0 {
			sb.WriteString("Z")
			break
		}
		sb.WriteByte(off[0])
		sb.WriteString(twoDigits(minutes/60) + ":" + twoDigits(minutes%60))
	}
	return sb.String(), nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// tnode is the shape of a value or table, as far as toml11's insertion rules
// need it.
type tnode struct {
	table     bool
	fmt       tableFmt
	children  map[string]*tnode
	array     bool
	aot       bool // an array of tables made by [[headers]]
	allTables bool // a non-empty array value whose elements are all tables
	elems     int
	last      *tnode // the last table of an array of tables
	reg       region // where it is defined, for messages
}

// tableFmt is how a table was defined.
type tableFmt uint8

const (
	fmtImplicit tableFmt = iota // by a [header] naming a subtable
	fmtDotted                   // by a dotted key
	fmtExplicit                 // by its own [header]
	fmtInline                   // by { ... }
)

func (n *tnode) isArrayOfTables() bool { return n.array && (n.aot || n.allTables) }

// insertKind is what is being inserted.
type insertKind uint8

const (
	insertTable      insertKind = iota // [standard.table]
	insertArrayTable                   // [[array.of.tables]]
	insertDotted                       // a.b.c = value
)

// insert adds val under keys in table with toml11's rules (insert_value),
// returning the table to fill for headers.
func (s *tomlScan) insert(kind insertKind, table *tnode, keys []string, keyReg region, val *tnode) (*tnode, *tomlError) {
	cur := table
	for i, key := range keys {
		if cur.children == nil {
			cur.children = map[string]*tnode{}
		}
		found := cur.children[key]
		if i+1 < len(keys) {
			switch {
			case found == nil:
				fmt := fmtImplicit
				if kind == insertDotted {
					fmt = fmtDotted
				}
				found = &tnode{table: true, fmt: fmt, reg: keyReg}
				cur.children[key] = found
			case found.table:
				if found.fmt == fmtInline {
					return nil, s.error2("toml::insert_value: failed to insert a value: inline table is immutable",
						keyReg, "inserting this", found.reg, "to this table")
				}
				if kind == insertDotted && found.fmt != fmtDotted {
					return nil, s.error2("toml::insert_value: reopening a table using dotted keys",
						keyReg, "dotted key cannot reopen a table", found.reg, "this table is already closed")
				}
			case found.isArrayOfTables():
				if !found.aot {
					return nil, s.error2("toml::insert_value:inline array of tables are immutable",
						keyReg, "inserting this", found.reg, "inline array of tables")
				}
				if kind == insertDotted {
					return nil, s.error2("toml::insert_value:dotted key cannot reopen an array-of-tables",
						keyReg, "inserting this", found.reg, "to this array-of-tables.")
				}
				found = found.last
			default:
				return nil, s.error2("toml::insert_value: failed to insert a value, value already exists",
					keyReg, "while inserting this", found.reg, "non-table value already exists")
			}
			cur = found
			continue
		}
		switch kind {
		case insertDotted:
			if found != nil {
				return nil, s.error2("toml::insert_value: failed to insert a value, value already exists",
					keyReg, "inserting this", found.reg, "but value already exists")
			}
			cur.children[key] = val
			return val, nil
		case insertTable:
			if found == nil {
				cur.children[key] = val
				return val, nil
			}
			if !found.table || found.fmt != fmtImplicit {
				return nil, s.error2("toml::insert_value: failed to insert a table, table already defined",
					keyReg, "inserting this", found.reg, "this table is explicitly defined")
			}
			found.fmt = fmtExplicit
			found.reg = val.reg
			return found, nil
		case insertArrayTable:
			if found == nil {
				cur.children[key] = &tnode{array: true, aot: true, elems: 1, last: val, reg: keyReg}
				return val, nil
			}
			if !found.isArrayOfTables() {
				return nil, s.error2("toml::insert_value: failed to insert an array of tables, value already exists",
					keyReg, "while inserting this", found.reg, "non-table value already exists")
			}
			if !found.aot {
				return nil, s.error2("toml::insert_value: failed to insert a table, inline array of tables is immutable",
					keyReg, "while inserting this", found.reg, "this is inline array-of-tables")
			}
			found.elems++
			found.last = val
			return val, nil
		}
	}
	return nil, newTOMLError(s.src, "toml::insert_key: no keys found", keyReg, "here")
}

func (s *tomlScan) error2(title string, r1 region, m1 string, r2 region, m2 string) *tomlError {
	return newTOMLError2(s.src, title, r1, m1, r2, m2)
}
