// Command gen fills in the expected results of lang/regex/testdata/corpus.txt by asking
// the reference implementation (CppNix 2.26 through shared/tools/reference-nix). The Go
// tests only read the file; they never run the reference.
//
//	go run ./lang/regex/testdata/gen [-all] [-import cases.nix] [-ref path/to/reference-nix]
//
// Lines without "=>" get their result; with -all every line is recomputed. -import
// appends the cases of a Nix file that evaluates to a list of [kind pattern subject].
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

type testCase struct {
	line     string // original text for comments and blank lines
	kind     string // "match" or "split"; empty for comments
	pattern  string
	subject  string
	expected string
}

var (
	ref     = flag.String("ref", "", "reference-nix script (default: shared/tools/reference-nix found upwards)")
	all     = flag.Bool("all", false, "recompute every expectation")
	imp     = flag.String("import", "", "append the cases of this Nix file ([[kind pattern subject] ...])")
	corpus  = flag.String("corpus", "lang/regex/testdata/corpus.txt", "corpus file")
	timeout = flag.Duration("timeout", 20*time.Second, "time limit for one reference evaluation")
	workDir string
)

func main() {
	flag.Parse()
	if *ref == "" {
		*ref = findRef()
	}
	var err error
	workDir, err = os.MkdirTemp("/tmp", "regex-gen-")
	check(err)
	defer os.RemoveAll(workDir)

	cases := readCorpus(*corpus)
	if *imp != "" {
		cases = append(cases, importCases(*imp)...)
	}
	var todo []*testCase
	for i := range cases {
		c := &cases[i]
		if c.kind != "" && (*all || c.expected == "") {
			todo = append(todo, c)
		}
	}
	log.Printf("%d cases to evaluate", len(todo))
	status := classify(todo)
	var valid []*testCase
	for _, c := range todo {
		if s := status[c.pattern]; s != "" {
			c.expected = s
		} else {
			valid = append(valid, c)
		}
	}
	evaluate(valid)
	writeCorpus(*corpus, cases)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func findRef() string {
	dir, err := os.Getwd()
	check(err)
	for ; dir != "/"; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, "shared/tools/reference-nix")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		p = filepath.Join(dir, "../shared/tools/reference-nix")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	log.Fatal("reference-nix not found; pass -ref")
	return ""
}

// readCorpus parses lines of the form: kind "pattern" "subject" [=> expected].
func readCorpus(path string) []testCase {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	check(err)
	var cases []testCase
	for n, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			cases = append(cases, testCase{line: line})
			continue
		}
		c, err := parseLine(t)
		if err != nil {
			log.Fatalf("%s:%d: %v", path, n+1, err)
		}
		cases = append(cases, c)
	}
	return cases
}

func parseLine(t string) (testCase, error) {
	var c testCase
	kind, rest, _ := strings.Cut(t, " ")
	if kind != "match" && kind != "split" {
		return c, fmt.Errorf("unknown kind %q", kind)
	}
	c.kind = kind
	var err error
	for _, dst := range []*string{&c.pattern, &c.subject} {
		rest = strings.TrimLeft(rest, " ")
		q, err2 := strconv.QuotedPrefix(rest)
		if err2 != nil {
			return c, err2
		}
		if *dst, err = strconv.Unquote(q); err != nil {
			return c, err
		}
		rest = rest[len(q):]
	}
	rest = strings.TrimSpace(rest)
	if rest != "" {
		e, ok := strings.CutPrefix(rest, "=>")
		if !ok {
			return c, fmt.Errorf("junk after subject: %q", rest)
		}
		c.expected = strings.TrimSpace(e)
	}
	return c, nil
}

func writeCorpus(path string, cases []testCase) {
	var b bytes.Buffer
	for _, c := range cases {
		if c.kind == "" {
			b.WriteString(c.line)
		} else {
			fmt.Fprintf(&b, "%s %s %s => %s", c.kind, strconv.Quote(c.pattern), strconv.Quote(c.subject), c.expected)
		}
		b.WriteByte('\n')
	}
	check(os.WriteFile(path, b.Bytes(), 0o644))
}

// nixString renders s as a Nix string literal; other bytes than the escaped ones are
// taken verbatim by the Nix lexer.
func nixString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '$':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// eval evaluates a Nix expression with the reference and returns stdout and stderr.
// CppNix does not check for interrupts while matching, so a pathological case is
// killed (SIGKILL) after the timeout.
func eval(expr string) (string, string, error) {
	f := filepath.Join(workDir, "expr.nix")
	check(os.WriteFile(f, []byte(expr), 0o644))
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, *ref, "nix-instantiate", "--eval", "--strict", f)
	cmd.Dir = workDir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		err = errTimeout
	}
	return out.String(), errb.String(), err
}

var errTimeout = errors.New("timeout")

// classify compiles every distinct pattern with the reference and returns the
// expectation for those that fail ("error:invalid" or "error:space").
func classify(cases []*testCase) map[string]string {
	seen := map[string]bool{}
	var pats []string
	for _, c := range cases {
		if !seen[c.pattern] {
			seen[c.pattern] = true
			pats = append(pats, c.pattern)
		}
	}
	status := map[string]string{}
	var bisect func(ps []string)
	bisect = func(ps []string) {
		if len(ps) == 0 {
			return
		}
		var b strings.Builder
		// The pattern is compiled before the subject is forced, so a throwing
		// subject checks compilation without running the (possibly exponential)
		// matcher, and tryEval catches the throw but not regex errors.
		b.WriteString("map (p: (builtins.tryEval (builtins.match p (throw \"compiled\"))).success) [\n")
		for _, p := range ps {
			b.WriteString(nixString(p))
			b.WriteByte('\n')
		}
		b.WriteString("]\n")
		_, stderr, err := eval(b.String())
		if err == nil {
			return
		}
		if len(ps) > 1 {
			bisect(ps[:len(ps)/2])
			bisect(ps[len(ps)/2:])
			return
		}
		switch {
		case strings.Contains(stderr, "memory limit exceeded by regular expression"):
			status[ps[0]] = "error:space"
		case strings.Contains(stderr, "invalid regular expression"):
			status[ps[0]] = "error:invalid"
		default:
			log.Fatalf("pattern %q: unexpected failure: %s", ps[0], stderr)
		}
	}
	bisect(pats)
	log.Printf("%d distinct patterns, %d fail to compile", len(pats), len(status))
	return status
}

// evaluate runs the cases in chunks and records the printed results. Cases on which
// the reference takes too long (exponential backtracking) are dropped.
func evaluate(cases []*testCase) {
	for len(cases) > 0 {
		n := min(len(cases), 200)
		evaluateChunk(cases[:n])
		cases = cases[n:]
	}
}

func evaluateChunk(cases []*testCase) {
	if len(cases) == 0 {
		return
	}
	var b strings.Builder
	b.WriteString("[\n")
	for _, c := range cases {
		fmt.Fprintf(&b, "(builtins.%s %s %s)\n", c.kind, nixString(c.pattern), nixString(c.subject))
	}
	b.WriteString("]\n")
	out, stderr, err := eval(b.String())
	if err == errTimeout {
		if len(cases) == 1 {
			log.Printf("dropping %s %q %q: the reference timed out", cases[0].kind, cases[0].pattern, cases[0].subject)
			cases[0].line = fmt.Sprintf("# timed out in the reference: %s %s %s",
				cases[0].kind, strconv.Quote(cases[0].pattern), strconv.Quote(cases[0].subject))
			cases[0].kind = ""
			return
		}
		evaluateChunk(cases[:len(cases)/2])
		evaluateChunk(cases[len(cases)/2:])
		return
	}
	if err != nil {
		log.Fatalf("evaluation failed: %v\n%s", err, stderr)
	}
	p := &valueParser{s: out}
	v := p.value()
	list, ok := v.([]any)
	if !ok || len(list) != len(cases) {
		log.Fatalf("unexpected output shape")
	}
	for i, c := range cases {
		c.expected = format(list[i])
	}
}

// importCases evaluates a Nix file yielding [[kind pattern subject] ...].
func importCases(path string) []testCase {
	abs, err := filepath.Abs(path)
	check(err)
	out, stderr, err := eval(fmt.Sprintf("import %s", abs))
	if err != nil {
		log.Fatalf("import failed: %v\n%s", err, stderr)
	}
	p := &valueParser{s: out}
	var cases []testCase
	seen := map[string]bool{}
	for _, item := range p.value().([]any) {
		l := item.([]any)
		c := testCase{kind: l[0].(string), pattern: l[1].(string), subject: l[2].(string)}
		key := c.kind + "\x00" + c.pattern + "\x00" + c.subject
		if !seen[key] {
			seen[key] = true
			cases = append(cases, c)
		}
	}
	return cases
}

// format renders a result the way the Go test does: null, Go-quoted strings, lists in
// brackets separated by single spaces.
func format(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(v)
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = format(x)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	panic("unreachable")
}

// valueParser reads the subset of nix-instantiate's output used here: lists, null and
// strings (escapes \" \\ \n \r \t \$; other bytes verbatim).
type valueParser struct {
	s   string
	pos int
}

func (p *valueParser) skip() {
	for p.pos < len(p.s) && strings.IndexByte(" \n\t", p.s[p.pos]) >= 0 {
		p.pos++
	}
}

func (p *valueParser) value() any {
	p.skip()
	switch {
	case strings.HasPrefix(p.s[p.pos:], "null"):
		p.pos += 4
		return nil
	case p.s[p.pos] == '[':
		p.pos++
		list := []any{}
		for {
			p.skip()
			if p.s[p.pos] == ']' {
				p.pos++
				return list
			}
			list = append(list, p.value())
		}
	case p.s[p.pos] == '"':
		p.pos++
		var b strings.Builder
		for {
			c := p.s[p.pos]
			p.pos++
			switch c {
			case '"':
				return b.String()
			case '\\':
				e := p.s[p.pos]
				p.pos++
				switch e {
				case 'n':
					b.WriteByte('\n')
				case 'r':
					b.WriteByte('\r')
				case 't':
					b.WriteByte('\t')
				default:
					b.WriteByte(e)
				}
			default:
				b.WriteByte(c)
			}
		}
	}
	log.Fatalf("cannot parse output at %d: %.40q", p.pos, p.s[p.pos:])
	return nil
}
