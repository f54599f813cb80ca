// Command genformats fills in the results of the cases in
// lang/builtins/testdata/formats.txt by running them with the reference
// implementation (CppNix 2.26 through shared/tools/reference-nix). The Go tests
// (formats_test.go) only read the file; they never run the reference.
//
//	go run ./lang/builtins/testdata/genformats [-all] [-ref path/to/reference-nix] [file]
//
// Each case runs as `nix-instantiate --eval FLAGS -E EXPR` (FLAGS say --strict,
// --json or --xml themselves) in a fresh directory under /tmp holding the files
// of the "tree" lines. Cases without results get them; with -all every case is
// run again. Output without a final newline is stored with "--- stdout noeol".
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// testCase is one case of the file; results are empty until run.
type testCase struct {
	name, flags, expr, known string
	stdout, stderr, exit     string
	done                     bool
}

func main() {
	all := flag.Bool("all", false, "run every case again")
	ref := flag.String("ref", "", "reference-nix script (default: ../shared/tools/reference-nix from the module root)")
	flag.Parse()
	file := "lang/builtins/testdata/formats.txt"
	if flag.NArg() > 0 {
		file = flag.Arg(0)
	}
	if *ref == "" {
		wd, _ := os.Getwd()
		*ref = filepath.Join(wd, "..", "shared", "tools", "reference-nix")
	}
	src, err := os.ReadFile(file)
	if err != nil {
		log.Fatal(err)
	}
	header, cases := parse(string(src))
	dir, err := os.MkdirTemp("/tmp", "nixgo-formats-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := buildTree(dir, header); err != nil {
		log.Fatal(err)
	}
	for _, c := range cases {
		if c.done && !*all {
			continue
		}
		run(*ref, dir, c)
		fmt.Fprintf(os.Stderr, "%s: exit %s\n", c.name, c.exit)
	}
	if err := os.WriteFile(file, []byte(format(header, cases)), 0o644); err != nil {
		log.Fatal(err)
	}
}

// parse splits the file into its header lines and its cases.
func parse(src string) (header []string, cases []*testCase) {
	var c *testCase
	section := ""
	noEOL := map[string]bool{}
	end := func() {
		if c == nil {
			return
		}
		if noEOL["stdout"] {
			c.stdout = strings.TrimSuffix(c.stdout, "\n")
		}
		if noEOL["stderr"] {
			c.stderr = strings.TrimSuffix(c.stderr, "\n")
		}
		noEOL = map[string]bool{}
	}
	for _, l := range strings.Split(strings.TrimSuffix(src, "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "=== "):
			end()
			c = &testCase{name: l[4:]}
			cases = append(cases, c)
			section = ""
		case c == nil:
			header = append(header, l)
		case strings.HasPrefix(l, "--- stdout") || strings.HasPrefix(l, "--- stderr"):
			section = l[4:10]
			noEOL[section] = strings.HasSuffix(l, " noeol")
			c.done = true
		case strings.HasPrefix(l, "--- exit "):
			c.exit = l[9:]
			section = "end"
		case section == "stdout":
			c.stdout += l + "\n"
		case section == "stderr":
			c.stderr += l + "\n"
		case strings.HasPrefix(l, "flags: "):
			c.flags = l[7:]
		case strings.HasPrefix(l, "expr: "):
			c.expr = l[6:]
		case strings.HasPrefix(l, "known: "):
			c.known = l[7:]
		}
	}
	end()
	for len(header) > 0 && header[len(header)-1] == "" {
		header = header[:len(header)-1]
	}
	return header, cases
}

func format(header []string, cases []*testCase) string {
	var b strings.Builder
	for _, l := range header {
		b.WriteString(l + "\n")
	}
	section := func(name, s string) {
		if s != "" && !strings.HasSuffix(s, "\n") {
			b.WriteString("--- " + name + " noeol\n" + s + "\n")
		} else {
			b.WriteString("--- " + name + "\n" + s)
		}
	}
	for _, c := range cases {
		b.WriteString("\n=== " + c.name + "\n")
		if c.flags != "" {
			b.WriteString("flags: " + c.flags + "\n")
		}
		if c.known != "" {
			b.WriteString("known: " + c.known + "\n")
		}
		b.WriteString("expr: " + c.expr + "\n")
		if c.done {
			section("stdout", c.stdout)
			section("stderr", c.stderr)
			b.WriteString("--- exit " + c.exit + "\n")
		}
	}
	return b.String()
}

// buildTree creates the files of the "tree file NAME CONTENTS" and "tree dir
// NAME" lines.
func buildTree(dir string, header []string) error {
	for _, l := range header {
		f := strings.Fields(l)
		if len(f) < 3 || f[0] != "tree" {
			continue
		}
		p := filepath.Join(dir, f[2])
		var err error
		switch f[1] {
		case "file":
			var s string
			if s, err = strconv.Unquote(strings.Join(f[3:], " ")); err == nil {
				err = os.WriteFile(p, []byte(s), 0o644)
			}
		case "dir":
			err = os.Mkdir(p, 0o755)
		default:
			err = fmt.Errorf("unknown kind %q", f[1])
		}
		if err != nil {
			return fmt.Errorf("%s: %v", l, err)
		}
	}
	return nil
}

// run evaluates a case with the reference in dir.
func run(ref, dir string, c *testCase) {
	args := []string{"nix-instantiate", "--eval"}
	args = append(args, strings.Fields(c.flags)...)
	args = append(args, "-E", c.expr)
	cmd := exec.Command(ref, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NIX_REMOTE=dummy://", "NIX_PATH=", "HOME=/fake-home")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	code := 0
	if err := cmd.Run(); err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			log.Fatal(err)
		}
		code = ee.ExitCode()
	}
	c.stdout = strings.ReplaceAll(out.String(), dir, "@D@")
	c.stderr = strings.ReplaceAll(errb.String(), dir, "@D@")
	c.exit = strconv.Itoa(code)
	c.done = true
}
