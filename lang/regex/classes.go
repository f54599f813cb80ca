// Character classes and collating-element names as libstdc++'s regex_traits<char> sees
// them in the "C" locale (the only locale CppNix's regexes use).

package regex

// byteSet is a set of bytes, one bit per byte value.
type byteSet [4]uint64

func (b *byteSet) has(c byte) bool { return b[c>>6]&(1<<(c&63)) != 0 }
func (b *byteSet) add(c byte)      { b[c>>6] |= 1 << (c & 63) }

func (b *byteSet) union(o *byteSet) {
	for i := range b {
		b[i] |= o[i]
	}
}

// ctype masks of the C locale (glibc's classic table); bytes >= 0x80 are in no class.
const (
	cUpper uint16 = 1 << iota
	cLower
	cAlpha
	cDigit
	cXdigit
	cSpace
	cPrint
	cGraph
	cBlank
	cCntrl
	cPunct
	cAlnum
	cUnder // libstdc++'s extra bit for [:w:]: the underscore
)

var ctypeTable = func() (t [256]uint16) {
	for c := 0; c < 128; c++ {
		var m uint16
		switch {
		case c >= 'A' && c <= 'Z':
			m |= cUpper | cAlpha
		case c >= 'a' && c <= 'z':
			m |= cLower | cAlpha
		case c >= '0' && c <= '9':
			m |= cDigit
		}
		if m&(cAlpha|cDigit) != 0 {
			m |= cAlnum
		}
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' {
			m |= cXdigit
		}
		if c == ' ' || c >= '\t' && c <= '\r' {
			m |= cSpace
		}
		if c == ' ' || c == '\t' {
			m |= cBlank
		}
		if c < 32 || c == 127 {
			m |= cCntrl
		}
		if c >= 32 && c < 127 {
			m |= cPrint
		}
		if c > 32 && c < 127 {
			m |= cGraph
			if m&cAlnum == 0 {
				m |= cPunct
			}
		}
		t[c] = m
	}
	t['_'] |= cUnder
	return t
}()

// classNames maps the names accepted in [:name:] (after lower-casing) to masks, as
// regex_traits::lookup_classname does.
var classNames = map[string]uint16{
	"d": cDigit, "w": cAlnum | cUnder, "s": cSpace,
	"alnum": cAlnum, "alpha": cAlpha, "blank": cBlank, "cntrl": cCntrl,
	"digit": cDigit, "graph": cGraph, "lower": cLower, "print": cPrint,
	"punct": cPunct, "space": cSpace, "upper": cUpper, "xdigit": cXdigit,
}

// lookupClass returns the mask for a class name, or 0 if the name is unknown. Like
// libstdc++ it lower-cases the name first (in the C locale).
func lookupClass(name string) uint16 {
	var buf [8]byte
	if len(name) > len(buf) {
		return 0
	}
	b := buf[:len(name)]
	for i := 0; i < len(name); i++ {
		b[i] = toLower(name[i])
	}
	return classNames[string(b)]
}

func toLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// collateNames are the names regex_traits::lookup_collatename knows, indexed by the
// character they stand for; [[.name.]] and [[=name=]] accept only these.
var collateNames = [128]string{
	"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "alert", "backspace", "tab",
	"newline", "vertical-tab", "form-feed", "carriage-return", "SO", "SI", "DLE",
	"DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC",
	"IS4", "IS3", "IS2", "IS1", "space", "exclamation-mark", "quotation-mark",
	"number-sign", "dollar-sign", "percent-sign", "ampersand", "apostrophe",
	"left-parenthesis", "right-parenthesis", "asterisk", "plus-sign", "comma",
	"hyphen", "period", "slash", "zero", "one", "two", "three", "four", "five", "six",
	"seven", "eight", "nine", "colon", "semicolon", "less-than-sign", "equals-sign",
	"greater-than-sign", "question-mark", "commercial-at",
	"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P",
	"Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z",
	"left-square-bracket", "backslash", "right-square-bracket", "circumflex",
	"underscore", "grave-accent",
	"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p",
	"q", "r", "s", "t", "u", "v", "w", "x", "y", "z",
	"left-curly-bracket", "vertical-line", "right-curly-bracket", "tilde", "DEL",
}

// lookupCollate returns the character a collating-element name stands for.
func lookupCollate(name string) (byte, bool) {
	for i, n := range collateNames {
		if n == name {
			return byte(i), true
		}
	}
	return 0, false
}
