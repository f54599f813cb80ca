// This file converts values to JSON (builtins.toJSON, nix-instantiate --json)
// and JSON text to values (builtins.fromJSON), as CppNix's value-to-json.cc and
// json-to-value.cc with the nlohmann::json library underneath.

package eval

import (
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nixgo/nixgo/format/nlohmann"
	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

// jsonMaxDepth is the nesting depth at which CppNix 2.26 runs out of C stack
// while converting to JSON (measured: 99,800 nested lists and 99,000 nested
// sets convert, 100,000 do not); it then exits with "stack overflow".
const jsonMaxDepth = 99900

// ToJSONTop renders v as JSON for nix-instantiate --json: paths are copied to
// the store; without strict, values not yet evaluated are an error ("cannot
// convert a thunk to JSON"), as in CppNix.
func (st *State) ToJSONTop(v Value, strict bool, pos token.Pos) string {
	var ctx Context
	return st.ToJSON(v, strict, pos, &ctx, true)
}

// WriteJSONTop writes v as JSON and a newline to w for nix-instantiate --json.
// CppNix builds the whole JSON tree first (so evaluation errors print
// nothing), then streams it to stdout: a string it cannot print (invalid
// UTF-8) stops the output in the middle. WriteJSONTop writes the same partial
// output before raising that error.
func (st *State) WriteJSONTop(w io.Writer, v Value, strict bool, pos token.Pos) {
	var ctx Context
	p := &jsonPrinter{st: st, strict: strict, copyToStore: true, ctx: &ctx}
	p.value(v, pos)
	p.finishContext()
	if p.dumpErr != nil {
		w.Write(p.out[:p.dumpAt])
		st.Errorf(EvalError, token.NoPos, "JSON serialization error: %s", p.dumpErr.Error())
	}
	w.Write(append(p.out, '\n'))
}

// ToJSON renders v as CppNix's printValueAsJSON followed by the library's
// dump: sets sorted by name, sets with __toString or outPath as what those
// give, paths copied to the store when copyToStore (their store paths are
// added to *ctx, as the context of strings), floats as nlohmann::json prints
// doubles. When strict, values are forced; otherwise unevaluated values are
// an error. pos is used for errors about v itself.
func (st *State) ToJSON(v Value, strict bool, pos token.Pos, ctx *Context, copyToStore bool) string {
	p := &jsonPrinter{st: st, strict: strict, copyToStore: copyToStore, ctx: ctx}
	p.value(v, pos)
	p.finishContext()
	if p.dumpErr != nil {
		// The library serialises only after the whole tree was built, so
		// evaluation errors come first.
		st.Errorf(EvalError, token.NoPos, "JSON serialization error: %s", p.dumpErr.Error())
	}
	return string(p.out)
}

// jsonPrinter appends the JSON of values to out, in the order in which
// printValueAsJSON builds its tree.
type jsonPrinter struct {
	st          *State
	strict      bool
	copyToStore bool
	ctx         *Context
	elems       []string // context elements collected, added to ctx at the end
	out         []byte
	dumpErr     error // the first string the library would refuse to print
	dumpAt      int   // how much of out the library prints before that error
	depth       int
}

// str appends a string literal, remembering the first invalid one.
func (p *jsonPrinter) str(s string) {
	out, err := nlohmann.AppendString(p.out, s)
	if err != nil {
		// Keep the valid beginning, of which the library may print a part.
		valid := 0
		for n := utf8Len(s); n > 0; n = utf8Len(s[valid:]) {
			valid += n
		}
		out, _ = nlohmann.AppendString(p.out, s[:valid])
		if p.dumpErr == nil {
			p.dumpErr = err
			p.dumpAt = len(p.out) + 1 + flushedBeforeError(s)
		}
	}
	p.out = out
}

// flushedBeforeError returns how many bytes of the escaped form of s (which
// is not valid UTF-8) the library writes before failing: it escapes into a
// 512-byte buffer that it writes out whenever, after a complete character,
// fewer than 13 bytes are left.
func flushedBeforeError(s string) int {
	flushed, buffered := 0, 0
	for i := 0; i < len(s); {
		n := utf8Len(s[i:])
		if n == 0 {
			break
		}
		c := s[i]
		switch {
		case c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == '"' || c == '\\':
			buffered += 2
		case c < 0x20:
			buffered += 6
		default:
			buffered += n
		}
		i += n
		if 512-buffered < 13 {
			flushed += buffered
			buffered = 0
		}
	}
	return flushed
}

// utf8Len returns the length of the valid UTF-8 sequence at the start of s,
// or 0.
func utf8Len(s string) int {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && n <= 1 {
		return 0
	}
	return n
}

func (p *jsonPrinter) value(v Value, pos token.Pos) {
	st := p.st
	if p.strict {
		v = st.Force(v, pos)
	} else if t, ok := v.(*Thunk); ok && t.code == nil {
		v = t.x
	}
	switch x := v.(type) {
	case Int:
		p.out = strconv.AppendInt(p.out, int64(x), 10)
	case Bool:
		p.out = strconv.AppendBool(p.out, bool(x))
	case *String:
		if len(x.Ctx) > 0 {
			p.elems = append(p.elems, x.Ctx...)
		}
		p.str(x.S)
	case Path:
		if p.copyToStore {
			p.str(st.CopyPathToStore(p.ctx, string(x)))
		} else {
			p.str(string(x))
		}
	case nullValue:
		p.out = append(p.out, "null"...)
	case *Attrs:
		p.attrs(x, pos)
	case *List:
		p.list(x, pos)
	case Float:
		p.out = nlohmann.AppendFloat(p.out, float64(x))
	default: // functions and unevaluated values
		st.Errorf(TypeError, st.determinePos(v, pos), "cannot convert %s to JSON", TypeName(v))
	}
}

func (p *jsonPrinter) enter() {
	p.depth++
	if p.depth > jsonMaxDepth {
		p.st.Errorf(StackOverflow, token.NoPos, "stack overflow (possible infinite recursion)")
	}
}

func (p *jsonPrinter) attrs(a *Attrs, pos token.Pos) {
	st := p.st
	if f := a.Get(st.sToString); f != nil {
		r := st.Call1(f.Value, a, pos)
		p.str(st.coerceToString(pos, r, p.ctx, "while evaluating the result of the `__toString` attribute", false, false, true))
		return
	}
	if o := a.Get(st.sOutPath); o != nil {
		// A recursive call in CppNix too: a set that is its own outPath
		// runs out of stack.
		p.enter()
		p.value(o.Value, o.Pos)
		p.depth--
		return
	}
	p.enter()
	p.out = append(p.out, '{')
	for i, at := range st.sortedAttrs(a) {
		if i > 0 {
			p.out = append(p.out, ',')
		}
		name := st.Symbols.Name(at.Name)
		p.str(name)
		p.out = append(p.out, ':')
		st.PushTrace(at.Pos, "while evaluating attribute '"+syntax.Identifier(name)+"'")
		p.value(at.Value, at.Pos)
		st.PopTrace()
	}
	p.out = append(p.out, '}')
	p.depth--
}

func (p *jsonPrinter) list(l *List, pos token.Pos) {
	p.enter()
	p.out = append(p.out, '[')
	for i, e := range l.Elems {
		if i > 0 {
			p.out = append(p.out, ',')
		}
		p.st.PushTrace(pos, "while evaluating list element at index "+strconv.Itoa(i))
		p.value(e, pos)
		p.st.PopTrace()
	}
	p.out = append(p.out, ']')
	p.depth--
}

// FromJSON parses JSON text into a value as CppNix's parseJSON: objects become
// sets (the last of duplicate keys wins), integers that fit become integers,
// other numbers floats; strings with NUL bytes and unsigned integers above the
// integer range are errors. Syntax errors get "while decoding a JSON string"
// at pos as their trace.
func (st *State) FromJSON(s string, pos token.Pos) Value {
	b := &jsonBuilder{st: st}
	switch err := nlohmann.Parse(s, b).(type) {
	case nil:
	case *nlohmann.ParseError:
		st.ErrorWithTrace(EvalError, token.NoPos, pos, "while decoding a JSON string", "%s", err.Msg)
	default:
		st.Errorf(EvalError, token.NoPos, "%s", err.Error())
	}
	return b.result
}

// jsonBuilder builds values from the parser's events.
type jsonBuilder struct {
	st     *State
	stack  []*jsonContainer
	result Value
}

// jsonContainer is an object or array being built.
type jsonContainer struct {
	isObject bool
	elems    []Value
	keys     map[string]int // object: index of each key in elems and names
	names    []string
	key      string // object: the key of the next value
}

// jsonError is an error raised by the conversion rather than by the parser.
type jsonError string

func (e jsonError) Error() string { return string(e) }

// noNullByte is CppNix's forceNoNullByte.
func noNullByte(s string) error {
	if strings.IndexByte(s, 0) < 0 {
		return nil
	}
	return jsonError("input string '" + strings.ReplaceAll(s, "\x00", "␀") + "' cannot be represented as Nix string because it contains null bytes")
}

func (b *jsonBuilder) add(v Value) error {
	if len(b.stack) == 0 {
		b.result = v
		return nil
	}
	c := b.stack[len(b.stack)-1]
	if !c.isObject {
		c.elems = append(c.elems, v)
		return nil
	}
	if i, ok := c.keys[c.key]; ok {
		c.elems[i] = v
		return nil
	}
	c.keys[c.key] = len(c.elems)
	c.elems = append(c.elems, v)
	c.names = append(c.names, c.key)
	return nil
}

func (b *jsonBuilder) Null() error       { return b.add(Null) }
func (b *jsonBuilder) Bool(x bool) error { return b.add(Bool(x)) }
func (b *jsonBuilder) Int(n int64) error { return b.add(MkInt(n)) }

func (b *jsonBuilder) Uint(n uint64) error {
	if n > math.MaxInt64 {
		return jsonError("unsigned json number " + strconv.FormatUint(n, 10) + " outside of Nix integer range")
	}
	return b.add(MkInt(int64(n)))
}

func (b *jsonBuilder) Float(f float64, _ string) error { return b.add(Float(f)) }

func (b *jsonBuilder) String(s string) error {
	if err := noNullByte(s); err != nil {
		return err
	}
	return b.add(MkString(s))
}

func (b *jsonBuilder) StartObject() error {
	b.stack = append(b.stack, &jsonContainer{isObject: true, keys: map[string]int{}})
	return nil
}

func (b *jsonBuilder) Key(name string) error {
	if err := noNullByte(name); err != nil {
		return err
	}
	b.stack[len(b.stack)-1].key = name
	return nil
}

func (b *jsonBuilder) EndObject() error {
	c := b.pop()
	ab := NewAttrsBuilder(len(c.elems))
	for i, name := range c.names {
		ab.Add(b.st.Symbols.Intern(name), token.NoPos, c.elems[i])
	}
	return b.add(ab.Finish())
}

func (b *jsonBuilder) StartArray() error {
	b.stack = append(b.stack, &jsonContainer{})
	return nil
}

func (b *jsonBuilder) EndArray() error {
	return b.add(MkList(b.pop().elems))
}

func (b *jsonBuilder) pop() *jsonContainer {
	c := b.stack[len(b.stack)-1]
	b.stack = b.stack[:len(b.stack)-1]
	return c
}

// finishContext adds the collected context elements to the result's context,
// at once: adding them one by one costs quadratic time on long lists.
func (p *jsonPrinter) finishContext() {
	if len(p.elems) > 0 {
		*p.ctx = p.ctx.Union(NewContext(p.elems...))
		p.elems = nil
	}
}
