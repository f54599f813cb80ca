// This file declares the syntax tree. Its shape follows CppNix's, including the
// desugarings the CppNix parser performs, so that `nix-instantiate --parse` prints
// the same text and the evaluator sees the same structure:
//
//	a - b     → (__sub a b)          -a      → (__sub 0 a)
//	a * b     → (__mul a b)          a / b   → (__div a b)
//	a < b     → (__lessThan a b)     a > b   → (__lessThan b a)
//	a <= b    → (! (__lessThan b a)) a >= b  → (! (__lessThan a b))
//	a + b     → ConcatStrings(a, b)  "x${y}" → ConcatStrings(ForceString, "x", y)
//	<p>       → (__findFile __nixPath "p")
//	x.y = 1; x.z = 2;                → x = { y = 1; z = 2; };
//	let { body = e; ... }            → (rec { body = e; ... }).body
//	a |> f    → (f a)                f <| a  → (f a)

package syntax

import "github.com/nixgo/nixgo/lang/token"

// Expr is any expression node.
type Expr interface {
	Pos() token.Pos
	exprNode()
}

// Int is an integer literal: 42.
type Int struct {
	P   token.Pos
	Val int64
}

// Float is a floating-point literal: 1.5, .5e3.
type Float struct {
	P   token.Pos
	Val float64
}

// String is a string without interpolation: "abc", ”abc”, or a URI literal.
type String struct {
	P   token.Pos
	Val string
}

// Path is a path literal without interpolation, already made absolute
// (./a in /dir/f.nix is /dir/a; ~/a is $HOME/a).
type Path struct {
	P   token.Pos
	Val string
}

// Var is a reference to a variable: x.
type Var struct {
	P    token.Pos
	Name Symbol
}

// AttrName is one element of an attribute path: a static name (Sym != NoSymbol),
// or an interpolated name ${e} or "…${e}…" (Expr != nil).
type AttrName struct {
	Sym  Symbol
	Expr Expr
}

// Select is e.a.b.c, or e.a.b.c or def when Default is set.
type Select struct {
	P       token.Pos
	E       Expr
	Path    []AttrName
	Default Expr
}

// HasAttr is e ? a.b.c.
type HasAttr struct {
	P    token.Pos
	E    Expr
	Path []AttrName
}

// AttrKind tells how an attribute was defined.
type AttrKind uint8

const (
	// AttrPlain is name = value;
	AttrPlain AttrKind = iota
	// AttrInherited is inherit name; (Value is a Var).
	AttrInherited
	// AttrInheritedFrom is inherit (e) name; (Value is a Select of an InheritFrom).
	AttrInheritedFrom
)

// AttrDef is one static attribute of an Attrs node.
type AttrDef struct {
	Name  Symbol
	P     token.Pos
	Kind  AttrKind
	Value Expr
}

// DynamicAttr is an attribute with a computed name: ${name} = value;.
type DynamicAttr struct {
	P     token.Pos
	Name  Expr
	Value Expr
}

// Attrs is an attribute set { … } or rec { … }; it also holds the bindings of a let.
// Attrs keeps static attributes in definition order; names are unique.
type Attrs struct {
	P           token.Pos
	Rec         bool
	Attrs       []AttrDef
	Dynamic     []DynamicAttr
	InheritFrom []Expr // the e of each inherit (e) …, referenced by InheritFrom nodes

	index map[Symbol]int // position of each name in Attrs, while parsing large sets
}

// Find returns the index of the static attribute name, or -1.
func (a *Attrs) Find(name Symbol) int {
	if a.index != nil {
		if i, ok := a.index[name]; ok {
			return i
		}
		return -1
	}
	for i := range a.Attrs {
		if a.Attrs[i].Name == name {
			return i
		}
	}
	return -1
}

func (a *Attrs) add(d AttrDef) {
	a.Attrs = append(a.Attrs, d)
	if a.index != nil {
		a.index[d.Name] = len(a.Attrs) - 1
	} else if len(a.Attrs) > 16 {
		a.index = make(map[Symbol]int, 2*len(a.Attrs))
		for i := range a.Attrs {
			a.index[a.Attrs[i].Name] = i
		}
	}
}

// InheritFrom stands for the source of an inherit (e) …: the Index-th entry of the
// enclosing Attrs' InheritFrom list.
type InheritFrom struct {
	P     token.Pos
	Index int
}

// List is [ e1 e2 … ].
type List struct {
	P     token.Pos
	Elems []Expr
}

// Formal is one argument of a set pattern: name or name ? default.
type Formal struct {
	P       token.Pos
	Name    Symbol
	Default Expr
}

// Formals is a set pattern { a, b ? 1, ... }. The formals are sorted by symbol,
// as CppNix keeps them.
type Formals struct {
	List     []Formal
	Ellipsis bool
}

// Has reports whether the pattern names sym.
func (f *Formals) Has(sym Symbol) bool {
	for i := range f.List {
		if f.List[i].Name == sym {
			return true
		}
	}
	return false
}

// Lambda is a function: x: body, { a, b }: body, args@{ … }: body.
type Lambda struct {
	P       token.Pos
	Name    Symbol // the attribute or let binding the function was defined as, if any
	Arg     Symbol // x in x: …, or the @-name; NoSymbol if none
	Formals *Formals
	Body    Expr
}

// Call is the application f a b c (one node for the whole spine).
type Call struct {
	P    token.Pos
	Fn   Expr
	Args []Expr
}

// Let is let bindings in body.
type Let struct {
	P     token.Pos
	Attrs *Attrs
	Body  Expr
}

// With is with e; body.
type With struct {
	P     token.Pos
	Attrs Expr
	Body  Expr
}

// If is if c then a else b.
type If struct {
	P    token.Pos
	Cond Expr
	Then Expr
	Else Expr
}

// Assert is assert c; body.
type Assert struct {
	P    token.Pos
	Cond Expr
	Body Expr
}

// Not is !e.
type Not struct {
	P token.Pos
	E Expr
}

// BinOp is a binary operator that is not desugared into a call: == != && || -> // ++.
type BinOp struct {
	P  token.Pos
	Op Op
	L  Expr
	R  Expr
}

// Op names the operators of BinOp.
type Op uint8

// The operators of BinOp.
const (
	OpEq Op = iota
	OpNEq
	OpAnd
	OpOr
	OpImpl
	OpUpdate
	OpConcatLists
)

var opText = [...]string{"==", "!=", "&&", "||", "->", "//", "++"}

func (o Op) String() string { return opText[o] }

// StringPart is one operand of ConcatStrings, with its own position.
type StringPart struct {
	P token.Pos
	E Expr
}

// ConcatStrings is a + b, or an interpolated string or path. ForceString is set
// for interpolated strings ("a${b}"), whose parts must all be string-like.
type ConcatStrings struct {
	P           token.Pos
	ForceString bool
	Parts       []StringPart
}

// CurPos is __curPos.
type CurPos struct {
	P token.Pos
}

// Pos returns the position CppNix reports for a node, which is not always where
// the node starts: literals and let have none, a list has its first element's,
// ! and ? have their operand's. The P fields keep the node's own position.

func (e *Int) Pos() token.Pos         { return token.NoPos }
func (e *Float) Pos() token.Pos       { return token.NoPos }
func (e *String) Pos() token.Pos      { return token.NoPos }
func (e *Path) Pos() token.Pos        { return token.NoPos }
func (e *Var) Pos() token.Pos         { return e.P }
func (e *Select) Pos() token.Pos      { return e.P }
func (e *HasAttr) Pos() token.Pos     { return e.E.Pos() }
func (e *Attrs) Pos() token.Pos       { return e.P }
func (e *InheritFrom) Pos() token.Pos { return e.P }
func (e *List) Pos() token.Pos {
	if len(e.Elems) == 0 {
		return token.NoPos
	}
	return e.Elems[0].Pos()
}
func (e *Lambda) Pos() token.Pos        { return e.P }
func (e *Call) Pos() token.Pos          { return e.P }
func (e *Let) Pos() token.Pos           { return token.NoPos }
func (e *With) Pos() token.Pos          { return e.P }
func (e *If) Pos() token.Pos            { return e.P }
func (e *Assert) Pos() token.Pos        { return e.P }
func (e *Not) Pos() token.Pos           { return e.E.Pos() }
func (e *BinOp) Pos() token.Pos         { return e.P }
func (e *ConcatStrings) Pos() token.Pos { return e.P }
func (e *CurPos) Pos() token.Pos        { return e.P }

func (*Int) exprNode()           {}
func (*Float) exprNode()         {}
func (*String) exprNode()        {}
func (*Path) exprNode()          {}
func (*Var) exprNode()           {}
func (*Select) exprNode()        {}
func (*HasAttr) exprNode()       {}
func (*Attrs) exprNode()         {}
func (*InheritFrom) exprNode()   {}
func (*List) exprNode()          {}
func (*Lambda) exprNode()        {}
func (*Call) exprNode()          {}
func (*Let) exprNode()           {}
func (*With) exprNode()          {}
func (*If) exprNode()            {}
func (*Assert) exprNode()        {}
func (*Not) exprNode()           {}
func (*BinOp) exprNode()         {}
func (*ConcatStrings) exprNode() {}
func (*CurPos) exprNode()        {}
