// This file tests crash safety: a child process adds a large tree, restores
// a NAR or imports an export into a store and is killed with SIGKILL at a
// random moment, many times; afterwards the store must verify cleanly (every
// valid path complete, with its recorded hash).
//
// NIXGO_CRASH_ITER sets the number of kills per operation (default 6);
// NIXGO_CRASH_STORE keeps the store in that directory, for
// store/interop/crash.sh to check with CppNix's nix-store --verify
// --check-contents.

//go:build unix

package local

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/nar"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/internal/testdir"
)

// crashChild is the child's side: it runs one operation on the store and
// exits. It is selected by NIXGO_CRASH_CHILD.
func crashChild() {
	op, root, data := os.Getenv("NIXGO_CRASH_CHILD"), os.Getenv("NIXGO_CRASH_ROOT"), os.Getenv("NIXGO_CRASH_DATA")
	variant := os.Getenv("NIXGO_CRASH_VARIANT")
	s, err := Open(context.Background(), chrootConfig(root))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	switch op {
	case "add":
		_, err = store.AddPath(ctx, s, "tree-"+variant, data+"/tree", store.AddOptions{}, nil)
	case "restore":
		var info *store.PathInfo
		info, err = restoreInfo(data, variant)
		if err == nil {
			var f *os.File
			if f, err = os.Open(data + "/tree.nar"); err == nil {
				err = s.AddNAR(ctx, info, f, store.AddNAROptions{})
				f.Close()
			}
		}
	case "import":
		var f *os.File
		if f, err = os.Open(data + "/export"); err == nil {
			_, err = store.Import(ctx, s, f, store.AddNAROptions{})
			f.Close()
		}
	case "gc": // see gc_crash_test.go
		_, err = s.CollectGarbage(ctx, store.GCOptions{})
	}
	s.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

func TestMain(m *testing.M) {
	if os.Getenv("NIXGO_CRASH_CHILD") != "" {
		crashChild()
	}
	os.Exit(m.Run())
}

// restoreInfo is the metadata of the tree's NAR imported as an
// input-addressed path named after variant.
func restoreInfo(data, variant string) (*store.PathInfo, error) {
	b, err := os.ReadFile(data + "/tree.nar.sha256")
	if err != nil {
		return nil, err
	}
	h, err := hash.ParseAnyPrefixed(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(data + "/tree.nar")
	if err != nil {
		return nil, err
	}
	p, err := storepath.FromDigest(hash.Sum(hash.SHA1, []byte("restored"+variant)).Digest(), "restored-"+variant)
	if err != nil {
		return nil, err
	}
	return &store.PathInfo{Path: p, NarHash: h, NarSize: uint64(st.Size())}, nil
}

// makeCrashData writes the inputs of the children: a tree of many files
// (one large), its NAR, and an export of a chain of paths and the tree.
func makeCrashData(t *testing.T, data string) {
	r := rand.New(rand.NewPCG(1, 1))
	tree := data + "/tree"
	for i := range 400 {
		dir := filepath.Join(tree, fmt.Sprintf("d%02d", i%20))
		os.MkdirAll(dir, 0o755)
		b := make([]byte, 1024+r.IntN(32<<10))
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		mode := os.FileMode(0o644)
		if i%7 == 0 {
			mode = 0o755
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d", i)), b, mode); err != nil {
			t.Fatal(err)
		}
	}
	os.Symlink("d00/f000", tree+"/link")
	os.Mkdir(tree+"/empty", 0o755)
	big := bytes.Repeat([]byte("0123456789abcdef"), (24<<20)/16)
	if err := os.WriteFile(tree+"/big", big, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(data + "/tree.nar")
	if err != nil {
		t.Fatal(err)
	}
	h := hash.NewHasher(hash.SHA256)
	if err := nar.DumpPath(io.MultiWriter(f, h), tree); err != nil {
		t.Fatal(err)
	}
	f.Close()
	os.WriteFile(data+"/tree.nar.sha256", []byte(h.Sum().Format(hash.Base16, true)), 0o644)

	// The export comes from a store of its own.
	src := openTest(t, testdir.New(t))
	defer src.Close()
	var paths []storepath.StorePath
	prev := []storepath.StorePath{}
	for i := range 20 {
		p, err := store.AddText(ctx, src, fmt.Sprintf("chain-%d", i), strings.Repeat(fmt.Sprint(prev, i), 1000), prev, false)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		prev = []storepath.StorePath{p}
	}
	tp, err := store.AddPath(ctx, src, "exported-tree", tree, store.AddOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	paths = append(paths, tp)
	var buf bytes.Buffer
	if err := store.Export(ctx, src, paths, &buf); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(data+"/export", buf.Bytes(), 0o644)
}

// verifyClean fails the test unless verifying s with its contents finds
// nothing wrong.
func verifyClean(t *testing.T, s *Store, what string) {
	t.Helper()
	var problems []string
	bad, err := s.Verify(ctx, store.VerifyOptions{CheckContents: true, Log: store.LoggerFunc(func(l store.Level, m string) {
		if l <= store.LevelWarn {
			problems = append(problems, m)
		}
	})})
	if err != nil || bad || len(problems) > 0 {
		t.Fatalf("%s: verify: %v, %v\n%s", what, bad, err, strings.Join(problems, "\n"))
	}
}

// checkAndCollect verifies the store after a kill, then deletes every valid
// path and every unlocked temporary directory, as a garbage collector would.
func checkAndCollect(t *testing.T, root, what string) {
	t.Helper()
	s := openTest(t, root)
	defer s.Close()
	verifyClean(t, s, what)
	paths, err := s.QueryAllValidPaths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sorted, err := store.TopoSort(ctx, s, paths)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range sorted {
		if err := s.db.txn(ctx, func(q querier) error { return s.invalidatePath(ctx, q, p) }); err != nil {
			t.Fatal(err)
		}
		if err := removeAll(s.RealPath(p)); err != nil {
			t.Fatal(err)
		}
	}
	names, _ := readDirNames(s.realDir)
	for _, n := range names {
		if !strings.HasPrefix(n, "tmp-") {
			continue
		}
		d, err := os.Open(s.realDir + "/" + n)
		if err != nil {
			continue
		}
		if ok, _ := lockFile(d, lockWrite, false); !ok {
			t.Errorf("%s: temporary directory %s is still locked", what, n)
		} else {
			removeAll(s.realDir + "/" + n)
		}
		d.Close()
	}
}

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	iters := 6
	if n, err := strconv.Atoi(os.Getenv("NIXGO_CRASH_ITER")); err == nil {
		iters = n
	}
	root := os.Getenv("NIXGO_CRASH_STORE")
	if root == "" {
		root = testdir.New(t)
	}
	data := testdir.New(t)
	makeCrashData(t, data)
	s := openTest(t, root) // creates the store
	s.Close()

	run := func(op string, variant int, killAfter time.Duration) (time.Duration, bool) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "NIXGO_CRASH_CHILD="+op, "NIXGO_CRASH_ROOT="+root,
			"NIXGO_CRASH_DATA="+data, "NIXGO_CRASH_VARIANT="+strconv.Itoa(variant))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		killed := false
		if killAfter > 0 {
			timer := time.AfterFunc(killAfter, func() { cmd.Process.Signal(syscall.SIGKILL) })
			defer timer.Stop()
		}
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			killed = true
		} else if err != nil {
			t.Fatalf("%s: %v\n%s", op, err, &stderr)
		}
		return time.Since(start), killed
	}
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	kills := 0
	for _, op := range []string{"add", "restore", "import"} {
		// A first, complete run measures the operation; the others are
		// killed at random moments within that time. After each, the
		// store must verify, and is then emptied (as a collector would)
		// so that the next run does all the work again.
		full, _ := run(op, 0, 0)
		for i := range iters {
			d := time.Duration(r.Int64N(int64(full)*9/8)) + time.Millisecond
			if _, killed := run(op, 1+i%4, d); killed {
				kills++
			}
			checkAndCollect(t, root, fmt.Sprintf("%s run %d", op, i))
		}
		t.Logf("%s: a full run takes %v", op, full.Round(time.Millisecond))
	}
	t.Logf("%d of %d runs killed", kills, 3*iters)
	// Leave, for the final checks (and CppNix's), what one more killed
	// run of each operation left behind, then complete results.
	ops := []string{"add", "restore", "import"}
	fulls := map[string]time.Duration{}
	for i, op := range ops {
		fulls[op], _ = run(op, 5+i, 0)
	}
	checkAndCollect(t, root, "before the last kills")
	for i, op := range ops {
		run(op, 5+i, time.Duration(r.Int64N(int64(fulls[op])))+time.Millisecond)
	}
	for _, op := range ops {
		run(op, 9, 0)
	}

	s = openTest(t, root)
	defer s.Close()
	var problems []string
	bad, err := s.Verify(ctx, store.VerifyOptions{CheckContents: true, Log: store.LoggerFunc(func(l store.Level, m string) {
		if l <= store.LevelWarn {
			problems = append(problems, m)
		}
	})})
	if err != nil || bad || len(problems) > 0 {
		t.Errorf("verify after the crashes: %v, %v\n%s", bad, err, strings.Join(problems, "\n"))
	}
	paths, _ := s.QueryAllValidPaths(ctx)
	t.Logf("%d valid paths after the crashes", len(paths))
}

// TestConcurrentProcesses runs several processes adding the same and
// different objects to one store at once: all must succeed and the store
// must verify.
func TestConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	root, data := testdir.New(t), testdir.New(t)
	makeCrashData(t, data)
	s := openTest(t, root)
	s.Close()
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for i, op := range []string{"add", "add", "add", "restore", "restore", "import", "import"} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "NIXGO_CRASH_CHILD="+op, "NIXGO_CRASH_ROOT="+root,
			"NIXGO_CRASH_DATA="+data, "NIXGO_CRASH_VARIANT="+strconv.Itoa(i%2))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, &out)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("process %d: %v\n%s", i, err, outs[i])
		}
	}
	s = openTest(t, root)
	defer s.Close()
	if bad, err := s.Verify(ctx, store.VerifyOptions{CheckContents: true}); bad || err != nil {
		t.Errorf("verify: %v, %v", bad, err)
	}
	paths, _ := s.QueryAllValidPaths(ctx)
	if len(paths) != 2+2+21 {
		t.Errorf("%d valid paths, want 25", len(paths))
	}
}
