// This file prints values: the format of nix-instantiate --eval (CppNix's
// printAmbiguous) and the format of values quoted in messages (CppNix's Printer).

package eval

import (
	"sort"
	"strconv"
	"strings"

	"github.com/nixgo/nixgo/lang/syntax"
)

// PrintAmbiguous renders v as nix-instantiate --eval prints it: unevaluated
// values as <CODE>, functions as <LAMBDA>/<PRIMOP>, values met again as «repeated».
func (st *State) PrintAmbiguous(v Value) string {
	var sb strings.Builder
	seen := map[any]bool{}
	if t, ok := v.(*Thunk); ok && t.code == nil {
		v = t.x
	}
	if l, ok := v.(*List); ok && len(l.Elems) <= 2 {
		// CppNix prints a copy of the value; lists of up to two elements keep
		// their elements inside the value, so the copy is not "seen" again.
		seen[copyMarker{}] = true
		sb.WriteString("[ ")
		for _, e := range l.Elems {
			st.printAmbiguous(&sb, e, seen, 1<<30-1)
			sb.WriteString(" ")
		}
		sb.WriteString("]")
		return sb.String()
	}
	st.printAmbiguous(&sb, v, seen, 1<<30)
	return sb.String()
}

func (st *State) printAmbiguous(sb *strings.Builder, v Value, seen map[any]bool, depth int) {
	if depth <= 0 {
		sb.WriteString("«too deep»")
		return
	}
	if t, ok := v.(*Thunk); ok {
		if t.code != nil {
			if t.code == blackhole {
				sb.WriteString("«potential infinite recursion»")
			} else {
				sb.WriteString("<CODE>")
			}
			return
		}
		v = t.x
	}
	switch x := v.(type) {
	case Int:
		sb.WriteString(strconv.FormatInt(int64(x), 10))
	case Bool:
		if x {
			sb.WriteString("true")
		} else {
			sb.WriteString("false")
		}
	case *String:
		sb.WriteString(syntax.QuoteString(x.S))
	case Path:
		sb.WriteString(string(x))
	case nullValue:
		sb.WriteString("null")
	case *Attrs:
		if x.Len() > 0 && seen[x] {
			sb.WriteString("«repeated»")
			return
		}
		seen[x] = true
		sb.WriteString("{ ")
		for _, a := range st.sortedAttrs(x) {
			sb.WriteString(syntax.Identifier(st.Symbols.Name(a.Name)))
			sb.WriteString(" = ")
			st.printAmbiguous(sb, a.Value, seen, depth-1)
			sb.WriteString("; ")
		}
		sb.WriteString("}")
	case *List:
		// CppNix's printAmbiguous tells lists apart by their elements: a list
		// of up to two lives inside its cell (a copy is another list), larger
		// ones share an array with their copies.
		var key any = x
		if len(x.Elems) > 2 {
			key = elemsKey{&x.Elems[0], len(x.Elems)}
		}
		if len(x.Elems) > 0 && seen[key] {
			sb.WriteString("«repeated»")
			return
		}
		seen[key] = true
		sb.WriteString("[ ")
		for _, e := range x.Elems {
			st.printAmbiguous(sb, e, seen, depth-1)
			sb.WriteString(" ")
		}
		sb.WriteString("]")
	case *Lambda:
		sb.WriteString("<LAMBDA>")
	case *PrimOp:
		sb.WriteString("<PRIMOP>")
	case *PrimOpApp:
		sb.WriteString("<PRIMOP-APP>")
	case Float:
		sb.WriteString(syntax.FormatFloat(float64(x)))
	}
}

type copyMarker struct{}

// elemsKey identifies the elements of a list of more than two elements.
type elemsKey struct {
	first *Value
	n     int
}

// sortedAttrs returns the attributes sorted by name.
func (st *State) sortedAttrs(a *Attrs) []Attr {
	l := append([]Attr(nil), a.flat()...)
	sort.Slice(l, func(i, j int) bool { return st.Symbols.Name(l[i].Name) < st.Symbols.Name(l[j].Name) })
	return l
}

// SortedAttrs returns the attributes of a sorted by name (lexicographically).
func (st *State) SortedAttrs(a *Attrs) []Attr { return st.sortedAttrs(a) }

// PrintOptions control Printer, as CppNix's PrintOptions.
type PrintOptions struct {
	Force           bool
	DerivationPaths bool
	TrackRepeated   bool
	MaxDepth        int
	MaxAttrs        int
	MaxListItems    int
	MaxStringLength int
	PrettyIndent    int
	// Errors while forcing are printed as «error: …» unless ThrowErrors.
	ThrowErrors bool
	// FreshTop says the value printed is a copy in a cell of its own (nix eval
	// prints the result it evaluated into a new cell), so a list inside it that
	// is the same list is not «repeated» on that account.
	FreshTop bool
}

// ErrorPrintOptions are the options for values quoted in error messages.
var ErrorPrintOptions = PrintOptions{TrackRepeated: true, MaxDepth: 10, MaxAttrs: 10, MaxListItems: 10, MaxStringLength: 1024}

const unlimited = int(^uint(0) >> 1)

// ShowValue renders v for an error message.
func (st *State) ShowValue(v Value) string {
	return st.PrintValue(v, ErrorPrintOptions)
}

// PrintValue renders v with the given options.
func (st *State) PrintValue(v Value, o PrintOptions) string {
	if o.MaxDepth == 0 {
		o.MaxDepth = unlimited
	}
	if o.MaxAttrs == 0 {
		o.MaxAttrs = unlimited
	}
	if o.MaxListItems == 0 {
		o.MaxListItems = unlimited
	}
	if o.MaxStringLength == 0 {
		o.MaxStringLength = unlimited
	}
	p := &printer{st: st, o: o}
	if o.TrackRepeated {
		p.seen = map[any]bool{}
	}
	p.print(v, 0)
	return p.sb.String()
}

type printer struct {
	st         *State
	o          PrintOptions
	sb         strings.Builder
	seen       map[any]bool
	attrsCount int
	listCount  int
	indent     string
}

func (p *printer) space(pretty bool) {
	if pretty {
		p.sb.WriteString("\n" + p.indent)
	} else {
		p.sb.WriteByte(' ')
	}
}

func (p *printer) elided(n int, single, plural string) {
	p.sb.WriteString("«")
	p.sb.WriteString(strconv.Itoa(n))
	if n == 1 {
		p.sb.WriteString(" " + single)
	} else {
		p.sb.WriteString(" " + plural)
	}
	p.sb.WriteString(" elided»")
}

func (p *printer) print(v Value, depth int) {
	cell := v
	if p.o.Force {
		if err := p.st.catch(func() { v = p.st.Force(v, p.st.determinePos(v, 0)) }); err != nil {
			if p.o.ThrowErrors {
				panic(err)
			}
			p.sb.WriteString("«error: " + err.Msg + "»")
			return
		}
	}
	if t, ok := v.(*Thunk); ok {
		if t.code == nil {
			v = t.x
		} else {
			if t.code == blackhole {
				p.sb.WriteString("«potential infinite recursion»")
			} else {
				p.sb.WriteString("«thunk»")
			}
			return
		}
	}
	switch x := v.(type) {
	case Int:
		p.sb.WriteString(strconv.FormatInt(int64(x), 10))
	case Float:
		p.sb.WriteString(syntax.FormatFloat(float64(x)))
	case Bool:
		if x {
			p.sb.WriteString("true")
		} else {
			p.sb.WriteString("false")
		}
	case *String:
		p.sb.WriteString(quoteStringLimited(x.S, p.o.MaxStringLength))
	case Path:
		p.sb.WriteString(string(x))
	case nullValue:
		p.sb.WriteString("null")
	case *Attrs:
		p.printAttrs(x, depth)
	case *List:
		p.printList(x, cell, depth)
	case *Lambda:
		p.sb.WriteString("«lambda")
		if x.Fn.name != 0 {
			p.sb.WriteString(" " + syntax.Identifier(p.st.Symbols.Name(x.Fn.name)))
		}
		p.sb.WriteString(" @ " + p.st.Files.Position(x.Fn.p).String() + "»")
	case *PrimOp:
		p.sb.WriteString("«primop " + x.Name + "»")
	case *PrimOpApp:
		p.sb.WriteString("«partially applied primop " + x.Op.Name + "»")
	}
}

// quoteStringLimited is CppNix's printLiteralString with a length limit.
func quoteStringLimited(s string, max int) string {
	if len(s) <= max {
		return syntax.QuoteString(s)
	}
	return syntax.QuoteString(s[:max])[:len(syntax.QuoteString(s[:max]))-1] + "\" «" + strconv.Itoa(len(s)-max) + " bytes elided»"
}

func isImportant(name string) bool { return name == "type" || name == "_type" }

// attributeName quotes a name unless it is a valid variable name.
func attributeName(s string) string {
	if s == "" || syntax.IsReservedKeyword(s) {
		return syntax.QuoteString(s)
	}
	c := s[0]
	if c >= '0' && c <= '9' || c == '-' || c == '\'' {
		return syntax.QuoteString(s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '\'') {
			return syntax.QuoteString(s)
		}
	}
	return s
}

func (p *printer) printAttrs(a *Attrs, depth int) {
	if p.seen != nil {
		if p.seen[a] {
			p.sb.WriteString("«repeated»")
			return
		}
		p.seen[a] = true
	}
	if p.o.Force && p.o.DerivationPaths && p.st.IsDerivation(a) {
		// The store path is computed before anything is written; an error
		// prints in place of the derivation, as CppNix's print catches it.
		sp := ""
		if d := a.Get(p.st.sDrvPath); d != nil {
			err := p.st.catch(func() {
				var ctx Context
				sp = " " + p.st.CoerceToStorePath(d.Pos, d.Value, &ctx, "while evaluating the drvPath of a derivation")
			})
			if err != nil {
				if p.o.ThrowErrors {
					panic(err)
				}
				p.sb.WriteString("«error: " + err.Msg + "»")
				return
			}
		}
		p.sb.WriteString("«derivation" + sp + "»")
		return
	}
	if depth >= p.o.MaxDepth {
		p.sb.WriteString("{ ... }")
		return
	}
	p.indent += strings.Repeat(" ", p.o.PrettyIndent)
	p.sb.WriteString("{")
	type pair struct {
		name string
		v    Value
	}
	al := a.flat()
	sorted := make([]pair, len(al))
	for i, at := range al {
		sorted[i] = pair{p.st.Symbols.Name(at.Name), at.Value}
	}
	if p.o.MaxAttrs == unlimited {
		sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	} else {
		sort.Slice(sorted, func(i, j int) bool {
			ii, ij := isImportant(sorted[i].name), isImportant(sorted[j].name)
			if ii != ij {
				return ii
			}
			return sorted[i].name < sorted[j].name
		})
	}
	pretty := false
	if p.o.PrettyIndent > 0 && len(sorted) > 0 {
		if len(sorted) > 1 {
			pretty = true
		} else {
			it := p.st.Force(sorted[0].v, 0)
			t := it.Type()
			pretty = t == TypeList || t == TypeAttrs || t == TypeThunk
		}
	}
	current := 0
	for _, at := range sorted {
		p.space(pretty)
		if p.attrsCount >= p.o.MaxAttrs {
			p.elided(len(sorted)-current, "attribute", "attributes")
			break
		}
		p.sb.WriteString(attributeName(at.name))
		p.sb.WriteString(" = ")
		p.print(at.v, depth+1)
		p.sb.WriteString(";")
		p.attrsCount++
		current++
	}
	p.indent = p.indent[:len(p.indent)-p.o.PrettyIndent]
	p.space(pretty)
	p.sb.WriteString("}")
}

// listCell identifies a value cell that held a list, for «repeated»: CppNix's
// printer tells lists apart by the cell (Value*) holding them.
type listCell struct{ t *Thunk }

// printList prints l, found in cell: the thunk it came from, or l itself when it
// was met as a value. A list reached through a thunk is the thunk's cell; a list
// met as a value is its own cell, which a thunk holding the same list may be.
func (p *printer) printList(l *List, cell Value, depth int) {
	if p.seen != nil && len(l.Elems) > 0 {
		t, viaThunk := cell.(*Thunk)
		switch {
		case viaThunk && (p.seen[listCell{t}] || p.seen[l]):
			p.sb.WriteString("«repeated»")
			return
		case !viaThunk && p.seen[l]:
			p.sb.WriteString("«repeated»")
			return
		case viaThunk:
			p.seen[listCell{t}] = true
		case depth > 0 || !p.o.FreshTop:
			p.seen[l] = true
		}
	}
	if depth >= p.o.MaxDepth {
		p.sb.WriteString("[ ... ]")
		return
	}
	p.indent += strings.Repeat(" ", p.o.PrettyIndent)
	p.sb.WriteString("[")
	pretty := false
	if p.o.PrettyIndent > 0 && len(l.Elems) > 0 {
		if len(l.Elems) > 1 {
			pretty = true
		} else {
			it := p.st.Force(l.Elems[0], 0)
			t := it.Type()
			pretty = t == TypeList || t == TypeAttrs || t == TypeThunk
		}
	}
	current := 0
	for _, e := range l.Elems {
		p.space(pretty)
		if p.listCount >= p.o.MaxListItems {
			p.elided(len(l.Elems)-current, "item", "items")
			break
		}
		p.print(e, depth+1)
		p.listCount++
		current++
	}
	p.indent = p.indent[:len(p.indent)-p.o.PrettyIndent]
	p.space(pretty)
	p.sb.WriteString("]")
}
