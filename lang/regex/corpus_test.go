// Table-driven comparison with CppNix's answers recorded in testdata/corpus.txt.

package regex

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

type corpusCase struct {
	line                             int
	kind, pattern, subject, expected string
}

func (c corpusCase) key() string {
	return c.kind + " " + strconv.Quote(c.pattern) + " " + strconv.Quote(c.subject)
}

func readCorpus(t testing.TB) []corpusCase {
	path := "testdata/corpus.txt"
	if p := os.Getenv("NIXGO_REGEX_CORPUS"); p != "" {
		path = p // an ad-hoc corpus, e.g. a larger random sample
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []corpusCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		c, err := parseCorpusLine(line)
		if err != nil {
			t.Fatalf("corpus.txt:%d: %v", n, err)
		}
		c.line = n
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

func parseCorpusLine(line string) (corpusCase, error) {
	var c corpusCase
	var rest string
	c.kind, rest, _ = strings.Cut(line, " ")
	for _, dst := range []*string{&c.pattern, &c.subject} {
		rest = strings.TrimLeft(rest, " ")
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return c, err
		}
		*dst, _ = strconv.Unquote(q)
		rest = rest[len(q):]
	}
	_, c.expected, _ = strings.Cut(rest, "=>")
	c.expected = strings.TrimSpace(c.expected)
	return c, nil
}

// evalCase computes a case's result in the corpus notation.
func evalCase(kind, pattern, subject string) string {
	re, err := Compile(pattern)
	if err != nil {
		if err.(*Error).Kind() == KindSpace {
			return "error:space"
		}
		return "error:invalid"
	}
	groups := func(loc []int) string {
		parts := make([]string, 0, re.NumSubexp())
		for i := 1; i <= re.NumSubexp(); i++ {
			if loc[2*i] < 0 {
				parts = append(parts, "null")
			} else {
				parts = append(parts, strconv.Quote(subject[loc[2*i]:loc[2*i+1]]))
			}
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	if kind == "match" {
		loc := re.MatchFull(subject)
		if loc == nil {
			return "null"
		}
		return groups(loc)
	}
	var parts []string
	prev := 0
	for _, loc := range re.SplitMatches(subject) {
		parts = append(parts, strconv.Quote(subject[prev:loc[0]]), groups(loc))
		prev = loc[1]
	}
	parts = append(parts, strconv.Quote(subject[prev:]))
	return "[" + strings.Join(parts, " ") + "]"
}

// readKnownDifferences reads testdata/known_differences.txt: case keys (as printed by
// corpusCase.key) each followed by a line starting with "#" giving the reason.
func readKnownDifferences(t *testing.T) map[string]bool {
	known := map[string]bool{}
	data, err := os.ReadFile("testdata/known_differences.txt")
	if os.IsNotExist(err) {
		return known
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && line[0] != '#' {
			known[line] = true
		}
	}
	return known
}

func TestCorpus(t *testing.T) {
	cases := readCorpus(t)
	known := readKnownDifferences(t)
	agree := 0
	for _, c := range cases {
		got := evalCase(c.kind, c.pattern, c.subject)
		switch {
		case got == c.expected && known[c.key()]:
			t.Errorf("corpus.txt:%d: %s now agrees with the reference; remove it from known_differences.txt", c.line, c.key())
		case got == c.expected:
			agree++
		case known[c.key()]:
		default:
			t.Errorf("corpus.txt:%d: %s\n got: %s\nwant: %s", c.line, c.key(), got, c.expected)
		}
	}
	t.Logf("%d of %d corpus cases agree with CppNix 2.26", agree, len(cases))
}

// TestCorpusWithMemo runs the corpus with the failure memo active from the first step,
// to check that it never changes a result.
func TestCorpusWithMemo(t *testing.T) {
	defer func(old int) { memoAfter = old }(memoAfter)
	memoAfter = 1
	for _, c := range readCorpus(t) {
		if got := evalCase(c.kind, c.pattern, c.subject); got != c.expected {
			if !readKnownDifferences(t)[c.key()] {
				t.Errorf("corpus.txt:%d: %s\n got: %s\nwant: %s", c.line, c.key(), got, c.expected)
			}
		}
	}
}
