// This file implements the garbage collection commands of nix-store and nix
// store: nix-store --gc [--print-roots|--print-live|--print-dead]
// [--max-freed N], nix-store --delete [--ignore-liveness], nix-store -q
// --roots, nix store gc [--dry-run] [--max N] and nix store delete, as
// CppNix 2.26 (nix-store.cc, store-gc.cc, store-delete.cc).

package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
)

// gcStoreOf returns the store's garbage collector, or CppNix's usage error
// for a store without one.
func gcStoreOf(s store.Store) (store.GarbageCollector, error) {
	g, ok := s.(store.GarbageCollector)
	if !ok {
		return nil, usagef("Garbage collection not supported by store '%s'", s.URI())
	}
	return g, nil
}

// gcOptions returns the options of a collection that come from the
// settings.
func (e *env) gcOptions(action store.GCAction) store.GCOptions {
	return store.GCOptions{
		Action:          action,
		KeepOutputs:     e.cfg.Bool("keep-outputs"),
		KeepDerivations: e.cfg.Bool("keep-derivations"),
		Log:             storeLogger{e.log},
	}
}

// printFreed prints what a collection deleted and freed (CppNix's
// PrintFreed, which prints even when the collection failed).
func printFreed(w io.Writer, res store.GCResults) {
	fmt.Fprintf(w, "%d store paths deleted, %s freed\n", len(res.Paths), printMiB(res.BytesFreed))
}

// opGC is nix-store --gc.
func opGC(c *nixStoreCmd) error {
	printRoots := false
	opts := c.e.gcOptions(store.GCDeleteDead)
	for i := 0; i < len(c.opFlags); i++ {
		switch f := c.opFlags[i]; f {
		case "--print-roots":
			printRoots = true
		case "--print-live":
			opts.Action = store.GCReturnLive
		case "--print-dead":
			opts.Action = store.GCReturnDead
		case "--max-freed":
			i++ // nix-store has checked that a value follows
			n, err := parseSignedSize(c.opFlags[i])
			if err != nil {
				return err
			}
			opts.LimitFreed, opts.MaxFreed = true, uint64(max(n, 0))
		default:
			return usagef("bad sub-operation '%s' in GC", f)
		}
	}
	if len(c.opArgs) > 0 {
		return usagef("no arguments expected")
	}
	g, err := gcStoreOf(c.store)
	if err != nil {
		return err
	}
	if printRoots {
		roots, err := g.FindRoots(c.ctx, false)
		if err != nil {
			return err
		}
		for _, l := range roots.Links() {
			c.println(l.Link + " -> " + c.store.Dir().Path(l.Target))
		}
		return nil
	}
	res, err := g.CollectGarbage(c.ctx, opts)
	if err == nil && opts.Action != store.GCDeleteDead {
		for _, p := range res.Paths {
			c.println(p)
		}
	}
	if opts.Action == store.GCDeleteDead {
		printFreed(c.out, res)
	}
	return err
}

// opDelete is nix-store --delete [--ignore-liveness] PATHS: delete paths
// that nothing keeps alive.
func opDelete(c *nixStoreCmd) error {
	opts := c.e.gcOptions(store.GCDeleteSpecific)
	for _, f := range c.opFlags {
		if f != "--ignore-liveness" {
			return unknownFlag(f)
		}
		opts.IgnoreLiveness = true
	}
	paths, err := c.followAll(c.opArgs)
	if err != nil {
		return err
	}
	opts.PathsToDelete = paths
	g, err := gcStoreOf(c.store)
	if err != nil {
		return err
	}
	res, err := g.CollectGarbage(c.ctx, opts)
	printFreed(c.out, res)
	return err
}

// queryRoots is nix-store -q --roots: the roots that keep the paths alive,
// through the closure of their referrers (with keep-outputs and
// keep-derivations as the collector applies them). CppNix prints them in
// the order of its hash table; nixgo sorts them by root.
func (c *nixStoreCmd) queryRoots(o queryOpts) error {
	var args []storepath.StorePath
	err := c.eachArg(func(p storepath.StorePath) error {
		ps, err := c.maybeUseOutputs(p, o.useOutput, o.forceRealise)
		args = append(args, ps...)
		return err
	})
	if err != nil {
		return err
	}
	closure, err := store.Closure(c.ctx, c.store, args, store.ClosureOptions{
		Flip:            true,
		IncludeOutputs:  c.e.cfg.Bool("keep-outputs"),
		IncludeDerivers: c.e.cfg.Bool("keep-derivations"),
	})
	if err != nil {
		return err
	}
	referrers := map[storepath.StorePath]bool{}
	for _, p := range closure {
		referrers[p] = true
	}
	g, err := gcStoreOf(c.store)
	if err != nil {
		return err
	}
	roots, err := g.FindRoots(c.ctx, false)
	if err != nil {
		return err
	}
	for _, l := range roots.Links() {
		if referrers[l.Target] {
			c.println(l.Link + " -> " + c.store.Dir().Path(l.Target))
		}
	}
	return nil
}

// runNixStoreGC is nix store gc [--dry-run] [--max N].
func runNixStoreGC(e *env, args []string) error {
	dryRun := false
	var maxFreed *uint64
	p := newArgParser(e)
	p.add("dry-run", 0, 0, func([]string) error { dryRun = true; return nil })
	p.add("max", 0, 1, func(v []string) error {
		n, err := parseUnsignedSize(v[0])
		maxFreed = &n
		return err
	})
	var rest []string
	if err := e.parseNixArgs(p, args, &rest, 0); err != nil {
		return err
	}
	return e.withStore(func(s store.Store) error {
		g, err := gcStoreOf(s)
		if err != nil {
			return err
		}
		opts := e.gcOptions(store.GCDeleteDead)
		if dryRun {
			opts.Action = store.GCReturnDead
		}
		if maxFreed != nil {
			opts.LimitFreed, opts.MaxFreed = true, *maxFreed
		}
		res, err := g.CollectGarbage(contextOf(e), opts)
		if !dryRun {
			printFreed(e.stdout, res)
		}
		return err
	})
}

// runNixStoreDelete is nix store delete [--ignore-liveness] INSTALLABLES.
func runNixStoreDelete(e *env, args []string) error {
	var a storePathsArgs
	opts := store.GCOptions{}
	p := newArgParser(e)
	a.add(p, true)
	p.add("ignore-liveness", 0, 0, func([]string) error { opts.IgnoreLiveness = true; return nil })
	if err := e.parseNixArgs(p, args, &a.installables, -1); err != nil {
		return err
	}
	return e.withStore(func(s store.Store) error {
		paths, err := e.storePaths(contextOf(e), s, &a)
		if err != nil {
			return err
		}
		g, err := gcStoreOf(s)
		if err != nil {
			return err
		}
		ignore := opts.IgnoreLiveness
		opts = e.gcOptions(store.GCDeleteSpecific)
		opts.IgnoreLiveness, opts.PathsToDelete = ignore, paths
		res, err := g.CollectGarbage(contextOf(e), opts)
		printFreed(e.stdout, res)
		return err
	})
}

// splitUnit splits the unit suffix (K, M, G, T: powers of 1024) off a size.
func splitUnit(s string) (string, uint64, error) {
	if s == "" {
		return s, 1, nil
	}
	u := s[len(s)-1]
	if 'a' <= u && u <= 'z' {
		u -= 'a' - 'A'
	}
	if u < 'A' || u > 'Z' {
		return s, 1, nil
	}
	shift := strings.IndexByte("KMGT", u)
	if shift < 0 {
		return "", 0, usagef("invalid unit specifier '%c'", u)
	}
	return s[:len(s)-1], 1 << (10 * (shift + 1)), nil
}

// parseSignedSize parses a size with an optional unit as a signed number
// (CppNix's string2IntWithUnitPrefix<int64_t>).
func parseSignedSize(s string) (int64, error) {
	num, mult, err := splitUnit(s)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return 0, usagef("'%s' is not an integer", num)
	}
	return n * int64(mult), nil
}

// parseUnsignedSize parses a size with an optional unit as an unsigned
// number (CppNix's string2IntWithUnitPrefix<uint64_t>).
func parseUnsignedSize(s string) (uint64, error) {
	num, mult, err := splitUnit(s)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(strings.TrimPrefix(num, "+"), 10, 64)
	if err != nil || strings.HasPrefix(num, "+-") {
		return 0, usagef("'%s' is not an integer", num)
	}
	return n * mult, nil
}
