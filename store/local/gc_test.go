// This file tests the garbage collector: the roots it finds (permanent,
// indirect, stale, invalid, temporary roots held by a live lock or left by a
// dead process, censoring), what it keeps (closures of roots, keep-outputs,
// keep-derivations) and deletes (referrers first, invalidated before their
// files go), --delete and its refusal of live paths, the size limit, unused
// links, and the roots socket that keeps paths added during a collection.

package local

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nixgo/nixgo/format/derivation"
	"github.com/nixgo/nixgo/format/fslink"
	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/nar"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/internal/testdir"
)

// gcLog collects what a collection says.
type gcLog struct {
	mu   sync.Mutex
	msgs []string
}

func (l *gcLog) Log(level store.Level, msg string) {
	if level <= store.LevelInfo {
		l.mu.Lock()
		l.msgs = append(l.msgs, msg)
		l.mu.Unlock()
	}
}

func (l *gcLog) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.msgs, "\n")
}

// deleted returns the paths the log says were deleted, in order.
func (l *gcLog) deleted() []string {
	var out []string
	for _, m := range l.msgs {
		if strings.HasPrefix(m, "deleting '") {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(m, "deleting '"), "'"))
		}
	}
	return out
}

// addText adds a text file with references.
func addTextRefs(t *testing.T, s *Store, name, text string, refs ...storepath.StorePath) storepath.StorePath {
	t.Helper()
	p, err := store.AddText(ctx, s, name, text, refs, false)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// addOutput registers a file as the output out of derivation drv.
func addOutput(t *testing.T, s *Store, out, drv storepath.StorePath, contents string, refs ...storepath.StorePath) {
	t.Helper()
	f := filepath.Join(testdir.New(t), "f")
	os.WriteFile(f, []byte(contents), 0o644)
	var b bytes.Buffer
	if err := nar.DumpPath(&b, f); err != nil {
		t.Fatal(err)
	}
	info := &store.PathInfo{Path: out, NarHash: hash.Sum(hash.SHA256, b.Bytes()), NarSize: uint64(b.Len()), Deriver: drv, References: refs}
	if err := s.AddNAR(ctx, info, &b, store.AddNAROptions{}); err != nil {
		t.Fatal(err)
	}
}

// selfText is the contents of the path addSelfReferring adds.
const selfText = "I am /nix/store/22222222222222222222222222222222-self"

// addSelfReferring adds a path that refers to itself.
func addSelfReferring(t *testing.T, s *Store) storepath.StorePath {
	t.Helper()
	p, err := s.dir.Parse("/nix/store/22222222222222222222222222222222-self")
	if err != nil {
		t.Fatal(err)
	}
	addOutput(t, s, p, storepath.StorePath{}, selfText, p)
	return p
}

// addDerivation adds a derivation with one output (not built).
func addDerivation(t *testing.T, s *Store, name string, srcs ...storepath.StorePath) (drv, out storepath.StorePath) {
	t.Helper()
	dir := s.Dir()
	d := &derivation.Derivation{
		Name: name, Outputs: map[string]derivation.Output{"out": {}}, InputDrvs: map[storepath.StorePath][]string{},
		InputSrcs: srcs, Platform: "x86_64-linux", Builder: "/bin/sh", Env: map[string]string{"name": name, "out": ""},
	}
	h, err := derivation.HashModulo(dir, d, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out, err = dir.MakeOutputPath("out", h.Hash, name); err != nil {
		t.Fatal(err)
	}
	d.Outputs["out"] = derivation.InputAddressedOutput(out)
	d.Env["out"] = dir.Path(out)
	return addTextRefs(t, s, name+".drv", d.ATerm(dir), d.References()...), out
}

// gcStore makes a chroot store with fill, then reopens it, so that the
// store that collects holds no temporary roots of its own.
func gcStore(t *testing.T, fill func(s *Store)) (*Store, string) {
	t.Helper()
	root := testdir.New(t)
	s := openTest(t, root)
	fill(s)
	s.Close()
	s = openTest(t, root)
	t.Cleanup(func() { s.Close() })
	return s, root
}

func valid(t *testing.T, s *Store, p storepath.StorePath) bool {
	t.Helper()
	ok, err := s.IsValidPath(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	_, serr := os.Lstat(s.RealPath(p))
	if ok && serr != nil {
		t.Errorf("%s is valid but its contents are gone", p)
	}
	return ok
}

func collect(t *testing.T, s *Store, opts store.GCOptions) (store.GCResults, *gcLog) {
	t.Helper()
	log := &gcLog{}
	opts.Log = log
	res, err := s.CollectGarbage(ctx, opts)
	if err != nil {
		t.Fatalf("CollectGarbage: %v\n%s", err, log.text())
	}
	return res, log
}

func TestFindRoots(t *testing.T) {
	var a, b, c, d storepath.StorePath
	ext := testdir.New(t)
	s, root := gcStore(t, func(s *Store) {
		a = addTextRefs(t, s, "a", "a")
		b = addTextRefs(t, s, "b", "b")
		c = addTextRefs(t, s, "c", "c")
		d = addTextRefs(t, s, "d", "d")
		if _, err := s.AddPermRoot(ctx, b, ext+"/result"); err != nil {
			t.Fatal(err)
		}
	})
	state := root + "/nix/var/nix"
	fslink.Symlink("/nix/store/"+a.Base(), state+"/gcroots/direct")
	fslink.Symlink("/nix/store/"+a.Base()+"/sub/file", state+"/gcroots/inside")
	os.MkdirAll(state+"/gcroots/deep/er", 0o755)
	os.WriteFile(state+"/gcroots/deep/er/"+c.Base(), nil, 0o644) // a file named after a path
	fslink.Symlink(ext+"/gone", state+"/gcroots/auto/stale")
	fslink.Symlink(ext+"/gone", state+"/gcroots/not-auto")
	fslink.Symlink("/nix/store/00000000000000000000000000000000-x", state+"/gcroots/invalid")
	fslink.Symlink("/nix/store/bad", state+"/gcroots/bad")
	fslink.Symlink("d-1-link", state+"/profiles/d")
	fslink.Symlink("/nix/store/"+d.Base(), state+"/profiles/d-1-link")

	log := &gcLog{}
	s.log = log
	roots, err := s.FindRoots(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range roots.Links() {
		got = append(got, strings.NewReplacer(root, "$R", ext, "$R/002").Replace(l.Link)+" -> "+l.Target.Base())
	}
	slices.Sort(got)
	got2 := strings.Join(got, "\n")
	want := strings.Join([]string{
		"$R/002/result -> " + b.Base(),
		"$R/nix/var/nix/gcroots/deep/er/" + c.Base() + " -> " + c.Base(),
		"$R/nix/var/nix/gcroots/direct -> " + a.Base(),
		"$R/nix/var/nix/gcroots/inside -> " + a.Base(),
		"$R/nix/var/nix/profiles/d-1-link -> " + d.Base(),
	}, "\n")
	if got2 != want {
		t.Errorf("roots:\n%s\nwant:\n%s", got2, want)
	}
	msgs := log.text()
	for _, m := range []string{
		"removing stale link from '" + state + "/gcroots/auto/stale' to '" + ext + "/gone'",
		"skipping invalid root from '" + state + "/gcroots/invalid' to '/nix/store/00000000000000000000000000000000-x'",
	} {
		if !strings.Contains(msgs, m) {
			t.Errorf("missing message %q in\n%s", m, msgs)
		}
	}
	if _, err := os.Lstat(state + "/gcroots/auto/stale"); !os.IsNotExist(err) {
		t.Errorf("stale auto link kept")
	}
	if _, err := os.Lstat(state + "/gcroots/not-auto"); err != nil {
		t.Errorf("a dangling link outside gcroots/auto was removed")
	}
}

func TestTempRoots(t *testing.T) {
	var a, b, c storepath.StorePath
	s, root := gcStore(t, func(s *Store) {
		a = addTextRefs(t, s, "a", "a")
		b = addTextRefs(t, s, "b", "b")
		c = addTextRefs(t, s, "c", "c")
	})
	// A live process (another store in this process holds its lock) uses a.
	user := openTest(t, root)
	defer user.Close()
	if err := user.AddTempRoot(ctx, a); err != nil {
		t.Fatal(err)
	}
	// A dead one used b: its file is not locked.
	stale := root + "/nix/var/nix/temproots/999999999"
	os.WriteFile(stale, []byte("/nix/store/"+b.Base()+"\x00"), 0o600)
	log := &gcLog{}
	s.log = log
	roots, err := s.FindRoots(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	want := "{temp:" + strconv.Itoa(os.Getpid()) + "}"
	if got := roots[a]; !slices.Equal(got, []string{want}) {
		t.Errorf("roots of a = %q, want %q", got, want)
	}
	if _, ok := roots[b]; ok {
		t.Errorf("a stale temporary root counts")
	}
	if !strings.Contains(log.text(), "removing stale temporary roots file '"+stale+"'") {
		t.Errorf("log: %s", log.text())
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale roots file kept")
	}
	censored, err := s.FindRoots(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := censored[a]; !slices.Equal(got, []string{store.CensoredRoot}) {
		t.Errorf("censored roots of a = %q", got)
	}
	// The collector keeps a and deletes b and c.
	collect(t, s, store.GCOptions{})
	if !valid(t, s, a) || valid(t, s, b) || valid(t, s, c) {
		t.Errorf("after GC: a %v, b %v, c %v; want true, false, false", valid(t, s, a), valid(t, s, b), valid(t, s, c))
	}
}

func TestCollectLiveness(t *testing.T) {
	var dep2, dep1, top, garbage, chainTop, chainBottom, self storepath.StorePath
	s, root := gcStore(t, func(s *Store) {
		dep2 = addTextRefs(t, s, "dep2", "dep2")
		dep1 = addTextRefs(t, s, "dep1", "dep1", dep2)
		top = addTextRefs(t, s, "top", "top", dep1)
		garbage = addTextRefs(t, s, "garbage", "garbage", dep2)
		chainBottom = addTextRefs(t, s, "chain-bottom", "bottom")
		chainTop = addTextRefs(t, s, "chain-top", "top", chainBottom)
		// A self-reference does not keep a path alive.
		self = addSelfReferring(t, s)
	})
	fslink.Symlink("/nix/store/"+top.Base(), root+"/nix/var/nix/gcroots/top")
	res, _ := collect(t, s, store.GCOptions{Action: store.GCReturnLive})
	wantLive := []string{s.dir.Path(dep1), s.dir.Path(dep2), s.dir.Path(top)}
	slices.Sort(wantLive)
	if !slices.Equal(res.Paths, wantLive) {
		t.Errorf("live = %q, want %q", res.Paths, wantLive)
	}
	res, _ = collect(t, s, store.GCOptions{Action: store.GCReturnDead})
	wantDead := []string{s.dir.Path(garbage), s.dir.Path(chainTop), s.dir.Path(chainBottom), s.dir.Path(self)}
	slices.Sort(wantDead)
	if !slices.Equal(withoutLocks(res.Paths), wantDead) {
		t.Errorf("dead = %q, want %q", res.Paths, wantDead)
	}
	if !valid(t, s, garbage) {
		t.Fatal("--print-dead deleted something")
	}

	res, log := collect(t, s, store.GCOptions{})
	if !slices.Equal(withoutLocks(res.Paths), wantDead) {
		t.Errorf("deleted = %q, want %q", res.Paths, wantDead)
	}
	for _, p := range []storepath.StorePath{top, dep1, dep2} {
		if !valid(t, s, p) {
			t.Errorf("live path %s deleted", p)
		}
	}
	for _, p := range []storepath.StorePath{garbage, chainTop, chainBottom, self} {
		if valid(t, s, p) {
			t.Errorf("dead path %s kept", p)
		}
		if _, err := os.Lstat(s.RealPath(p)); !os.IsNotExist(err) {
			t.Errorf("files of %s kept", p)
		}
	}
	// Referrers go first.
	order := log.deleted()
	if i, j := slices.Index(order, s.dir.Path(chainTop)), slices.Index(order, s.dir.Path(chainBottom)); i < 0 || j < i {
		t.Errorf("deletion order %q", order)
	}
	// The sizes of the files are what is freed.
	if want := uint64(len("garbage") + len("top") + len("bottom") + len(selfText)); res.BytesFreed != want {
		t.Errorf("freed %d, want %d", res.BytesFreed, want)
	}
	for _, m := range []string{"finding garbage collector roots...", "deleting garbage...", "deleting unused links...", "note: currently hard linking saves"} {
		if !strings.Contains(log.text(), m) {
			t.Errorf("missing %q in\n%s", m, log.text())
		}
	}
}

func TestCollectKeepOutputsDerivations(t *testing.T) {
	var src, drv, out storepath.StorePath
	s, root := gcStore(t, func(s *Store) {
		src = addTextRefs(t, s, "builder.sh", "echo")
		drv, out = addDerivation(t, s, "thing", src)
		addOutput(t, s, out, drv, "built")
	})
	gcroots := root + "/nix/var/nix/gcroots/"
	live := func(opts store.GCOptions) []string {
		opts.Action = store.GCReturnLive
		res, _ := collect(t, s, opts)
		var names []string
		for _, p := range res.Paths {
			names = append(names, p[len("/nix/store/")+33:])
		}
		slices.Sort(names)
		return names
	}
	// A root on the output keeps its derivation (keep-derivations, on by
	// default) and, through it, the builder.
	fslink.Symlink("/nix/store/"+out.Base(), gcroots+"out")
	if got := live(store.GCOptions{KeepDerivations: true}); !slices.Equal(got, []string{"builder.sh", "thing", "thing.drv"}) {
		t.Errorf("keep-derivations: live = %q", got)
	}
	if got := live(store.GCOptions{}); !slices.Equal(got, []string{"thing"}) {
		t.Errorf("no keep-derivations: live = %q", got)
	}
	os.Remove(gcroots + "out")
	// A root on the derivation keeps the output with keep-outputs only.
	fslink.Symlink("/nix/store/"+drv.Base(), gcroots+"drv")
	if got := live(store.GCOptions{KeepOutputs: true}); !slices.Equal(got, []string{"builder.sh", "thing", "thing.drv"}) {
		t.Errorf("keep-outputs: live = %q", got)
	}
	if got := live(store.GCOptions{KeepDerivations: true}); !slices.Equal(got, []string{"builder.sh", "thing.drv"}) {
		t.Errorf("no keep-outputs: live = %q", got)
	}
	// With keep-derivations, deleting a derivation alone is refused while
	// its output is valid (the output is in its closure of referrers);
	// the output alone can go.
	os.Remove(gcroots + "drv")
	delete := func(p storepath.StorePath) error {
		_, err := s.CollectGarbage(ctx, store.GCOptions{Action: store.GCDeleteSpecific, PathsToDelete: []storepath.StorePath{p}, KeepDerivations: true})
		return err
	}
	if err := delete(drv); err == nil || !strings.Contains(err.Error(), "since it is still alive") {
		t.Errorf("delete drv: %v", err)
	}
	if err := delete(out); err != nil || valid(t, s, out) || !valid(t, s, drv) {
		t.Errorf("delete out: %v; out %v, drv %v", err, valid(t, s, out), valid(t, s, drv))
	}
	if err := delete(drv); err != nil || valid(t, s, drv) {
		t.Errorf("delete drv after out: %v", err)
	}
}

func TestDeleteSpecific(t *testing.T) {
	var dep, top, other storepath.StorePath
	s, root := gcStore(t, func(s *Store) {
		dep = addTextRefs(t, s, "dep", "dep")
		top = addTextRefs(t, s, "top", "top", dep)
		other = addTextRefs(t, s, "other", "other")
	})
	fslink.Symlink("/nix/store/"+top.Base(), root+"/nix/var/nix/gcroots/top")
	log := &gcLog{}
	res, err := s.CollectGarbage(ctx, store.GCOptions{Action: store.GCDeleteSpecific, PathsToDelete: []storepath.StorePath{dep}, Log: log})
	want := "Cannot delete path '/nix/store/" + dep.Base() + "' since it is still alive. To find out why, use: nix-store --query --roots and nix-store --query --referrers"
	if err == nil || err.Error() != want || len(res.Paths) != 0 {
		t.Errorf("deleting a live path: %v, %q", err, res.Paths)
	}
	// With --ignore-liveness, a path still referred to is kept...
	_, err = s.CollectGarbage(ctx, store.GCOptions{Action: store.GCDeleteSpecific, IgnoreLiveness: true, PathsToDelete: []storepath.StorePath{dep}})
	if err == nil || !valid(t, s, dep) {
		t.Errorf("deleting a referenced path with --ignore-liveness: %v", err)
	}
	// ... but a rooted one is not.
	res, _ = collect(t, s, store.GCOptions{Action: store.GCDeleteSpecific, IgnoreLiveness: true, PathsToDelete: []storepath.StorePath{top}})
	if valid(t, s, top) || !valid(t, s, dep) || !slices.Equal(res.Paths, []string{s.dir.Path(top)}) {
		t.Errorf("--ignore-liveness: top %v, dep %v, %q", valid(t, s, top), valid(t, s, dep), res.Paths)
	}
	// Deleting several paths, one referring to the other.
	res, _ = collect(t, s, store.GCOptions{Action: store.GCDeleteSpecific, PathsToDelete: []storepath.StorePath{dep, other}})
	if valid(t, s, dep) || valid(t, s, other) || len(res.Paths) != 2 {
		t.Errorf("delete: %q", res.Paths)
	}
}

func TestCollectLimitAndLinks(t *testing.T) {
	var paths []storepath.StorePath
	big := strings.Repeat("x", 10000)
	s, root := gcStore(t, func(s *Store) {
		for i := range 5 {
			paths = append(paths, addTextRefs(t, s, fmt.Sprintf("p%d", i), fmt.Sprint(i, big)))
		}
		// Two paths with the same file, hard-linked by optimise.
		addTree(t, s, "same1", map[string]string{"f": big})
		addTree(t, s, "same2", map[string]string{"f": big})
		if _, err := s.Optimise(ctx, nil); err != nil {
			t.Fatal(err)
		}
	})
	// Windows has no hard links to count (optimise links nothing there):
	// the two copies then count separately, which the bounds below allow.
	links, _ := readDirNames(root + "/nix/store/.links")
	if len(links) == 0 && runtime.GOOS != "windows" {
		t.Fatal("optimise linked nothing")
	}
	// The collection stops once it freed more than asked (files shared
	// with another path and .links count only when the last one goes).
	res, log := collect(t, s, store.GCOptions{LimitFreed: true, MaxFreed: 15000})
	first := len(withoutLocks(res.Paths))
	if first < 2 || first > 4 || res.BytesFreed <= 15000 || res.BytesFreed > 30010 || !strings.Contains(log.text(), "deleted more than 15000 bytes; stopping") {
		t.Errorf("limited: %q, %d bytes\n%s", res.Paths, res.BytesFreed, log.text())
	}
	// --max-freed 0 looks at nothing.
	res, _ = collect(t, s, store.GCOptions{LimitFreed: true, MaxFreed: 0})
	if len(res.Paths) != 0 {
		t.Errorf("max 0: %q", res.Paths)
	}
	res, _ = collect(t, s, store.GCOptions{})
	if res.Paths = withoutLocks(res.Paths); len(res.Paths) != 7-first {
		t.Errorf("rest: %q", res.Paths)
	}
	if links, _ := readDirNames(root + "/nix/store/.links"); len(links) != 0 {
		t.Errorf("unused links kept: %q", links)
	}
	names, _ := readDirNames(root + "/nix/store")
	if !slices.Equal(names, []string{".links"}) {
		t.Errorf("left in the store: %q", names)
	}
}

func TestCollectLeftovers(t *testing.T) {
	s, root := gcStore(t, func(s *Store) {})
	real := root + "/nix/store/"
	// An invalid path (a killed add or collection), a lock file, an
	// unlocked and a locked temporary directory, an optimiser's link.
	os.MkdirAll(real+"00000000000000000000000000000000-partial/sub", 0o755)
	os.Chmod(real+"00000000000000000000000000000000-partial", 0o555)
	os.WriteFile(real+"11111111111111111111111111111111-x.lock", nil, 0o600)
	os.Mkdir(real+"tmp-1-2", 0o755)
	os.WriteFile(real+".tmp-link-1-2", []byte("x"), 0o444)
	held, err := s.newTempDir()
	if err != nil {
		t.Fatal(err)
	}
	defer held.remove()
	res, _ := collect(t, s, store.GCOptions{})
	want := []string{"/nix/store/.tmp-link-1-2", "/nix/store/00000000000000000000000000000000-partial",
		"/nix/store/11111111111111111111111111111111-x.lock", "/nix/store/tmp-1-2"}
	if !slices.Equal(res.Paths, want) {
		t.Errorf("deleted %q, want %q", res.Paths, want)
	}
	if _, err := os.Stat(held.path); err != nil {
		t.Errorf("a locked temporary directory was deleted")
	}
}

// TestRootsSocket adds paths while a collection is paused after finding
// its roots: the adders cannot take the GC lock, so they send their roots
// to the collector's socket, and what they added survives.
func TestRootsSocket(t *testing.T) {
	root := testdir.New(t)
	s := openTest(t, root)
	garbage := addTextRefs(t, s, "garbage", "garbage")
	s.Close()
	fifo := root + "/sync2"
	if err := mkfifo(fifo); err != nil {
		t.Skip("no FIFOs:", err)
	}
	cfg := chrootConfig(root)
	cfg.GCSync2 = fifo
	gc, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer gc.Close()
	done := make(chan error, 1)
	var res store.GCResults
	var debug []string
	var debugMu sync.Mutex
	log := store.LoggerFunc(func(l store.Level, m string) {
		debugMu.Lock()
		debug = append(debug, m)
		debugMu.Unlock()
	})
	go func() {
		var err error
		res, err = gc.CollectGarbage(ctx, store.GCOptions{Log: log})
		done <- err
	}()
	// Wait for the collector to hold the lock.
	user := openTest(t, root)
	defer user.Close()
	for i := 0; ; i++ {
		if _, err := os.Stat(root + "/nix/var/nix/gc-socket/socket"); err == nil {
			break
		}
		if i > 500 {
			t.Fatal("the collector did not start its server")
		}
		time.Sleep(10 * time.Millisecond)
	}
	added := addTextRefs(t, user, "added-during-gc", "new")
	again := addTextRefs(t, user, "garbage", "garbage") // already valid: kept too
	if again != garbage {
		t.Fatal("different path")
	}
	os.WriteFile(fifo, []byte("go\n"), 0o600)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !valid(t, gc, added) || !valid(t, gc, garbage) {
		t.Errorf("paths added during the collection were deleted (%q)", res.Paths)
	}
	for _, p := range []storepath.StorePath{added, garbage} {
		if !slices.Contains(debug, "got new GC root '/nix/store/"+p.Base()+"'") {
			t.Errorf("%s did not come through the socket:\n%s", p, strings.Join(debug, "\n"))
		}
	}
	user.Close()
	gc.cfg.GCSync2 = ""
	res2, _ := collect(t, gc, store.GCOptions{})
	if len(res2.Paths) != 2 {
		t.Errorf("the next collection deleted %q", res2.Paths)
	}
}

// withoutLocks drops lock files from a list of deleted paths: Windows keeps
// them beside the paths (deleteLockFile) and the collector removes them
// with the rest.
func withoutLocks(paths []string) []string {
	return slices.DeleteFunc(paths, func(p string) bool { return strings.HasSuffix(p, ".lock") })
}
