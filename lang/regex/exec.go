// The executor: libstdc++'s depth-first (_Executor<..., true>) matcher for POSIX
// grammars, run with an explicit stack instead of recursion so that long subjects
// cannot overflow the goroutine stack.

package regex

import "errors"

// inst is one state of the compiled program (the reachable part of the NFA).
type inst struct {
	op   opcode
	arg  int32 // group index (opSubBegin, opSubEnd) or loop slot (opRepeat)
	next int32
	alt  int32
	set  byteSet // opMatch only
}

// prog is an immutable compiled pattern.
type prog struct {
	insts   []inst
	start   int32
	nloops  int // number of opRepeat states (each has its own visit counter)
	ngroups int // capture groups including group 0

	// Search prefilter: a match can only start at a position whose byte is in first,
	// unless the pattern can match the empty string (nullable). If anchored, every
	// match starts at position 0.
	first    byteSet
	nullable bool
	anchored bool

	// memoSlot numbers the states that follow a byte match (-1 for others); see
	// machine.run for the memo of failed (state, position) pairs.
	memoSlot []int32
	nmemo    int
}

// newProg keeps the states reachable from the start state and numbers them densely.
func newProg(c *compiler) *prog {
	st := c.states
	index := make([]int32, len(st))
	for i := range index {
		index[i] = -1
	}
	order := []int32{}
	visit := func(id int32) {
		if id >= 0 && index[id] < 0 {
			index[id] = int32(len(order))
			order = append(order, id)
		}
	}
	visit(0)
	for i := 0; i < len(order); i++ {
		s := st[order[i]]
		visit(s.next)
		if s.hasAlt() {
			visit(s.alt)
		}
	}
	p := &prog{ngroups: int(c.subCount)}
	fail := int32(len(order)) // target for dangling links
	link := func(id int32) int32 {
		if id < 0 {
			return fail
		}
		return index[id]
	}
	p.insts = make([]inst, len(order)+1)
	for i, id := range order {
		s := st[id]
		in := &p.insts[i]
		in.op, in.arg, in.next, in.alt = s.op, s.arg, link(s.next), fail
		switch s.op {
		case opAlt:
			in.alt = link(s.alt)
		case opRepeat:
			in.alt = link(s.alt)
			in.arg = int32(p.nloops)
			p.nloops++
		case opMatch:
			in.set = c.sets[s.arg]
		}
	}
	p.insts[fail] = inst{op: opFail, next: fail, alt: fail}
	for i := range p.insts {
		in := &p.insts[i]
		if body := &p.insts[in.alt]; in.op == opRepeat && body.op == opMatch && body.next == int32(i) {
			in.op, in.set = opStar, body.set
		}
	}
	p.memoSlot = make([]int32, len(p.insts))
	for i := range p.memoSlot {
		p.memoSlot[i] = -1
	}
	for _, in := range p.insts {
		if in.op == opMatch && p.memoSlot[in.next] < 0 {
			p.memoSlot[in.next] = int32(p.nmemo)
			p.nmemo++
		}
	}
	p.analyze()
	return p
}

// analyze computes the search prefilter from the empty-width closure of the start
// state, treating assertions as satisfiable (an over-approximation).
func (p *prog) analyze() {
	var free byteSet
	var freeNullable bool
	p.first, p.nullable = p.closure(false)
	free, freeNullable = p.closure(true)
	p.anchored = !freeNullable && free == (byteSet{})
}

// closure returns the bytes that can be consumed first and whether the accept state is
// reachable without consuming. If stopAtCaret, paths through '^' are not followed.
func (p *prog) closure(stopAtCaret bool) (first byteSet, nullable bool) {
	seen := make([]bool, len(p.insts))
	todo := []int32{p.start}
	for len(todo) > 0 {
		i := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[i] {
			continue
		}
		seen[i] = true
		in := &p.insts[i]
		switch in.op {
		case opMatch:
			first.union(&in.set)
		case opAccept:
			nullable = true
		case opFail:
		case opLineBegin:
			if !stopAtCaret {
				todo = append(todo, in.next)
			}
		case opAlt, opRepeat, opStar:
			todo = append(todo, in.alt, in.next)
		default:
			todo = append(todo, in.next)
		}
	}
	return first, nullable
}

// frame kinds of the explicit DFS stack. Each mirrors a step libstdc++ performs when
// one of its recursive _M_dfs calls returns.
const (
	fExplore    uint8 = iota // _M_dfs(st) at pos
	fAltRight                // _M_handle_alternative: left done, now try next
	fMergeSol                // ... and OR the left branch's _M_has_sol back in
	fLoopLeave               // _M_handle_repeat: once-more done; leave if no solution
	fSetCapture              // undo a capture update
	fSetLoop                 // undo a visit counter update
	fMemo                    // a subtree after a byte match is done: remember a failure
	fGreedy                  // opStar: leave the loop one byte earlier
)

type frame struct {
	kind uint8
	st   int32 // state, capture slot or loop slot
	pos  int   // position, or saved value
	n    int   // saved counter (fSetLoop) or saved flag (fMergeSol)
}

// machine holds the mutable state of one match; machines are reused.
type machine struct {
	stack   []frame
	cur     []int // capture positions on the current path, 2 per group, -1 unset
	res     []int // captures of the best solution so far
	loopPos []int // per loop state: position of the current visit streak
	loopN   []int // ... and its length (0, 1 or 2)
	memo    []uint64
}

// Memo of failures. The subtree libstdc++ explores from a state depends on the
// state, the position, and the visit counters of loop states entered at that
// position. Right after a byte match no loop state has been entered at the new
// position yet, so (state, position) determines the subtree entirely; and a subtree
// in which no solution was accepted leaves no trace (the solution flag is false on
// entry to every subtree and stays so). Such subtrees are therefore skipped when met
// again. This turns the exponential backtracking of patterns like
// "([A-Za-z]+[-_. ]?)*(v)?([0-9.]+.*)" on a long non-matching subject polynomial
// without changing any result. It is switched on only after memoAfter steps, so that
// ordinary matches pay nothing, and only if the bitmap stays under memoMaxBits.
const memoMaxBits = 1 << 26

// memoAfter is a variable only so that tests can switch the memo on from the start.
var memoAfter = 1 << 12

// stepLimit, if positive, makes run panic with errStepLimit after that many steps. It
// is set only by the fuzz test: like libstdc++, matching has no limit (patterns such as
// "0*++++++" backtrack super-exponentially in CppNix too).
var stepLimit = 0

var errStepLimit = errors.New("regex: step limit exceeded (tests only)")

func newMachine(p *prog) *machine {
	return &machine{
		stack:   make([]frame, 0, 64),
		cur:     make([]int, 2*p.ngroups),
		res:     make([]int, 2*p.ngroups),
		loopPos: make([]int, p.nloops),
		loopN:   make([]int, p.nloops),
	}
}

// run performs one _M_main_dispatch: a depth-first search of the automaton from
// position start of s. In exact mode (regex_match) only solutions ending at len(s)
// count; otherwise (a regex_search attempt at start) the longest solution wins, the
// first one found among equally long ones. notNull rejects empty solutions
// (match_not_null). It reports whether a solution was found; its captures are in
// m.res.
func (m *machine) run(p *prog, s string, start int, exact, notNull bool) bool {
	for i := range m.cur {
		m.cur[i] = -1
	}
	for i := range m.loopN {
		m.loopN[i] = 0
	}
	insts := p.insts
	hasSol := false
	solPos := -1
	accepted := 0   // number of solutions accepted so far
	steps := 0      // frames popped
	memoOn := false // whether m.memo is in use
	width := len(s) + 1
	stack := append(m.stack[:0], frame{kind: fExplore, st: p.start, pos: start})
	defer func() { m.stack = stack[:0] }()

	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if steps++; steps == memoAfter {
			memoOn = m.startMemo(p, width)
		} else if steps == stepLimit {
			panic(errStepLimit)
		}
		switch f.kind {
		case fMemo:
			if accepted == f.n {
				m.memo[f.pos>>6] |= 1 << (f.pos & 63)
			}
			continue
		case fSetCapture:
			m.cur[f.st] = f.pos
			continue
		case fSetLoop:
			m.loopPos[f.st], m.loopN[f.st] = f.pos, f.n
			continue
		case fAltRight:
			stack = append(stack, frame{kind: fMergeSol, n: b2i(hasSol)})
			hasSol = false
			f = frame{kind: fExplore, st: insts[f.st].next, pos: f.pos}
		case fMergeSol:
			hasSol = hasSol || f.n != 0
			continue
		case fLoopLeave:
			if hasSol {
				continue
			}
			f = frame{kind: fExplore, st: insts[f.st].next, pos: f.pos}
		case fGreedy:
			if hasSol {
				continue
			}
			if f.n > f.pos {
				stack = append(stack, frame{kind: fGreedy, st: f.st, pos: f.pos, n: f.n - 1})
			}
			f = frame{kind: fExplore, st: insts[f.st].next, pos: f.n}
		}

		// Explore from f.st, following single successors in a loop and pushing
		// a frame wherever libstdc++ would have more to do after a recursive call
		// returns.
		st, pos := f.st, f.pos
	explore:
		for {
			in := &insts[st]
			switch in.op {
			case opMatch:
				if pos == len(s) || !in.set.has(s[pos]) {
					break explore
				}
				pos++
				if memoOn {
					bit := int(p.memoSlot[in.next])*width + pos
					if m.memo[bit>>6]&(1<<(bit&63)) != 0 {
						break explore
					}
					stack = append(stack, frame{kind: fMemo, pos: bit, n: accepted})
				}
			case opSubBegin, opSubEnd:
				slot := 2 * in.arg
				if in.op == opSubEnd {
					slot++
				}
				stack = append(stack, frame{kind: fSetCapture, st: slot, pos: m.cur[slot]})
				m.cur[slot] = pos
			case opLineBegin:
				// With match_prev_avail set on every search after the
				// first position, '^' holds only at the start of s.
				if pos != 0 {
					break explore
				}
			case opLineEnd:
				if pos != len(s) {
					break explore
				}
			case opAlt:
				stack = append(stack, frame{kind: fAltRight, st: st, pos: pos})
				st = in.alt
				continue
			case opStar:
				// A loop over a single byte set (x*, the tail of x+) with
				// libstdc++'s recursion unrolled: consume bytes while they
				// match, then try the continuation at each end position,
				// longest first, until a solution is found. The visit counter
				// keeps the value of the once-more branch while that branch
				// runs (libstdc++ has a different but equally stale value
				// there: one for a smaller position) and is restored before
				// leaving at the starting position.
				//
				// Once the failure memo is on, the byte-by-byte loop below is
				// used instead, so that every (state, position) after a byte
				// is memoized.
				if !memoOn {
					l := in.arg
					n0, p0 := m.loopN[l], m.loopPos[l]
					if n0 >= 2 && p0 == pos {
						break // entered twice here already: only leave
					}
					q := pos
					for q < len(s) && in.set.has(s[q]) {
						q++
					}
					if q == pos {
						break // the once-more branch fails at once
					}
					stack = append(stack,
						frame{kind: fLoopLeave, st: st, pos: pos},
						frame{kind: fSetLoop, st: l, pos: p0, n: n0})
					if n0 == 0 || p0 != pos {
						m.loopPos[l], m.loopN[l] = pos, 1
					} else {
						m.loopN[l]++
					}
					if q-1 > pos {
						stack = append(stack, frame{kind: fGreedy, st: st, pos: pos + 1, n: q - 1})
					}
					pos = q
					break
				}
				fallthrough
			case opRepeat:
				stack = append(stack, frame{kind: fLoopLeave, st: st, pos: pos})
				// _M_rep_once_more: a loop state may be entered at most twice
				// in a row at the same position.
				l := in.arg
				switch {
				case m.loopN[l] == 0 || m.loopPos[l] != pos:
					stack = append(stack, frame{kind: fSetLoop, st: l, pos: m.loopPos[l], n: m.loopN[l]})
					m.loopPos[l], m.loopN[l] = pos, 1
				case m.loopN[l] < 2:
					stack = append(stack, frame{kind: fSetLoop, st: l, pos: m.loopPos[l], n: m.loopN[l]})
					m.loopN[l]++
				default:
					break explore
				}
				st = in.alt
				continue
			case opAccept:
				sol := !exact || pos == len(s)
				if notNull && pos == start {
					sol = false
				}
				if sol {
					accepted++
					hasSol = true
					if solPos < 0 || pos > solPos {
						solPos = pos
						copy(m.res, m.cur)
					}
					// No later solution can be strictly longer.
					if pos == len(s) {
						return true
					}
				}
				break explore
			case opFail:
				break explore
			}
			st = in.next
		}
	}
	return hasSol
}

// startMemo prepares a cleared memo bitmap, unless it would be too large.
func (m *machine) startMemo(p *prog, width int) bool {
	bits := p.nmemo * width
	if bits > memoMaxBits {
		return false
	}
	words := (bits + 63) / 64
	if cap(m.memo) < words {
		m.memo = make([]uint64, words)
	} else {
		m.memo = m.memo[:words]
		clear(m.memo)
	}
	return true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// search is regex_search from position from: the first start position with a solution
// wins. continuous restricts it to from itself (match_continuous).
func (m *machine) search(p *prog, s string, from int, notNull, continuous bool) bool {
	for start := from; start <= len(s); start++ {
		if p.anchored && start > 0 {
			return false
		}
		if p.nullable || start < len(s) && p.first.has(s[start]) {
			if m.run(p, s, start, false, notNull) {
				return true
			}
		}
		if continuous {
			return false
		}
	}
	return false
}
