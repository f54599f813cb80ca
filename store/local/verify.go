// This file checks the store's consistency (nix-store --verify): valid paths
// whose files vanished, and with --check-contents, paths and .links files
// whose contents changed. Messages are CppNix's.

package local

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/store"
)

// Verify checks the store (store.Verifier; CppNix's verifyStore). Error
// messages CppNix prints with logError come with their "error: " prefix.
func (s *Store) Verify(ctx context.Context, opts store.VerifyOptions) (bool, error) {
	log := opts.Log
	store.Logf(log, store.LevelInfo, "reading the Nix store...")
	// The GC lock gives a consistent view of existing and valid paths.
	unlock, err := s.lockGC(log)
	if err != nil {
		return false, err
	}
	defer unlock()

	errorsFound, valid, err := s.verifyExistence(ctx, opts.Repair, log)
	if err != nil || !opts.CheckContents {
		return errorsFound, err
	}
	store.Logf(log, store.LevelInfo, "checking link hashes...")
	if bad, err := s.verifyLinks(opts.Repair, log); err != nil {
		return errorsFound, err
	} else if bad {
		errorsFound = true
	}
	store.Logf(log, store.LevelInfo, "checking store hashes...")
	for _, p := range valid {
		if err := ctx.Err(); err != nil {
			return errorsFound, err
		}
		if bad, err := s.verifyContents(ctx, p, opts.Repair, log); err != nil {
			if ok, _ := s.IsValidPath(ctx, p); ok {
				store.Logf(log, store.LevelError, "error: %s", err)
			} else {
				store.Logf(log, store.LevelWarn, "%s", err)
			}
			errorsFound = true
		} else if bad {
			errorsFound = true
		}
	}
	return errorsFound, nil
}

// lockGC takes the GC lock shared, waiting for a running collector.
func (s *Store) lockGC(log store.Logger) (func(), error) {
	path := s.cfg.StateDir + "/gc.lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening global GC lock '%s': %w", path, syserr.Unwrap(err))
	}
	ok, err := lockFile(f, lockRead, false)
	if err == nil && !ok {
		store.Logf(log, store.LevelInfo, "waiting for the big garbage collector lock...")
		_, err = lockFile(f, lockRead, true)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

// verifyExistence checks that every valid path has files, and returns the
// valid paths that do (CppNix's verifyAllValidPaths).
func (s *Store) verifyExistence(ctx context.Context, repair bool, log store.Logger) (bool, []storepath.StorePath, error) {
	names, err := readDirNames(s.realDir)
	if err != nil {
		return false, nil, err
	}
	inDir := map[storepath.StorePath]bool{}
	for _, n := range names {
		if p, err := storepath.ParseBase(n); err == nil {
			inDir[p] = true
		}
	}
	store.Logf(log, store.LevelInfo, "checking path existence...")
	all, err := s.QueryAllValidPaths(ctx)
	if err != nil {
		return false, nil, err
	}
	v := &verifier{s: s, ctx: ctx, inDir: inDir, done: map[storepath.StorePath]bool{}, valid: map[storepath.StorePath]bool{}, repair: repair, log: log}
	for _, p := range all {
		if err := v.verifyPath(p); err != nil {
			return v.errors, nil, err
		}
	}
	var valid []storepath.StorePath
	for p := range v.valid {
		valid = append(valid, p)
	}
	return v.errors, storepath.SortPaths(valid), nil
}

type verifier struct {
	s      *Store
	ctx    context.Context
	inDir  map[storepath.StorePath]bool
	done   map[storepath.StorePath]bool
	valid  map[storepath.StorePath]bool
	repair bool
	log    store.Logger
	errors bool
}

// verifyPath checks one path, first checking its referrers when its files
// are missing: it can be forgotten only if none of them stays valid.
func (v *verifier) verifyPath(p storepath.StorePath) error {
	if v.done[p] {
		return nil
	}
	v.done[p] = true
	if v.inDir[p] {
		v.valid[p] = true
		return nil
	}
	s := v.s
	canInvalidate := true
	referrers, err := s.QueryReferrers(v.ctx, p)
	if err != nil {
		return err
	}
	for _, r := range referrers {
		if r == p {
			continue
		}
		if err := v.verifyPath(r); err != nil {
			return err
		}
		if v.valid[r] {
			canInvalidate = false
		}
	}
	full := s.dir.Path(p)
	if canInvalidate {
		store.Logf(v.log, store.LevelInfo, "path '%s' disappeared, removing from database...", full)
		return s.db.txn(v.ctx, func(q querier) error { return s.invalidatePath(v.ctx, q, p) })
	}
	store.Logf(v.log, store.LevelError, "path '%s' disappeared, but it still has valid referrers!", full)
	if v.repair {
		store.Logf(v.log, store.LevelWarn, "%s", s.repairError(p))
	}
	v.errors = true
	return nil
}

// repairError is what nixgo says when asked to repair a path: it cannot
// substitute or rebuild paths yet (CppNix's repairPath fails the same way
// when no substituter has the path and it has no valid deriver).
func (s *Store) repairError(p storepath.StorePath) error {
	return fmt.Errorf("cannot repair path '%s'", s.dir.Path(p))
}

// verifyLinks checks that each file in .links has the NAR hash it is named
// after, removing those that do not with repair.
func (s *Store) verifyLinks(repair bool, log store.Logger) (bool, error) {
	names, err := readDirNames(s.linksDir)
	if err != nil {
		return false, err
	}
	bad := false
	for _, name := range names {
		path := s.linksDir + "/" + name
		store.Logf(log, store.LevelTalkative, "checking contents of %q", name)
		h, err := s.narHash(path)
		if err != nil {
			return bad, err
		}
		if got := h.Nix32(); got != name {
			// CppNix formats std::filesystem::path values, in quotes, inside its quotes.
			store.Logf(log, store.LevelError, "link '\"%s\"' was modified! expected hash '\"%s\"', got '%s'", path, name, got)
			if repair {
				if err := os.Remove(path); err != nil {
					return bad, err
				}
				store.Logf(log, store.LevelInfo, "removed link %q", path)
			} else {
				bad = true
			}
		}
	}
	return bad, nil
}

// verifyContents checks that a valid path's NAR has its recorded hash,
// filling in missing hashes and sizes of old databases.
func (s *Store) verifyContents(ctx context.Context, p storepath.StorePath, repair bool, log store.Logger) (bool, error) {
	info, err := s.QueryPathInfo(ctx, p)
	if err != nil {
		return false, err
	}
	full := s.dir.Path(p)
	store.Logf(log, store.LevelTalkative, "checking contents of '%s'", full)
	h := hash.NewHasher(info.NarHash.Algo())
	if err := s.dumpPath(h, s.RealPath(p)); err != nil {
		return false, err
	}
	got := h.Sum()
	null := hash.Zero(hash.SHA256)
	if info.NarHash != null && info.NarHash != got {
		store.Logf(log, store.LevelError, "path '%s' was modified! expected hash '%s', got '%s'",
			full, info.NarHash.Format(hash.Nix32, true), got.Format(hash.Nix32, true))
		if repair {
			return true, s.repairError(p)
		}
		return true, nil
	}
	update := false
	if info.NarHash == null {
		store.Logf(log, store.LevelInfo, "fixing missing hash on '%s'", full)
		info.NarHash = got
		update = true
	}
	if info.NarSize == 0 {
		store.Logf(log, store.LevelInfo, "updating size field on '%s' to %d", full, h.Written())
		info.NarSize = uint64(h.Written())
		update = true
	}
	if update {
		return false, s.db.txn(ctx, func(q querier) error { return s.updatePathInfo(ctx, q, info) })
	}
	return false, nil
}

// VerifyPath returns the hash (in the algorithm of the recorded one) and
// size of a valid path's NAR (store.PathVerifier).
func (s *Store) VerifyPath(ctx context.Context, p storepath.StorePath) (hash.Hash, uint64, error) {
	info, err := s.QueryPathInfo(ctx, p)
	if err != nil {
		return hash.Hash{}, 0, err
	}
	h := hash.NewHasher(info.NarHash.Algo())
	if err := s.dumpPath(h, s.RealPath(p)); err != nil {
		return hash.Hash{}, 0, err
	}
	return h.Sum(), uint64(h.Written()), nil
}

// DumpNAR writes the NAR of a valid path (store.NARDumper; CppNix's
// LocalFSStore::narFromPath).
func (s *Store) DumpNAR(ctx context.Context, p storepath.StorePath, w io.Writer) error {
	ok, err := s.IsValidPath(ctx, p)
	if err != nil {
		return err
	}
	if !ok {
		return &store.InvalidPathError{Path: s.dir.Path(p)}
	}
	return s.dumpPath(w, s.RealPath(p))
}

// AddSignatures adds signatures to a valid path (store.SignatureAdder).
func (s *Store) AddSignatures(ctx context.Context, p storepath.StorePath, sigs []string) error {
	if s.cfg.ReadOnly {
		return s.readOnlyError()
	}
	return s.db.txn(ctx, func(q querier) error {
		info, _, err := s.queryPathInfo(ctx, q, p)
		if err != nil {
			return err
		}
		if info == nil {
			return &store.InvalidPathError{Path: s.dir.Path(p)}
		}
		info.Sigs = append(info.Sigs, sigs...)
		slices.Sort(info.Sigs)
		info.Sigs = slices.Compact(info.Sigs)
		return s.updatePathInfo(ctx, q, info)
	})
}
