// This file holds what the builder (package build) needs from a local store
// beyond the store interfaces: locks on output paths taken without waiting,
// canonicalisation of build outputs in place, deletion of invalid paths, and
// the final steps that make built outputs valid (sync, optimise, register).

package local

import (
	"context"
	"os"

	"github.com/nixgo/nixgo/store"
)

// OutputLocks are locks on store paths ("<path>.lock"), as CppNix's PathLocks
// held by a derivation goal on its outputs.
type OutputLocks struct{ pl *pathLocks }

// TryLockPaths locks the real paths given ("<path>.lock" next to each),
// in sorted order, without waiting: if any is held by another process it
// releases those taken and returns nil (CppNix's lockPaths with wait=false).
// A lock file deleted by its holder while we opened it is retried.
func (s *Store) TryLockPaths(paths []string) (*OutputLocks, error) {
	pl, err := takePathLocks(paths, false, "", s.log)
	if pl == nil || err != nil {
		return nil, err
	}
	return &OutputLocks{pl}, nil
}

// LockPaths locks the real paths given, waiting for other processes.
func (s *Store) LockPaths(paths []string) (*OutputLocks, error) {
	pl, err := lockPaths(paths, "", s.log)
	if err != nil {
		return nil, err
	}
	return &OutputLocks{pl}, nil
}

// Unlock releases the locks; with deleteFiles the lock files are removed
// (once the paths are valid nobody needs them).
func (l *OutputLocks) Unlock(deleteFiles bool) {
	if l == nil || l.pl == nil {
		return
	}
	l.pl.setDeletion(deleteFiles)
	l.pl.unlock()
}

// CanonicaliseOutput gives a build output, at its real location (which may
// be inside a build's chroot), the store's metadata: read-only permissions,
// modification time 1, owner the current user, no extended attributes
// (CppNix's canonicalisePathMetaData).
func (s *Store) CanonicaliseOutput(path string) error {
	return s.canonicalise(path)
}

// DeletePath deletes a file or tree that is not a valid path (an invalid
// output left by an interrupted build, a chroot, a redirected output),
// making read-only directories writable first (CppNix's deletePath).
func (s *Store) DeletePath(path string) error {
	if _, err := os.Lstat(path); os.IsNotExist(err) {
		return nil
	}
	return removeAll(path)
}

// RegisterBuiltOutputs makes outputs whose contents are complete at their
// real paths valid: their contents are synced (unless the store is
// configured not to), hard-linked when auto-optimise-store is set, and
// registered in one transaction.
func (s *Store) RegisterBuiltOutputs(ctx context.Context, infos []*store.PathInfo) error {
	if s.cfg.ReadOnly {
		return s.readOnlyError()
	}
	if len(infos) == 0 {
		return nil
	}
	if !s.cfg.NoSyncContents {
		if hasSyncfs {
			if err := syncStoreFS(s.realDir); err != nil {
				return err
			}
		} else {
			for _, info := range infos {
				if err := syncTree(s.RealPath(info.Path)); err != nil {
					return err
				}
			}
			if err := fsyncDir(s.realDir); err != nil {
				return err
			}
		}
	}
	if s.cfg.AutoOptimise {
		for _, info := range infos {
			if _, err := s.optimisePath(ctx, s.RealPath(info.Path), nil, false, nil); err != nil {
				return err
			}
		}
	}
	return s.RegisterValidPaths(ctx, infos)
}
