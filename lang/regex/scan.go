// The pattern scanner: splits a POSIX extended pattern into tokens exactly as
// libstdc++'s regex _Scanner does in extended mode with __STRICT_ANSI__ (which is how
// CppNix is built), including the lazy, token-at-a-time error reporting.

package regex

type token uint8

const (
	tEOF token = iota
	tOrdChar
	tAnyChar
	tSubBegin
	tSubEnd
	tBracketBegin
	tBracketNegBegin
	tBracketEnd
	tBracketDash
	tIntervalBegin
	tIntervalEnd
	tComma
	tDupCount
	tClassName
	tCollSymbol
	tEquivName
	tOpt
	tOr
	tStar
	tPlus
	tLineBegin
	tLineEnd
)

type scanState uint8

const (
	stNormal scanState = iota
	stBracket
	stBrace
)

// specialChars are the characters with a meaning outside brackets in the extended
// grammar. ']' and '}' are ordinary; '\x00' counts as special (strchr finds the
// terminator) and is rejected.
func isSpecial(c byte) bool {
	switch c {
	case '.', '[', '\\', '(', ')', '*', '+', '?', '{', '|', '^', '$', 0:
		return true
	}
	return false
}

// scanner produces one token of lookahead; the compiler consumes it with advance.
// Errors are raised by panicking with a compileError (see Compile).
type scanner struct {
	src            string
	pos            int
	state          scanState
	atBracketStart bool
	tok            token
	ch             byte   // the character of tOrdChar
	text           string // digits of tDupCount, name of tClassName etc.
}

type compileError struct{ code ErrorCode }

func fail(code ErrorCode) { panic(compileError{code}) }

func (s *scanner) advance() {
	if s.pos == len(s.src) {
		s.tok = tEOF
		return
	}
	switch s.state {
	case stNormal:
		s.scanNormal()
	case stBracket:
		s.scanBracket()
	default:
		s.scanBrace()
	}
}

func (s *scanner) ord(c byte) {
	s.tok = tOrdChar
	s.ch = c
}

func (s *scanner) scanNormal() {
	c := s.src[s.pos]
	s.pos++
	if !isSpecial(c) {
		s.ord(c)
		return
	}
	switch c {
	case '\\':
		// Only the special characters may be escaped; escaping an ordinary
		// character is an error under __STRICT_ANSI__, and there are no
		// back-references in the extended grammar.
		if s.pos == len(s.src) {
			fail(ErrEscape)
		}
		e := s.src[s.pos]
		if e == 0 || !isSpecial(e) {
			fail(ErrEscape)
		}
		s.pos++
		s.ord(e)
	case '(':
		s.tok = tSubBegin
	case ')':
		s.tok = tSubEnd
	case '[':
		s.state = stBracket
		s.atBracketStart = true
		if s.pos < len(s.src) && s.src[s.pos] == '^' {
			s.tok = tBracketNegBegin
			s.pos++
		} else {
			s.tok = tBracketBegin
		}
	case '{':
		s.state = stBrace
		s.tok = tIntervalBegin
	case 0:
		fail(ErrNull)
	case '^':
		s.tok = tLineBegin
	case '$':
		s.tok = tLineEnd
	case '.':
		s.tok = tAnyChar
	case '*':
		s.tok = tStar
	case '+':
		s.tok = tPlus
	case '?':
		s.tok = tOpt
	case '|':
		s.tok = tOr
	}
}

func (s *scanner) scanBracket() {
	c := s.src[s.pos]
	s.pos++
	switch {
	case c == '-':
		s.tok = tBracketDash
	case c == '[':
		if s.pos == len(s.src) {
			fail(ErrBrack)
		}
		switch s.src[s.pos] {
		case '.':
			s.tok = tCollSymbol
			s.pos++
			s.eatClass('.')
		case ':':
			s.tok = tClassName
			s.pos++
			s.eatClass(':')
		case '=':
			s.tok = tEquivName
			s.pos++
			s.eatClass('=')
		default:
			s.ord('[')
		}
	case c == ']' && !s.atBracketStart:
		s.tok = tBracketEnd
		s.state = stNormal
	default:
		// Backslash is an ordinary character inside brackets.
		s.ord(c)
	}
	s.atBracketStart = false
}

// eatClass reads the name of "[:name:]", "[.name.]" or "[=name=]" after its opening
// "[" and delimiter, up to the first delimiter, which must be followed by ']'.
func (s *scanner) eatClass(delim byte) {
	start := s.pos
	for s.pos < len(s.src) && s.src[s.pos] != delim {
		s.pos++
	}
	s.text = s.src[start:s.pos]
	if s.pos+1 >= len(s.src) || s.src[s.pos+1] != ']' {
		if delim == ':' {
			fail(ErrCtype)
		}
		fail(ErrCollate)
	}
	s.pos += 2
}

func (s *scanner) scanBrace() {
	c := s.src[s.pos]
	s.pos++
	switch {
	case isDigit(c):
		start := s.pos - 1
		for s.pos < len(s.src) && isDigit(s.src[s.pos]) {
			s.pos++
		}
		s.tok = tDupCount
		s.text = s.src[start:s.pos]
	case c == ',':
		s.tok = tComma
	case c == '}':
		s.state = stNormal
		s.tok = tIntervalEnd
	default:
		fail(ErrBadBrace)
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
