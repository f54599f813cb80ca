// This file holds the scanner: it turns source bytes into tokens the way CppNix's
// flex lexer does, including its start conditions (strings, indented strings,
// interpolated paths) and its longest-match rule.

package syntax

import (
	"strconv"
	"strings"
)

// tokKind is the kind of a token. The names match the terminals of CppNix's grammar.
type tokKind uint8

const (
	tEOF  tokKind = iota
	tChar         // a single character; see tok.ch
	tID
	tSTR
	tINDSTR
	tINT
	tFLOAT
	tPATH
	tHPATH
	tSPATH
	tPATHEND
	tURI
	tIF
	tTHEN
	tELSE
	tASSERT
	tWITH
	tLET
	tIN
	tREC
	tINHERIT
	tEQ
	tNEQ
	tLEQ
	tGEQ
	tUPDATE
	tCONCAT
	tAND
	tOR
	tIMPL
	tORKW
	tPIPEFROM
	tPIPEINTO
	tDOLLARCURLY
	tINDOPEN
	tINDCLOSE
	tELLIPSIS
	tInvalid // a character the grammar never uses
)

// tokNames are the names bison uses for terminals in its messages: CppNix 2.26's
// grammar gives its tokens no aliases, so most appear under their symbol names.
var tokNames = [...]string{
	tEOF:         "end of file",
	tID:          "ID",
	tSTR:         "STR",
	tINDSTR:      "IND_STR",
	tINT:         "INT_LIT",
	tFLOAT:       "FLOAT_LIT",
	tPATH:        "PATH",
	tHPATH:       "HPATH",
	tSPATH:       "SPATH",
	tPATHEND:     "PATH_END",
	tURI:         "URI",
	tIF:          "IF",
	tTHEN:        "THEN",
	tELSE:        "ELSE",
	tASSERT:      "ASSERT",
	tWITH:        "WITH",
	tLET:         "LET",
	tIN:          "IN_KW",
	tREC:         "REC",
	tINHERIT:     "INHERIT",
	tEQ:          "EQ",
	tNEQ:         "NEQ",
	tLEQ:         "LEQ",
	tGEQ:         "GEQ",
	tUPDATE:      "UPDATE",
	tCONCAT:      "CONCAT",
	tAND:         "AND",
	tOR:          "OR",
	tIMPL:        "IMPL",
	tORKW:        "OR_KW",
	tPIPEFROM:    "PIPE_FROM",
	tPIPEINTO:    "PIPE_INTO",
	tDOLLARCURLY: "DOLLAR_CURLY",
	tINDOPEN:     "IND_STRING_OPEN",
	tINDCLOSE:    "IND_STRING_CLOSE",
	tELLIPSIS:    "ELLIPSIS",
	tInvalid:     "invalid token",
}

var keywords = map[string]tokKind{
	"if": tIF, "then": tTHEN, "else": tELSE, "assert": tASSERT, "with": tWITH,
	"let": tLET, "in": tIN, "rec": tREC, "inherit": tINHERIT, "or": tORKW,
}

// tok is one token with its byte range.
type tok struct {
	kind       tokKind
	ch         byte // for tChar
	begin, end int
	text       string // identifier, path or literal text; unescaped string contents
	indent     bool   // for tINDSTR: raw text subject to indentation stripping
	n          int64
	f          float64
}

// grammarChars are the single characters that appear in the grammar; any other
// character is reported as an "invalid token", as bison does.
const grammarChars = ":@;{}()[].=?,+-*/<>!\"'"

func (t tok) describe() string {
	if t.kind == tChar {
		return "'" + string(t.ch) + "'"
	}
	return tokNames[t.kind]
}

// lexer start conditions.
type lexState uint8

const (
	stInitial lexState = iota
	stDefault
	stString
	stIndString
	stInPath
	stInPathSlash
)

// scanner produces tokens from src.
type scanner struct {
	src     []byte
	pos     int // next byte to read
	lastEnd int // end of the last lexeme matched, including whitespace and comments
	lastBeg int // beginning of that lexeme
	// stashBeg and stashEnd are lastBeg and lastEnd before the last lexeme
	// (CppNix's location "stash", restored when a path ends at the end of input).
	stashBeg, stashEnd int
	stack              []lexState
	err                func(offset int, msg string)
	pipes              bool // pipe-operators enabled
}

func (s *scanner) state() lexState  { return s.stack[len(s.stack)-1] }
func (s *scanner) push(st lexState) { s.stack = append(s.stack, st) }
func (s *scanner) pop() {
	if len(s.stack) > 1 {
		s.stack = s.stack[:len(s.stack)-1]
	}
}

func (s *scanner) at(i int) byte {
	if i < len(s.src) {
		return s.src[i]
	}
	return 0
}

func (s *scanner) emit(kind tokKind, begin, end int) tok {
	s.pos = end
	s.setLoc(begin, end)
	return tok{kind: kind, begin: begin, end: end}
}

// setLoc records the lexeme [begin, end), stashing the previous one.
func (s *scanner) setLoc(begin, end int) {
	s.stashBeg, s.stashEnd = s.lastBeg, s.lastEnd
	s.lastBeg, s.lastEnd = begin, end
}

func (s *scanner) eof() tok {
	return tok{kind: tEOF, begin: s.lastEnd, end: s.lastEnd}
}

// next returns the next token.
func (s *scanner) next() tok {
	switch s.state() {
	case stString:
		return s.lexString()
	case stIndString:
		return s.lexIndString()
	case stInPath, stInPathSlash:
		return s.lexInPath()
	}
	return s.lexDefault()
}

func isPathChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '.' || c == '_' || c == '-' || c == '+'
}

func isIDStart(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' }

func isIDChar(c byte) bool { return isIDStart(c) || '0' <= c && c <= '9' || c == '\'' || c == '-' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isURIChar(c byte) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
		return true
	}
	return strings.IndexByte("%/?:@&=+$,-_.!~*'", c) >= 0
}

func isSchemeChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'
}

// The match* functions return the length of the longest match of one lexer rule
// at offset i, or 0.

func (s *scanner) matchID(i int) int {
	if !isIDStart(s.at(i)) {
		return 0
	}
	j := i + 1
	for j < len(s.src) && isIDChar(s.src[j]) {
		j++
	}
	return j - i
}

func (s *scanner) matchINT(i int) int {
	j := i
	for j < len(s.src) && isDigit(s.src[j]) {
		j++
	}
	return j - i
}

// matchFLOAT matches (([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)?
func (s *scanner) matchFLOAT(i int) int {
	j := i
	best := 0
	if c := s.at(j); '1' <= c && c <= '9' {
		for isDigit(s.at(j)) {
			j++
		}
		if s.at(j) != '.' {
			return 0
		}
		j++
		for isDigit(s.at(j)) {
			j++
		}
		best = j
	} else {
		if s.at(j) == '0' {
			j++
		}
		if s.at(j) != '.' || !isDigit(s.at(j+1)) {
			return 0
		}
		j++
		for isDigit(s.at(j)) {
			j++
		}
		best = j
	}
	if c := s.at(j); c == 'e' || c == 'E' {
		k := j + 1
		if c := s.at(k); c == '+' || c == '-' {
			k++
		}
		if isDigit(s.at(k)) {
			for isDigit(s.at(k)) {
				k++
			}
			best = k
		}
	}
	return best - i
}

// matchPATH matches {PATH_CHAR}*(\/{PATH_CHAR}+)+\/? and reports whether the
// match ends with a slash.
func (s *scanner) matchPATH(i int) int {
	j := i
	for isPathChar(s.at(j)) {
		j++
	}
	segs := 0
	for s.at(j) == '/' && isPathChar(s.at(j+1)) {
		j++
		for isPathChar(s.at(j)) {
			j++
		}
		segs++
	}
	if segs == 0 {
		return 0
	}
	if s.at(j) == '/' {
		j++
	}
	return j - i
}

// matchPATHSEG matches {PATH_CHAR}*\/
func (s *scanner) matchPATHSEG(i int) int {
	j := i
	for isPathChar(s.at(j)) {
		j++
	}
	if s.at(j) != '/' {
		return 0
	}
	return j + 1 - i
}

// matchHPATH matches \~(\/{PATH_CHAR}+)+\/?
func (s *scanner) matchHPATH(i int) int {
	if s.at(i) != '~' {
		return 0
	}
	j := i + 1
	segs := 0
	for s.at(j) == '/' && isPathChar(s.at(j+1)) {
		j++
		for isPathChar(s.at(j)) {
			j++
		}
		segs++
	}
	if segs == 0 {
		return 0
	}
	if s.at(j) == '/' {
		j++
	}
	return j - i
}

// matchSPATH matches \<{PATH_CHAR}+(\/{PATH_CHAR}+)*\>
func (s *scanner) matchSPATH(i int) int {
	if s.at(i) != '<' || !isPathChar(s.at(i+1)) {
		return 0
	}
	j := i + 1
	for isPathChar(s.at(j)) {
		j++
	}
	for s.at(j) == '/' && isPathChar(s.at(j+1)) {
		j++
		for isPathChar(s.at(j)) {
			j++
		}
	}
	if s.at(j) != '>' {
		return 0
	}
	return j + 1 - i
}

// matchURI matches [a-zA-Z][a-zA-Z0-9\+\-\.]*\:[a-zA-Z0-9\%\/\?\:\@\&\=\+\$\,\-\_\.\!\~\*\']+
func (s *scanner) matchURI(i int) int {
	c := s.at(i)
	if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
		return 0
	}
	j := i + 1
	for isSchemeChar(s.at(j)) {
		j++
	}
	if s.at(j) != ':' || !isURIChar(s.at(j+1)) {
		return 0
	}
	j++
	for j < len(s.src) && isURIChar(s.src[j]) {
		j++
	}
	return j - i
}

// skipSpace consumes whitespace and comments.
func (s *scanner) skipSpace() {
	for s.pos < len(s.src) {
		i := s.pos
		c := s.src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			j := i + 1
			for j < len(s.src) {
				c := s.src[j]
				if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
					break
				}
				j++
			}
			s.pos = j
			s.setLoc(i, j)
		case c == '#':
			j := i + 1
			for j < len(s.src) && s.src[j] != '\n' && s.src[j] != '\r' {
				j++
			}
			s.pos = j
			s.setLoc(i, j)
		case c == '/' && s.at(i+1) == '*':
			// \/\*([^*]|\*+[^*/])*\*+\/
			j := i + 2
			closed := false
			for j < len(s.src) {
				if s.src[j] == '*' {
					k := j
					for k < len(s.src) && s.src[k] == '*' {
						k++
					}
					if k < len(s.src) && s.src[k] == '/' {
						j = k + 1
						closed = true
						break
					}
					j = k
					continue
				}
				j++
			}
			if !closed {
				return // not a comment: '/' is lexed as a character
			}
			s.pos = j
			s.setLoc(i, j)
		default:
			return
		}
	}
}

func (s *scanner) lexDefault() tok {
	s.skipSpace()
	i := s.pos
	if i >= len(s.src) {
		return s.eof()
	}
	c := s.src[i]

	// Rules that start with a letter, digit or path character compete by length.
	if isPathChar(c) || c == '/' || c == '~' {
		if t, ok := s.lexWordLike(i); ok {
			return t
		}
	}

	two := func(k tokKind) tok { return s.emit(k, i, i+2) }
	switch c {
	case '=':
		if s.at(i+1) == '=' {
			return two(tEQ)
		}
	case '!':
		if s.at(i+1) == '=' {
			return two(tNEQ)
		}
	case '<':
		if s.at(i+1) == '=' {
			return two(tLEQ)
		}
		if s.at(i+1) == '|' {
			s.requirePipes(i)
			return two(tPIPEFROM)
		}
		if n := s.matchSPATH(i); n > 0 {
			t := s.emit(tSPATH, i, i+n)
			t.text = string(s.src[i : i+n])
			return t
		}
	case '>':
		if s.at(i+1) == '=' {
			return two(tGEQ)
		}
	case '&':
		if s.at(i+1) == '&' {
			return two(tAND)
		}
	case '|':
		if s.at(i+1) == '|' {
			return two(tOR)
		}
		if s.at(i+1) == '>' {
			s.requirePipes(i)
			return two(tPIPEINTO)
		}
	case '$':
		if s.at(i+1) == '{' {
			s.push(stDefault)
			return two(tDOLLARCURLY)
		}
	case '}':
		if s.state() != stInitial {
			s.pop()
		}
	case '{':
		s.push(stDefault)
	case '"':
		s.push(stString)
	case '\'':
		if s.at(i+1) == '\'' {
			// \'\'(\ *\n)?
			j := i + 2
			k := j
			for s.at(k) == ' ' {
				k++
			}
			if k < len(s.src) && s.src[k] == '\n' {
				j = k + 1
			}
			s.push(stIndString)
			return s.emit(tINDOPEN, i, j)
		}
	}
	t := s.emit(tChar, i, i+1)
	t.ch = c
	if strings.IndexByte(grammarChars, c) < 0 {
		t.kind = tInvalid
	}
	return t
}

func (s *scanner) requirePipes(i int) {
	if !s.pipes {
		s.err(i, "experimental Nix feature 'pipe-operators' is disabled; add '--extra-experimental-features pipe-operators' to enable it")
	}
}

// lexWordLike handles the rules that can begin with a path character, '/' or '~':
// keywords, identifiers, numbers, paths and URIs. It applies flex's rule: the
// longest match wins, and among equally long matches the earliest rule.
func (s *scanner) lexWordLike(i int) (tok, bool) {
	type cand struct {
		kind tokKind
		n    int
		rule int
	}
	best := cand{}
	try := func(kind tokKind, n, rule int) {
		if n > best.n {
			best = cand{kind, n, rule}
		}
	}
	c := s.src[i]
	// Multi-character operators that share a first character with paths.
	switch {
	case c == '.' && s.at(i+1) == '.' && s.at(i+2) == '.':
		try(tELLIPSIS, 3, 1)
	case c == '-' && s.at(i+1) == '>':
		try(tIMPL, 2, 1)
	case c == '+' && s.at(i+1) == '+':
		try(tCONCAT, 2, 1)
	case c == '/' && s.at(i+1) == '/':
		try(tUPDATE, 2, 1)
	}
	try(tID, s.matchID(i), 3)
	try(tINT, s.matchINT(i), 4)
	try(tFLOAT, s.matchFLOAT(i), 5)
	pathSeg := 0 // {PATH_SEG}\$\{ or {HPATH_START}\$\{
	if c == '~' {
		if s.at(i+1) == '/' && s.at(i+2) == '$' && s.at(i+3) == '{' {
			pathSeg = 4
		}
	} else if n := s.matchPATHSEG(i); n > 0 && s.at(i+n) == '$' && s.at(i+n+1) == '{' {
		pathSeg = n + 2
	}
	if pathSeg > best.n {
		best = cand{tPATH, pathSeg, 11}
		if c == '~' {
			best.kind = tHPATH
		}
	}
	try(tPATH, s.matchPATH(i), 12)
	try(tHPATH, s.matchHPATH(i), 13)
	try(tURI, s.matchURI(i), 15)
	if best.n == 0 {
		return tok{}, false
	}
	end := i + best.n
	text := string(s.src[i:end])
	switch best.kind {
	case tID:
		if k, ok := keywords[text]; ok {
			return s.emit(k, i, end), true
		}
		t := s.emit(tID, i, end)
		t.text = text
		return t, true
	case tINT:
		t := s.emit(tINT, i, end)
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			s.err(i, "invalid integer '"+text+"'")
		}
		t.n = n
		return t, true
	case tFLOAT:
		t := s.emit(tFLOAT, i, end)
		t.f = parseFloatLiteral(text, func() { s.err(i, "invalid float '"+text+"'") })
		return t, true
	case tPATH, tHPATH:
		if best.rule == 11 {
			// The path ends in a slash followed by an interpolation.
			end -= 2
			text = text[:len(text)-2]
			s.push(stInPathSlash)
		} else if text[len(text)-1] == '/' {
			s.push(stInPathSlash)
		} else {
			s.push(stInPath)
		}
		t := s.emit(best.kind, i, end)
		t.text = text
		return t, true
	case tURI:
		t := s.emit(tURI, i, end)
		t.text = text
		return t, true
	}
	return s.emit(best.kind, i, end), true
}

// parseFloatLiteral converts a float literal as strtod does, reporting overflow and
// underflow (which set ERANGE in C) through bad.
func parseFloatLiteral(text string, bad func()) float64 {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		bad()
		return f
	}
	if f == 0 {
		// strtod reports underflow for non-zero literals that round to zero.
		for _, c := range text {
			if c >= '1' && c <= '9' {
				bad()
				break
			}
			if c == 'e' || c == 'E' {
				break
			}
		}
	} else if abs := f; abs < 0x1p-1022 && abs > -0x1p-1022 {
		bad() // subnormal results also set ERANGE
	}
	return f
}

// lexString scans inside "…".
func (s *scanner) lexString() tok {
	i := s.pos
	if i >= len(s.src) {
		return s.eof()
	}
	switch s.src[i] {
	case '"':
		s.pop()
		t := s.emit(tChar, i, i+1)
		t.ch = '"'
		return t
	case '$':
		if s.at(i+1) == '{' {
			s.push(stDefault)
			return s.emit(tDOLLARCURLY, i, i+2)
		}
	}
	// ([^\$\"\\]|\$[^\{\"\\]|\\{ANY}|\$\\{ANY})* possibly followed by a $ before ".
	j := i
	n := len(s.src)
loop:
	for j < n {
		switch s.src[j] {
		case '"':
			break loop
		case '\\':
			if j+1 >= n {
				break loop
			}
			j += 2
		case '$':
			if j+1 >= n {
				break loop
			}
			switch s.src[j+1] {
			case '{', '"':
				break loop
			case '\\':
				if j+2 >= n {
					break loop
				}
				j += 3
			default:
				j += 2
			}
		default:
			j++
		}
	}
	if j < n && s.src[j] == '$' && s.at(j+1) == '"' {
		j++
	}
	if j == i {
		// A lone $, \ or $\ at the end of the input.
		end := i + 1
		if s.src[i] == '$' && s.at(i+1) == '\\' {
			end++
		}
		s.emit(tEOF, i, end)
		return tok{kind: tEOF, begin: i, end: end}
	}
	t := s.emit(tSTR, i, j)
	t.text = s.unescape(s.src[i:j], i)
	return t
}

// unescape interprets backslash escapes and normalises CR and CR/LF to LF.
func (s *scanner) unescape(b []byte, at int) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch c {
		case '\\':
			i++
			switch b[i] {
			case 'n':
				sb.WriteByte('\n')
			case 'r':
				sb.WriteByte('\r')
			case 't':
				sb.WriteByte('\t')
			default:
				sb.WriteByte(b[i])
			}
		case '\r':
			sb.WriteByte('\n')
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
		default:
			sb.WriteByte(c)
		}
	}
	str := sb.String()
	s.checkNul(str, at)
	return str
}

func (s *scanner) checkNul(str string, at int) {
	if strings.IndexByte(str, 0) >= 0 {
		s.err(at, "input string '"+strings.ReplaceAll(str, "\x00", "␀")+"' cannot be represented as Nix string because it contains null bytes")
	}
}

// lexIndString scans inside ”…”.
func (s *scanner) lexIndString() tok {
	i := s.pos
	n := len(s.src)
	if i >= n {
		return s.eof()
	}
	lit := func(end int, text string) tok {
		t := s.emit(tINDSTR, i, end)
		t.text = text
		return t
	}
	switch s.src[i] {
	case '\'':
		if s.at(i+1) == '\'' {
			if i+2 < n {
				switch s.src[i+2] {
				case '\\':
					if i+3 < n {
						t := lit(i+4, "")
						t.text = s.unescape(s.src[i+2:i+4], i)
						return t
					}
				case '\'':
					return lit(i+3, "''")
				case '$':
					return lit(i+3, "$")
				}
			}
			s.pop()
			return s.emit(tINDCLOSE, i, i+2)
		}
		if i+1 >= n || s.src[i+1] == '$' {
			return lit(i+1, "'")
		}
	case '$':
		if s.at(i+1) == '{' {
			s.push(stDefault)
			return s.emit(tDOLLARCURLY, i, i+2)
		}
		if i+1 >= n || s.src[i+1] == '\'' {
			return lit(i+1, "$")
		}
	}
	// ([^\$\']|\$[^\{\']|\'[^\'\$])+
	j := i
loop:
	for j < n {
		switch s.src[j] {
		case '$':
			if j+1 >= n || s.src[j+1] == '{' || s.src[j+1] == '\'' {
				break loop
			}
			j += 2
		case '\'':
			if j+1 >= n || s.src[j+1] == '\'' || s.src[j+1] == '$' {
				break loop
			}
			j += 2
		default:
			j++
		}
	}
	t := lit(j, string(s.src[i:j]))
	t.indent = true
	s.checkNul(t.text, i)
	return t
}

// lexInPath scans after a path fragment, where an interpolation or more path
// characters may continue the path.
func (s *scanner) lexInPath() tok {
	i := s.pos
	slash := s.state() == stInPathSlash
	if s.at(i) == '$' && s.at(i+1) == '{' {
		s.pop()
		s.push(stInPath)
		s.push(stDefault)
		return s.emit(tDOLLARCURLY, i, i+2)
	}
	n := s.matchPATH(i)
	if m := s.matchPATHSEG(i); m > n {
		n = m
	}
	if n == 0 {
		for isPathChar(s.at(i + n)) {
			n++
		}
	}
	if n > 0 {
		s.pop()
		if s.src[i+n-1] == '/' {
			s.push(stInPathSlash)
		} else {
			s.push(stInPath)
		}
		t := s.emit(tSTR, i, i+n)
		t.text = string(s.src[i : i+n])
		return t
	}
	if slash {
		at := i
		if i >= len(s.src) {
			at = s.lastBeg
		}
		s.err(at, "path has a trailing slash")
	}
	s.pop()
	if i >= len(s.src) {
		// At the end of input no lexeme was matched, so CppNix's restoring of the
		// stashed location goes back to the lexeme before the last one.
		s.lastBeg, s.lastEnd = s.stashBeg, s.stashEnd
	}
	return tok{kind: tPATHEND, begin: s.lastBeg, end: s.lastEnd}
}
