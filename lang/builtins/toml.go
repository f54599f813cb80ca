// This file holds builtins.fromTOML: strict TOML 1.0 parsed with
// github.com/BurntSushi/toml, converted to values as CppNix's fromTOML.cc, with
// dates and times as CppNix 2.26 shows them and the messages of its TOML
// library (toml11) for the errors that can be told apart.

package builtins

import (
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/token"
)

func primFromTOML(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	src := st.ForceStringNoCtx(args[0], pos, "while evaluating the argument passed to builtins.fromTOML")
	v, err := fromTOML(st, src)
	if err != nil {
		st.Errorf(eval.EvalError, pos, "while parsing TOML: %s", err.Error())
	}
	return v
}

// fromTOML parses src and converts it; errors are in the words CppNix wraps
// in "while parsing TOML: ...".
func fromTOML(st *eval.State, src string) (eval.Value, error) {
	text, dts, marker, scanErr := scanTOML(src)
	var doc map[string]any
	if _, err := toml.Decode(text, &doc); err != nil {
		var pe toml.ParseError
		if !errors.As(err, &pe) {
			return nil, err
		}
		// The first error wins; the Go parser reports the end of the
		// document at its last byte, toml11 after it.
		at := pe.Position.Start
		if at >= len(src)-1 {
			at = len(src)
		}
		// The walk's syntax errors are toml11's (the parser's messages
		// are not, and it may stop elsewhere).
		if scanErr != nil && scanErr.syntax {
			return nil, scanErr
		}
		if scanErr != nil && scanErr.offset <= at {
			return nil, scanErr
		}
		return nil, parseErrorText(src, text, pe)
	}
	if scanErr != nil {
		return nil, scanErr
	}
	c := &tomlConverter{st: st, dts: dts, marker: marker, timestamps: st.Features["parse-toml-timestamps"]}
	return c.value(doc)
}

// tomlError is an error in the format of CppNix's TOML library:
//
//	[error] toml::parse_dec_integer: too large integer: current max digits = 2^63
//	 --> fromTOML
//	   |
//	 1 | a = 9223372036854775808
//	   |                        ^-- must be < 2^63
type tomlError struct {
	text   string
	offset int  // where in the document, to report the first error
	syntax bool // a syntax error the walk found, not only an insertion
}

func (e *tomlError) Error() string { return e.text }

// region is a span of the document, as toml11's regions: offset and length.
type region struct{ off, n int }

// newTOMLError formats an error with one location.
func newTOMLError(src, title string, r region, msg string) *tomlError {
	d := newTOMLDisplay(src)
	r = d.clamp(r)
	lnw := len(strconv.Itoa(d.lastLine(r)))
	return &tomlError{text: "[error] " + title + "\n" + d.location(lnw, true, r, msg), offset: r.off}
}

// newTOMLError2 formats an error with two locations.
func newTOMLError2(src, title string, r1 region, m1 string, r2 region, m2 string) *tomlError {
	d := newTOMLDisplay(src)
	r1, r2 = d.clamp(r1), d.clamp(r2)
	lnw := max(len(strconv.Itoa(d.lastLine(r1))), len(strconv.Itoa(d.lastLine(r2))))
	pad := strings.Repeat(" ", lnw+1)
	return &tomlError{text: "[error] " + title + "\n" + d.location(lnw, true, r1, m1) +
		pad + " | ...\n" + pad + " |\n" + d.location(lnw, false, r2, m2), offset: r1.off}
}

// tomlDisplay is the document as toml11 shows it: with a line feed appended
// unless it ends with one (or with a carriage return).
type tomlDisplay string

func newTOMLDisplay(src string) tomlDisplay {
	if src != "" && !strings.HasSuffix(src, "\n") && !strings.HasSuffix(src, "\r") {
		src += "\n"
	}
	return tomlDisplay(src)
}

// clamp keeps a region inside the document.
func (d tomlDisplay) clamp(r region) region {
	r.off = max(0, min(r.off, len(d)-1))
	r.n = max(0, min(r.n, len(d)-r.off))
	return r
}

func (d tomlDisplay) lineOf(off int) int {
	return strings.Count(string(d[:min(off, len(d))]), "\n") + 1
}

// lastLine is the line of the end of r (the position after it).
func (d tomlDisplay) lastLine(r region) int {
	if r.n <= 1 {
		return d.lineOf(r.off)
	}
	return d.lineOf(r.off + r.n)
}

// takeLine is toml11's region::take_line: the line around [begin, end] with
// at most 30 bytes either side, and the offset of begin in it.
func (d tomlDisplay) takeLine(begin, end int) (string, int) {
	lo := 0
	if begin > 30 {
		lo = begin - 30
	}
	hi := len(d)
	if len(d)-end > 30 {
		hi = end + 30
	}
	start := lo
	if i := strings.LastIndexByte(string(d[lo:begin]), '\n'); i >= 0 {
		start = lo + i + 1
	}
	stop := hi
	if end <= hi {
		if i := strings.IndexByte(string(d[end:hi]), '\n'); i >= 0 {
			stop = end + i
		}
	}
	line, offset := string(d[start:stop]), begin-start
	if start != 0 && d[start-1] != '\n' {
		line, offset = "... "+line, offset+4
	}
	if stop != len(d) && d[stop] != '\n' {
		line += " ..."
	}
	return line, offset
}

// lines is toml11's region::as_lines.
func (d tomlDisplay) lines(r region) (lines []string, firstOff, lastOff int) {
	if r.n == 0 {
		return []string{""}, 1, 1
	}
	begin, end := r.off, r.off+r.n-1
	if d.lineOf(begin) == d.lastLine(r) {
		l, off := d.takeLine(begin, end)
		return []string{l}, off + 1, off + 1
	}
	capEnd, capBegin := len(d), 0
	if len(d)-begin > 60 {
		capEnd = begin + 50
	}
	if end > 60 {
		capBegin = end - 50
	}
	firstEnd := capEnd
	if i := strings.IndexByte(string(d[begin:capEnd]), '\n'); i >= 0 {
		firstEnd = begin + i
	}
	lastBegin := end
	if capBegin < end {
		if i := strings.IndexByte(string(d[capBegin:end]), '\n'); i >= 0 {
			lastBegin = capBegin + i
		}
	}
	first, fo := d.takeLine(begin, firstEnd)
	last, lo := d.takeLine(lastBegin, end)
	if d.lineOf(begin)+1 == d.lastLine(r) {
		return []string{first, last}, fo + 1, lo + 1
	}
	return []string{first, "...", last}, fo + 1, lo + 1
}

// location is toml11's format_location: the file name (for the first
// location), the lines of r and their underlines.
func (d tomlDisplay) location(lnw int, first bool, r region, msg string) string {
	var sb strings.Builder
	pad := strings.Repeat(" ", lnw+1)
	line := func(num int, s string) {
		n := strconv.Itoa(num)
		sb.WriteString(" " + strings.Repeat(" ", max(0, lnw-len(n))) + n + " | ")
		for i := 0; i < len(s); i++ {
			sb.WriteString(showTOMLChar(s[i]))
		}
		sb.WriteString("\n")
	}
	underline := func(col, n int, msg string) {
		sb.WriteString(pad + " | " + strings.Repeat(" ", max(0, col-1)) + strings.Repeat("^", max(0, n)) + "-- " + msg + "\n")
	}
	if first {
		sb.WriteString(" --> fromTOML\n" + pad + " |\n")
	}
	lines, firstOff, lastOff := d.lines(r)
	firstLine, lastLine := d.lineOf(r.off), d.lastLine(r)
	switch len(lines) {
	case 1:
		limit := 1
		if len(lines[0]) >= firstOff {
			limit = len(lines[0]) - firstOff + 1
		}
		line(firstLine, lines[0])
		underline(firstOff, min(limit, r.n), msg)
	case 2:
		line(firstLine, lines[0])
		underline(firstOff, len(lines[0])-firstOff+1, "")
		line(lastLine, lines[1])
		underline(1, lastOff, msg)
	default:
		line(firstLine, lines[0])
		underline(firstOff, len(lines[0])-firstOff+1, "and")
		line(firstLine+1, lines[1])
		underline(1, len(lines[1]), "and")
		line(lastLine, lines[2])
		underline(1, lastOff, msg)
	}
	return sb.String()
}

// showTOMLChar shows a byte of a source line as toml11 does: printable ASCII
// as is, other bytes in hexadecimal (with a name for some).
func showTOMLChar(c byte) string {
	if c >= 0x20 && c < 0x7F {
		return string(c)
	}
	s := "0x" + strconv.FormatUint(uint64(c)|0x100, 16)[1:]
	switch c {
	case 0:
		s += "(NUL)"
	case '\n':
		s += "(LINE FEED)"
	case '\r':
		s += "(CARRIAGE RETURN)"
	case '\t':
		s += "(TAB)"
	case '\v':
		s += "(VERTICAL TAB)"
	case '\f':
		s += "(FORM FEED)"
	case 0x1B:
		s += "(ESCAPE)"
	}
	return s
}

// parseErrorText turns an error of the Go parser into toml11's format; the
// out-of-range numbers get toml11's own messages.
func parseErrorText(src, text string, pe toml.ParseError) *tomlError {
	p := pe.Position
	if strings.HasSuffix(pe.Message, " is out of range for int64") {
		tok := text[p.Start : p.Start+p.Len]
		kind, what := "dec", "digits"
		digits := strings.TrimLeft(tok, "+-")
		if len(digits) > 1 && digits[0] == '0' {
			switch digits[1] {
			case 'x':
				kind, what = "hex", "value"
			case 'o':
				kind, what = "oct", "value"
			case 'b':
				kind, what = "bin", "value"
			}
		}
		return newTOMLError(src, "toml::parse_"+kind+"_integer: too large integer: current max "+what+" = 2^63",
			region{p.Start + p.Len, 1}, "must be < 2^63")
	}
	if strings.HasSuffix(pe.Message, " is out of range for float64") {
		return newTOMLError(src, "toml::parse_floating: failed to read floating point value from stream",
			region{p.Start + p.Len, 1}, "here")
	}
	return newTOMLError(src, pe.Message, region{p.Start, 1}, "here")
}

// tomlConverter turns the parsed document into values.
type tomlConverter struct {
	st         *eval.State
	dts        []tomlDatetime
	marker     string
	timestamps bool // the parse-toml-timestamps experimental feature
}

// errDatetime is CppNix's error for dates and times without the feature.
var errDatetime = errors.New("Dates and times are not supported")

// noNull is CppNix's forceNoNullByte, whose message the TOML error repeats.
func noNull(s string) error {
	if strings.IndexByte(s, 0) < 0 {
		return nil
	}
	return errors.New("error: input string '" + strings.ReplaceAll(s, "\x00", "␀") +
		"' cannot be represented as Nix string because it contains null bytes")
}

func (c *tomlConverter) value(x any) (eval.Value, error) {
	switch x := x.(type) {
	case map[string]any:
		return c.table(x)
	case []map[string]any:
		l := make([]eval.Value, len(x))
		for i, t := range x {
			v, err := c.table(t)
			if err != nil {
				return nil, err
			}
			l[i] = v
		}
		return eval.MkList(l), nil
	case []any:
		l := make([]eval.Value, len(x))
		for i, e := range x {
			v, err := c.value(e)
			if err != nil {
				return nil, err
			}
			l[i] = v
		}
		return eval.MkList(l), nil
	case bool:
		return eval.Bool(x), nil
	case int64:
		return eval.MkInt(x), nil
	case float64:
		return eval.Float(x), nil
	case string:
		if i, ok := datetimeIndex(x, c.marker, len(c.dts)); ok {
			return c.timestamp(c.dts[i].value)
		}
		if err := noNull(x); err != nil {
			return nil, err
		}
		return eval.MkString(x), nil
	case time.Time: // only when the scanner missed it
		return c.timestamp(formatTime(x))
	}
	return eval.Null, nil
}

func (c *tomlConverter) table(m map[string]any) (eval.Value, error) {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	b := eval.NewAttrsBuilder(len(names))
	for _, k := range names {
		if err := noNull(k); err != nil {
			return nil, err
		}
		v, err := c.value(m[k])
		if err != nil {
			return nil, err
		}
		b.Add(c.st.Sym(k), token.NoPos, v)
	}
	return b.Finish(), nil
}

// timestamp is { _type = "timestamp"; value = "..."; } with the feature.
func (c *tomlConverter) timestamp(s string) (eval.Value, error) {
	if !c.timestamps {
		return nil, errDatetime
	}
	b := eval.NewAttrsBuilder(2)
	b.Add(c.st.Sym("_type"), token.NoPos, eval.MkString("timestamp"))
	b.Add(c.st.SymValue(), token.NoPos, eval.MkString(s))
	return b.Finish(), nil
}

// formatTime prints a date or time the parser decoded, for the cases the
// scanner does not see.
func formatTime(t time.Time) string {
	switch t.Location().String() {
	case "local-date":
		return t.Format("2006-01-02")
	case "local-time":
		return t.Format("15:04:05.999999999")
	case "local-datetime":
		return t.Format("2006-01-02T15:04:05.999999999")
	}
	_, off := t.Zone()
	if off == 0 {
		return t.Format("2006-01-02T15:04:05.999999999") + "Z"
	}
	return t.Format("2006-01-02T15:04:05.999999999-07:00")
}
