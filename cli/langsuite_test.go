// This file runs the upstream Nix language test suite in-process against
// nix-instantiate, with the rules of ../shared/conformance/run-lang-tests.

package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/nixgo/nixgo/format/ospath"
)

// suiteCase is one case of the suite and its outcome.
type suiteCase struct {
	name            string
	ok, stderrMatch bool
	detail          string
}

// langSuite returns the suite directory from NIXGO_LANG_SUITE, or skips.
func langSuite(t *testing.T) string {
	dir := os.Getenv("NIXGO_LANG_SUITE")
	if dir == "" {
		t.Skip("NIXGO_LANG_SUITE is not set; CI points it at ../shared/conformance/nix-lang")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func readFlags(path string, def []string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return def
	}
	var words []string
	for _, line := range strings.Split(string(b), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		words = append(words, strings.Fields(line)...)
	}
	return words
}

func readOpt(path string) (string, bool) {
	b, err := os.ReadFile(path)
	return string(b), err == nil
}

// copyTree copies the suite, keeping symlinks.
func copyTree(t *testing.T, src, dst string) {
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, out)
		case fi.IsDir():
			return os.MkdirAll(out, 0o755)
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(out, b, fi.Mode().Perm())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

func runSuiteCase(t *testing.T, root, lang, name string) suiteCase {
	// USERPROFILE is what CppNix reads for ~ on Windows, in place of HOME.
	env := map[string]string{
		"TEST_VAR": "foo", "NIX_REMOTE": "dummy://", "NIX_STORE_DIR": "/nix/store",
		"NIX_PATH": "lang/dir3:lang/dir4", "HOME": "/fake-home", "PAGER": "cat",
		"USERPROFILE": "/fake-home", "XDG_CONFIG_HOME": filepath.Join(root, "no-such-xdg"),
		"PATH": os.Getenv("PATH"), "NIX_CONF_DIR": filepath.Join(root, "no-such-conf"),
	}
	getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	var args []string
	var stdin []byte
	expectCode := 0
	var expOut, expErr *string
	base := filepath.Join(lang, name)
	switch {
	case strings.HasPrefix(name, "parse-"):
		args = []string{"--parse", "-"}
		stdin, _ = os.ReadFile(base + ".nix")
		if strings.HasPrefix(name, "parse-okay-") {
			s, _ := readOpt(base + ".exp")
			expOut = &s
		} else {
			expectCode = 1
		}
		if s, ok := readOpt(base + ".err.exp"); ok {
			expErr = &s
		} else {
			empty := ""
			expErr = &empty
		}
	case strings.HasPrefix(name, "eval-fail-"):
		args = append(readFlags(base+".flags", []string{"--eval", "--strict", "--show-trace"}), "lang/"+name+".nix")
		expectCode = 1
		s, _ := readOpt(base + ".err.exp")
		expErr = &s
	default:
		if s, ok := readOpt(base + ".exp.xml"); ok {
			args = []string{"--eval", "--xml", "--no-location", "--strict", "lang/" + name + ".nix"}
			expOut = &s
		} else {
			args = append(readFlags(base+".flags", nil), "--eval", "--strict", "lang/"+name+".nix")
			s, _ := readOpt(base + ".exp")
			expOut = &s
			e, _ := readOpt(base + ".err.exp")
			expErr = &e
		}
	}
	var stdout, stderr bytes.Buffer
	code := MainEnv(append([]string{"nix-instantiate"}, args...), bytes.NewReader(stdin), &stdout, &stderr, getenv)
	out, errOut := stdout.String(), stderr.String()
	for _, r := range []string{root, ospath.FromNative(root)} { // the same on Unix
		out = strings.ReplaceAll(out, r, "/pwd")
		errOut = strings.ReplaceAll(errOut, r, "/pwd")
	}
	if _, err := os.Stat(base + ".postprocess"); err == nil && runtime.GOOS != "windows" {
		errOut = postprocess(t, base+".postprocess", name, errOut)
	}
	c := suiteCase{name: name}
	c.ok = code == expectCode && (expOut == nil || out == *expOut)
	c.stderrMatch = c.ok && (expErr == nil || errOut == *expErr)
	if !c.ok {
		c.detail = "exit " + itoa(code) + "\nstdout:\n" + out + "\nstderr:\n" + errOut
	}
	return c
}

func itoa(n int) string { return strconv.Itoa(n) }

func postprocess(t *testing.T, script, name, text string) string {
	d := t.TempDir()
	base := filepath.Join(d, name)
	os.WriteFile(base+".out", []byte(text), 0o644)
	os.WriteFile(base+".err", []byte(text), 0o644)
	exec.Command("bash", script, base).Run()
	b, _ := os.ReadFile(base + ".err")
	return string(b)
}

// TestLangSuite runs every case. Known failures are listed with reasons in
// testdata/lang-known-failures.txt; a listed case that passes fails the test, so
// the list stays true. The cases whose stderr matches to the letter are listed in
// testdata/lang-stderr-match.txt; losing one fails the test.
func TestLangSuite(t *testing.T) {
	suite := langSuite(t)
	tmp := t.TempDir()
	root := filepath.Join(tmp, "functional")
	lang := filepath.Join(root, "lang")
	copyTree(t, suite, lang)
	cwd, _ := os.Getwd()
	if err := os.Chdir(root); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(cwd)

	known := readList(t, filepath.Join(cwd, "testdata/lang-known-failures.txt"))
	stderrList := readList(t, filepath.Join(cwd, "testdata/lang-stderr-match.txt"))
	entries, _ := os.ReadDir(lang)
	var names []string
	for _, e := range entries {
		n := e.Name()
		if strings.HasSuffix(n, ".nix") && (strings.HasPrefix(n, "eval-") || strings.HasPrefix(n, "parse-")) {
			n = strings.TrimSuffix(n, ".nix")
			if _, err := os.Stat(filepath.Join(lang, n+".exp-disabled")); err == nil {
				continue
			}
			names = append(names, n)
		}
	}
	sort.Strings(names)
	pass, match := map[string]int{}, map[string]int{}
	total := map[string]int{}
	var newMatches []string
	for _, n := range names {
		c := runSuiteCase(t, root, lang, n)
		cat := strings.Join(strings.SplitN(n, "-", 3)[:2], "-")
		total[cat]++
		if c.ok {
			pass[cat]++
		}
		if c.stderrMatch {
			match[cat]++
			if _, listed := stderrList[n]; !listed {
				newMatches = append(newMatches, n)
			}
		} else if _, listed := stderrList[n]; listed {
			t.Errorf("%s: stderr no longer matches the expected output", n)
		}
		reason, isKnown := known[n]
		switch {
		case c.ok && isKnown && strings.HasPrefix(reason, "environment:"):
			// Fails only where the suite's copy lacks what the case needs.
		case c.ok && isKnown:
			t.Errorf("%s passes but is listed in testdata/lang-known-failures.txt: remove it", n)
		case !c.ok && !isKnown:
			t.Errorf("%s fails:\n%s", n, c.detail)
		}
	}
	for _, cat := range []string{"parse-okay", "parse-fail", "eval-okay", "eval-fail"} {
		t.Logf("%-12s %4d/%-4d pass %4d/%-4d match stderr", cat, pass[cat], total[cat], match[cat], total[cat])
	}
	if len(newMatches) > 0 {
		t.Logf("stderr now matches for %d cases not in testdata/lang-stderr-match.txt: %s", len(newMatches), strings.Join(newMatches, " "))
		if os.Getenv("NIXGO_UPDATE") == "1" {
			f, _ := os.OpenFile(filepath.Join(cwd, "testdata/lang-stderr-match.txt"), os.O_APPEND|os.O_WRONLY, 0o644)
			for _, n := range newMatches {
				f.WriteString(n + "\n")
			}
			f.Close()
		}
	}
}

// readList reads "name  # reason" lines.
func readList(t *testing.T, path string) map[string]string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	m := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		reason := ""
		if i := strings.IndexByte(line, '#'); i >= 0 {
			reason = strings.TrimSpace(line[i+1:])
			line = line[:i]
		}
		if f := strings.TrimSpace(line); f != "" {
			m[f] = reason
		}
	}
	return m
}
