// Tests against results of CppNix 2.26 (builtins.toJSON and builtins.fromJSON,
// which pass the library's messages through), captured with the reference.

package nlohmann

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestAppendFloatReference(t *testing.T) {
	f, err := os.Open("testdata/floats.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		bitsHex, want, _ := strings.Cut(line, " ")
		bits, err := strconv.ParseUint(bitsHex, 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(AppendFloat(nil, math.Float64frombits(bits))); got != want {
			t.Errorf("%s: got %s, want %s", bitsHex, got, want)
		}
		n++
	}
	if n < 500 {
		t.Fatalf("only %d values read", n)
	}
}

func TestAppendFloat(t *testing.T) {
	for _, c := range []struct {
		f    float64
		want string
	}{
		{0.1, "0.1"},
		{1e100, "1e+100"},
		{math.Copysign(0, -1), "-0.0"},
		{0, "0.0"},
		{1.0, "1.0"},
		{-1.5, "-1.5"},
		{1e14, "100000000000000.0"},
		{1e15, "1e+15"},
		{123456789012345.0, "123456789012345.0"},
		{1e-4, "0.0001"},
		{1e-5, "1e-05"},
		{5e-324, "5e-324"},
		{1.2345678901234567e-7, "1.2345678901234566e-07"}, // Grisu2, not the shortest
		{math.Inf(1), "null"},
		{math.Inf(-1), "null"},
		{math.NaN(), "null"},
	} {
		if got := string(AppendFloat(nil, c.f)); got != c.want {
			t.Errorf("%v: got %s, want %s", c.f, got, c.want)
		}
	}
}

func TestCachedPowers(t *testing.T) {
	// The first, last and an exact entry of the library's table.
	for _, c := range []cachedPower{
		{0xAB70FE17C79AC6CA, -1060, -300},
		{0x9C40000000000000, -50, 4},
		{0xAF87023B9BF0EE6B, 1066, 340},
	} {
		got := cachedPowers[(c.k+300)/8]
		if got != c {
			t.Errorf("10^%d: got %#x×2^%d, want %#x×2^%d", c.k, got.f, got.e, c.f, c.e)
		}
	}
	if len(cachedPowers) != 81 {
		t.Errorf("%d cached powers", len(cachedPowers))
	}
}

func TestAppendString(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", `"plain"`},
		{"a\"b\\c", `"a\"b\\c"`},
		{"\x01\x02\x1f\x7f\b\f/", `"\u0001\u0002\u001f` + "\x7f" + `\b\f/"`},
		{"\n\r\t", `"\n\r\t"`},
		{"ok 😀 €", `"ok 😀 €"`},
		{"\xff", "[json.exception.type_error.316] invalid UTF-8 byte at index 0: 0xFF"},
		{"ab\xc3", "[json.exception.type_error.316] incomplete UTF-8 string; last byte: 0xC3"},
		{"\xc3(", "[json.exception.type_error.316] invalid UTF-8 byte at index 1: 0x28"},
		{"\xed\xa0\x80", "[json.exception.type_error.316] invalid UTF-8 byte at index 1: 0xA0"},
		{"\xf4\x90\x80\x80", "[json.exception.type_error.316] invalid UTF-8 byte at index 1: 0x90"},
		{"\xe0\x80\x80", "[json.exception.type_error.316] invalid UTF-8 byte at index 1: 0x80"},
		{"\xc0\x80", "[json.exception.type_error.316] invalid UTF-8 byte at index 0: 0xC0"},
		{"x\xf0\x9f\x98", "[json.exception.type_error.316] incomplete UTF-8 string; last byte: 0x98"},
		{"\x80", "[json.exception.type_error.316] invalid UTF-8 byte at index 0: 0x80"},
		{"\xf5\x80\x80\x80", "[json.exception.type_error.316] invalid UTF-8 byte at index 0: 0xF5"},
		{"\xf0\x9f\x98\x80\xf0\x9f", "[json.exception.type_error.316] incomplete UTF-8 string; last byte: 0x9F"},
	} {
		out, err := AppendString(nil, c.in)
		got := string(out)
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%q: got %s, want %s", c.in, got, c.want)
		}
	}
}

// recorder records the events of a parse as text.
type recorder struct{ sb strings.Builder }

func (r *recorder) ev(format string, args ...any) error {
	fmt.Fprintf(&r.sb, format+" ", args...)
	return nil
}
func (r *recorder) Null() error                     { return r.ev("null") }
func (r *recorder) Bool(b bool) error               { return r.ev("%v", b) }
func (r *recorder) Int(n int64) error               { return r.ev("int:%d", n) }
func (r *recorder) Uint(n uint64) error             { return r.ev("uint:%d", n) }
func (r *recorder) Float(f float64, s string) error { return r.ev("float:%v", f) }
func (r *recorder) String(s string) error           { return r.ev("%q", s) }
func (r *recorder) StartObject() error              { return r.ev("{") }
func (r *recorder) Key(k string) error              { return r.ev("key:%q", k) }
func (r *recorder) EndObject() error                { return r.ev("}") }
func (r *recorder) StartArray() error               { return r.ev("[") }
func (r *recorder) EndArray() error                 { return r.ev("]") }

func parseEvents(s string) (string, error) {
	r := &recorder{}
	err := Parse(s, r)
	return strings.TrimSpace(r.sb.String()), err
}

func TestParse(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"b":1,"a":{"c":[true,false,null]}}`, `{ key:"b" uint:1 key:"a" { key:"c" [ true false null ] } }`},
		{`[1.0, 1.5, -0.0, 0.1, 1e2, 1E-2, 0, -0, -5]`, `[ float:1 float:1.5 float:-0 float:0.1 float:100 float:0.01 uint:0 int:0 int:-5 ]`},
		{`18446744073709551615`, `uint:18446744073709551615`},
		{`18446744073709551616`, `float:1.8446744073709552e+19`},
		{`-9223372036854775809`, `float:-9.223372036854776e+18`},
		{`1e-400`, `float:0`},
		{`"\b\f\n\r\t\/\\\"\u0041\u00e9\u20ac\ud83d\ude00"`, `"\b\f\n\r\t/\\\"Aé€😀"`},
		{"\xef\xbb\xbf[1]", `[ uint:1 ]`},
		{" \t\r\n[ 1 , 2 ] \t\r\n", `[ uint:1 uint:2 ]`},
		{`{"":1,"a":1,"a":2}`, `{ key:"" uint:1 key:"a" uint:1 key:"a" uint:2 }`},
		{"\"a\x7fb\"", "\"a\\x7fb\""},
		{"1\x00", `uint:1`},
	} {
		got, err := parseEvents(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
		} else if got != c.want {
			t.Errorf("%q: got %s, want %s", c.in, got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range parseErrorCases {
		_, err := parseEvents(c.in)
		if err == nil {
			t.Errorf("%q: no error", c.in)
		} else if err.Error() != c.want {
			t.Errorf("%q:\ngot  %s\nwant %s", c.in, err, c.want)
		}
	}
}

// handlerErr stops the parse at the first string.
type handlerErr struct{ recorder }

func (h *handlerErr) String(s string) error { return fmt.Errorf("rejected %q", s) }

func TestParseHandlerErrorFirst(t *testing.T) {
	// The library delivers a value before it reads the next token: the
	// handler's error wins over a later syntax error, not an earlier one.
	for _, c := range []struct{ in, want string }{
		{`"x" y`, `rejected "x"`},
		{`[1,"x", tru]`, `rejected "x"`},
		{`[tru, "x"]`, "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while parsing value - invalid literal; last read: '[tru,'"},
	} {
		err := Parse(c.in, &handlerErr{})
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: got %v, want %s", c.in, err, c.want)
		}
	}
}

// The messages of CppNix's builtins.fromJSON for these texts.
var parseErrorCases = []struct{ in, want string }{
	{"tru", "[json.exception.parse_error.101] parse error at line 1, column 4: syntax error while parsing value - invalid literal; last read: 'tru'"},
	{"[1,2", "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while parsing array - unexpected end of input; expected ']'"},
	{"[1,2,]", "[json.exception.parse_error.101] parse error at line 1, column 6: syntax error while parsing value - unexpected ']'; expected '[', '{', or a literal"},
	{"{\"a\":1,}", "[json.exception.parse_error.101] parse error at line 1, column 8: syntax error while parsing object key - unexpected '}'; expected string literal"},
	{"", "[json.exception.parse_error.101] parse error at line 1, column 1: attempting to parse an empty input; check that your input string or stream contains the expected JSON"},
	{"   ", "[json.exception.parse_error.101] parse error at line 1, column 4: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal"},
	{"1 2", "[json.exception.parse_error.101] parse error at line 1, column 3: syntax error while parsing value - unexpected number literal; expected end of input"},
	{"{\"a\" 1}", "[json.exception.parse_error.101] parse error at line 1, column 6: syntax error while parsing object separator - unexpected number literal; expected ':'"},
	{"{1:1}", "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error while parsing object key - unexpected number literal; expected string literal"},
	{"\"abc", "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while parsing value - invalid string: missing closing quote; last read: '\"abc'"},
	{"\"a\\qb\"", "[json.exception.parse_error.101] parse error at line 1, column 4: syntax error while parsing value - invalid string: forbidden character after backslash; last read: '\"a\\q'"},
	{"\"\\u12\"", "[json.exception.parse_error.101] parse error at line 1, column 6: syntax error while parsing value - invalid string: '\\u' must be followed by 4 hex digits; last read: '\"\\u12\"'"},
	{"\"\\uD800\"", "[json.exception.parse_error.101] parse error at line 1, column 8: syntax error while parsing value - invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF; last read: '\"\\uD800\"'"},
	{"\"\\uDC00\"", "[json.exception.parse_error.101] parse error at line 1, column 7: syntax error while parsing value - invalid string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF; last read: '\"\\uDC00'"},
	{"\"\\uD800\\u0041\"", "[json.exception.parse_error.101] parse error at line 1, column 13: syntax error while parsing value - invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF; last read: '\"\\uD800\\u0041'"},
	{"01", "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error while parsing value - unexpected number literal; expected end of input"},
	{"-", "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error while parsing value - invalid number; expected digit after '-'; last read: '-'"},
	{"1.", "[json.exception.parse_error.101] parse error at line 1, column 3: syntax error while parsing value - invalid number; expected digit after '.'; last read: '1.'"},
	{"1e", "[json.exception.parse_error.101] parse error at line 1, column 3: syntax error while parsing value - invalid number; expected '+', '-', or digit after exponent; last read: '1e'"},
	{"1e+", "[json.exception.parse_error.101] parse error at line 1, column 4: syntax error while parsing value - invalid number; expected digit after exponent sign; last read: '1e+'"},
	{".5", "[json.exception.parse_error.101] parse error at line 1, column 1: syntax error while parsing value - invalid literal; last read: '.'"},
	{"+1", "[json.exception.parse_error.101] parse error at line 1, column 1: syntax error while parsing value - invalid literal; last read: '+'"},
	{"NaN", "[json.exception.parse_error.101] parse error at line 1, column 1: syntax error while parsing value - invalid literal; last read: 'N'"},
	{"nul", "[json.exception.parse_error.101] parse error at line 1, column 4: syntax error while parsing value - invalid literal; last read: 'nul'"},
	{"[1]\n\n  x", "[json.exception.parse_error.101] parse error at line 3, column 3: syntax error while parsing value - invalid literal; last read: '1]<U+000A><U+000A>  x'; expected end of input"},
	{"\n[1,\n 2,\n x]", "[json.exception.parse_error.101] parse error at line 4, column 2: syntax error while parsing value - invalid literal; last read: '2,<U+000A> x'"},
	{"\"a\tb\"", "[json.exception.parse_error.101] parse error at line 1, column 3: syntax error while parsing value - invalid string: control character U+0009 (HT) must be escaped to \\u0009 or \\t; last read: '\"a<U+0009>'"},
	{"\"a\nb\"", "[json.exception.parse_error.101] parse error at line 2, column 0: syntax error while parsing value - invalid string: control character U+000A (LF) must be escaped to \\u000A or \\n; last read: '\"a<U+000A>'"},
	{"1e400", "[json.exception.out_of_range.406] number overflow parsing '1e400'"},
	{"-1e400", "[json.exception.out_of_range.406] number overflow parsing '-1e400'"},
	{"[tru, \"\\u0000\"]", "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while parsing value - invalid literal; last read: '[tru,'"},
	{"{\"a\":1} {", "[json.exception.parse_error.101] parse error at line 1, column 9: syntax error while parsing value - unexpected '{'; expected end of input"},
	{"[1e309]", "[json.exception.out_of_range.406] number overflow parsing '1e309'"},
	{"[1 2]", "[json.exception.parse_error.101] parse error at line 1, column 4: syntax error while parsing array - unexpected number literal; expected ']'"},
	{"{\"a\":1 \"b\":2}", "[json.exception.parse_error.101] parse error at line 1, column 10: syntax error while parsing object - unexpected string literal; expected '}'"},
	{"]", "[json.exception.parse_error.101] parse error at line 1, column 1: syntax error while parsing value - unexpected ']'; expected '[', '{', or a literal"},
	{"}", "[json.exception.parse_error.101] parse error at line 1, column 1: syntax error while parsing value - unexpected '}'; expected '[', '{', or a literal"},
	{":", "[json.exception.parse_error.101] parse error at line 1, column 1: syntax error while parsing value - unexpected ':'; expected '[', '{', or a literal"},
	{",", "[json.exception.parse_error.101] parse error at line 1, column 1: syntax error while parsing value - unexpected ','; expected '[', '{', or a literal"},
	{"/* c */ 1", "[json.exception.parse_error.101] parse error at line 1, column 1: syntax error while parsing value - invalid literal; last read: '/'"},
	{"true false", "[json.exception.parse_error.101] parse error at line 1, column 10: syntax error while parsing value - unexpected false literal; expected end of input"},
	{"\"\\ud83d\"", "[json.exception.parse_error.101] parse error at line 1, column 8: syntax error while parsing value - invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF; last read: '\"\\ud83d\"'"},
	{"\"\\ud83d\\u\"", "[json.exception.parse_error.101] parse error at line 1, column 10: syntax error while parsing value - invalid string: '\\u' must be followed by 4 hex digits; last read: '\"\\ud83d\\u\"'"},
	{"\"\\uzzzz\"", "[json.exception.parse_error.101] parse error at line 1, column 4: syntax error while parsing value - invalid string: '\\u' must be followed by 4 hex digits; last read: '\"\\uz'"},
	{"\"\xc3\xa9\xff\"", "[json.exception.parse_error.101] parse error at line 1, column 4: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; last read: '\"\xc3\xa9\xff'"},
	{"\xef[1]", "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error while parsing value - invalid BOM; must be 0xEF 0xBB 0xBF if given; last read: '\xef['"},
	{"\xef\xbb[1]", "[json.exception.parse_error.101] parse error at line 1, column 3: syntax error while parsing value - invalid BOM; must be 0xEF 0xBB 0xBF if given; last read: '\xef\xbb['"},
	{"{\"a\"}", "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while parsing object separator - unexpected '}'; expected ':'"},
	{"[1,\r\n2,\r\nx]", "[json.exception.parse_error.101] parse error at line 3, column 1: syntax error while parsing value - invalid literal; last read: '2,<U+000D><U+000A>x'"},
	{"\"a\x01b\"", "[json.exception.parse_error.101] parse error at line 1, column 3: syntax error while parsing value - invalid string: control character U+0001 (SOH) must be escaped to \\u0001; last read: '\"a<U+0001>'"},
	{"\"a\x1fb\"", "[json.exception.parse_error.101] parse error at line 1, column 3: syntax error while parsing value - invalid string: control character U+001F (US) must be escaped to \\u001F; last read: '\"a<U+001F>'"},
	{"[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]", "[json.exception.parse_error.101] parse error at line 1, column 41: syntax error while parsing array - unexpected end of input; expected ']'"},
	{"{\"a\":1, tru}", "[json.exception.parse_error.101] parse error at line 1, column 12: syntax error while parsing object key - invalid literal; last read: '1, tru}'; expected string literal"},
	{"[{\"a\":[1,}]", "[json.exception.parse_error.101] parse error at line 1, column 10: syntax error while parsing value - unexpected '}'; expected '[', '{', or a literal"},
	{"\"\xc3(\"", "[json.exception.parse_error.101] parse error at line 1, column 3: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; last read: '\"\xc3('"},
	{"\"\xed\xa0\x80\"", "[json.exception.parse_error.101] parse error at line 1, column 3: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; last read: '\"\xed\xa0'"},
	{"\"\xf4\x90\x80\x80\"", "[json.exception.parse_error.101] parse error at line 1, column 3: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; last read: '\"\xf4\x90'"},
	{"\"\xe0\x80\x80\"", "[json.exception.parse_error.101] parse error at line 1, column 3: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; last read: '\"\xe0\x80'"},
	{"\"\xc0\x80\"", "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; last read: '\"\xc0'"},
	{"\"\xf0\x9f\x98\"", "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; last read: '\"\xf0\x9f\x98\"'"},
}

// printer prints the events of a parse back as JSON text.
type printer struct {
	b        []byte
	first    []bool
	afterKey bool
}

func (p *printer) sep() {
	if !p.afterKey && len(p.first) > 0 {
		if !p.first[len(p.first)-1] {
			p.b = append(p.b, ',')
		}
		p.first[len(p.first)-1] = false
	}
	p.afterKey = false
}

func (p *printer) raw(s string) error { p.sep(); p.b = append(p.b, s...); return nil }

func (p *printer) str(s string) error {
	var err error
	p.b, err = AppendString(p.b, s)
	return err
}

func (p *printer) Null() error       { return p.raw("null") }
func (p *printer) Bool(b bool) error { return p.raw(strconv.FormatBool(b)) }
func (p *printer) Int(n int64) error {
	if n == 0 {
		return p.raw("-0") // keeps it signed
	}
	return p.raw(strconv.FormatInt(n, 10))
}
func (p *printer) Uint(n uint64) error             { return p.raw(strconv.FormatUint(n, 10)) }
func (p *printer) Float(f float64, _ string) error { return p.raw(string(AppendFloat(nil, f))) }
func (p *printer) String(s string) error           { p.sep(); return p.str(s) }
func (p *printer) Key(k string) error {
	p.sep()
	err := p.str(k)
	p.b = append(p.b, ':')
	p.afterKey = true
	return err
}
func (p *printer) StartObject() error { p.raw("{"); p.first = append(p.first, true); return nil }
func (p *printer) EndObject() error {
	p.first = p.first[:len(p.first)-1]
	p.b = append(p.b, '}')
	return nil
}
func (p *printer) StartArray() error { p.raw("["); p.first = append(p.first, true); return nil }
func (p *printer) EndArray() error {
	p.first = p.first[:len(p.first)-1]
	p.b = append(p.b, ']')
	return nil
}

// FuzzParse checks that the parser never panics, that it accepts only JSON
// texts (RFC 8259), and that what it reads, printed back with AppendString
// and AppendFloat, reads the same.
func FuzzParse(f *testing.F) {
	for _, c := range parseErrorCases {
		f.Add(c.in)
	}
	f.Add(`{"a":[1,2.5,"x\u00e9",null,true,{"b":-3,"c":-0}],"d":1e300}`)
	f.Fuzz(func(t *testing.T, s string) {
		events, err := parseEvents(s)
		if err != nil {
			return
		}
		if !strings.ContainsRune(s, 0) && !strings.HasPrefix(s, "\xef") && !json.Valid([]byte(s)) {
			t.Fatalf("%q accepted: %s", s, events)
		}
		p := &printer{}
		if err := Parse(s, p); err != nil {
			t.Fatalf("%q: printing: %v", s, err)
		}
		again, err := parseEvents(string(p.b))
		if err != nil || again != events {
			t.Fatalf("%q printed as %q reads %s (%v), want %s", s, p.b, again, err, events)
		}
	})
}
