// This file converts values to XML (builtins.toXML, nix-instantiate --xml), as
// CppNix's value-to-xml.cc and its XMLWriter.

package eval

import (
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

// ToXMLTop renders v as XML for nix-instantiate --xml. location adds the
// positions of attributes and functions.
func (st *State) ToXMLTop(v Value, strict, location bool) string {
	var ctx Context
	return st.ToXML(v, strict, location, token.NoPos, &ctx)
}

// WriteXMLTop writes v as XML to w for nix-instantiate --xml. When an error
// interrupts the conversion, the output so far is written with the elements
// still open closed (CppNix's XMLWriter closes them while the exception
// unwinds, and its output goes straight to stdout), then the error is raised
// again.
func (st *State) WriteXMLTop(w io.Writer, v Value, strict, location bool) {
	var ctx Context
	x := st.newXMLPrinter(strict, location, &ctx)
	err := st.Catch(func() { x.value(v, token.NoPos) })
	x.w.close()
	io.WriteString(w, x.w.sb.String())
	if err != nil {
		st.Rethrow(err)
	}
}

// ToXML renders v as CppNix's printValueAsXML: an <expr> document with one
// element per value, sets sorted by name, functions with their patterns,
// derivations by drvPath and outPath (their attributes only the first time a
// drvPath is met). When strict, values are forced; otherwise unevaluated
// values are <unevaluated />. The context of the strings met is added to *ctx.
func (st *State) ToXML(v Value, strict, location bool, pos token.Pos, ctx *Context) string {
	x := st.newXMLPrinter(strict, location, ctx)
	x.value(v, pos)
	x.w.close()
	return x.w.sb.String()
}

type xmlPrinter struct {
	st       *State
	strict   bool
	location bool
	ctx      *Context
	w        *xmlWriter
	drvsSeen map[string]bool
	// stack approximates the C stack CppNix's printValueAsXML uses (see
	// xmlStackLimit).
	stack int
}

// CppNix 2.26 runs out of C stack converting about 105,000 nested lists or
// 65,000 nested sets to XML (measured), and then exits with "stack overflow".
// A list level costs xmlListCost and a set level xmlAttrsCost of xmlStackLimit.
const (
	xmlListCost   = 62
	xmlAttrsCost  = 100
	xmlStackLimit = 6_550_000
)

// enter accounts for one more level of nesting, failing as CppNix would.
func (x *xmlPrinter) enter(cost int) {
	x.stack += cost
	if x.stack > xmlStackLimit {
		x.st.Errorf(StackOverflow, token.NoPos, "stack overflow (possible infinite recursion)")
	}
}

func (st *State) newXMLPrinter(strict, location bool, ctx *Context) *xmlPrinter {
	w := &xmlWriter{}
	w.sb.WriteString("<?xml version='1.0' encoding='utf-8'?>\n")
	w.open("expr", nil)
	return &xmlPrinter{st: st, strict: strict, location: location, ctx: ctx, w: w, drvsSeen: map[string]bool{}}
}

// xmlAttr is an XML attribute; a list of them is written sorted by name.
type xmlAttr struct{ name, value string }

func single(name, value string) []xmlAttr { return []xmlAttr{{name, value}} }

// posAttrs returns the location attributes of a position: path (for files),
// line and column.
func (x *xmlPrinter) posAttrs(attrs []xmlAttr, p token.Pos) []xmlAttr {
	pos := x.st.Files.Position(p)
	line, col := 0, 0
	if pos.IsValid() {
		line, col = pos.Line, pos.Column
		switch name := pos.File.Name(); pos.File.Kind() {
		case token.OriginFile:
			attrs = append(attrs, xmlAttr{"path", name})
		case token.OriginInternal:
			// CppNix's <nix/NAME> files are paths in its internal file
			// system: /NAME.
			if strings.HasPrefix(name, "<nix/") && strings.HasSuffix(name, ">") {
				attrs = append(attrs, xmlAttr{"path", "/" + name[len("<nix/"):len(name)-1]})
			}
		}
	}
	return append(attrs, xmlAttr{"line", strconv.Itoa(line)}, xmlAttr{"column", strconv.Itoa(col)})
}

func (x *xmlPrinter) value(v Value, pos token.Pos) {
	st := x.st
	if x.strict {
		v = st.Force(v, pos)
	} else if t, ok := v.(*Thunk); ok && t.code == nil {
		v = t.x
	}
	w := x.w
	switch v := v.(type) {
	case Int:
		w.empty("int", single("value", strconv.FormatInt(int64(v), 10)))
	case Bool:
		w.empty("bool", single("value", strconv.FormatBool(bool(v))))
	case *String:
		if len(v.Ctx) > 0 {
			*x.ctx = x.ctx.Union(v.Ctx)
		}
		w.empty("string", single("value", v.S))
	case Path:
		w.empty("path", single("value", string(v)))
	case nullValue:
		w.empty("null", nil)
	case *Attrs:
		if st.IsDerivation(v) {
			x.derivation(v)
		} else {
			x.enter(xmlAttrsCost)
			w.open("attrs", nil)
			x.attrs(v)
			w.closeElement()
			x.stack -= xmlAttrsCost
		}
	case *List:
		x.enter(xmlListCost)
		w.open("list", nil)
		for _, e := range v.Elems {
			x.value(e, pos)
		}
		w.closeElement()
		x.stack -= xmlListCost
	case *Lambda:
		x.lambda(v)
	case Float:
		w.empty("float", single("value", syntax.FormatFloat(float64(v))))
	default: // built-in functions and unevaluated values
		w.empty("unevaluated", nil)
	}
}

// derivation writes a derivation as its paths, and its attributes the first
// time its drvPath is met.
func (x *xmlPrinter) derivation(a *Attrs) {
	var attrs []xmlAttr
	drvPath := ""
	if s, ok := x.pathAttr(a, x.st.sDrvPath); ok {
		drvPath = s
		attrs = append(attrs, xmlAttr{"drvPath", s})
	}
	if s, ok := x.pathAttr(a, x.st.sOutPath); ok {
		attrs = append(attrs, xmlAttr{"outPath", s})
	}
	x.w.open("derivation", attrs)
	if drvPath != "" && !x.drvsSeen[drvPath] {
		x.drvsSeen[drvPath] = true
		x.attrs(a)
	} else {
		x.w.empty("repeated", nil)
	}
	x.w.closeElement()
}

// pathAttr returns the attribute sym of a derivation when it is a string
// (forced first when strict).
func (x *xmlPrinter) pathAttr(a *Attrs, sym syntax.Symbol) (string, bool) {
	at := a.Get(sym)
	if at == nil {
		return "", false
	}
	v := at.Value
	if x.strict {
		v = x.st.Force(v, at.Pos)
	} else if t, ok := v.(*Thunk); ok && t.code == nil {
		v = t.x
	}
	s, ok := v.(*String)
	if !ok {
		return "", false
	}
	return s.S, true
}

func (x *xmlPrinter) attrs(a *Attrs) {
	for _, at := range x.st.sortedAttrs(a) {
		attrs := single("name", x.st.Symbols.Name(at.Name))
		if x.location && at.Pos != token.NoPos {
			attrs = x.posAttrs(attrs, at.Pos)
		}
		x.w.open("attr", attrs)
		x.value(at.Value, at.Pos)
		x.w.closeElement()
	}
}

func (x *xmlPrinter) lambda(l *Lambda) {
	fn := l.Fn
	var attrs []xmlAttr
	if x.location {
		attrs = x.posAttrs(attrs, fn.p)
	}
	w := x.w
	w.open("function", attrs)
	names := x.st.Symbols.Name
	if fn.hasFormals {
		var pat []xmlAttr
		if fn.arg != 0 {
			pat = append(pat, xmlAttr{"name", names(fn.arg)})
		}
		if fn.ellipsis {
			pat = append(pat, xmlAttr{"ellipsis", "1"})
		}
		w.open("attrspat", pat)
		formals := make([]string, len(fn.formals))
		for i, f := range fn.formals {
			formals[i] = names(f.name)
		}
		sort.Strings(formals)
		for _, f := range formals {
			w.empty("attr", single("name", f))
		}
		w.closeElement()
	} else {
		w.empty("varpat", single("name", names(fn.arg)))
	}
	w.closeElement()
}

// xmlWriter writes indented XML as CppNix's XMLWriter.
type xmlWriter struct {
	sb      strings.Builder
	pending []string // open elements
}

func (w *xmlWriter) indent() {
	for range w.pending {
		w.sb.WriteString("  ")
	}
}

func (w *xmlWriter) open(name string, attrs []xmlAttr) {
	w.indent()
	w.sb.WriteString("<" + name)
	w.writeAttrs(attrs)
	w.sb.WriteString(">\n")
	w.pending = append(w.pending, name)
}

func (w *xmlWriter) closeElement() {
	name := w.pending[len(w.pending)-1]
	w.pending = w.pending[:len(w.pending)-1]
	w.indent()
	w.sb.WriteString("</" + name + ">\n")
}

func (w *xmlWriter) close() {
	for len(w.pending) > 0 {
		w.closeElement()
	}
}

func (w *xmlWriter) empty(name string, attrs []xmlAttr) {
	w.indent()
	w.sb.WriteString("<" + name)
	w.writeAttrs(attrs)
	w.sb.WriteString(" />\n")
}

func (w *xmlWriter) writeAttrs(attrs []xmlAttr) {
	sort.Slice(attrs, func(i, j int) bool { return attrs[i].name < attrs[j].name })
	for _, a := range attrs {
		w.sb.WriteString(" " + a.name + "=\"")
		for i := 0; i < len(a.value); i++ {
			switch c := a.value[i]; c {
			case '"':
				w.sb.WriteString("&quot;")
			case '<':
				w.sb.WriteString("&lt;")
			case '>':
				w.sb.WriteString("&gt;")
			case '&':
				w.sb.WriteString("&amp;")
			case '\n': // keeps the newline through attribute normalisation
				w.sb.WriteString("&#xA;")
			default:
				w.sb.WriteByte(c)
			}
		}
		w.sb.WriteString("\"")
	}
}
