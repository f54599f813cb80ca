// Command gencorpus fills in the results of the reference corpus
// (lang/eval/testdata/corpus/*.txt) by running each case with CppNix 2.26 through
// shared/tools/reference-nix. The Go tests only read the corpus; they never run
// the reference.
//
//	go run ./lang/eval/testdata/gencorpus [-all] [-case REGEXP] [-ref reference-nix] [FILE...]
//
// Cases without results get them; with -all (or -case) the chosen cases run again.
// A case without a name is named after its file and a number. Each case runs in a
// fresh scratch directory under /tmp (corpus.NewRoot, which the reference sees), with only PATH,
// the variables of corpus.Case.Environ and a fresh store (NIX_REMOTE) set.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/nixgo/nixgo/lang/eval/internal/corpus"
)

func main() {
	all := flag.Bool("all", false, "run every case again")
	only := flag.String("case", "", "run again the cases whose names match this regular expression")
	ref := flag.String("ref", "", "reference-nix script (default: ../shared/tools/reference-nix from the module root)")
	jobs := flag.Int("j", 2, "cases to run at once")
	flag.Parse()
	if *ref == "" {
		wd, _ := os.Getwd()
		*ref = filepath.Join(wd, "..", "shared", "tools", "reference-nix")
	}
	files := flag.Args()
	if len(files) == 0 {
		files, _ = filepath.Glob("lang/eval/testdata/corpus/*.txt")
	}
	var re *regexp.Regexp
	if *only != "" {
		re = regexp.MustCompile(*only)
	}
	for _, name := range files {
		if err := genFile(name, *ref, *all, re, *jobs); err != nil {
			log.Fatalf("%s: %v", name, err)
		}
	}
}

// genFile runs the cases of one corpus file that need it and rewrites the file.
func genFile(name, ref string, all bool, re *regexp.Regexp, jobs int) error {
	src, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	f, err := corpus.Parse(string(src))
	if err != nil {
		return err
	}
	nameCases(f, strings.TrimSuffix(filepath.Base(name), ".txt"))
	var todo []*corpus.Case
	for _, c := range f.Cases {
		if re != nil && re.MatchString(c.Name) || re == nil && (all || !c.Done) {
			todo = append(todo, c)
		}
	}
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for _, c := range todo {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := run(ref, f, c); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("%s: %v", c.Name, err)
				}
				mu.Unlock()
			}
			fmt.Fprintf(os.Stderr, "%s: exit %d\n", c.Name, c.Exit)
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return os.WriteFile(name, []byte(f.Format()), 0o644)
}

// nameCases names the unnamed cases THEME-NNN after the highest number in use.
func nameCases(f *corpus.File, theme string) {
	next := 1
	for _, c := range f.Cases {
		var n int
		if _, err := fmt.Sscanf(strings.TrimPrefix(c.Name, theme+"-"), "%d", &n); err == nil && n >= next {
			next = n + 1
		}
	}
	for _, c := range f.Cases {
		if c.Name == "" {
			c.Name = fmt.Sprintf("%s-%03d", theme, next)
			next++
		}
	}
}

// run runs one case with the reference in a fresh scratch directory.
func run(ref string, f *corpus.File, c *corpus.Case) error {
	root, err := corpus.NewRoot()
	if err != nil {
		return err
	}
	defer corpus.RemoveRoot(root)
	if err := c.Setup(root); err != nil {
		return err
	}
	words, err := f.Command(c, root)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, ref, words...)
	cmd.Dir = filepath.Join(root, "pwd")
	// A fresh store for each case (a chroot store under the scratch directory):
	// nix eval writes to the store, and what is valid there changes what later
	// cases print.
	cmd.Env = append([]string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"NIX_REMOTE=local?root=" + root + "/store"},
		corpus.EnvList(c.Environ(root))...)
	cmd.Stdin = strings.NewReader(c.StdinText())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	code := 0
	if err := cmd.Run(); err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			return err
		}
		code = ee.ExitCode()
	}
	c.Stdout = corpus.Normalize(out.String(), root)
	c.Stderr = corpus.Normalize(errb.String(), root)
	c.Exit, c.Done = code, true
	return nil
}
