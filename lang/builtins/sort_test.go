// Tests of builtins.sort's algorithm (stableSort): libstdc++'s call pattern
// on lists up to exactSortMax, Go's stable sort beyond, the same result for a
// strict weak ordering either way.

package builtins

import (
	"math/rand"
	"slices"
	"testing"

	"github.com/nixgo/nixgo/lang/eval"
)

func TestStableSort(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, n := range []int{1, 2, 7, 15, 100, exactSortMax, exactSortMax + 1, 5000} {
		// Pairs (key, index): sorted by key only, so stability shows.
		vals := make([]eval.Value, n)
		for i := range vals {
			vals[i] = eval.MkList([]eval.Value{eval.Int(r.Intn(n/3 + 1)), eval.Int(i)})
		}
		calls := 0
		key := func(v eval.Value) int64 { return int64(v.(*eval.List).Elems[0].(eval.Int)) }
		less := func(a, b eval.Value) bool { calls++; return key(a) < key(b) }
		got := slices.Clone(vals)
		stableSort(got, less)
		want := slices.Clone(vals)
		slices.SortStableFunc(want, func(a, b eval.Value) int { return int(key(a) - key(b)) })
		if !slices.Equal(got, want) {
			t.Errorf("n = %d: not the stable order", n)
		}
		if n > 1 && calls == 0 {
			t.Errorf("n = %d: comparator never called", n)
		}
	}
	// libstdc++'s pattern on a short list: insertion sort of chunks of 7
	// compares each new element with the first one first.
	var pairs [][2]int64
	l := []eval.Value{eval.Int(3), eval.Int(1), eval.Int(2)}
	stableSort(l, func(a, b eval.Value) bool {
		pairs = append(pairs, [2]int64{int64(a.(eval.Int)), int64(b.(eval.Int))})
		return a.(eval.Int) < b.(eval.Int)
	})
	// [3 1 2]: the halves [3 1] and [2] are sorted (1 < 3), then merged
	// with the shorter half in the buffer.
	if len(pairs) == 0 || pairs[0] != [2]int64{1, 3} {
		t.Errorf("comparisons %v", pairs)
	}
}
