// This file is the garbage collector, as CppNix 2.26's
// LocalStore::collectGarbage. Holding the GC lock exclusively (so that no
// process can add a temporary root without telling it), it serves the roots
// socket (gcserver_*.go), finds the roots, then visits every entry of the
// store: from each store path, the closure of its referrers (and, with
// keep-derivations and keep-outputs, of the outputs of derivations and the
// derivations of outputs) is dead if it holds no root, temporary root or path
// already known to be alive. Dead paths are deleted referrers first, each
// invalidated in the database (in a transaction that checks it has no
// referrers left) before its files are removed: a process killed at any
// moment leaves invalid leftovers, which the next collection removes, never a
// valid path with missing contents. Entries that are not store paths
// (temporary directories not locked by their owner, leftover links) are
// deleted outright. Finally, files of .links that nothing links to any more
// are removed.

package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/store"
)

// errLimitReached stops a collection that freed more than it was asked to.
var errLimitReached = errors.New("garbage collection limit reached")

// gcShared is what the collector shares with the goroutines that serve the
// roots socket.
type gcShared struct {
	mu   sync.Mutex
	cond *sync.Cond
	// tempRoots holds the hash parts of the temporary roots, so that
	// "<path>.lock" and the like are kept with their path.
	tempRoots map[string]bool
	// pending is the hash part of the path being deleted, if any: a
	// client sending it as a root waits until the deletion is over.
	pending string
	stopped bool
}

func newGCShared() *gcShared {
	sh := &gcShared{tempRoots: map[string]bool{}}
	sh.cond = sync.NewCond(&sh.mu)
	return sh
}

// addTempRoot records a root a client sent, once the path is not being
// deleted.
func (sh *gcShared) addTempRoot(hashPart string) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.tempRoots[hashPart] = true
	for sh.pending == hashPart && !sh.stopped {
		sh.cond.Wait()
	}
}

// claim makes hashPart the pending path unless it is a temporary root.
func (sh *gcShared) claim(hashPart string) bool {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.tempRoots[hashPart] {
		return false
	}
	sh.pending = hashPart
	return true
}

// release ends a deletion and wakes the clients waiting for it.
func (sh *gcShared) release() {
	sh.mu.Lock()
	sh.pending = ""
	sh.cond.Broadcast()
	sh.mu.Unlock()
}

// stop wakes every waiting client for good.
func (sh *gcShared) stop() {
	sh.mu.Lock()
	sh.stopped = true
	sh.cond.Broadcast()
	sh.mu.Unlock()
}

// collector is one run of the garbage collector.
type collector struct {
	s    *Store
	ctx  context.Context
	opts store.GCOptions
	log  store.Logger

	shouldDelete                 bool
	keepOutputs, keepDerivations bool
	toDelete                     map[storepath.StorePath]bool

	roots, alive, dead map[storepath.StorePath]bool
	shared             *gcShared
	referrersCache     map[storepath.StorePath][]storepath.StorePath

	paths      map[string]bool // GCResults.Paths
	bytesFreed uint64
}

// CollectGarbage runs the garbage collector (store.GarbageCollector).
func (s *Store) CollectGarbage(ctx context.Context, opts store.GCOptions) (store.GCResults, error) {
	if s.cfg.ReadOnly {
		return store.GCResults{}, s.readOnlyError()
	}
	c := &collector{
		s: s, ctx: ctx, opts: opts, log: opts.Log,
		shouldDelete:    opts.Action == store.GCDeleteDead || opts.Action == store.GCDeleteSpecific,
		keepOutputs:     opts.KeepOutputs,
		keepDerivations: opts.KeepDerivations,
		toDelete:        map[storepath.StorePath]bool{},
		roots:           map[storepath.StorePath]bool{},
		alive:           map[storepath.StorePath]bool{},
		dead:            map[storepath.StorePath]bool{},
		shared:          newGCShared(),
		referrersCache:  map[storepath.StorePath][]storepath.StorePath{},
		paths:           map[string]bool{},
	}
	if c.log == nil {
		c.log = s.log
	}
	// With --ignore-liveness, keeping outputs or derivations would make
	// --delete delete them too: both are off (as in CppNix).
	if opts.Action == store.GCDeleteSpecific && opts.IgnoreLiveness {
		c.keepOutputs, c.keepDerivations = false, false
	}
	for _, p := range opts.PathsToDelete {
		c.toDelete[p] = true
	}
	err := c.run()
	res := store.GCResults{BytesFreed: c.bytesFreed}
	for p := range c.paths {
		res.Paths = append(res.Paths, p)
	}
	sort.Strings(res.Paths)
	return res, err
}

func (c *collector) infof(format string, args ...any) {
	store.Logf(c.log, store.LevelInfo, format, args...)
}

func (c *collector) run() error {
	s := c.s
	if c.shouldDelete {
		// Free the space reserved for this moment (a full disk).
		deletePath(s.dbDir + "/reserved")
	}
	unlock, err := s.lockGCExclusive(c.ctx, c.log)
	if err != nil {
		return err
	}
	defer unlock()
	syncPoint(s.cfg.GCSync1)
	stopServer, err := s.serveRoots(c.shared, c.log)
	if err != nil {
		return err
	}
	defer stopServer()

	// With the GC lock, no permanent root can appear unseen: adding one
	// adds a temporary root first, which now comes through the socket.
	c.infof("finding garbage collector roots...")
	if !c.opts.IgnoreLiveness {
		rs := rootSet{}
		if err := s.findRootsNoTemp(c.ctx, rs, true, c.log); err != nil {
			return err
		}
		for p := range rs {
			c.roots[p] = true
		}
	}
	// The temporary roots made before the lock was taken; later ones
	// come through the socket.
	temp := rootSet{}
	if err := s.findTempRoots(c.ctx, temp, true, c.log); err != nil {
		return err
	}
	for p := range temp {
		c.shared.mu.Lock()
		c.shared.tempRoots[p.HashPart()] = true
		c.shared.mu.Unlock()
		c.roots[p] = true
	}
	syncPoint(s.cfg.GCSync2)

	switch {
	case c.opts.Action == store.GCDeleteSpecific:
		for _, p := range storepath.SortPaths(mapKeys(c.toDelete)) {
			if err := c.deleteReferrersClosure(p); err != nil {
				return err
			}
			if !c.dead[p] {
				return fmt.Errorf("Cannot delete path '%s' since it is still alive. To find out why, use: nix-store --query --roots and nix-store --query --referrers", s.dir.Path(p))
			}
		}
	case !c.opts.LimitFreed || c.opts.MaxFreed > 0:
		if c.shouldDelete {
			c.infof("deleting garbage...")
		} else {
			c.infof("determining live/dead paths...")
		}
		if err := c.visitStore(); err != nil && err != errLimitReached {
			return err
		}
	}

	switch c.opts.Action {
	case store.GCReturnLive:
		for p := range c.alive {
			c.paths[s.dir.Path(p)] = true
		}
		return nil
	case store.GCReturnDead:
		for p := range c.dead {
			c.paths[s.dir.Path(p)] = true
		}
		return nil
	}
	return c.deleteUnusedLinks()
}

// visitStore goes through the store directory in its own order (reading
// it as it goes, so that collecting starts at once) and deletes what is
// dead.
func (c *collector) visitStore() error {
	s := c.s
	d, err := os.Open(s.realDir)
	if err != nil {
		return fmt.Errorf("opening directory '%s': %w", s.realDir, syserr.Unwrap(err))
	}
	defer d.Close()
	for {
		names, rerr := d.Readdirnames(1024)
		for _, name := range names {
			if err := c.ctx.Err(); err != nil {
				return err
			}
			if name == ".links" {
				continue
			}
			var err error
			if p, perr := s.dir.Parse(string(s.dir) + "/" + name); perr == nil {
				err = c.deleteReferrersClosure(p)
			} else {
				err = c.deleteFromStore(name)
			}
			if err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("reading directory '%s': %w", s.realDir, syserr.Unwrap(rerr))
		}
	}
}

// deleteReferrersClosure visits the paths reachable from start through
// referrers (and derivation outputs with keep-derivations, derivers with
// keep-outputs). If none of them is alive, all are dead and, when
// deleting, deleted, referrers first.
func (c *collector) deleteReferrersClosure(start storepath.StorePath) error {
	s := c.s
	visited := map[storepath.StorePath]bool{start: true}
	todo := []storepath.StorePath{start}
	enqueue := func(p storepath.StorePath) {
		if !visited[p] {
			visited[p] = true
			todo = append(todo, p)
		}
	}
	defer c.shared.release()
	for len(todo) > 0 {
		p := todo[0]
		todo = todo[1:]
		if err := c.ctx.Err(); err != nil {
			return err
		}
		if c.alive[p] {
			c.alive[start] = true
			return nil
		}
		if c.dead[p] {
			continue
		}
		if c.roots[p] {
			store.Logf(c.log, store.LevelDebug, "cannot delete '%s' because it's a root", s.dir.Path(p))
			return c.markAlive(p, start)
		}
		if c.opts.Action == store.GCDeleteSpecific && !c.toDelete[p] {
			return nil
		}
		if !c.shared.claim(p.HashPart()) {
			store.Logf(c.log, store.LevelDebug, "cannot delete '%s' because it's a temporary root", s.dir.Path(p))
			return c.markAlive(p, start)
		}
		valid, err := s.IsValidPath(c.ctx, p)
		if err != nil {
			return err
		}
		if !valid {
			continue
		}
		refs, err := c.referrers(p)
		if err != nil {
			return err
		}
		for _, r := range refs {
			enqueue(r)
		}
		if c.keepDerivations && p.IsDerivation() {
			outs, err := c.ownOutputs(p)
			if err != nil {
				return err
			}
			for _, o := range outs {
				enqueue(o)
			}
		}
		if c.keepOutputs {
			ds, err := s.QueryValidDerivers(c.ctx, p)
			if err != nil {
				return err
			}
			for _, d := range ds {
				enqueue(d)
			}
		}
	}
	c.shared.release()
	sorted, err := store.TopoSort(c.ctx, s, mapKeys(visited))
	if err != nil {
		return err
	}
	for _, p := range sorted {
		if c.dead[p] || c.alive[p] {
			continue
		}
		if c.shouldDelete && !c.shared.claim(p.HashPart()) {
			// It became a temporary root while we looked (CppNix
			// would delete it): it lives, with its closure.
			if err := c.markAlive(p, p); err != nil {
				return err
			}
			continue
		}
		c.dead[p] = true
		if !c.shouldDelete {
			continue
		}
		err := c.deletePath(p)
		c.shared.release()
		if err != nil {
			return err
		}
	}
	return nil
}

// deletePath invalidates a dead path, then removes its files.
func (c *collector) deletePath(p storepath.StorePath) error {
	if err := c.s.invalidatePathChecked(c.ctx, p); err != nil {
		var inUse *pathInUseError
		if errors.As(err, &inUse) {
			// A referrer appeared since the path was visited.
			store.Logf(c.log, store.LevelError, "BUG: error: %s", err)
			return nil
		}
		return err
	}
	if err := c.deleteFromStore(p.Base()); err != nil {
		return err
	}
	delete(c.referrersCache, p)
	return nil
}

// markAlive records p, start and p's closure as alive.
func (c *collector) markAlive(p, start storepath.StorePath) error {
	c.alive[p] = true
	c.alive[start] = true
	closure, err := store.Closure(c.ctx, c.s, []storepath.StorePath{p}, store.ClosureOptions{
		IncludeOutputs:  c.keepOutputs,
		IncludeDerivers: c.keepDerivations,
	})
	if store.IsInvalidPath(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, q := range closure {
		c.alive[q] = true
	}
	return nil
}

// referrers returns the valid paths that refer to p (p included if it
// refers to itself), remembered until p is deleted.
func (c *collector) referrers(p storepath.StorePath) ([]storepath.StorePath, error) {
	if r, ok := c.referrersCache[p]; ok {
		return r, nil
	}
	r, err := c.s.QueryReferrers(c.ctx, p)
	if err != nil {
		return nil, err
	}
	c.referrersCache[p] = r
	return r, nil
}

// ownOutputs returns the valid outputs of derivation drv whose deriver is
// drv, in the order of their names.
func (c *collector) ownOutputs(drv storepath.StorePath) ([]storepath.StorePath, error) {
	outs, err := c.s.QueryDerivationOutputs(c.ctx, drv)
	if err != nil {
		return nil, err
	}
	names := mapKeys(outs)
	sort.Strings(names)
	var res []storepath.StorePath
	for _, n := range names {
		info, err := c.s.QueryPathInfo(c.ctx, outs[n])
		if store.IsInvalidPath(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if info.Deriver == drv {
			res = append(res, outs[n])
		}
	}
	return res, nil
}

// deleteFromStore removes an entry of the store directory and counts what
// it freed. A temporary directory ("tmp-…") is removed only if its owner
// no longer holds its lock.
func (c *collector) deleteFromStore(base string) error {
	s := c.s
	full, real := string(s.dir)+"/"+base, s.realDir+"/"+base
	if strings.HasPrefix(base, "tmp-") {
		unlock, ok := tryLockTempDir(real)
		if !ok {
			store.Logf(c.log, store.LevelDebug, "skipping locked tempdir '%s'", real)
			return nil
		}
		defer unlock()
	}
	c.infof("deleting '%s'", full)
	c.paths[full] = true
	freed, err := deletePath(real)
	c.bytesFreed += freed
	if err != nil {
		return err
	}
	if c.opts.LimitFreed && c.bytesFreed > c.opts.MaxFreed {
		c.infof("deleted more than %d bytes; stopping", c.opts.MaxFreed)
		return errLimitReached
	}
	return nil
}

// deleteUnusedLinks removes the files of .links that no store object
// shares any more (a link count of 1) and reports what hard linking saves.
func (c *collector) deleteUnusedLinks() error {
	s := c.s
	c.infof("deleting unused links...")
	d, err := os.Open(s.linksDir)
	if err != nil {
		return fmt.Errorf("opening directory '%s': %w", s.linksDir, syserr.Unwrap(err))
	}
	defer d.Close()
	var actualSize, unsharedSize int64
	for {
		names, rerr := d.Readdirnames(1024)
		for _, name := range names {
			if err := c.ctx.Err(); err != nil {
				return err
			}
			p := s.linksDir + "/" + name
			fi, err := os.Lstat(p)
			if err != nil {
				return fmt.Errorf("getting status of '%s': %w", p, syserr.Unwrap(err))
			}
			_, _, nlink, ok := inodeOf(fi)
			if !ok || nlink != 1 {
				if ok {
					actualSize += fi.Size()
					unsharedSize += int64(nlink-1) * fi.Size()
				}
				continue
			}
			store.Logf(c.log, store.LevelTalkative, "deleting unused link '%s'", p)
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("deleting '%s': %w", p, syserr.Unwrap(err))
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return fmt.Errorf("reading directory '%s': %w", s.linksDir, syserr.Unwrap(rerr))
		}
	}
	fi, err := os.Stat(s.linksDir)
	if err != nil {
		return fmt.Errorf("statting '%s': %w", s.linksDir, syserr.Unwrap(err))
	}
	overhead := allocatedBytes(fi)
	c.infof("note: currently hard linking saves %.2f MiB", float64(unsharedSize-actualSize-overhead)/(1024.0*1024.0))
	return nil
}

// pathInUseError is CppNix's PathInUse: a dead path gained a referrer.
type pathInUseError struct {
	path      string
	referrers []string
}

func (e *pathInUseError) Error() string {
	q := make([]string, len(e.referrers))
	for i, r := range e.referrers {
		q[i] = "'" + r + "'"
	}
	return fmt.Sprintf("cannot delete path '%s' because it is in use by %s", e.path, strings.Join(q, ", "))
}

// invalidatePathChecked removes p from the database, in a transaction that
// first checks that no other valid path refers to it (CppNix's
// invalidatePathChecked). A path that is not valid is left alone.
func (s *Store) invalidatePathChecked(ctx context.Context, p storepath.StorePath) error {
	return s.db.txn(ctx, func(q querier) error {
		valid, err := s.isValid(ctx, q, p)
		if err != nil || !valid {
			return err
		}
		refs, err := s.queryPaths(ctx, q, sqlQueryReferrers, s.dir.Path(p))
		if err != nil {
			return err
		}
		var others []string
		for _, r := range refs {
			if r != p {
				others = append(others, s.dir.Path(r))
			}
		}
		if len(others) > 0 {
			return &pathInUseError{s.dir.Path(p), others}
		}
		return s.invalidatePath(ctx, q, p)
	})
}

// lockGCExclusive takes the GC lock exclusively, saying so when it has to
// wait for another collector (or a verification).
func (s *Store) lockGCExclusive(ctx context.Context, log store.Logger) (func(), error) {
	path := s.cfg.StateDir + "/gc.lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening global GC lock '%s': %w", path, syserr.Unwrap(err))
	}
	ok, err := lockFile(f, lockWrite, false)
	if err == nil && !ok {
		store.Logf(log, store.LevelInfo, "waiting for the big garbage collector lock...")
		for err == nil && !ok && ctx.Err() == nil {
			ok, err = lockFile(f, lockWrite, true)
		}
	}
	if err == nil && !ok {
		err = ctx.Err()
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

// syncPoint reads a file (a FIFO that a test writes to), if one is named.
func syncPoint(path string) {
	if path != "" {
		os.ReadFile(path)
	}
}

// deletePath removes a file or tree, making directories writable as it
// goes, and returns the bytes freed: the sizes of the files removed whose
// link count was 1 or 2 (2 being a file also in .links, which the
// collector removes next), as CppNix's deletePath. A missing path is not
// an error.
func deletePath(p string) (uint64, error) {
	var freed uint64
	err := deleteTree(p, &freed)
	return freed, err
}

func deleteTree(p string, freed *uint64) error {
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("getting status of %s: %w", quotePath(p), syserr.Unwrap(err))
	}
	if !fi.IsDir() {
		_, _, nlink, ok := inodeOf(fi)
		if !ok || nlink == 1 || nlink == 2 {
			*freed += uint64(fi.Size())
		}
	} else {
		if fi.Mode().Perm()&0o700 != 0o700 {
			if err := os.Chmod(p, fi.Mode().Perm()|0o700); err != nil {
				return fmt.Errorf("chmod %s: %w", quotePath(p), syserr.Unwrap(err))
			}
		}
		d, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("opening directory %s: %w", quotePath(p), syserr.Unwrap(err))
		}
		for {
			names, rerr := d.Readdirnames(1024)
			for _, n := range names {
				if err := deleteTree(p+"/"+n, freed); err != nil {
					d.Close()
					return err
				}
			}
			if rerr == io.EOF {
				break
			}
			if rerr != nil {
				d.Close()
				return fmt.Errorf("reading directory %s: %w", quotePath(p), syserr.Unwrap(rerr))
			}
		}
		d.Close()
	}
	if err := removeEntry(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot unlink %s: %w", quotePath(p), syserr.Unwrap(err))
	}
	return nil
}

// quotePath quotes a path as C++ prints a std::filesystem::path.
func quotePath(p string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(p) + `"`
}

func mapKeys[K comparable, V any](m map[K]V) []K {
	ks := make([]K, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
