// This file replays the reference corpus (testdata/corpus/*.txt: command lines with
// the exit status, standard output and standard error CppNix 2.26 gave for them)
// against nixgo's commands, run in-process.

package eval_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/nixgo/nixgo/cli"
	"github.com/nixgo/nixgo/lang/eval/internal/corpus"
)

// knownFile lists the cases where nixgo differs from the reference, one per
// line with the reason after "#". A listed case that matches fails the test, so
// the list stays true.
const knownFile = "testdata/corpus/known.list"

// TestCorpus runs every case of the corpus. NIXGO_CORPUS=REGEXP runs only the
// cases whose names match; NIXGO_CORPUS_SHOW=1 logs every difference, known or not.
func TestCorpus(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the corpus was recorded on Linux: its cases run in /tmp and print Unix paths")
	}
	cwd, _ := os.Getwd()
	defer os.Chdir(cwd)
	files, _ := filepath.Glob(filepath.Join(cwd, "testdata/corpus/*.txt"))
	if len(files) == 0 {
		t.Fatal("no corpus files")
	}
	known := readKnown(t)
	var filter *regexp.Regexp
	if s := os.Getenv("NIXGO_CORPUS"); s != "" {
		filter = regexp.MustCompile(s)
	}
	show := os.Getenv("NIXGO_CORPUS_SHOW") == "1"
	seen := map[string]bool{}
	total, match := 0, 0
	var newlyPassing []string
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := corpus.Parse(string(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, c := range f.Cases {
			if c.Name != "" && seen[c.Name] {
				t.Errorf("%s: case %s appears twice", name, c.Name)
			}
			seen[c.Name] = true
			if !c.Done || filter != nil && !filter.MatchString(c.Name) {
				continue
			}
			total++
			diff := runCase(t, f, c)
			reason, isKnown := known[c.Name]
			switch {
			case diff == "":
				match++
				if isKnown {
					newlyPassing = append(newlyPassing, c.Name)
				}
			case !isKnown:
				t.Errorf("%s differs from the reference:\n%s", c.Name, diff)
			case show:
				t.Logf("%s (known: %s):\n%s", c.Name, reason, diff)
			}
		}
	}
	for _, n := range newlyPassing {
		t.Errorf("%s matches the reference but is listed in %s: remove it", n, knownFile)
	}
	if filter == nil {
		for n := range known {
			if !seen[n] {
				t.Errorf("%s is listed in %s but is not in the corpus", n, knownFile)
			}
		}
	}
	t.Logf("%d/%d cases match the reference exactly", match, total)
}

// runCase runs one case in a fresh directory and describes how its results
// differ from the reference's ("" when they do not).
func runCase(t *testing.T, f *corpus.File, c *corpus.Case) string {
	root, err := corpus.NewRoot()
	if err != nil {
		t.Fatal(err)
	}
	defer corpus.RemoveRoot(root)
	if err := c.Setup(root); err != nil {
		t.Fatal(err)
	}
	words, err := f.Command(c, root)
	if err != nil {
		t.Fatal(err)
	}
	env := c.Environ(root)
	env["PATH"] = os.Getenv("PATH")
	if _, ok := env["NIX_REMOTE"]; !ok {
		// A fresh store for each case, as the generator ran the reference.
		env["NIX_REMOTE"] = "local?root=" + filepath.Join(root, "store")
	}
	getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	if err := os.Chdir(filepath.Join(root, "pwd")); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := cli.MainEnv(words, strings.NewReader(c.StdinText()), &stdout, &stderr, getenv)
	out := corpus.Normalize(stdout.String(), root)
	errOut := corpus.Normalize(stderr.String(), root)
	var d []string
	if code != c.Exit {
		d = append(d, "exit status "+strconv.Itoa(code)+", want "+strconv.Itoa(c.Exit))
	}
	if out != c.Stdout {
		d = append(d, "stdout:\n"+lineDiff(c.Stdout, out))
	}
	if errOut != c.Stderr {
		d = append(d, "stderr:\n"+lineDiff(c.Stderr, errOut))
	}
	return strings.Join(d, "\n")
}

// lineDiff shows the lines of want and got after their common beginning and end.
func lineDiff(want, got string) string {
	w, g := strings.SplitAfter(want, "\n"), strings.SplitAfter(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	j := 0
	for j < len(w)-i && j < len(g)-i && w[len(w)-1-j] == g[len(g)-1-j] {
		j++
	}
	var b strings.Builder
	for _, l := range w[i : len(w)-j] {
		b.WriteString("  -|" + strings.TrimSuffix(l, "\n") + "\n")
	}
	for _, l := range g[i : len(g)-j] {
		b.WriteString("  +|" + strings.TrimSuffix(l, "\n") + "\n")
	}
	return b.String()
}

// readKnown reads the known differences: "NAME  # reason" lines.
func readKnown(t *testing.T) map[string]string {
	b, err := os.ReadFile(knownFile)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for i, line := range strings.Split(string(b), "\n") {
		name, reason, _ := strings.Cut(line, "#")
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if strings.TrimSpace(reason) == "" {
			t.Errorf("%s:%d: %s has no reason", knownFile, i+1, name)
		}
		m[name] = strings.TrimSpace(reason)
	}
	return m
}
