// Errors returned by Compile: what kind of failure (invalid pattern or state limit) and
// which libstdc++ regex_error code it corresponds to.

package regex

import "fmt"

// ErrorKind tells the two ways CppNix reports a failed regex construction apart.
type ErrorKind uint8

const (
	// KindInvalid: the pattern is not a valid POSIX extended regular expression as
	// libstdc++ reads it. CppNix prints "invalid regular expression '%s'".
	KindInvalid ErrorKind = iota + 1
	// KindSpace: the compiled automaton would exceed libstdc++'s limit of 100000 NFA
	// states (_GLIBCXX_REGEX_STATE_LIMIT), typically through large {m,n} bounds.
	// CppNix prints "memory limit exceeded by regular expression '%s'".
	KindSpace
)

// ErrorCode is the std::regex_constants::error_type value libstdc++ would throw. It is
// informational: only the distinction between ErrSpace and the rest is observable in Nix.
type ErrorCode uint8

// The libstdc++ error codes, in std::regex_constants order.
const (
	ErrCollate    ErrorCode = iota // unknown collating element or character class name
	ErrCtype                       // malformed [: :] character class
	ErrEscape                      // bad or trailing backslash escape
	ErrBackref                     // (GCC 14) integer overflow in a {m,n} bound
	ErrBrack                       // unbalanced or malformed bracket expression
	ErrParen                       // unbalanced parentheses or unexpected token
	ErrBrace                       // unterminated {m,n}
	ErrBadBrace                    // invalid contents of {m,n}
	ErrRange                       // invalid range in a bracket expression
	ErrSpace                       // too many NFA states
	ErrBadRepeat                   // repetition operator without operand
	ErrComplexity                  // unused by the extended grammar
	ErrStack                       // unused by the extended grammar
	ErrNull                        // NUL byte in the pattern (libstdc++'s _S_null)
)

var codeNames = [...]string{
	ErrCollate: "error_collate", ErrCtype: "error_ctype", ErrEscape: "error_escape",
	ErrBackref: "error_backref", ErrBrack: "error_brack", ErrParen: "error_paren",
	ErrBrace: "error_brace", ErrBadBrace: "error_badbrace", ErrRange: "error_range",
	ErrSpace: "error_space", ErrBadRepeat: "error_badrepeat",
	ErrComplexity: "error_complexity", ErrStack: "error_stack", ErrNull: "error_null",
}

func (c ErrorCode) String() string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return fmt.Sprintf("ErrorCode(%d)", c)
}

// Error is the error returned by Compile.
type Error struct {
	Code    ErrorCode
	Pattern string
}

// Kind reports whether the pattern was invalid or exceeded the state limit.
func (e *Error) Kind() ErrorKind {
	if e.Code == ErrSpace {
		return KindSpace
	}
	return KindInvalid
}

// Error renders the message with CppNix's wording.
func (e *Error) Error() string {
	if e.Kind() == KindSpace {
		return fmt.Sprintf("memory limit exceeded by regular expression '%s'", e.Pattern)
	}
	return fmt.Sprintf("invalid regular expression '%s'", e.Pattern)
}
