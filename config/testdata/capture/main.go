// Command capture records CppNix's behaviour for the config test cases.
//
// It is not part of the tests: run it by hand on a machine with
// reference-nix (shared/tools/reference-nix, CppNix 2.26 in a chroot):
//
//	go run ./config/testdata/capture [config/testdata/cases/NAME.txt...]
//
// For each case it writes the case's files under /tmp/nixgo-config-test
// (the case's $ROOT, visible inside the chroot), runs the case's command
// with reference-nix in an environment holding only PATH, HOME=$ROOT/home
// and the case's variables, and rewrites the case's stdout, stderr and
// exit sections with what CppNix did ($ROOT written back as "$ROOT").
// See ../../case_test.go for the case format.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const root = "/tmp/nixgo-config-test"

func main() {
	refNix := flag.String("reference-nix", "", "path of reference-nix (default: found from the working directory)")
	flag.Parse()
	files := flag.Args()
	if len(files) == 0 {
		files, _ = filepath.Glob("config/testdata/cases/*.txt")
	}
	if *refNix == "" {
		*refNix = findReferenceNix()
	}
	for _, f := range files {
		if err := capture(*refNix, f); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", f, err)
			os.Exit(1)
		}
	}
}

func findReferenceNix() string {
	for _, p := range []string{"../shared/tools/reference-nix", "../../shared/tools/reference-nix", "/work/shared/tools/reference-nix"} {
		if _, err := os.Stat(p); err == nil {
			abs, _ := filepath.Abs(p)
			return abs
		}
	}
	return "reference-nix"
}

type section struct{ name, body string }

func parse(text string) (comment string, secs []section) {
	lines := strings.SplitAfter(text, "\n")
	cur := -1
	var b strings.Builder
	flush := func() {
		if cur < 0 {
			comment = b.String()
		} else {
			secs[cur].body = b.String()
		}
		b.Reset()
	}
	for _, l := range lines {
		t := strings.TrimRight(l, "\n")
		if strings.HasPrefix(t, "-- ") && strings.HasSuffix(t, " --") && len(t) >= 6 {
			flush()
			secs = append(secs, section{name: t[3 : len(t)-3]})
			cur = len(secs) - 1
			continue
		}
		b.WriteString(l)
	}
	flush()
	return comment, secs
}

func expand(s string) string { return strings.ReplaceAll(s, "$ROOT", root) }

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

func capture(refNix, file string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	comment, secs := parse(string(b))
	if err := os.RemoveAll(root); err != nil {
		return err
	}
	env := []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + root + "/home"}
	var args []string
	var kept []section
	for _, s := range secs {
		switch {
		case s.name == "stdout" || s.name == "stderr" || s.name == "exit":
			continue
		case s.name == "args":
			args = splitArgs(expand(s.body))
		case s.name == "env":
			for _, l := range strings.Split(strings.TrimRight(s.body, "\n"), "\n") {
				if l != "" {
					env = append(env, expand(l))
				}
			}
		case strings.HasPrefix(s.name, "env "):
			env = append(env, strings.TrimPrefix(s.name, "env ")+"="+expand(s.body))
		case strings.HasPrefix(s.name, "file "):
			p := filepath.Join(root, strings.TrimPrefix(s.name, "file "))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(p, []byte(expand(s.body)), 0o644); err != nil {
				return err
			}
		case strings.HasPrefix(s.name, "dir "):
			if err := os.MkdirAll(filepath.Join(root, strings.TrimPrefix(s.name, "dir ")), 0o755); err != nil {
				return err
			}
		}
		kept = append(kept, s)
	}
	if len(args) == 0 {
		return errors.New("no args section")
	}
	if err := os.MkdirAll(root+"/home", 0o755); err != nil {
		return err
	}
	cmd := exec.Command(refNix, args...)
	cmd.Env = env
	cmd.Dir = root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	exit := 0
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return err
		}
		exit = ee.ExitCode()
	}
	unexpand := func(s string) string { return strings.ReplaceAll(s, root, "$ROOT") }
	kept = append(kept,
		section{"stdout", unexpand(stdout.String())},
		section{"stderr", unexpand(stderr.String())},
		section{"exit", fmt.Sprintf("%d\n", exit)})
	var out strings.Builder
	out.WriteString(comment)
	for _, s := range kept {
		fmt.Fprintf(&out, "-- %s --\n%s", s.name, s.body)
		if s.body != "" && !strings.HasSuffix(s.body, "\n") {
			return fmt.Errorf("section %s does not end in a newline", s.name)
		}
	}
	return os.WriteFile(file, []byte(out.String()), 0o644)
}
