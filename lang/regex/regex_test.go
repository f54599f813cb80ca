// Tests of the API: positions, error kinds, the cache, concurrency, long subjects.

package regex

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestMatchFullPositions(t *testing.T) {
	re := MustCompile(`((.*)/)?([^/]*)\.(nix|cc)`)
	if n := re.NumSubexp(); n != 4 {
		t.Fatalf("NumSubexp = %d", n)
	}
	got := re.MatchFull("foobar.cc")
	want := []int{0, 9, -1, -1, -1, -1, 0, 6, 7, 9}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MatchFull = %v, want %v", got, want)
	}
	if re.MatchFull("foobar.c") != nil {
		t.Error("expected no match")
	}
	buf := make([]int, 0, 16)
	loc, ok := re.AppendMatchFull(buf, "a/b.nix")
	if !ok || &loc[0] != &buf[:1][0] || len(loc) != 10 {
		t.Errorf("AppendMatchFull did not reuse the buffer: %v %v", loc, ok)
	}
}

func TestSplitMatches(t *testing.T) {
	re := MustCompile(`x*`)
	got := re.SplitMatches("axxb")
	want := [][]int{{0, 0}, {1, 3}, {3, 3}, {4, 4}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SplitMatches = %v, want %v", got, want)
	}
	n := 0
	re.ForEachMatch("axxb", func([]int) bool { n++; return n < 2 })
	if n != 2 {
		t.Errorf("ForEachMatch did not stop: %d calls", n)
	}
}

func TestErrorKinds(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		kind    ErrorKind
		code    ErrorCode
		msg     string
	}{
		{"(.*", KindInvalid, ErrParen, "invalid regular expression '(.*'"},
		{`\d`, KindInvalid, ErrEscape, `invalid regular expression '\d'`},
		{"[z-a]", KindInvalid, ErrRange, "invalid regular expression '[z-a]'"},
		{"[[:foo:]]", KindInvalid, ErrCollate, "invalid regular expression '[[:foo:]]'"},
		{"a{2147483648}", KindInvalid, ErrBackref, "invalid regular expression 'a{2147483648}'"},
		{"a{99994}", KindSpace, ErrSpace, "memory limit exceeded by regular expression 'a{99994}'"},
		{"a{200000}\\", KindInvalid, ErrEscape, "invalid regular expression 'a{200000}\\'"},
	} {
		_, err := Compile(tc.pattern)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%q: error %v", tc.pattern, err)
			continue
		}
		if e.Kind() != tc.kind || e.Code != tc.code || e.Error() != tc.msg {
			t.Errorf("%q: got %v %v %q", tc.pattern, e.Kind(), e.Code, e.Error())
		}
	}
	if _, err := Compile("a{99993}"); err != nil {
		t.Errorf("a{99993}: %v", err)
	}
}

func TestCache(t *testing.T) {
	var c Cache
	a, err := c.Compile("a(b)")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.Compile("a(b)")
	if a != b {
		t.Error("cache returned a different Regexp")
	}
	_, err1 := c.Compile("(")
	_, err2 := c.Compile("(")
	if err1 == nil || err1 != err2 {
		t.Errorf("errors not cached: %v %v", err1, err2)
	}
	if c.Len() != 2 {
		t.Errorf("Len = %d", c.Len())
	}
}

func TestConcurrentUse(t *testing.T) {
	var c Cache
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				re, err := c.Compile(fmt.Sprintf("(a|b)*(%d)", i%10))
				if err != nil {
					t.Error(err)
					return
				}
				s := fmt.Sprintf("abab%d", i%10)
				if loc := re.MatchFull(s); loc == nil || loc[4] != 4 {
					t.Errorf("MatchFull(%q) = %v", s, loc)
				}
				if n := len(re.SplitMatches(s + s)); n != 2 {
					t.Errorf("%d matches", n)
				}
			}
		}()
	}
	wg.Wait()
}

// TestLongSubject checks subjects on which libstdc++'s recursion would overflow the
// stack: the explicit stack keeps going.
func TestLongSubject(t *testing.T) {
	s := strings.Repeat("ab", 1<<19)
	re := MustCompile(`(.*)b`)
	if loc := re.MatchFull(s); loc == nil || loc[3] != len(s)-1 {
		t.Errorf("MatchFull on 1 MB: %v", loc[:4])
	}
	if n := len(MustCompile(`b`).SplitMatches(s)); n != 1<<19 {
		t.Errorf("%d matches", n)
	}
}

// TestBacktrackingMemo: a nixpkgs pattern that backtracks exponentially in libstdc++
// on long non-matching subjects (CppNix needs seconds for 24 letters) finishes quickly
// thanks to the failure memo.
func TestBacktrackingMemo(t *testing.T) {
	re := MustCompile(`([A-Za-z]+[-_. ]?)*(v)?([0-9.]+.*)`)
	if loc := re.MatchFull(strings.Repeat("abcdefghij", 20)); loc != nil {
		t.Errorf("unexpected match %v", loc)
	}
	loc := re.MatchFull(strings.Repeat("abcdefghij", 20) + "-v1.2")
	if want := []int{0, 205, 201, 202, -1, -1, 202, 205}; !reflect.DeepEqual(loc, want) {
		t.Errorf("MatchFull = %v", loc)
	}
}
