// Fuzz target: compiling arbitrary patterns and matching short subjects never panics,
// and results are well-formed.

package regex

import (
	"errors"
	"testing"
)

func FuzzCompile(f *testing.F) {
	for _, p := range []string{
		"", "a", "(a|ab)(c|bcd)(d*)", "[[:alpha:]_][[:alnum:]_]*", "a{2,3}", "a{0}*", "(a*)*",
		"[]a]", "[^]-a]", "[[.hyphen.][=a=]]", "^(a|$)+", "((a)|b)*", "x{0,3}{2}", "\\.*(.*)",
		"[", "(", "a{", "\\", "a{99999}", "[[:", "[a-", "*", "a|*",
	} {
		f.Add(p, "aab")
	}
	f.Fuzz(func(t *testing.T, pattern, subject string) {
		re, err := Compile(pattern)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Pattern != pattern {
				t.Fatalf("bad error %#v", err)
			}
			return
		}
		// Keep backtracking bounded: libstdc++'s algorithm is exponential on some
		// patterns, and so is this one by design.
		if len(pattern) > 64 {
			return
		}
		defer func(old int) { stepLimit = old }(stepLimit)
		stepLimit = 1 << 20
		defer func() {
			if r := recover(); r != nil && r != errStepLimit {
				panic(r)
			}
		}()
		if len(subject) > 8 {
			subject = subject[:8]
		}
		n := re.NumSubexp()
		if loc := re.MatchFull(subject); loc != nil {
			if len(loc) != 2*(n+1) || loc[0] != 0 || loc[1] != len(subject) {
				t.Fatalf("MatchFull(%q) = %v", subject, loc)
			}
			checkGroups(t, loc, len(subject))
		}
		prev := 0
		for _, loc := range re.SplitMatches(subject) {
			if len(loc) != 2*(n+1) || loc[0] < prev || loc[1] < loc[0] || loc[1] > len(subject) {
				t.Fatalf("SplitMatches(%q) gave %v after %d", subject, loc, prev)
			}
			checkGroups(t, loc, len(subject))
			prev = loc[1]
		}
	})
}

func checkGroups(t *testing.T, loc []int, n int) {
	for i := 0; i < len(loc); i += 2 {
		a, b := loc[i], loc[i+1]
		if (a < 0) != (b < 0) || a > b || b > n {
			t.Fatalf("bad group %d in %v", i/2, loc)
		}
	}
}
