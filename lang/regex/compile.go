// The compiler: builds the NFA the way libstdc++'s _Compiler does (same states, same
// cloning of {m,n} bodies, same dummy states), so that the 100000-state limit trips on
// exactly the same patterns and the executor sees the same automaton.

package regex

// opcode is the kind of an NFA state (libstdc++'s _Opcode).
type opcode uint8

const (
	opDummy     opcode = iota // epsilon placeholder, removed after construction
	opAlt                     // alternation: try alt (left operand), then next
	opRepeat                  // greedy loop: try alt (once more), then next (leave)
	opSubBegin                // record the start of group arg
	opSubEnd                  // record the end of group arg
	opLineBegin               // ^
	opLineEnd                 // $
	opMatch                   // consume one byte in set arg
	opAccept                  // the end of the pattern
	opFail                    // never matches (guards dangling links)
	opStar                    // opRepeat whose body is one opMatch (exec only)
)

// stateLimit is libstdc++'s _GLIBCXX_REGEX_STATE_LIMIT.
const stateLimit = 100000

const noState = -1

type nfaState struct {
	op   opcode
	next int32
	alt  int32
	arg  int32 // group index (opSubBegin, opSubEnd) or set index (opMatch)
}

func (s *nfaState) hasAlt() bool { return s.op == opAlt || s.op == opRepeat }

// seq is a fragment of the NFA under construction (libstdc++'s _StateSeq).
type seq struct{ start, end int32 }

type compiler struct {
	sc       scanner
	states   []nfaState
	sets     []byteSet
	setIndex map[byteSet]int32
	stack    []seq
	subCount int32
	parens   []int32

	// The value of the last token taken by accept.
	ch   byte
	text string

	// Scratch space of clone: the copy of each state, valid where cloneGen == gen.
	cloneOf   []int32
	cloneGen  []uint32
	gen       uint32
	cloneList []int32
	cloneTodo []int32
}

// take consumes the lookahead token if it is t. Like _M_match_token it scans the next
// token immediately, so scanner errors surface in the same order as in libstdc++.
func (c *compiler) take(t token) bool {
	if c.sc.tok != t {
		return false
	}
	c.ch, c.text = c.sc.ch, c.sc.text
	c.sc.advance()
	return true
}

func (c *compiler) insert(s nfaState) int32 {
	c.states = append(c.states, s)
	if len(c.states) > stateLimit {
		fail(ErrSpace)
	}
	return int32(len(c.states) - 1)
}

func (c *compiler) insertOp(op opcode) int32 {
	return c.insert(nfaState{op: op, next: noState, alt: noState})
}

func (c *compiler) insertBranch(op opcode, next, alt int32) int32 {
	return c.insert(nfaState{op: op, next: next, alt: alt})
}

func (c *compiler) insertMatch(set *byteSet) int32 {
	idx, ok := c.setIndex[*set]
	if !ok {
		idx = int32(len(c.sets))
		c.sets = append(c.sets, *set)
		c.setIndex[*set] = idx
	}
	return c.insert(nfaState{op: opMatch, next: noState, alt: noState, arg: idx})
}

func (c *compiler) insertSubBegin() int32 {
	id := c.subCount
	c.subCount++
	c.parens = append(c.parens, id)
	return c.insert(nfaState{op: opSubBegin, next: noState, alt: noState, arg: id})
}

func (c *compiler) insertSubEnd() int32 {
	id := c.parens[len(c.parens)-1]
	c.parens = c.parens[:len(c.parens)-1]
	return c.insert(nfaState{op: opSubEnd, next: noState, alt: noState, arg: id})
}

// appendState links state id after q and makes it q's end.
func (c *compiler) appendState(q *seq, id int32) {
	c.states[q.end].next = id
	q.end = id
}

// appendSeq links fragment r after q.
func (c *compiler) appendSeq(q *seq, r seq) {
	c.states[q.end].next = r.start
	q.end = r.end
}

func (c *compiler) push(q seq) { c.stack = append(c.stack, q) }

func (c *compiler) pop() seq {
	q := c.stack[len(c.stack)-1]
	c.stack = c.stack[:len(c.stack)-1]
	return q
}

// clone copies the states of q reachable from its start (not following the end's
// next link), as _StateSeq::_M_clone does, and returns the copy. Links leaving the
// fragment cannot occur (libstdc++ would dereference end() for them); they are left
// dangling here and become opFail.
func (c *compiler) clone(q seq) seq {
	n := len(c.states)
	if len(c.cloneOf) < n {
		c.cloneOf = append(c.cloneOf, make([]int32, n-len(c.cloneOf))...)
		c.cloneGen = append(c.cloneGen, make([]uint32, n-len(c.cloneGen))...)
	}
	c.gen++
	seen := func(id int32) bool { return c.cloneGen[id] == c.gen }
	copies := c.cloneList[:0]
	todo := append(c.cloneTodo[:0], q.start)
	for len(todo) > 0 {
		u := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		dup := c.states[u]
		c.cloneOf[u], c.cloneGen[u] = c.insert(dup), c.gen
		copies = append(copies, u)
		if dup.hasAlt() && dup.alt != noState && !seen(dup.alt) {
			todo = append(todo, dup.alt)
		}
		if u == q.end {
			continue
		}
		if dup.next != noState && !seen(dup.next) {
			todo = append(todo, dup.next)
		}
	}
	mapped := func(id int32) int32 {
		if int(id) < n && seen(id) {
			return c.cloneOf[id]
		}
		return noState
	}
	for _, u := range copies {
		s := &c.states[c.cloneOf[u]]
		if s.next != noState {
			s.next = mapped(s.next)
		}
		if s.hasAlt() && s.alt != noState {
			s.alt = mapped(s.alt)
		}
	}
	c.cloneList, c.cloneTodo = copies, todo
	return seq{c.cloneOf[q.start], c.cloneOf[q.end]}
}

// compileNFA parses pattern and returns the NFA (dummies eliminated), its byte sets and
// the number of groups including group 0.
func compileNFA(pattern string) (c *compiler, err error) {
	defer func() {
		// The single boundary where parse errors, raised by panicking deep in the
		// recursive descent, become error values.
		if r := recover(); r != nil {
			ce, ok := r.(compileError)
			if !ok {
				panic(r)
			}
			c, err = nil, &Error{Code: ce.code, Pattern: pattern}
		}
	}()
	c = &compiler{sc: scanner{src: pattern}, setIndex: make(map[byteSet]int32)}
	c.sc.advance()
	r := seq{start: c.insertSubBegin()}
	r.end = r.start
	c.disjunction()
	if !c.take(tEOF) {
		fail(ErrParen)
	}
	c.appendSeq(&r, c.pop())
	c.appendState(&r, c.insertSubEnd())
	c.appendState(&r, c.insertOp(opAccept))
	c.eliminateDummies()
	return c, nil
}

func (c *compiler) disjunction() {
	c.alternative()
	for c.take(tOr) {
		alt1 := c.pop()
		c.alternative()
		alt2 := c.pop()
		end := c.insertOp(opDummy)
		c.appendState(&alt1, end)
		c.appendState(&alt2, end)
		// The executor tries alt (the left operand) before next.
		c.push(seq{c.insertBranch(opAlt, alt2.start, alt1.start), end})
	}
}

// alternative is a possibly empty concatenation of terms, always ended by a dummy.
func (c *compiler) alternative() {
	n := 0
	for c.term() {
		n++
	}
	d := c.insertOp(opDummy)
	terms := c.stack[len(c.stack)-n:]
	q := seq{d, d}
	for i := n - 1; i >= 0; i-- {
		c.states[terms[i].end].next = q.start
		q.start = terms[i].start
	}
	c.stack = c.stack[:len(c.stack)-n]
	c.push(q)
}

func (c *compiler) term() bool {
	switch {
	case c.take(tLineBegin):
		id := c.insertOp(opLineBegin)
		c.push(seq{id, id})
		return true
	case c.take(tLineEnd):
		id := c.insertOp(opLineEnd)
		c.push(seq{id, id})
		return true
	}
	if !c.atom() {
		return false
	}
	for c.quantifier() {
	}
	return true
}

func (c *compiler) atom() bool {
	switch {
	case c.take(tAnyChar):
		var set byteSet
		for i := 1; i < 256; i++ {
			set.add(byte(i)) // '.' matches anything but NUL
		}
		id := c.insertMatch(&set)
		c.push(seq{id, id})
	case c.take(tOrdChar):
		var set byteSet
		set.add(c.ch)
		id := c.insertMatch(&set)
		c.push(seq{id, id})
	case c.take(tSubBegin):
		r := seq{start: c.insertSubBegin()}
		r.end = r.start
		c.disjunction()
		if !c.take(tSubEnd) {
			fail(ErrParen)
		}
		c.appendSeq(&r, c.pop())
		c.appendState(&r, c.insertSubEnd())
		c.push(r)
	default:
		return c.bracketExpression()
	}
	return true
}

func (c *compiler) quantifier() bool {
	switch {
	case c.take(tStar):
		e := c.pop()
		r := c.insertBranch(opRepeat, noState, e.start)
		c.appendState(&e, r)
		c.push(seq{r, r})
	case c.take(tPlus):
		e := c.pop()
		c.appendState(&e, c.insertBranch(opRepeat, noState, e.start))
		c.push(e)
	case c.take(tOpt):
		e := c.pop()
		end := c.insertOp(opDummy)
		r := seq{start: c.insertBranch(opRepeat, noState, e.start)}
		r.end = r.start
		c.appendState(&e, end)
		c.appendState(&r, end)
		c.push(r)
	case c.take(tIntervalBegin):
		c.interval()
	default:
		return false
	}
	return true
}

// interval expands r{m}, r{m,} and r{m,n} into copies of r, as libstdc++ does.
func (c *compiler) interval() {
	if !c.take(tDupCount) {
		fail(ErrBadBrace)
	}
	r := c.pop()
	e := seq{start: c.insertOp(opDummy)}
	e.end = e.start
	minRep := c.intValue()
	infinite := false
	n := 0
	if c.take(tComma) {
		if c.take(tDupCount) {
			n = c.intValue() - minRep
		} else {
			infinite = true
		}
	}
	if !c.take(tIntervalEnd) {
		fail(ErrBrace)
	}
	for i := 0; i < minRep; i++ {
		c.appendSeq(&e, c.clone(r))
	}
	if infinite {
		tmp := c.clone(r)
		s := c.insertBranch(opRepeat, noState, tmp.start)
		c.appendState(&tmp, s)
		c.appendSeq(&e, seq{s, s})
	} else {
		if n < 0 {
			fail(ErrBadBrace)
		}
		end := c.insertOp(opDummy)
		var loops []int32
		for i := 0; i < n; i++ {
			tmp := c.clone(r)
			alt := c.insertBranch(opRepeat, tmp.start, end)
			loops = append(loops, alt)
			c.appendSeq(&e, seq{alt, tmp.end})
		}
		c.appendState(&e, end)
		// Each optional copy is a loop state whose "once more" branch enters
		// the copy and whose "leave" branch skips to the end.
		for _, id := range loops {
			s := &c.states[id]
			s.next, s.alt = s.alt, s.next
		}
	}
	c.push(e)
}

// intValue converts the digits of the last tDupCount. GCC 14 rejects values that
// overflow int.
func (c *compiler) intValue() int {
	var v int64
	for i := 0; i < len(c.text); i++ {
		v = v*10 + int64(c.text[i]-'0')
		if v > 1<<31-1 {
			fail(ErrBackref)
		}
	}
	return int(v)
}

// bracket accumulates a bracket expression (libstdc++'s _BracketMatcher).
type bracket struct {
	neg     bool
	chars   byteSet
	ranges  [][2]int8 // bounds compared as signed chars
	classes uint16
	equiv   byteSet // lower-cased primary keys of [=x=]
}

func (b *bracket) set() *byteSet {
	var s byteSet
	for i := 0; i < 256; i++ {
		c := byte(i)
		in := b.chars.has(c) || ctypeTable[c]&b.classes != 0 || b.equiv.has(toLower(c))
		for _, r := range b.ranges {
			if r[0] <= int8(c) && int8(c) <= r[1] {
				in = true
			}
		}
		if in != b.neg {
			s.add(c)
		}
	}
	return &s
}

func (b *bracket) makeRange(lo, hi byte) {
	if int8(lo) > int8(hi) {
		fail(ErrRange)
	}
	b.ranges = append(b.ranges, [2]int8{int8(lo), int8(hi)})
}

// lastTerm remembers the previous bracket term: a pending single character (which may
// still start a range), a class, or nothing.
type lastTerm struct {
	kind uint8 // 0 none, 1 char, 2 class
	ch   byte
}

const (
	lastNone uint8 = iota
	lastChar
	lastClass
)

func (c *compiler) bracketExpression() bool {
	neg := c.take(tBracketNegBegin)
	if !neg && !c.take(tBracketBegin) {
		return false
	}
	b := &bracket{neg: neg}
	var last lastTerm
	if c.take(tOrdChar) {
		last = lastTerm{lastChar, c.ch}
	} else if c.take(tBracketDash) {
		last = lastTerm{lastChar, '-'}
	}
	for c.expressionTerm(&last, b) {
	}
	if last.kind == lastChar {
		b.chars.add(last.ch)
	}
	id := c.insertMatch(b.set())
	c.push(seq{id, id})
	return true
}

func (c *compiler) expressionTerm(last *lastTerm, b *bracket) bool {
	if c.take(tBracketEnd) {
		return false
	}
	pushChar := func(ch byte) {
		if last.kind == lastChar {
			b.chars.add(last.ch)
		}
		*last = lastTerm{lastChar, ch}
	}
	pushClass := func() {
		if last.kind == lastChar {
			b.chars.add(last.ch)
		}
		*last = lastTerm{kind: lastClass}
	}
	switch {
	case c.take(tCollSymbol):
		ch, ok := lookupCollate(c.text)
		if !ok {
			fail(ErrCollate)
		}
		b.chars.add(ch)
		pushChar(ch)
	case c.take(tEquivName):
		pushClass()
		ch, ok := lookupCollate(c.text)
		if !ok {
			fail(ErrCollate)
		}
		b.equiv.add(toLower(ch))
	case c.take(tClassName):
		pushClass()
		mask := lookupClass(c.text)
		if mask == 0 {
			fail(ErrCollate)
		}
		b.classes |= mask
	case c.take(tOrdChar):
		pushChar(c.ch)
	case c.take(tBracketDash):
		switch {
		case c.take(tBracketEnd):
			pushChar('-') // "-]": a literal dash
			return false
		case last.kind == lastChar:
			if c.take(tOrdChar) {
				b.makeRange(last.ch, c.ch)
			} else if c.take(tBracketDash) {
				b.makeRange(last.ch, '-')
			} else {
				fail(ErrRange)
			}
			*last = lastTerm{}
		default:
			// A class cannot start a range, and POSIX allows '-' only first
			// or last.
			fail(ErrRange)
		}
	default:
		fail(ErrBrack)
	}
	return true
}

// eliminateDummies short-circuits links to dummy states (_M_eliminate_dummy).
func (c *compiler) eliminateDummies() {
	st := c.states
	// skip follows a chain of dummies; chains are acyclic (every cycle in the NFA
	// passes through a repeat state), the bound only guards against surprises.
	skip := func(id int32) int32 {
		for n := 0; id >= 0 && st[id].op == opDummy; n++ {
			if n > len(st) {
				return noState
			}
			id = st[id].next
		}
		return id
	}
	for i := range st {
		s := &st[i]
		s.next = skip(s.next)
		if s.hasAlt() {
			s.alt = skip(s.alt)
		}
	}
}
