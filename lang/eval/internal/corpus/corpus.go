// Package corpus reads and writes the reference corpus of lang/eval/testdata/corpus:
// command lines run against CppNix 2.26 once (by lang/eval/testdata/gencorpus) with
// their exit codes and outputs, replayed against nixgo by the eval tests.
//
// A corpus file is line-oriented. Lines before the first case form the header:
// comments ("#") and a "run:" line giving the default command of the file's cases.
// Each case starts with "=== NAME" and holds lines "KEY: VALUE" or "KEY| TEXT":
//
//	run: nix-instantiate --eval --strict -E @   the command (shell-like words); "@"
//	                                            stands for the expression
//	env: NAME=VALUE                             an environment variable (repeatable)
//	expr| TEXT                                  a line of the expression (lines are
//	                                            joined with newlines, no final one)
//	file NAME| TEXT                             a line of a file in the work directory
//	stdin| TEXT                                 a line of standard input
//	exit: N                                     the reference's exit status
//	out| TEXT, err| TEXT                        a line of its standard output or error
//	out~| TEXT, err~| TEXT                      a last piece without a final newline
//
// After "|" one space is dropped, so "out|  x" is the line " x".
//
// A case runs in a fresh scratch directory ROOT: ROOT/pwd is the work directory,
// holding the case's files, ROOT/home is $HOME and ROOT/conf is an empty
// $NIX_CONF_DIR. Outputs are stored with ROOT removed, so the work directory reads
// "/pwd" and the home directory "/home"; in commands and environment values,
// "/pwd" stands for the work directory. ROOT's path has a fixed length (NewRoot),
// as CppNix expands tabs in messages by their running width. The generator runs
// the reference with a fresh store for each case.
//
// The cases where nixgo is known to differ are listed, with reasons, in
// testdata/corpus/known.list.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// File is a corpus file.
type File struct {
	Header []string // lines before the first case, verbatim
	Run    string   // the default command
	Cases  []*Case
}

// Case is one command line and, once run, the reference's results.
type Case struct {
	Name   string
	Run    string   // "" for the file's default
	Env    []string // NAME=VALUE
	Expr   []string // lines of the expression; nil when there is none
	Files  []FileText
	Stdin  []string
	Done   bool // the results below are known
	Exit   int
	Stdout string
	Stderr string
}

// FileText is a file the case creates in its work directory.
type FileText struct {
	Name  string
	Lines []string
}

// Parse reads a corpus file.
func Parse(src string) (*File, error) {
	f := &File{}
	var c *Case
	lines := strings.Split(strings.TrimSuffix(src, "\n"), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "=== ") || l == "===" {
			c = &Case{Name: strings.TrimSpace(strings.TrimPrefix(l, "==="))}
			f.Cases = append(f.Cases, c)
			continue
		}
		if c == nil {
			if v, ok := strings.CutPrefix(l, "run: "); ok {
				f.Run = v
			}
			f.Header = append(f.Header, l)
			continue
		}
		if err := c.addLine(l); err != nil {
			return nil, fmt.Errorf("line %d: %v", i+1, err)
		}
	}
	for len(f.Header) > 0 && f.Header[len(f.Header)-1] == "" {
		f.Header = f.Header[:len(f.Header)-1]
	}
	return f, nil
}

// addLine adds one line of a case.
func (c *Case) addLine(l string) error {
	if strings.TrimSpace(l) == "" {
		return nil
	}
	bar := strings.IndexByte(l, '|')
	colon := strings.Index(l, ": ")
	if bar >= 0 && (colon < 0 || bar < colon) {
		key, text := l[:bar], l[bar+1:]
		text = strings.TrimPrefix(text, " ")
		switch {
		case key == "expr":
			c.Expr = append(c.Expr, text)
		case key == "stdin":
			c.Stdin = append(c.Stdin, text)
		case key == "out":
			c.Stdout += text + "\n"
		case key == "out~":
			c.Stdout += text
		case key == "err":
			c.Stderr += text + "\n"
		case key == "err~":
			c.Stderr += text
		case strings.HasPrefix(key, "file "):
			name := strings.TrimSpace(key[5:])
			if n := len(c.Files); n > 0 && c.Files[n-1].Name == name {
				c.Files[n-1].Lines = append(c.Files[n-1].Lines, text)
			} else {
				c.Files = append(c.Files, FileText{Name: name, Lines: []string{text}})
			}
		default:
			return fmt.Errorf("unknown key %q", key)
		}
		return nil
	}
	if colon < 0 {
		return fmt.Errorf("neither KEY: VALUE nor KEY| TEXT: %q", l)
	}
	key, val := l[:colon], l[colon+2:]
	switch key {
	case "run":
		c.Run = val
	case "env":
		c.Env = append(c.Env, val)
	case "exit":
		n, err := strconv.Atoi(val)
		if err != nil {
			return err
		}
		c.Exit, c.Done = n, true
	default:
		return fmt.Errorf("unknown key %q", key)
	}
	return nil
}

// Format writes the file back.
func (f *File) Format() string {
	var b strings.Builder
	for _, l := range f.Header {
		b.WriteString(l + "\n")
	}
	for _, c := range f.Cases {
		b.WriteString("\n=== " + c.Name + "\n")
		if c.Run != "" {
			b.WriteString("run: " + c.Run + "\n")
		}
		for _, e := range c.Env {
			b.WriteString("env: " + e + "\n")
		}
		for _, ft := range c.Files {
			writeLines(&b, "file "+ft.Name, ft.Lines)
		}
		writeLines(&b, "stdin", c.Stdin)
		writeLines(&b, "expr", c.Expr)
		if c.Done {
			fmt.Fprintf(&b, "exit: %d\n", c.Exit)
			writeOutput(&b, "out", c.Stdout)
			writeOutput(&b, "err", c.Stderr)
		}
	}
	return b.String()
}

func writeLines(b *strings.Builder, key string, lines []string) {
	for _, l := range lines {
		if l == "" {
			b.WriteString(key + "|\n")
		} else {
			b.WriteString(key + "| " + l + "\n")
		}
	}
}

func writeOutput(b *strings.Builder, key, s string) {
	if s == "" {
		return
	}
	lines := strings.Split(s, "\n")
	last := lines[len(lines)-1]
	writeLines(b, key, lines[:len(lines)-1])
	if last != "" {
		b.WriteString(key + "~| " + last + "\n")
	}
}

// Command returns the case's command line (program first) for the scratch directory root.
func (f *File) Command(c *Case, root string) ([]string, error) {
	run := c.Run
	if run == "" {
		run = f.Run
	}
	words, err := SplitWords(run)
	if err != nil {
		return nil, err
	}
	for i, w := range words {
		if w == "@" {
			words[i] = strings.Join(c.Expr, "\n")
		} else {
			words[i] = strings.ReplaceAll(w, "/pwd", root+"/pwd")
		}
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("%s: no command", c.Name)
	}
	return words, nil
}

// StdinText is the case's standard input.
func (c *Case) StdinText() string {
	if c.Stdin == nil {
		return ""
	}
	return strings.Join(c.Stdin, "\n") + "\n"
}

// NewRoot creates a scratch directory for one case and returns it. Its path has
// the same length every time (/tmp/nixgo-corpus-XXXXXXXX/c): CppNix expands tabs
// in messages by the running width of the message, which includes the paths in
// it, so outputs only compare equal when the paths have equal lengths.
func NewRoot() (string, error) {
	for {
		dir := fmt.Sprintf("/tmp/nixgo-corpus-%08x", rand.Uint32())
		err := os.Mkdir(dir, 0o755)
		if os.IsExist(err) {
			continue
		}
		if err != nil {
			return "", err
		}
		return dir + "/c", nil
	}
}

// RemoveRoot removes a directory made by NewRoot.
func RemoveRoot(root string) error { return os.RemoveAll(filepath.Dir(root)) }

// Setup creates the scratch directory root (which must not exist yet or be empty)
// with the case's files.
func (c *Case) Setup(root string) error {
	for _, d := range []string{"pwd", "home", "conf"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return err
		}
	}
	for _, ft := range c.Files {
		p := filepath.Join(root, "pwd", ft.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(strings.Join(ft.Lines, "\n")+"\n"), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Environ is the environment the case runs in, for the scratch directory root:
// no configuration files, so that settings are CppNix's defaults, then the case's
// own variables.
func (c *Case) Environ(root string) map[string]string {
	home := filepath.Join(root, "home")
	m := map[string]string{
		"HOME":            home,
		"NIX_CONF_DIR":    filepath.Join(root, "conf"),
		"XDG_CONFIG_HOME": filepath.Join(home, ".config"),
		"XDG_CACHE_HOME":  filepath.Join(home, ".cache"),
		"XDG_DATA_HOME":   filepath.Join(home, ".local/share"),
		"XDG_STATE_HOME":  filepath.Join(home, ".local/state"),
		"PAGER":           "cat",
	}
	for _, e := range c.Env {
		k, v, _ := strings.Cut(e, "=")
		m[k] = strings.ReplaceAll(v, "/pwd", root+"/pwd")
	}
	return m
}

// EnvList returns the environment as NAME=VALUE strings, sorted.
func EnvList(m map[string]string) []string {
	var l []string
	for k, v := range m {
		l = append(l, k+"="+v)
	}
	sort.Strings(l)
	return l
}

// Normalize removes the scratch directory root from an output.
func Normalize(s, root string) string { return strings.ReplaceAll(s, root, "") }

// SplitWords splits a command line into words like a POSIX shell without
// expansions: single quotes keep everything, double quotes allow \" and \\, and a
// backslash outside quotes escapes the next character.
func SplitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case ch == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unterminated ' in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case ch == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("unterminated \" in %q", s)
			}
			inWord = true
		case ch == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		default:
			cur.WriteByte(ch)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
