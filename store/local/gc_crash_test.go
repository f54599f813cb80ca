// This file tests that a garbage collection killed with SIGKILL at a random
// moment never leaves a valid path with missing or partial contents, and
// never touches live paths: a child process (crashChild's "gc") collects a
// store holding a rooted closure and much garbage, and is killed within the
// time a full collection takes; afterwards the store must verify with its
// contents, the live paths must be intact, and the next collection must
// remove what the killed one left.
//
// NIXGO_CRASH_ITER sets the number of kills (default 6).

//go:build unix

package local

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/internal/testdir"
)

func TestGCCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	if !canSymlink(t) {
		t.Skip("GC roots are symlinks")
	}
	iters := 6
	if n, err := strconv.Atoi(os.Getenv("NIXGO_CRASH_ITER")); err == nil {
		iters = n
	}
	root, data := testdir.New(t), testdir.New(t)
	tree := filepath.Join(data, "tree")
	for i := range 150 {
		dir := filepath.Join(tree, fmt.Sprintf("d%02d", i%10))
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d", i)), bytes.Repeat([]byte{byte(i)}, 512+i*7), 0o644)
	}

	// The live closure: a root on a tree that refers to a text.
	s := openTest(t, root)
	dep := addTextRefs(t, s, "live-dep", "the dependency")
	f := filepath.Join(data, "live")
	os.WriteFile(f, []byte("I use /nix/store/"+dep.Base()), 0o644)
	live, err := store.AddPath(ctx, s, "live", f, store.AddOptions{References: []storepath.StorePath{dep}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	os.Symlink("/nix/store/"+live.Base(), root+"/nix/var/nix/gcroots/live")

	// populate adds garbage: trees and a chain of texts referring to
	// each other.
	populate := func(round int) {
		cfg := chrootConfig(root)
		cfg.NoSyncContents = true
		s, err := Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for i := range 12 {
			if _, err := store.AddPath(ctx, s, fmt.Sprintf("garbage-%d-%d", round, i), tree, store.AddOptions{}, nil); err != nil {
				t.Fatal(err)
			}
		}
		prev := []storepath.StorePath{dep}
		for i := range 20 {
			p, err := store.AddText(ctx, s, fmt.Sprintf("chain-%d-%d", round, i), fmt.Sprint(round, i, prev), prev, false)
			if err != nil {
				t.Fatal(err)
			}
			prev = []storepath.StorePath{p}
		}
	}
	run := func(killAfter time.Duration) (time.Duration, bool) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "NIXGO_CRASH_CHILD=gc", "NIXGO_CRASH_ROOT="+root)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if killAfter > 0 {
			timer := time.AfterFunc(killAfter, func() { cmd.Process.Signal(syscall.SIGKILL) })
			defer timer.Stop()
		}
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return time.Since(start), true
		} else if err != nil {
			t.Fatalf("gc: %v\n%s", err, &stderr)
		}
		return time.Since(start), false
	}
	check := func(what string) {
		t.Helper()
		s := openTest(t, root)
		defer s.Close()
		verifyClean(t, s, what)
		for _, p := range []storepath.StorePath{live, dep} {
			if ok, _ := s.IsValidPath(ctx, p); !ok {
				t.Fatalf("%s: live path %s deleted", what, p)
			}
		}
	}

	populate(0)
	full, _ := run(0)
	check("a full collection")
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	kills := 0
	for i := range iters {
		populate(i + 1)
		d := time.Duration(r.Int64N(int64(full)*6/5)) + time.Millisecond
		if _, killed := run(d); killed {
			kills++
		}
		check(fmt.Sprintf("run %d (kill after %v)", i, d))
	}
	t.Logf("a full collection takes %v; %d of %d runs killed", full.Round(time.Millisecond), kills, iters)
	run(0)
	check("the last collection")
	names, _ := readDirNames(root + "/nix/store")
	for _, n := range names {
		if n != ".links" && n != live.Base() && n != dep.Base() {
			t.Errorf("left after the last collection: %s", n)
		}
	}
}
