// Reference cases: CppNix's `nix config show` behaviour, captured in testdata/cases, replayed against this package.

package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A case file (testdata/cases/*.txt) is a comment followed by sections
// in the txtar style, each introduced by a line "-- NAME --":
//
//	args        the command line, split at spaces ('...' quotes)
//	env         KEY=VALUE lines added to the environment
//	env KEY     a variable whose value is the section's text
//	file PATH   a file, PATH relative to $ROOT
//	dir PATH    an empty directory
//	stdout      what CppNix printed on standard output,
//	stderr      on standard error,
//	exit        and its exit code
//
// "$ROOT" stands for caseRoot (/tmp/nixgo-config-test), a directory
// visible inside reference-nix's chroot. The environment holds only
// PATH, HOME=$ROOT/home and the case's variables; the chroot's own files
// (referenceFiles) are visible too. testdata/capture regenerates the
// stdout, stderr and exit sections with reference-nix; the test runs
// the command with nixLike below on a RootedFileSystem holding the same
// files, and a Host describing the reference machine.
const caseRoot = "/tmp/nixgo-config-test"

// referenceFiles are the files of reference-nix's chroot that matter.
var referenceFiles = map[string]string{
	"/etc/nix/nix.conf":                  "sandbox = false\nexperimental-features = nix-command flakes\nbuild-users-group =\nsubstituters =\n",
	"/etc/ssl/certs/ca-certificates.crt": "",
}

// referenceHost is the machine the cases were captured on: Debian's
// CppNix 2.26 (built with /usr/bin/bash-static as sandbox shell) on an
// x86-64-v3 machine with 2 CPUs and /dev/kvm, running as root.
var referenceHost = Host{
	OS: "linux", System: "x86_64-linux", Concurrency: 2, Root: true, KVM: true,
	X86Levels:    []string{"x86_64-v1", "x86_64-v2", "x86_64-v3"},
	SandboxShell: "/usr/bin/bash-static",
}

type section struct{ name, body string }

type testCase struct {
	name     string
	sections []section
}

func (tc *testCase) get(name string) (string, bool) {
	for _, s := range tc.sections {
		if s.name == name {
			return s.body, true
		}
	}
	return "", false
}

func parseCase(name, text string) *testCase {
	tc := &testCase{name: name}
	cur := -1
	for _, l := range strings.SplitAfter(text, "\n") {
		t := strings.TrimSuffix(l, "\n")
		if strings.HasPrefix(t, "-- ") && strings.HasSuffix(t, " --") && len(t) >= 6 {
			tc.sections = append(tc.sections, section{name: t[3 : len(t)-3]})
			cur = len(tc.sections) - 1
		} else if cur >= 0 {
			tc.sections[cur].body += l
		}
	}
	return tc
}

func expandRoot(s string) string { return strings.ReplaceAll(s, "$ROOT", caseRoot) }

// splitArgs splits a command line at spaces; '...' quotes.
func splitArgs(s string) []string {
	var args []string
	var cur strings.Builder
	in, quoted := false, false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r == '\'':
			in, quoted = !in, true
		case r == ' ' && !in:
			if cur.Len() > 0 || quoted {
				args = append(args, cur.String())
			}
			cur.Reset()
			quoted = false
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 || quoted {
		args = append(args, cur.String())
	}
	return args
}

// setup writes the case's files under a temporary root and returns the
// environment and the command line.
func (tc *testCase) setup(t *testing.T) (root string, env map[string]string, args []string) {
	root = t.TempDir()
	write := func(p, content string) {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for p, content := range referenceFiles {
		write(p, content)
	}
	env = map[string]string{"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": caseRoot + "/home"}
	for _, s := range tc.sections {
		switch {
		case s.name == "args":
			args = splitArgs(expandRoot(s.body))
		case s.name == "env":
			for _, l := range strings.Split(strings.TrimRight(s.body, "\n"), "\n") {
				if k, v, ok := strings.Cut(l, "="); ok {
					env[k] = expandRoot(v)
				}
			}
		case strings.HasPrefix(s.name, "env "):
			env[strings.TrimPrefix(s.name, "env ")] = expandRoot(s.body)
		case strings.HasPrefix(s.name, "file "):
			write(caseRoot+"/"+strings.TrimPrefix(s.name, "file "), expandRoot(s.body))
		case strings.HasPrefix(s.name, "dir "):
			if err := os.MkdirAll(filepath.Join(root, caseRoot, strings.TrimPrefix(s.name, "dir ")), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root, env, args
}

// nixLike runs the parts of CppNix's `nix` command that concern
// configuration, with `config show` (or `show-config`) as the only
// subcommand: load, adjust, parse flags, finish flags, check the
// command's feature, show.
func nixLike(root string, env map[string]string, args []string) (stdout, stderr string, exit int) {
	var out, errs strings.Builder
	warn := func(msg string) { errs.WriteString("warning: " + msg + "\n") }
	fail := func(err error) (string, string, int) {
		errs.WriteString("error: " + err.Error() + "\n")
		var u *UsageError
		if errors.As(err, &u) {
			errs.WriteString("Try 'nix --help' for more information.\n")
		}
		return out.String(), errs.String(), 1
	}
	l := &Loader{
		Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		FS:     RootedFileSystem(root),
		Host:   &referenceHost,
		Warn:   warn,
	}
	c, err := l.Load()
	if err != nil {
		return fail(err)
	}
	// What nix's main does before parsing the command line.
	c.SetDefault("build-hook", "/usr/bin/nix __build-remote")
	c.Assign("pure-eval", "true")

	var words []string
	json := false
	for i := 1; i < len(args); i++ {
		a := args[i]
		need := func(n int) ([]string, error) {
			if i+n >= len(args) {
				return nil, usageErrorf("flag '%s' requires %d argument(s), but only %d were given", a, n, len(args)-i-1)
			}
			v := args[i+1 : i+1+n]
			i += n
			return v, nil
		}
		switch {
		case a == "--json":
			json = true
		case a == "--option":
			v, err := need(2)
			if err == nil {
				err = c.SetOption(v[0], v[1])
			}
			if err != nil {
				return fail(err)
			}
		case a == "-j":
			v, err := need(1)
			if err == nil {
				err = c.SetFromFlag("max-jobs", v[0])
			}
			if err != nil {
				return fail(err)
			}
		case strings.HasPrefix(a, "--"):
			f, ok := c.LookupFlag(a[2:])
			if !ok {
				return fail(usageErrorf("unrecognised flag '%s'", a))
			}
			v := []string{""}
			if f.TakesValue() {
				if v, err = need(1); err != nil {
					return fail(err)
				}
			}
			if err := c.SetFromFlag(f.Name, v[0]); err != nil {
				return fail(err)
			}
		default:
			if a == "show-config" {
				warn("'show-config' is a deprecated alias for 'config show'")
				words = append(words, "config", "show")
				continue
			}
			words = append(words, a)
		}
	}
	if err := c.FinishFlags(); err != nil {
		return fail(err)
	}
	if err := c.RequireFeature(NixCommand); err != nil {
		return fail(err)
	}
	if len(words) < 2 || words[0] != "config" || words[1] != "show" || len(words) > 3 {
		return fail(fmt.Errorf("nixLike: unsupported command %q", words))
	}
	switch {
	case len(words) == 3 && json:
		return fail(usageErrorf("'--json' is not supported when specifying a setting name"))
	case len(words) == 3:
		v, err := c.ShowSetting(words[2])
		if err != nil {
			return fail(err)
		}
		out.WriteString(v + "\n")
	case json:
		out.WriteString(c.ShowJSON() + "\n")
	default:
		out.WriteString(c.ShowText() + "\n")
	}
	return out.String(), errs.String(), 0
}

func TestReferenceCases(t *testing.T) {
	files, err := filepath.Glob("testdata/cases/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			tc := parseCase(name, string(b))
			root, env, args := tc.setup(t)
			stdout, stderr, exit := nixLike(root, env, args)
			unexpand := func(s string) string { return strings.ReplaceAll(s, caseRoot, "$ROOT") }
			wantOut, _ := tc.get("stdout")
			wantErr, _ := tc.get("stderr")
			wantExit, _ := tc.get("exit")
			if got := unexpand(stdout); got != wantOut {
				t.Errorf("stdout:\n%s", diffLines(wantOut, got))
			}
			if got := unexpand(stderr); got != wantErr {
				t.Errorf("stderr:\ngot:\n%swant:\n%s", got, wantErr)
			}
			if got := fmt.Sprintf("%d\n", exit); got != wantExit {
				t.Errorf("exit = %s, want %s", strings.TrimSpace(got), strings.TrimSpace(wantExit))
			}
		})
	}
}

// diffLines reports the lines that differ, for long outputs.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %.300q\n  got  %.300q\n", i+1, wl, gl)
		}
	}
	return b.String()
}
