// This file tests the roots of running processes on Linux: a process whose
// working directory, open file and environment are in the store keeps those
// paths alive, seen through /proc (censored when asked).

package local

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/internal/testdir"
)

func TestRuntimeRoots(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	// The store directory must be the real one for /proc to name paths
	// in it.
	root := testdir.New(t)
	cfg := Config{StoreDir: root + "/store", StateDir: root + "/var", UseWAL: true, FsyncMetadata: true, NoSyncContents: true}
	s, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cwd := addTree(t, s, "cwd", map[string]string{"f": "cwd"})
	open := addTree(t, s, "open", map[string]string{"f": "open"})
	env := addTextRefs(t, s, "env", "env")
	unused := addTextRefs(t, s, "unused", "unused")
	s.Close()
	if s, err = Open(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", fmt.Sprintf("exec 3<%s/f; echo started; exec sleep 60", s.RealPath(open)))
	cmd.Dir = s.RealPath(cwd)
	cmd.Env = []string{"X=" + s.dir.Path(env) + ":/other"}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	buf := make([]byte, 8)
	out.Read(buf) // "started": the file is open

	deadline := time.Now().Add(5 * time.Second)
	var roots store.Roots
	for {
		if roots, err = s.FindRoots(ctx, false); err != nil {
			t.Fatal(err)
		}
		if len(roots) >= 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	pid := fmt.Sprint(cmd.Process.Pid)
	want := map[storepath.StorePath]string{
		cwd:  "/proc/" + pid + "/cwd",
		open: "/proc/" + pid + "/fd/3",
		env:  "/proc/" + pid + "/environ",
	}
	for p, link := range want {
		if !slices.Contains(roots[p], link) {
			t.Errorf("roots of %s = %q, want %q", p.Name(), roots[p], link)
		}
	}
	if _, ok := roots[unused]; ok {
		t.Errorf("unused path is a root: %q", roots[unused])
	}
	censored, err := s.FindRoots(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	for p := range want {
		if !slices.Equal(censored[p], []string{store.CensoredRoot}) {
			t.Errorf("censored roots of %s = %q", p.Name(), censored[p])
		}
	}
	res, err := s.CollectGarbage(ctx, store.GCOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Paths, []string{s.dir.Path(unused)}) {
		t.Errorf("deleted %s, want only the unused path", strings.Join(res.Paths, ", "))
	}
}
