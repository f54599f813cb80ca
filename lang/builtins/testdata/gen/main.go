// Command gen fills in the results of the cases in lang/builtins/testdata/paths.txt
// by running them with the reference implementation (CppNix 2.26 through
// shared/tools/reference-nix). The Go tests only read the file; they never run the
// reference.
//
//	go run ./lang/builtins/testdata/gen [-all] [-ref path/to/reference-nix] [file]
//
// Cases without results get them; with -all every case is run again. The tree the
// cases read is built in a fresh directory under /tmp, which the reference sees.
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
	"syscall"
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
	file := "lang/builtins/testdata/paths.txt"
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
	dir, err := os.MkdirTemp("/tmp", "nixgo-paths-")
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
	lines := strings.Split(strings.TrimSuffix(src, "\n"), "\n")
	var c *testCase
	section := ""
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "=== "):
			c = &testCase{name: l[4:]}
			cases = append(cases, c)
			section = ""
		case c == nil:
			header = append(header, l)
		case l == "--- stdout" || l == "--- stderr":
			section = l[4:]
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
			b.WriteString("--- stdout\n" + c.stdout + "--- stderr\n" + c.stderr + "--- exit " + c.exit + "\n")
		}
	}
	return b.String()
}

// buildTree creates the files the "tree" lines describe.
func buildTree(dir string, header []string) error {
	for _, l := range header {
		f := strings.Fields(l)
		if len(f) < 3 || f[0] != "tree" {
			continue
		}
		kind, p := f[1], filepath.Join(dir, f[2])
		arg := ""
		if len(f) > 3 {
			s, err := strconv.Unquote(strings.Join(f[3:], " "))
			if err != nil {
				return fmt.Errorf("%s: %v", l, err)
			}
			arg = strings.ReplaceAll(s, "@D@", dir)
		}
		var err error
		switch kind {
		case "file":
			err = os.WriteFile(p, []byte(arg), 0o644)
		case "exec":
			err = os.WriteFile(p, []byte(arg), 0o755)
		case "dir":
			err = os.Mkdir(p, 0o755)
		case "symlink":
			err = os.Symlink(arg, p)
		case "fifo":
			err = syscall.Mkfifo(p, 0o644)
		default:
			err = fmt.Errorf("unknown kind %q", kind)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// run evaluates a case with the reference in dir.
func run(ref, dir string, c *testCase) {
	args := []string{"nix-instantiate", "--eval", "--strict"}
	for _, f := range strings.Fields(c.flags) {
		args = append(args, strings.ReplaceAll(f, "@D@", dir))
	}
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
	for _, s := range []string{c.stdout, c.stderr} {
		if s != "" && !strings.HasSuffix(s, "\n") {
			log.Printf("%s: output without a final newline cannot be stored", c.name)
		}
	}
}
