// This file prints syntax trees in CppNix's `nix-instantiate --parse` format, and
// holds the quoting helpers shared with the value printer.

package syntax

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// Show renders e as CppNix's Expr::show does.
func Show(syms *Symbols, e Expr) string {
	var sb strings.Builder
	pr := printer{syms: syms, sb: &sb}
	pr.expr(e)
	return sb.String()
}

type printer struct {
	syms *Symbols
	sb   *strings.Builder
}

func (p *printer) w(s string)    { p.sb.WriteString(s) }
func (p *printer) name(s Symbol) { p.w(Identifier(p.syms.Name(s))) }
func (p *printer) path(a []AttrName) {
	for i, n := range a {
		if i > 0 {
			p.w(".")
		}
		if n.Expr == nil {
			p.name(n.Sym)
		} else {
			p.w("\"${")
			p.expr(n.Expr)
			p.w("}\"")
		}
	}
}

func (p *printer) expr(e Expr) {
	switch e := e.(type) {
	case *Int:
		p.w(strconv.FormatInt(e.Val, 10))
	case *Float:
		p.w(FormatFloat(e.Val))
	case *String:
		p.w(QuoteString(e.Val))
	case *Path:
		p.w(e.Val)
	case *Var:
		p.name(e.Name)
	case *CurPos:
		p.w("__curPos")
	case *Select:
		p.w("(")
		p.expr(e.E)
		p.w(").")
		p.path(e.Path)
		if e.Default != nil {
			p.w(" or (")
			p.expr(e.Default)
			p.w(")")
		}
	case *HasAttr:
		p.w("((")
		p.expr(e.E)
		p.w(") ? ")
		p.path(e.Path)
		p.w(")")
	case *Attrs:
		if e.Rec {
			p.w("rec ")
		}
		p.w("{ ")
		p.bindings(e)
		p.w("}")
	case *InheritFrom:
		// Only printed as part of its Attrs' inherit (…) clause.
		p.w("<inherit-from>")
	case *List:
		p.w("[ ")
		for _, x := range e.Elems {
			p.w("(")
			p.expr(x)
			p.w(") ")
		}
		p.w("]")
	case *Lambda:
		p.w("(")
		if e.Formals != nil {
			p.w("{ ")
			fs := append([]Formal(nil), e.Formals.List...)
			sort.SliceStable(fs, func(i, j int) bool { return p.syms.Name(fs[i].Name) < p.syms.Name(fs[j].Name) })
			for i, f := range fs {
				if i > 0 {
					p.w(", ")
				}
				p.name(f.Name)
				if f.Default != nil {
					p.w(" ? ")
					p.expr(f.Default)
				}
			}
			if e.Formals.Ellipsis {
				if len(fs) > 0 {
					p.w(", ")
				}
				p.w("...")
			}
			p.w(" }")
			if e.Arg != NoSymbol {
				p.w(" @ ")
			}
		}
		if e.Arg != NoSymbol {
			p.name(e.Arg)
		}
		p.w(": ")
		p.expr(e.Body)
		p.w(")")
	case *Call:
		p.w("(")
		p.expr(e.Fn)
		for _, a := range e.Args {
			p.w(" ")
			p.expr(a)
		}
		p.w(")")
	case *Let:
		p.w("(let ")
		p.bindings(e.Attrs)
		p.w("in ")
		p.expr(e.Body)
		p.w(")")
	case *With:
		p.w("(with ")
		p.expr(e.Attrs)
		p.w("; ")
		p.expr(e.Body)
		p.w(")")
	case *If:
		p.w("(if ")
		p.expr(e.Cond)
		p.w(" then ")
		p.expr(e.Then)
		p.w(" else ")
		p.expr(e.Else)
		p.w(")")
	case *Assert:
		p.w("assert ")
		p.expr(e.Cond)
		p.w("; ")
		p.expr(e.Body)
	case *Not:
		p.w("(! ")
		p.expr(e.E)
		p.w(")")
	case *BinOp:
		p.w("(")
		p.expr(e.L)
		p.w(" " + e.Op.String() + " ")
		p.expr(e.R)
		p.w(")")
	case *ConcatStrings:
		p.w("(")
		for i, part := range e.Parts {
			if i > 0 {
				p.w(" + ")
			}
			p.expr(part.E)
		}
		p.w(")")
	}
}

func (p *printer) bindings(a *Attrs) {
	sorted := append([]AttrDef(nil), a.Attrs...)
	sort.SliceStable(sorted, func(i, j int) bool { return p.syms.Name(sorted[i].Name) < p.syms.Name(sorted[j].Name) })
	var inherits []Symbol
	from := map[int][]Symbol{}
	var fromKeys []int
	for _, d := range sorted {
		switch d.Kind {
		case AttrInherited:
			inherits = append(inherits, d.Name)
		case AttrInheritedFrom:
			idx := d.Value.(*Select).E.(*InheritFrom).Index
			if _, ok := from[idx]; !ok {
				fromKeys = append(fromKeys, idx)
			}
			from[idx] = append(from[idx], d.Name)
		}
	}
	if len(inherits) > 0 {
		p.w("inherit")
		for _, s := range inherits {
			p.w(" ")
			p.name(s)
		}
		p.w("; ")
	}
	sort.Ints(fromKeys)
	for _, k := range fromKeys {
		p.w("inherit (")
		p.expr(a.InheritFrom[k])
		p.w(")")
		for _, s := range from[k] {
			p.w(" ")
			p.name(s)
		}
		p.w("; ")
	}
	for _, d := range sorted {
		if d.Kind == AttrPlain {
			p.name(d.Name)
			p.w(" = ")
			p.expr(d.Value)
			p.w("; ")
		}
	}
	for _, d := range a.Dynamic {
		p.w("\"${")
		p.expr(d.Name)
		p.w("}\" = ")
		p.expr(d.Value)
		p.w("; ")
	}
}

// QuoteString renders s as a Nix string literal, as CppNix's printLiteralString.
func QuoteString(s string) string {
	var sb strings.Builder
	sb.Grow(len(s) + 2)
	sb.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"', '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case '\n':
			sb.WriteString("\\n")
		case '\r':
			sb.WriteString("\\r")
		case '\t':
			sb.WriteString("\\t")
		case '$':
			if i+1 < len(s) && s[i+1] == '{' {
				sb.WriteByte('\\')
			}
			sb.WriteByte(c)
		default:
			sb.WriteByte(c)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}

var reserved = map[string]bool{
	"if": true, "then": true, "else": true, "assert": true, "with": true,
	"let": true, "in": true, "rec": true, "inherit": true,
}

// IsReservedKeyword reports whether s must be quoted as an attribute name.
func IsReservedKeyword(s string) bool { return reserved[s] }

// Identifier renders an attribute name, quoting it when it is not a plain
// identifier, as CppNix's printIdentifier.
func Identifier(s string) string {
	if s == "" {
		return `""`
	}
	if reserved[s] {
		return `"` + s + `"`
	}
	if !isIDStart(s[0]) {
		return QuoteString(s)
	}
	for i := 0; i < len(s); i++ {
		if !isIDChar(s[i]) {
			return QuoteString(s)
		}
	}
	return s
}

// FormatFloat formats f as C++'s `std::ostream << double` with default settings
// (printf's %g with precision 6), which CppNix uses to print floats.
func FormatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	}
	return strconv.FormatFloat(f, 'g', 6, 64)
}
