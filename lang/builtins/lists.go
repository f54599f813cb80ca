// This file holds the builtins on lists.

package builtins

import (
	"sort"

	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

var listBuiltins = []def{
	isType("__isList", eval.TypeList),
	{name: "__elemAt", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		n := st.ForceInt(args[1], pos, "while evaluating the second argument passed to 'builtins.elemAt'")
		l := st.ForceList(args[0], pos, "while evaluating the first argument passed to 'builtins.elemAt'")
		if n < 0 || n >= int64(len(l.Elems)) {
			st.Errorf(eval.EvalError, pos, "'builtins.elemAt' called with index %d on a list of size %d", n, len(l.Elems))
		}
		return st.Force(l.Elems[n], pos)
	}},
	{name: "__head", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		l := st.ForceList(args[0], pos, "while evaluating the first argument passed to 'builtins.head'")
		if len(l.Elems) == 0 {
			st.Errorf(eval.EvalError, pos, "'builtins.head' called on an empty list")
		}
		return st.Force(l.Elems[0], pos)
	}},
	{name: "__tail", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		l := st.ForceList(args[0], pos, "while evaluating the first argument passed to 'builtins.tail'")
		if len(l.Elems) == 0 {
			st.Errorf(eval.EvalError, pos, "'builtins.tail' called on an empty list")
		}
		// Lists are immutable, so the tail shares the elements (CppNix copies).
		return eval.MkList(l.Elems[1:len(l.Elems):len(l.Elems)])
	}},
	{name: "map", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		l := st.ForceList(args[1], pos, "while evaluating the second argument passed to builtins.map")
		if len(l.Elems) == 0 {
			return l
		}
		st.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins.map")
		out := make([]eval.Value, len(l.Elems))
		app := eval.NewApplier(args[0])
		for i, e := range l.Elems {
			out[i] = app.Apply(e)
		}
		return eval.MkList(out)
	}},
	{name: "__filter", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		l := st.ForceList(args[1], pos, "while evaluating the second argument passed to builtins.filter")
		if len(l.Elems) == 0 {
			return l
		}
		st.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins.filter")
		var out []eval.Value
		same := true
		for _, e := range l.Elems {
			r := st.Call1(args[0], e, token.NoPos)
			if st.ForceBool(r, pos, "while evaluating the return value of the filtering function passed to builtins.filter") {
				out = append(out, e)
			} else {
				same = false
			}
		}
		if same {
			return l
		}
		return eval.MkList(out)
	}},
	{name: "__elem", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		l := st.ForceList(args[1], pos, "while evaluating the second argument passed to builtins.elem")
		for _, e := range l.Elems {
			if st.EqualCells(args[0], e, pos, "while searching for the presence of the given element in the list") {
				return eval.Bool(true)
			}
		}
		return eval.Bool(false)
	}},
	{name: "__concatLists", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		l := st.ForceList(args[0], pos, "while evaluating the first argument passed to builtins.concatLists")
		return st.ConcatLists(l.Elems, pos, "while evaluating a value of the list passed to builtins.concatLists")
	}},
	{name: "__length", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		l := st.ForceList(args[0], pos, "while evaluating the first argument passed to builtins.length")
		return eval.MkInt(int64(len(l.Elems)))
	}},
	{name: "__foldl'", arity: 3, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		st.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins.foldlStrict")
		l := st.ForceList(args[2], pos, "while evaluating the third argument passed to builtins.foldlStrict")
		if len(l.Elems) == 0 {
			return st.Force(args[1], pos)
		}
		cur := args[1]
		for _, e := range l.Elems {
			cur = st.Call2(args[0], cur, e, pos)
		}
		return st.Force(cur, pos)
	}},
	{name: "__any", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		return anyOrAll(st, pos, args, true)
	}},
	{name: "__all", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		return anyOrAll(st, pos, args, false)
	}},
	{name: "__genList", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		n := st.ForceInt(args[1], pos, "while evaluating the second argument passed to builtins.genList")
		if n < 0 {
			st.Errorf(eval.EvalError, pos, "cannot create list of size %d", n)
		}
		st.ForceFunction(args[0], token.NoPos, "while evaluating the first argument passed to builtins.genList")
		out := make([]eval.Value, n)
		app := eval.NewApplier(args[0])
		for i := range out {
			out[i] = app.Apply(eval.MkInt(int64(i)))
		}
		return eval.MkList(out)
	}},
	{name: "__sort", arity: 2, fn: primSort},
	{name: "__partition", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		st.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins.partition")
		l := st.ForceList(args[1], pos, "while evaluating the second argument passed to builtins.partition")
		var right, wrong []eval.Value
		for _, e := range l.Elems {
			st.Force(e, pos)
			r := st.Call1(args[0], e, pos)
			if st.ForceBool(r, pos, "while evaluating the return value of the partition function passed to builtins.partition") {
				right = append(right, e)
			} else {
				wrong = append(wrong, e)
			}
		}
		b := eval.NewAttrsBuilder(2)
		b.Add(st.SymRight(), token.NoPos, eval.MkList(right))
		b.Add(st.SymWrong(), token.NoPos, eval.MkList(wrong))
		return b.Finish()
	}},
	{name: "__groupBy", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		st.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins.groupBy")
		l := st.ForceList(args[1], pos, "while evaluating the second argument passed to builtins.groupBy")
		groups := map[syntax.Symbol][]eval.Value{}
		var order []syntax.Symbol
		for _, e := range l.Elems {
			r := st.Call1(args[0], e, pos)
			name := st.ForceStringNoCtx(r, pos, "while evaluating the return value of the grouping function passed to builtins.groupBy")
			sym := st.Sym(name)
			if _, ok := groups[sym]; !ok {
				order = append(order, sym)
			}
			groups[sym] = append(groups[sym], e)
		}
		sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
		out := make([]eval.Attr, len(order))
		for i, sym := range order {
			out[i] = eval.Attr{Name: sym, Value: eval.MkList(groups[sym])}
		}
		return eval.AttrsFromSorted(out)
	}},
	{name: "__concatMap", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		st.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins.concatMap")
		l := st.ForceList(args[1], pos, "while evaluating the second argument passed to builtins.concatMap")
		var out []eval.Value
		for _, e := range l.Elems {
			r := st.Call1(args[0], e, pos)
			rl := st.ForceList(r, st.DeterminePos(r, st.DeterminePos(args[0], pos)), "while evaluating the return value of the function passed to builtins.concatMap")
			out = append(out, rl.Elems...)
		}
		return eval.MkList(out)
	}},
}

func anyOrAll(st *eval.State, pos token.Pos, args []eval.Value, any bool) eval.Value {
	name := "all"
	if any {
		name = "any"
	}
	st.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins."+name)
	l := st.ForceList(args[1], pos, "while evaluating the second argument passed to builtins."+name)
	ctx := "while evaluating the return value of the function passed to builtins." + name
	for _, e := range l.Elems {
		r := st.Call1(args[0], e, pos)
		if st.ForceBool(r, pos, ctx) == any {
			return eval.Bool(any)
		}
	}
	return eval.Bool(!any)
}

func primSort(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	l := st.ForceList(args[1], pos, "while evaluating the second argument passed to builtins.sort")
	if len(l.Elems) == 0 {
		return l
	}
	st.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins.sort")
	out := make([]eval.Value, len(l.Elems))
	for i, e := range l.Elems {
		out[i] = st.Force(e, pos)
	}
	cmp := st.Force(args[0], pos)
	isLessThan := false
	if p, ok := cmp.(*eval.PrimOp); ok && p.Name == "lessThan" {
		isLessThan = true
	}
	less := func(a, b eval.Value) bool {
		if isLessThan {
			return st.CompareValues(a, b, "while evaluating the ordering function passed to builtins.sort")
		}
		r := st.Call2(args[0], a, b, token.NoPos)
		return st.ForceBool(r, pos, "while evaluating the return value of the sorting function passed to builtins.sort")
	}
	stableSort(out, less)
	return eval.MkList(out)
}

// stableSort is libstdc++'s std::stable_sort (with its temporary buffer of
// half the length, as it gets it): both halves merge-sorted in the buffer from
// insertion-sorted chunks of 7, then merged. It calls less on the same pairs in
// the same order, so that comparators with side effects (traces, errors) and
// comparators that are no strict weak ordering give CppNix's results.
//
// Lists longer than exactSortMax are sorted with Go's stable sort instead,
// which calls less far fewer times on partly sorted input (NixOS sorts its
// 6,000 options with a costly comparator: 79,000 calls instead of about
// 20,000). With a comparator that is a strict weak ordering and has no side
// effects, every stable sort gives the same list; only comparators that are
// not, on long lists, can see a difference from CppNix.
func stableSort(a []eval.Value, less func(a, b eval.Value) bool) {
	if len(a) == 0 {
		return
	}
	if len(a) > exactSortMax {
		sort.SliceStable(a, func(i, j int) bool { return less(a[i], a[j]) })
		return
	}
	buf := make([]eval.Value, (len(a)+1)/2)
	mid := len(buf)
	mergeSortWithBuffer(a[:mid], buf, less)
	mergeSortWithBuffer(a[mid:], buf, less)
	// __merge_adaptive: the shorter half goes to the buffer.
	if mid <= len(a)-mid {
		// libstdc++'s __move_merge_adaptive: what is left of a[mid:]
		// once the buffer is merged is already in place.
		n := copy(buf, a[:mid])
		moveMerge(buf[:n], a[mid:], a, less)
	} else {
		n := copy(buf, a[mid:])
		moveMergeBackward(a[:mid], buf[:n], a, less)
	}
}

// exactSortMax is the longest list sorted with libstdc++'s algorithm.
const exactSortMax = 1000

// sortChunk is libstdc++'s _S_chunk_size.
const sortChunk = 7

// mergeSortWithBuffer is libstdc++'s __merge_sort_with_buffer.
func mergeSortWithBuffer(a, buf []eval.Value, less func(a, b eval.Value) bool) {
	n := len(a)
	for i := 0; i < n; i += sortChunk {
		insertionSort(a[i:min(i+sortChunk, n)], less)
	}
	buf = buf[:n]
	for step := sortChunk; step < n; step *= 4 {
		mergeSortLoop(a, buf, step, less)
		mergeSortLoop(buf, a, 2*step, less)
	}
}

// mergeSortLoop is libstdc++'s __merge_sort_loop: it merges the runs of
// step elements of src pairwise into dst.
func mergeSortLoop(src, dst []eval.Value, step int, less func(a, b eval.Value) bool) {
	i, out := 0, 0
	for len(src)-i >= 2*step {
		out += moveMerge(src[i:i+step], src[i+step:i+2*step], dst[out:], less)
		i += 2 * step
	}
	s := min(len(src)-i, step)
	moveMerge(src[i:i+s], src[i+s:], dst[out:], less)
}

// moveMerge is libstdc++'s __move_merge; it returns the number written.
func moveMerge(x, y, dst []eval.Value, less func(a, b eval.Value) bool) int {
	i, j, k := 0, 0, 0
	for i < len(x) && j < len(y) {
		if less(y[j], x[i]) {
			dst[k] = y[j]
			j++
		} else {
			dst[k] = x[i]
			i++
		}
		k++
	}
	k += copy(dst[k:], x[i:])
	k += copy(dst[k:], y[j:])
	return k
}

// moveMergeBackward is libstdc++'s __move_merge_adaptive_backward: x (the
// start of dst) and y (in the buffer) merged into dst from its end.
func moveMergeBackward(x, y, dst []eval.Value, less func(a, b eval.Value) bool) {
	if len(x) == 0 {
		copy(dst[len(dst)-len(y):], y)
		return
	}
	if len(y) == 0 {
		return
	}
	i, j, k := len(x)-1, len(y)-1, len(dst)
	for {
		k--
		if less(y[j], x[i]) {
			dst[k] = x[i]
			if i == 0 {
				copy(dst[k-j-1:k], y[:j+1])
				return
			}
			i--
		} else {
			dst[k] = y[j]
			if j == 0 {
				return
			}
			j--
		}
	}
}

// insertionSort is libstdc++'s __insertion_sort.
func insertionSort(a []eval.Value, less func(a, b eval.Value) bool) {
	for i := 1; i < len(a); i++ {
		v := a[i]
		if less(v, a[0]) {
			copy(a[1:i+1], a[:i])
			a[0] = v
			continue
		}
		j := i
		for j > 0 && less(v, a[j-1]) {
			a[j] = a[j-1]
			j--
		}
		a[j] = v
	}
}
