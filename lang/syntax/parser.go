// This file holds the parser: recursive descent over the scanner's tokens,
// producing the tree CppNix's bison grammar produces, and reporting syntax errors
// in bison's words ("syntax error, unexpected X, expecting Y or Z").

package syntax

import (
	"path"
	"sort"
	"strings"

	"github.com/nixgo/nixgo/lang/token"
)

// Diagnose is the level of a lint: ignore, warn or fail.
type Diagnose uint8

const (
	DiagnoseIgnore Diagnose = iota
	DiagnoseWarn
	DiagnoseFatal
)

// Config holds what the parser needs to know about its surroundings.
type Config struct {
	// BaseDir is the directory relative paths are resolved against.
	BaseDir string
	// Home is the home directory for ~/ paths.
	Home string
	// PureEval rejects ~/ paths.
	PureEval bool
	// PipeOperators enables |> and <|.
	PipeOperators bool
	// NoURLLiterals rejects URL literals (the no-url-literals experimental feature).
	NoURLLiterals bool
	// Lints for URL literals, paths not starting with ./ or ../, and absolute or ~/ paths
	// (settings of newer CppNix versions; 2.26 has none of them).
	LintURL, LintShortPath, LintAbsolutePath Diagnose
	// Warn receives lint warnings, and with NoPos warnings whose message says
	// where they are; nil drops them.
	Warn func(pos token.Pos, msg string)
}

// Error is a syntax error or another error found while parsing.
type Error struct {
	Pos token.Pos // NoPos when the error has no position
	Msg string
}

func (e *Error) Error() string { return e.Msg }

// parser holds the state of one parse.
type parser struct {
	sc    scanner
	file  *token.File
	fset  *token.FileSet
	syms  *Symbols
	cfg   *Config
	tok   tok   // current token
	ahead []tok // tokens read ahead of tok
	// cursedOr holds the calls "e or" (the "cursed or") with the end offset of
	// their "or", for the warning CppNix gives where such a call is an argument.
	cursedOr map[*Call]int
	// states models the depth of bison's stack in CppNix's parser (see nest).
	states int

	sSub, sMul, sDiv, sLessThan, sFindFile, sNixPath, sOr, sBody, sCurPos Symbol
}

// bailout carries an *Error out of the recursive descent to Parse.
type bailout struct{ err *Error }

// Parse parses src, registered in fset as file, into an expression.
func Parse(fset *token.FileSet, file *token.File, src []byte, syms *Symbols, cfg *Config) (e Expr, err error) {
	if cfg == nil {
		cfg = &Config{}
	}
	p := &parser{file: file, fset: fset, syms: syms, cfg: cfg, states: 1}
	p.sc = scanner{src: src, stack: []lexState{stInitial}, pipes: cfg.PipeOperators}
	p.sc.err = func(off int, msg string) { p.failAt(p.pos(off), msg) }
	p.sSub = syms.Intern("__sub")
	p.sMul = syms.Intern("__mul")
	p.sDiv = syms.Intern("__div")
	p.sLessThan = syms.Intern("__lessThan")
	p.sFindFile = syms.Intern("__findFile")
	p.sNixPath = syms.Intern("__nixPath")
	p.sOr = syms.Intern("or")
	p.sBody = syms.Intern("body")
	p.sCurPos = syms.Intern("__curPos")

	// Syntax errors unwind the recursive descent with a panic; this is the only
	// place that recovers it.
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			e, err = nil, b.err
		}
	}()
	p.next()
	e = p.parseExpr()
	if p.tok.kind != tEOF {
		p.unexpected(kind(tEOF))
	}
	return e, nil
}

func (p *parser) pos(off int) token.Pos { return p.file.Pos(off) }

func (p *parser) failAt(pos token.Pos, msg string) {
	panic(bailout{&Error{Pos: pos, Msg: msg}})
}

// maxStates is bison's YYMAXDEPTH, the largest stack of CppNix's parser.
const maxStates = 10000

// nest accounts for the n states bison holds on its stack while the nested
// part that follows is parsed (the '(' of a parenthesised expression, the '['
// and the list so far of a list, ...). When shifting the next token would make
// the stack reach maxStates, parsing fails as CppNix's does, with "memory
// exhausted" at that token. The costs are measured against CppNix: the depth of
// nesting that fails is CppNix's for every construct, and the position is exact
// for parentheses, lists, lambdas and operators, within a few tokens otherwise.
// It also bounds the recursion of this parser.
func (p *parser) nest(n int) {
	p.states += n
	if p.states+1 >= maxStates { // the next token would not fit
		p.failAt(p.pos(p.tok.begin), "memory exhausted")
	}
}

func (p *parser) unnest(n int) { p.states -= n }

func (p *parser) next() {
	if len(p.ahead) > 0 {
		p.tok = p.ahead[0]
		p.ahead = p.ahead[1:]
		return
	}
	p.tok = p.sc.next()
}

// peek returns the token n places after the current one (n ≥ 1).
func (p *parser) peek(n int) tok {
	for len(p.ahead) < n {
		p.ahead = append(p.ahead, p.sc.next())
	}
	return p.ahead[n-1]
}

// expect is a terminal in an "expecting" list.
type expect struct {
	kind tokKind
	ch   byte
}

func kind(k tokKind) expect { return expect{kind: k} }
func char(c byte) expect    { return expect{kind: tChar, ch: c} }

// symbolOrder is the order in which bison numbers CppNix 2.26's terminals, which
// is the order of "expecting" lists: the %token declarations first, then the
// terminals of the precedence declarations as they first appear there (LEQ, GEQ,
// UPDATE and CONCAT are only declared there), then the characters in order of
// first use in the grammar.
var symbolOrder = []expect{
	kind(tID), kind(tSTR), kind(tINDSTR), kind(tINT), kind(tFLOAT), kind(tPATH),
	kind(tHPATH), kind(tSPATH), kind(tPATHEND), kind(tURI), kind(tIF), kind(tTHEN),
	kind(tELSE), kind(tASSERT), kind(tWITH), kind(tLET), kind(tIN), kind(tREC),
	kind(tINHERIT), kind(tEQ), kind(tNEQ), kind(tAND), kind(tOR), kind(tIMPL),
	kind(tORKW), kind(tPIPEFROM), kind(tPIPEINTO), kind(tDOLLARCURLY), kind(tINDOPEN),
	kind(tINDCLOSE), kind(tELLIPSIS),
	char('<'), char('>'), kind(tLEQ), kind(tGEQ), kind(tUPDATE), char('+'), char('-'),
	char('*'), char('/'), kind(tCONCAT), char('?'),
	char(':'), char('@'), char(';'), char('!'), char('.'), char('"'), char('('),
	char(')'), char('{'), char('}'), char('['), char(']'), char('='), char(','),
}

func (e expect) order() int {
	if e.kind == tEOF {
		return -1
	}
	for i, s := range symbolOrder {
		if s == e {
			return i
		}
	}
	return len(symbolOrder)
}

func (e expect) String() string {
	if e.kind == tChar {
		return "'" + string(e.ch) + "'"
	}
	return tokNames[e.kind]
}

// unexpected reports a syntax error at the current token. Like bison, it lists
// the expected tokens only when there are at most four.
func (p *parser) unexpected(expected ...expect) {
	msg := "syntax error, unexpected " + p.tok.describe()
	if len(expected) > 0 && len(expected) <= 4 {
		sorted := append([]expect(nil), expected...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i].order() < sorted[j].order() })
		names := make([]string, len(sorted))
		for i, e := range sorted {
			names[i] = e.String()
		}
		msg += ", expecting " + strings.Join(names, " or ")
	}
	off := p.tok.begin
	if p.tok.kind == tEOF {
		off = p.tok.end
	}
	p.failAt(p.pos(off), msg)
}

func (p *parser) isChar(c byte) bool { return p.tok.kind == tChar && p.tok.ch == c }

func (p *parser) wantChar(c byte, expected ...expect) tok {
	if !p.isChar(c) {
		if expected == nil {
			expected = []expect{char(c)}
		}
		p.unexpected(expected...)
	}
	t := p.tok
	p.next()
	return t
}

func (p *parser) want(k tokKind, expected ...expect) tok {
	if p.tok.kind != k {
		if expected == nil {
			expected = []expect{kind(k)}
		}
		p.unexpected(expected...)
	}
	t := p.tok
	p.next()
	return t
}

// canStartExpr reports whether the current token can begin an expression.
func (p *parser) canStartSimple() bool {
	switch p.tok.kind {
	case tID, tINT, tFLOAT, tINDOPEN, tPATH, tHPATH, tSPATH, tURI, tLET, tREC:
		return true
	case tChar:
		switch p.tok.ch {
		case '"', '(', '{', '[':
			return true
		}
	}
	return false
}

// parseExpr parses expr (expr_function in the grammar). The caller checks the
// token that follows and names, in its error, the tokens that may follow there.
func (p *parser) parseExpr() Expr {
	t := p.tok
	switch t.kind {
	case tID:
		if n := p.peek(1); n.kind == tChar && (n.ch == ':' || n.ch == '@') {
			return p.parseLambdaID()
		}
	case tChar:
		if t.ch == '{' && p.looksLikeFormals() {
			return p.parseLambdaFormals()
		}
	case tASSERT, tWITH:
		p.next()
		p.nest(1)
		cond := p.parseExpr()
		p.unnest(1)
		p.wantChar(';')
		p.nest(3)
		body := p.parseExpr()
		p.unnest(3)
		if t.kind == tASSERT {
			return &Assert{P: p.pos(t.begin), Cond: cond, Body: body}
		}
		return &With{P: p.pos(t.begin), Attrs: cond, Body: body}
	case tLET:
		if n := p.peek(1); !(n.kind == tChar && n.ch == '{') {
			p.next()
			attrs := p.parseBinds(bindsLet)
			p.want(tIN, kind(tIN), kind(tINHERIT))
			if len(attrs.Dynamic) > 0 {
				p.failAt(p.pos(t.begin), "dynamic attributes not allowed in let")
			}
			p.nest(3)
			body := p.parseExpr()
			p.unnest(3)
			return &Let{P: p.pos(t.begin), Attrs: attrs, Body: body}
		}
	case tIF:
		p.next()
		p.nest(1)
		cond := p.parseExpr()
		p.unnest(1)
		p.want(tTHEN)
		p.nest(3)
		then := p.parseExpr()
		p.unnest(3)
		p.want(tELSE)
		p.nest(5)
		els := p.parseExpr()
		p.unnest(5)
		return &If{P: p.pos(t.begin), Cond: cond, Then: then, Else: els}
	}
	return p.parsePipes()
}

// looksLikeFormals decides, at a '{' where a function may start, whether it opens
// a set pattern rather than an attribute set.
func (p *parser) looksLikeFormals() bool {
	n1 := p.peek(1)
	switch {
	case n1.kind == tELLIPSIS:
		return true
	case n1.kind == tChar && n1.ch == '}':
		n2 := p.peek(2)
		return n2.kind == tChar && (n2.ch == ':' || n2.ch == '@')
	case n1.kind == tID:
		n2 := p.peek(2)
		return n2.kind == tChar && (n2.ch == ',' || n2.ch == '?' || n2.ch == '}')
	}
	return false
}

// Symbols are interned in the order of bison's reductions, which decides their
// order (and so the order of attribute sets and formals): a function's argument
// name after its body, a formal's name after its default.

func (p *parser) parseLambdaID() Expr {
	t := p.tok
	p.next()
	if p.isChar(':') {
		p.next()
		p.nest(2)
		body := p.parseExpr()
		p.unnest(2)
		return &Lambda{P: p.pos(t.begin), Arg: p.syms.Intern(t.text), Body: body}
	}
	p.wantChar('@')
	if !p.isChar('{') {
		p.unexpected(char('{'))
	}
	formals := p.parseFormals()
	p.wantChar(':')
	p.nest(2)
	body := p.parseExpr()
	p.unnest(2)
	name := p.syms.Intern(t.text)
	p.validateFormals(formals, p.pos(t.begin), name)
	return &Lambda{P: p.pos(t.begin), Arg: name, Formals: formals, Body: body}
}

func (p *parser) parseLambdaFormals() Expr {
	t := p.tok
	formals := p.parseFormals()
	var arg Symbol
	var id tok
	named := p.isChar('@')
	if named {
		p.next()
		id = p.want(tID)
		p.wantChar(':')
	} else {
		p.wantChar(':', char(':'), char('@'))
	}
	p.nest(2)
	body := p.parseExpr()
	p.unnest(2)
	if named {
		arg = p.syms.Intern(id.text)
	}
	p.validateFormals(formals, p.pos(t.begin), arg)
	return &Lambda{P: p.pos(t.begin), Arg: arg, Formals: formals, Body: body}
}

// parseFormals parses { a, b ? e, ... } starting at '{'.
func (p *parser) parseFormals() *Formals {
	p.wantChar('{')
	f := &Formals{}
	if p.isChar('}') {
		p.next()
		return f
	}
	for {
		if p.tok.kind == tELLIPSIS {
			p.next()
			f.Ellipsis = true
			p.wantChar('}')
			return f
		}
		id := p.want(tID, kind(tID), kind(tELLIPSIS), char('}'))
		fm := Formal{P: p.pos(id.begin)}
		if p.isChar('?') {
			p.next()
			p.nest(3)
			fm.Default = p.parseExpr()
			p.unnest(3)
		}
		fm.Name = p.syms.Intern(id.text)
		f.List = append(f.List, fm)
		if p.isChar('}') {
			p.next()
			return f
		}
		p.wantChar(',', char('}'), char(','))
		if p.isChar('}') {
			p.next()
			return f
		}
	}
}

// validateFormals sorts the formals by symbol and rejects duplicates, as CppNix does.
func (p *parser) validateFormals(f *Formals, pos token.Pos, arg Symbol) {
	sort.SliceStable(f.List, func(i, j int) bool {
		a, b := f.List[i], f.List[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.P < b.P
	})
	var dup *Formal
	for i := 0; i+1 < len(f.List); i++ {
		if f.List[i].Name != f.List[i+1].Name {
			continue
		}
		cand := f.List[i+1]
		if dup == nil || cand.Name < dup.Name || cand.Name == dup.Name && cand.P < dup.P {
			dup = &cand
		}
	}
	if dup != nil {
		p.failAt(dup.P, "duplicate formal function argument '"+p.syms.Name(dup.Name)+"'")
	}
	if arg != NoSymbol && f.Has(arg) {
		p.failAt(pos, "duplicate formal function argument '"+p.syms.Name(arg)+"'")
	}
}

// parsePipes parses expr_if's alternatives other than if: a chain of |> or <|
// over expr_op. The two operators cannot be mixed without parentheses.
func (p *parser) parsePipes() Expr {
	lhs := p.parseBinary(1)
	switch p.tok.kind {
	case tPIPEINTO:
		for p.tok.kind == tPIPEINTO {
			op := p.tok
			p.next()
			p.nest(2)
			fn := p.parseBinary(1)
			p.unnest(2)
			lhs = p.makeCall(p.pos(op.begin), fn, lhs)
		}
		// A following <| is left to the caller, which reports what it expected
		// there (bison reduces the pipe first).
	case tPIPEFROM:
		// Right-associative: f <| g <| x is f (g x).
		var fns []Expr
		var poss []token.Pos
		fns = append(fns, lhs)
		for p.tok.kind == tPIPEFROM {
			poss = append(poss, p.pos(p.tok.begin))
			p.next()
			p.nest(2)
			fns = append(fns, p.parseBinary(1))
			p.unnest(2)
		}
		arg := fns[len(fns)-1]
		for i := len(fns) - 2; i >= 0; i-- {
			arg = p.makeCall(poss[i], fns[i], arg)
		}
		lhs = arg
	}
	return lhs
}

// makeCall applies fn to arg, extending fn's argument list when fn is already a call.
func (p *parser) makeCall(pos token.Pos, fn, arg Expr) Expr {
	if c, ok := fn.(*Call); ok {
		c.Args = append(c.Args, arg)
		return c
	}
	return &Call{P: pos, Fn: fn, Args: []Expr{arg}}
}

// Operator precedences, from CppNix's grammar (higher binds tighter).
const (
	precImpl = iota + 1
	precOr
	precAnd
	precEq
	precCmp
	precUpdate
	precNot
	precAdd
	precMul
	precConcat
	precHasAttr
	precNegate
)

func (p *parser) binaryPrec() (prec int, right, nonassoc bool) {
	t := p.tok
	switch t.kind {
	case tIMPL:
		return precImpl, true, false
	case tOR:
		return precOr, false, false
	case tAND:
		return precAnd, false, false
	case tEQ, tNEQ:
		return precEq, false, true
	case tLEQ, tGEQ:
		return precCmp, false, true
	case tUPDATE:
		return precUpdate, true, false
	case tCONCAT:
		return precConcat, true, false
	case tChar:
		switch t.ch {
		case '<', '>':
			return precCmp, false, true
		case '+', '-':
			return precAdd, false, false
		case '*', '/':
			return precMul, false, false
		case '?':
			return precHasAttr, false, true
		}
	}
	return 0, false, false
}

// parseBinary parses expr_op by precedence climbing, binding operators of
// precedence at least min.
func (p *parser) parseBinary(min int) Expr {
	var lhs Expr
	start := p.pos(p.tok.begin)
	switch {
	case p.isChar('!'):
		p.next()
		p.nest(1)
		lhs = &Not{E: p.parseBinary(precNot + 1)}
		p.unnest(1)
	case p.isChar('-'):
		t := p.tok
		p.next()
		p.nest(1)
		operand := p.parseBinary(precNegate + 1)
		p.unnest(1)
		lhs = &Call{P: p.pos(t.begin), Fn: &Var{Name: p.sSub}, Args: []Expr{&Int{Val: 0}, operand}}
	default:
		lhs = p.parseApp()
	}
	for {
		prec, right, nonassoc := p.binaryPrec()
		if prec == 0 || prec < min {
			return lhs
		}
		op := p.tok
		opPos := p.pos(op.begin)
		p.next()
		if prec == precHasAttr {
			path := p.parseAttrPath()
			lhs = &HasAttr{P: opPos, E: lhs, Path: path}
		} else {
			next := prec + 1
			if right {
				next = prec
			}
			rstart := p.pos(p.tok.begin)
			p.nest(2)
			rhs := p.parseBinary(next)
			p.unnest(2)
			lhs = p.binary(op, opPos, lhs, rhs, start, rstart)
		}
		// '?' is declared non-associative, but as its right side is an attribute
		// path and not an expression, bison never has a conflict to resolve with it:
		// "a ? b ? c" is "(a ? b) ? c".
		if nonassoc && prec != precHasAttr {
			if p2, _, _ := p.binaryPrec(); p2 == prec {
				p.unexpected()
			}
		}
	}
}

func (p *parser) binary(op tok, pos token.Pos, l, r Expr, lpos, rpos token.Pos) Expr {
	call := func(fn Symbol, a, b Expr) *Call {
		return &Call{P: pos, Fn: &Var{Name: fn}, Args: []Expr{a, b}}
	}
	switch op.kind {
	case tEQ:
		return &BinOp{P: pos, Op: OpEq, L: l, R: r}
	case tNEQ:
		return &BinOp{P: pos, Op: OpNEq, L: l, R: r}
	case tAND:
		return &BinOp{P: pos, Op: OpAnd, L: l, R: r}
	case tOR:
		return &BinOp{P: pos, Op: OpOr, L: l, R: r}
	case tIMPL:
		return &BinOp{P: pos, Op: OpImpl, L: l, R: r}
	case tUPDATE:
		return &BinOp{P: pos, Op: OpUpdate, L: l, R: r}
	case tCONCAT:
		return &BinOp{P: pos, Op: OpConcatLists, L: l, R: r}
	case tLEQ:
		return &Not{E: call(p.sLessThan, r, l)}
	case tGEQ:
		return &Not{E: call(p.sLessThan, l, r)}
	}
	switch op.ch {
	case '<':
		return call(p.sLessThan, l, r)
	case '>':
		return call(p.sLessThan, r, l)
	case '+':
		return &ConcatStrings{P: pos, Parts: []StringPart{{lpos, l}, {rpos, r}}}
	case '-':
		return call(p.sSub, l, r)
	case '*':
		return call(p.sMul, l, r)
	case '/':
		return call(p.sDiv, l, r)
	}
	panic("unreachable")
}

// parseApp parses expr_app: one or more expr_select, applied left to right.
func (p *parser) parseApp() Expr {
	if !p.canStartSimple() {
		p.unexpected()
	}
	start := p.tok.begin
	fn := p.parseSelect()
	if c, ok := fn.(*Call); ok && p.cursedOr != nil {
		delete(p.cursedOr, c) // a function, not an argument: CppNix resets the mark
	}
	for p.canStartSimple() {
		p.nest(1)
		arg := p.parseSelect()
		p.unnest(1)
		p.warnIfCursedOr(arg)
		fn = p.makeCall(p.pos(start), fn, arg)
	}
	return fn
}

// warnIfCursedOr warns about e when it is a "cursed or" used where the meaning of
// "or" as an identifier will change: as an argument, a default or a list element.
func (p *parser) warnIfCursedOr(e Expr) {
	c, ok := e.(*Call)
	if !ok || p.cursedOr == nil {
		return
	}
	end, ok := p.cursedOr[c]
	if !ok || p.cfg.Warn == nil {
		return
	}
	begin := p.file.Offset(c.P)
	snippet := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(string(p.sc.src[begin:end]))
	p.cfg.Warn(token.NoPos, "at "+p.fset.Position(c.P).String()+": "+
		"This expression uses `or` as an identifier in a way that will change in a future Nix release.\n"+
		"Wrap this entire expression in parentheses to preserve its current meaning:\n"+
		"    ("+snippet+")\n"+
		"Give feedback at https://github.com/NixOS/nix/pull/11121")
}

// parseSelect parses expr_select: e, e.a.b, e.a.b or d, and the "cursed" e or.
func (p *parser) parseSelect() Expr {
	start := p.tok.begin
	e := p.parseSimple()
	switch {
	case p.isChar('.'):
		p.next()
		path := p.parseAttrPath()
		sel := &Select{P: p.pos(start), E: e, Path: path}
		if p.tok.kind == tORKW {
			p.next()
			if !p.canStartSimple() {
				p.unexpected()
			}
			p.nest(4)
			sel.Default = p.parseSelect()
			p.unnest(4)
			p.warnIfCursedOr(sel.Default)
		}
		return sel
	case p.tok.kind == tORKW:
		end := p.tok.end
		p.next()
		pos := p.pos(start)
		c := &Call{P: pos, Fn: e, Args: []Expr{&Var{P: pos, Name: p.sOr}}}
		if p.cursedOr == nil {
			p.cursedOr = map[*Call]int{}
		}
		p.cursedOr[c] = end
		return c
	}
	return e
}

var attrStart = []expect{kind(tID), kind(tORKW), kind(tDOLLARCURLY), char('"')}

// parseAttrPath parses a.b."c".${d}.
func (p *parser) parseAttrPath() []AttrName {
	var path []AttrName
	for {
		path = append(path, p.parseAttrName(false))
		if !p.isChar('.') {
			return path
		}
		p.next()
	}
}

// parseAttrName parses one attribute name. In inherit, only static names are
// allowed.
func (p *parser) parseAttrName(inherit bool) AttrName {
	t := p.tok
	switch {
	case t.kind == tID:
		p.next()
		return AttrName{Sym: p.syms.Intern(t.text)}
	case t.kind == tORKW:
		p.next()
		return AttrName{Sym: p.sOr}
	case t.kind == tDOLLARCURLY:
		p.next()
		p.nest(3)
		e := p.parseExpr()
		p.unnest(3)
		p.wantChar('}')
		if s, ok := e.(*String); ok {
			return AttrName{Sym: p.syms.Intern(s.Val)}
		}
		if inherit {
			p.failAt(p.pos(t.begin), "dynamic attributes not allowed in inherit")
		}
		return AttrName{Expr: e}
	case p.isChar('"'):
		e := p.parseString()
		if s, ok := e.(*String); ok {
			return AttrName{Sym: p.syms.Intern(s.Val)}
		}
		if inherit {
			p.failAt(p.pos(t.begin), "dynamic attributes not allowed in inherit")
		}
		return AttrName{Expr: e}
	}
	p.unexpected(attrStart...)
	return AttrName{}
}

// parseSimple parses expr_simple.
func (p *parser) parseSimple() Expr {
	t := p.tok
	pos := p.pos(t.begin)
	switch t.kind {
	case tID:
		p.next()
		sym := p.syms.Intern(t.text)
		if sym == p.sCurPos {
			return &CurPos{P: pos}
		}
		return &Var{P: pos, Name: sym}
	case tINT:
		p.next()
		return &Int{P: pos, Val: t.n}
	case tFLOAT:
		p.next()
		return &Float{P: pos, Val: t.f}
	case tINDOPEN:
		return p.parseIndString()
	case tPATH, tHPATH:
		return p.parsePath()
	case tSPATH:
		p.next()
		return &Call{P: pos, Fn: &Var{Name: p.sFindFile},
			Args: []Expr{&Var{Name: p.sNixPath}, &String{P: pos, Val: t.text[1 : len(t.text)-1]}}}
	case tURI:
		p.next()
		if p.cfg.NoURLLiterals {
			p.failAt(pos, "URL literals are disabled")
		}
		p.lint(p.cfg.LintURL, "lint-url-literals", pos, func(fatal bool) string {
			word := "discouraged"
			if fatal {
				word = "disallowed"
			}
			return "URL literals are " + word + ". Consider using a string literal \"" + t.text + "\" instead"
		})
		return &String{P: pos, Val: t.text}
	case tLET:
		p.next()
		p.wantChar('{')
		attrs := p.parseBinds(bindsRec)
		p.wantChar('}', kind(tINHERIT), char('}'))
		attrs.Rec = true
		attrs.P = pos
		return &Select{E: attrs, Path: []AttrName{{Sym: p.sBody}}}
	case tREC:
		p.next()
		p.wantChar('{')
		attrs := p.parseBinds(bindsRec)
		p.wantChar('}', kind(tINHERIT), char('}'))
		attrs.Rec = true
		attrs.P = pos
		return attrs
	case tChar:
		switch t.ch {
		case '"':
			return p.parseString()
		case '(':
			p.next()
			p.nest(1)
			e := p.parseExpr()
			p.unnest(1)
			p.wantChar(')')
			return e
		case '{':
			p.next()
			if p.isChar('}') {
				p.next()
				return &Attrs{P: pos}
			}
			attrs := p.parseBinds(bindsPlain)
			p.wantChar('}', kind(tINHERIT))
			attrs.P = pos
			return attrs
		case '[':
			p.next()
			p.nest(2) // '[' and the list so far
			l := &List{P: pos}
			for p.canStartSimple() {
				el := p.parseSelect()
				p.warnIfCursedOr(el)
				l.Elems = append(l.Elems, el)
			}
			if !p.isChar(']') {
				p.unexpected() // bison lists no alternatives here: too many
			}
			p.unnest(2)
			p.next()
			return l
		}
	}
	p.unexpected()
	return nil
}

// lint applies a lint setting: a warning or a fatal error naming the setting.
func (p *parser) lint(level Diagnose, setting string, pos token.Pos, msg func(fatal bool) string) {
	switch level {
	case DiagnoseWarn:
		if p.cfg.Warn != nil {
			p.cfg.Warn(pos, msg(false)+" ("+setting+")")
		}
	case DiagnoseFatal:
		p.failAt(pos, msg(true)+" ("+setting+")")
	}
}

// parseString parses "…" with interpolations, at the opening quote.
func (p *parser) parseString() Expr {
	open := p.tok
	p.next()
	var parts []StringPart
	var onlyStr *String
	for {
		t := p.tok
		switch {
		case t.kind == tSTR:
			p.next()
			s := &String{P: p.pos(t.begin), Val: t.text}
			parts = append(parts, StringPart{p.pos(t.begin), s})
			if len(parts) == 1 {
				onlyStr = s
			}
			continue
		case t.kind == tDOLLARCURLY:
			p.next()
			p.nest(2)
			e := p.parseExpr()
			p.unnest(2)
			p.wantChar('}')
			parts = append(parts, StringPart{p.pos(t.begin), e})
			continue
		}
		break
	}
	p.wantChar('"')
	switch {
	case len(parts) == 0:
		return &String{P: p.pos(open.begin)}
	case len(parts) == 1 && onlyStr != nil:
		return onlyStr
	}
	return &ConcatStrings{P: parts[0].P, ForceString: true, Parts: parts}
}

// parseIndString parses ”…” and strips its indentation as CppNix does.
func (p *parser) parseIndString() Expr {
	open := p.tok
	p.next()
	type part struct {
		pos    token.Pos
		e      Expr
		text   string
		indent bool
	}
	var parts []part
	for {
		t := p.tok
		if t.kind == tINDSTR {
			p.next()
			parts = append(parts, part{pos: p.pos(t.begin), text: t.text, indent: t.indent})
			continue
		}
		if t.kind == tDOLLARCURLY {
			p.next()
			p.nest(3)
			e := p.parseExpr()
			p.unnest(3)
			p.wantChar('}')
			parts = append(parts, part{pos: p.pos(t.begin), e: e})
			continue
		}
		break
	}
	p.want(tINDCLOSE, kind(tINDSTR), kind(tDOLLARCURLY), kind(tINDCLOSE))
	pos := p.pos(open.begin)
	if len(parts) == 0 {
		return &String{P: pos}
	}

	// The minimum indentation, ignoring whitespace-only final lines.
	atStart := true
	minIndent := 1000000
	cur := 0
	for _, pt := range parts {
		if pt.e != nil || !pt.indent {
			if atStart {
				atStart = false
				if cur < minIndent {
					minIndent = cur
				}
			}
			continue
		}
		for j := 0; j < len(pt.text); j++ {
			c := pt.text[j]
			if atStart {
				switch c {
				case ' ':
					cur++
				case '\n':
					cur = 0
				default:
					atStart = false
					if cur < minIndent {
						minIndent = cur
					}
				}
			} else if c == '\n' {
				atStart = true
				cur = 0
			}
		}
	}

	// Strip the indentation.
	var out []StringPart
	atStart = true
	dropped := 0
	for i, pt := range parts {
		if pt.e != nil {
			atStart = false
			dropped = 0
			out = append(out, StringPart{pt.pos, pt.e})
			continue
		}
		var sb strings.Builder
		for j := 0; j < len(pt.text); j++ {
			c := pt.text[j]
			if atStart {
				switch c {
				case ' ':
					if dropped >= minIndent {
						sb.WriteByte(c)
					}
					dropped++
				case '\n':
					dropped = 0
					sb.WriteByte(c)
				default:
					atStart = false
					dropped = 0
					sb.WriteByte(c)
				}
			} else {
				sb.WriteByte(c)
				if c == '\n' {
					atStart = true
				}
			}
		}
		s := sb.String()
		if i == len(parts)-1 {
			// Remove the last line if it is empty and consists only of spaces.
			if k := strings.LastIndexByte(s, '\n'); k >= 0 && strings.Trim(s[k+1:], " ") == "" {
				s = s[:k+1]
			}
		}
		if s != "" {
			out = append(out, StringPart{pt.pos, &String{P: pt.pos, Val: s}})
		}
	}
	switch {
	case len(out) == 0:
		return &String{P: pos}
	case len(out) == 1:
		if s, ok := out[0].E.(*String); ok {
			return s
		}
	}
	return &ConcatStrings{P: pos, ForceString: true, Parts: out}
}

// parsePath parses a path literal, possibly with interpolations.
func (p *parser) parsePath() Expr {
	t := p.tok
	pos := p.pos(t.begin)
	p.next()
	first := p.pathStart(t, pos)
	if p.tok.kind == tPATHEND {
		p.next()
		return first
	}
	parts := []StringPart{{pos, first}}
	// CppNix's grammar takes a string fragment right after the first one only
	// when an interpolation follows (as in "/a//b", which it rejects).
	if tt := p.tok; tt.kind == tSTR {
		p.next()
		parts = append(parts, StringPart{p.pos(tt.begin), &String{P: p.pos(tt.begin), Val: tt.text}})
		if p.tok.kind != tDOLLARCURLY {
			p.unexpected(kind(tDOLLARCURLY))
		}
	}
	for {
		tt := p.tok
		switch tt.kind {
		case tSTR:
			p.next()
			parts = append(parts, StringPart{p.pos(tt.begin), &String{P: p.pos(tt.begin), Val: tt.text}})
			continue
		case tDOLLARCURLY:
			p.next()
			p.nest(2)
			e := p.parseExpr()
			p.unnest(2)
			p.wantChar('}')
			parts = append(parts, StringPart{p.pos(tt.begin), e})
			continue
		}
		break
	}
	p.want(tPATHEND)
	return &ConcatStrings{P: pos, Parts: parts}
}

// pathStart turns the first fragment of a path literal into an absolute path.
func (p *parser) pathStart(t tok, pos token.Pos) Expr {
	lit := t.text
	if t.kind == tHPATH {
		if p.cfg.PureEval {
			p.failAt(token.NoPos, "the path '"+lit+"' can not be resolved in pure mode")
		}
		p.lint(p.cfg.LintAbsolutePath, "lint-absolute-path-literals", pos, func(bool) string {
			return "home path literals are not portable. Consider replacing path literal '" + lit + "' by a string, relative path, or parameter"
		})
		return &Path{P: pos, Val: p.cfg.Home + lit[1:]}
	}
	var abs string
	if lit[0] == '/' {
		p.lint(p.cfg.LintAbsolutePath, "lint-absolute-path-literals", pos, func(bool) string {
			return "absolute path literals are not portable. Consider replacing path literal '" + lit + "' by a string, relative path, or parameter"
		})
		abs = CanonPath(lit)
	} else {
		if lit[0] != '.' {
			p.lint(p.cfg.LintShortPath, "lint-short-path-literals", pos, func(bool) string {
				return "relative path literal '" + lit + "' should be prefixed with '.' for clarity: './" + lit + "'"
			})
		}
		abs = CanonPath(p.cfg.BaseDir + "/" + lit)
	}
	if len(lit) > 1 && lit[len(lit)-1] == '/' {
		abs += "/"
	}
	return &Path{P: pos, Val: abs}
}

// CanonPath makes an absolute path canonical without touching the file system:
// it removes empty and "." components and resolves ".." lexically.
func CanonPath(s string) string {
	if s == "" || s[0] != '/' {
		s = "/" + s
	}
	c := path.Clean(s)
	return c
}

// binds kinds decide which tokens may end a list of bindings.
type bindsKind uint8

const (
	bindsPlain bindsKind = iota // { … }
	bindsRec                    // rec { … } and let { … }
	bindsLet                    // let … in
)

// parseBinds parses a sequence of bindings: attrpath = e; inherit …; inherit (e) …;
func (p *parser) parseBinds(kind bindsKind) *Attrs {
	attrs := &Attrs{}
	for {
		t := p.tok
		switch {
		case t.kind == tINHERIT:
			p.parseInherit(attrs)
		case t.kind == tID || t.kind == tORKW || t.kind == tDOLLARCURLY || p.isChar('"'):
			start := p.pos(t.begin)
			path := p.parseAttrPath()
			if !p.isChar('=') {
				p.unexpected(char('.'), char('='))
			}
			p.next()
			cost := 3
			if kind == bindsRec {
				cost = 4
			}
			p.nest(cost)
			e := p.parseExpr()
			p.unnest(cost)
			p.wantChar(';')
			p.addAttr(attrs, path, start, e)
		default:
			return attrs
		}
	}
}

func (p *parser) parseInherit(attrs *Attrs) {
	p.next()
	var from Expr
	if p.isChar('(') {
		fromTok := p.tok
		p.next()
		_ = fromTok
		fromPos := p.pos(p.tok.begin)
		p.nest(4)
		e := p.parseExpr()
		p.unnest(4)
		p.wantChar(')')
		attrs.InheritFrom = append(attrs.InheritFrom, e)
		from = &InheritFrom{P: fromPos, Index: len(attrs.InheritFrom) - 1}
	}
	for {
		t := p.tok
		if p.isChar(';') {
			p.next()
			return
		}
		if !(t.kind == tID || t.kind == tORKW || t.kind == tDOLLARCURLY || p.isChar('"')) {
			p.unexpected(append(append([]expect{}, attrStart...), char(';'))...)
		}
		name := p.parseAttrName(true)
		pos := p.pos(t.begin)
		if i := attrs.Find(name.Sym); i >= 0 {
			p.dupAttr(p.syms.Name(name.Sym), pos, attrs.Attrs[i].P)
		}
		if from == nil {
			attrs.add(AttrDef{Name: name.Sym, P: pos, Kind: AttrInherited, Value: &Var{P: pos, Name: name.Sym}})
		} else {
			attrs.add(AttrDef{Name: name.Sym, P: pos, Kind: AttrInheritedFrom,
				Value: &Select{P: pos, E: from, Path: []AttrName{{Sym: name.Sym}}}})
		}
	}
}

func (p *parser) dupAttr(name string, pos, prev token.Pos) {
	p.failAt(pos, "attribute '"+name+"' already defined at "+p.fset.Position(prev).String())
}

func (p *parser) showPath(path []AttrName) string {
	var sb strings.Builder
	for i, n := range path {
		if i > 0 {
			sb.WriteByte('.')
		}
		if n.Expr == nil {
			sb.WriteString(Identifier(p.syms.Name(n.Sym)))
		} else {
			sb.WriteString("\"${")
			sb.WriteString(Show(p.syms, n.Expr))
			sb.WriteString("}\"")
		}
	}
	return sb.String()
}

// addAttr adds path = e to attrs, creating nested sets for the intermediate names
// and merging with sets defined earlier, as CppNix does.
func (p *parser) addAttr(attrs *Attrs, path []AttrName, pos token.Pos, e Expr) {
	i := 0
	for ; i+1 < len(path); i++ {
		n := path[i]
		if n.Expr != nil {
			nested := &Attrs{}
			attrs.Dynamic = append(attrs.Dynamic, DynamicAttr{P: pos, Name: n.Expr, Value: nested})
			attrs = nested
			continue
		}
		if j := attrs.Find(n.Sym); j >= 0 {
			nested, ok := attrs.Attrs[j].Value.(*Attrs)
			if !ok {
				p.dupAttr(p.showPath(path[:i+1]), pos, attrs.Attrs[j].P)
			}
			attrs = nested
		} else {
			nested := &Attrs{}
			attrs.add(AttrDef{Name: n.Sym, P: pos, Value: nested})
			attrs = nested
		}
	}
	last := path[i]
	if last.Expr != nil {
		attrs.Dynamic = append(attrs.Dynamic, DynamicAttr{P: pos, Name: last.Expr, Value: e})
		return
	}
	p.addAttrDef(attrs, path, AttrDef{Name: last.Sym, P: pos, Value: e})
}

// addAttrDef adds def to attrs; path names it for messages and ends with def.Name.
func (p *parser) addAttrDef(attrs *Attrs, path []AttrName, def AttrDef) {
	j := attrs.Find(def.Name)
	if j < 0 {
		attrs.add(def)
		if l, ok := def.Value.(*Lambda); ok {
			setName(l, def.Name)
		}
		return
	}
	// Both definitions are attribute sets: merge them (CppNix issue 9020:
	// the rec flag of the later set is ignored).
	ae, ok1 := def.Value.(*Attrs)
	jAttrs, ok2 := attrs.Attrs[j].Value.(*Attrs)
	if !ok1 || !ok2 {
		p.dupAttr(p.showPath(path), def.P, attrs.Attrs[j].P)
	}
	shift := len(jAttrs.InheritFrom)
	for _, ad := range ae.Attrs {
		if ad.Kind == AttrInheritedFrom {
			sel := ad.Value.(*Select)
			from := sel.E.(*InheritFrom)
			from.Index += shift
		}
		sub := append(append([]AttrName(nil), path...), AttrName{Sym: ad.Name})
		p.addAttrDef(jAttrs, sub, ad)
	}
	ae.Attrs = nil
	ae.index = nil
	jAttrs.Dynamic = append(jAttrs.Dynamic, ae.Dynamic...)
	ae.Dynamic = nil
	jAttrs.InheritFrom = append(jAttrs.InheritFrom, ae.InheritFrom...)
	ae.InheritFrom = nil
}

// setName records the name a function was bound to, for messages; like CppNix it
// also names the bodies of curried functions.
func setName(l *Lambda, name Symbol) {
	for {
		l.Name = name
		next, ok := l.Body.(*Lambda)
		if !ok {
			return
		}
		l = next
	}
}
