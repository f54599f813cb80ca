// The public API: Compile, Regexp and its matching methods for builtins.match and
// builtins.split.

package regex

import (
	"sync"
	"sync/atomic"
)

// Regexp is a compiled pattern. It is safe for concurrent use.
type Regexp struct {
	pattern string
	prog    *prog

	// spare holds one idle machine so that the common single-threaded case takes
	// and returns it with one atomic swap; pool serves the rest.
	spare atomic.Pointer[machine]
	pool  sync.Pool
}

// Compile parses pattern as std::regex(pattern, std::regex::extended) would. The
// error, if any, is an *Error whose Kind tells an invalid pattern from one that
// exceeds libstdc++'s state limit.
func Compile(pattern string) (*Regexp, error) {
	c, err := compileNFA(pattern)
	if err != nil {
		return nil, err
	}
	return &Regexp{pattern: pattern, prog: newProg(c)}, nil
}

// MustCompile is like Compile but panics on error. For tests and fixed patterns.
func MustCompile(pattern string) *Regexp {
	re, err := Compile(pattern)
	if err != nil {
		panic(err)
	}
	return re
}

// String returns the source pattern.
func (re *Regexp) String() string { return re.pattern }

// NumSubexp returns the number of parenthesized groups.
func (re *Regexp) NumSubexp() int { return re.prog.ngroups - 1 }

func (re *Regexp) get() *machine {
	if m := re.spare.Swap(nil); m != nil {
		return m
	}
	if m, _ := re.pool.Get().(*machine); m != nil {
		return m
	}
	return newMachine(re.prog)
}

func (re *Regexp) put(m *machine) {
	if !re.spare.CompareAndSwap(nil, m) {
		re.pool.Put(m)
	}
}

// MatchFull reports whether the whole of s matches, as std::regex_match does, and
// returns the submatch positions: 2*(NumSubexp()+1) byte offsets, pair 0 being the
// whole string and pair i group i, with -1, -1 for groups that did not participate.
// It returns nil if s does not match.
func (re *Regexp) MatchFull(s string) []int {
	loc, ok := re.AppendMatchFull(nil, s)
	if !ok {
		return nil
	}
	return loc
}

// AppendMatchFull is MatchFull appending the positions to dst, so that callers can
// reuse a buffer; ok is false (and dst unchanged) if s does not match.
func (re *Regexp) AppendMatchFull(dst []int, s string) (loc []int, ok bool) {
	m := re.get()
	ok = m.run(re.prog, s, 0, true, false)
	if ok {
		dst = append(dst, m.res...)
	}
	re.put(m)
	return dst, ok
}

// SplitMatches returns the successive matches in s in the order
// std::sregex_iterator visits them, each in the form MatchFull uses. After an empty
// match the iterator first looks for a non-empty match at the same position, then
// moves on by one byte; the text between matches (the "prefix" builtins.split
// returns) runs from the end of the previous match, or from 0, to the start of the
// next.
func (re *Regexp) SplitMatches(s string) [][]int {
	var flat []int
	re.ForEachMatch(s, func(loc []int) bool {
		flat = append(flat, loc...)
		return true
	})
	if flat == nil {
		return nil
	}
	w := 2 * re.prog.ngroups
	out := make([][]int, len(flat)/w)
	for i := range out {
		out[i] = flat[i*w : (i+1)*w : (i+1)*w]
	}
	return out
}

// ForEachMatch calls yield for each match SplitMatches would return, stopping early if
// yield returns false. loc is only valid during the call.
func (re *Regexp) ForEachMatch(s string, yield func(loc []int) bool) {
	m := re.get()
	defer re.put(m)
	p := re.prog
	if !m.search(p, s, 0, false, false) {
		return
	}
	for {
		if !yield(m.res) {
			return
		}
		start, end := m.res[0], m.res[1]
		if start == end {
			if end == len(s) {
				return
			}
			if m.search(p, s, end, true, true) {
				continue
			}
			end++
		}
		if !m.search(p, s, end, false, false) {
			return
		}
	}
}
