// This file deduplicates the store: files with the same NAR hash become hard
// links to one copy in .links/<nix32 hash> (CppNix's optimise-store.cc).

package local

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"runtime"
	"syscall"

	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/store"
)

// inodeSet holds the inodes of files known to be in .links.
type inodeSet map[uint64]bool

// Optimise hard-links identical files of all valid paths (store.Optimiser).
func (s *Store) Optimise(ctx context.Context, log store.Logger) (store.OptimiseStats, error) {
	var stats store.OptimiseStats
	if s.cfg.ReadOnly {
		return stats, s.readOnlyError()
	}
	paths, err := s.QueryAllValidPaths(ctx)
	if err != nil {
		return stats, err
	}
	inodes, err := s.loadInodes()
	if err != nil {
		return stats, err
	}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return stats, err
		}
		if err := s.AddTempRoot(ctx, p); err != nil {
			return stats, err
		}
		if ok, err := s.IsValidPath(ctx, p); err != nil {
			return stats, err
		} else if !ok {
			continue // collected meanwhile
		}
		store.Logf(log, store.LevelTalkative, "optimising path '%s'", s.dir.Path(p))
		if err := s.optimise1(s.RealPath(p), inodes, false, log, &stats); err != nil {
			return stats, err
		}
	}
	return stats, nil
}

// loadInodes returns the inodes of the files in .links.
func (s *Store) loadInodes() (inodeSet, error) {
	d, err := os.Open(s.linksDir)
	if err != nil {
		return nil, fmt.Errorf("opening directory '%s': %w", s.linksDir, syserr.Unwrap(err))
	}
	defer d.Close()
	entries, err := d.ReadDir(-1)
	if err != nil {
		return nil, fmt.Errorf("reading directory '%s': %w", s.linksDir, syserr.Unwrap(err))
	}
	inodes := inodeSet{}
	for _, e := range entries {
		if fi, err := e.Info(); err == nil {
			if _, ino, _, ok := inodeOf(fi); ok {
				inodes[ino] = true
			}
		}
	}
	return inodes, nil
}

// appBundleFile matches files that macOS refuses to hard-link.
var appBundleFile = regexp.MustCompile(`\.app/Contents/.+$`)

// optimisePath deduplicates the files below path (CppNix's optimisePath_).
// inodes may be nil (a fresh set is used).
func (s *Store) optimisePath(_ context.Context, path string, inodes inodeSet, repair bool, log store.Logger) (store.OptimiseStats, error) {
	if inodes == nil {
		inodes = inodeSet{}
	}
	if log == nil {
		log = s.log
	}
	var stats store.OptimiseStats
	err := s.optimise1(path, inodes, repair, log, &stats)
	return stats, err
}

func (s *Store) optimise1(path string, inodes inodeSet, repair bool, log store.Logger, stats *store.OptimiseStats) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("getting status of '%s': %w", path, syserr.Unwrap(err))
	}
	_, ino, nlink, ok := inodeOf(fi)
	if !ok {
		return nil // no inodes (Windows): nothing to do
	}
	if runtime.GOOS == "darwin" && appBundleFile.MatchString(path) {
		return nil
	}
	if fi.IsDir() {
		d, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("opening directory '%s': %w", path, syserr.Unwrap(err))
		}
		entries, err := d.ReadDir(-1)
		d.Close()
		if err != nil {
			return fmt.Errorf("reading directory '%s': %w", path, syserr.Unwrap(err))
		}
		for _, e := range entries {
			if efi, err := e.Info(); err == nil {
				if _, eino, _, ok := inodeOf(efi); ok && inodes[eino] {
					continue // already linked
				}
			}
			if err := s.optimise1(path+"/"+e.Name(), inodes, repair, log, stats); err != nil {
				return err
			}
		}
		return nil
	}
	isLink := fi.Mode()&os.ModeSymlink != 0
	if !fi.Mode().IsRegular() && !(isLink && runtime.GOOS == "linux") {
		return nil
	}
	if fi.Mode().IsRegular() && fi.Mode().Perm()&0o200 != 0 {
		store.Logf(log, store.LevelWarn, "skipping suspicious writable file '%s'", path)
		return nil
	}
	if nlink > 1 && inodes[ino] {
		return nil
	}
	h, err := s.narHash(path)
	if err != nil {
		return err
	}
	linkPath := s.linksDir + "/" + h.Nix32()
	if st, err := os.Lstat(linkPath); err == nil {
		corrupt := st.Size() != fi.Size()
		if !corrupt && repair {
			lh, err := s.narHash(linkPath)
			corrupt = err != nil || lh != h
		}
		if corrupt {
			store.Logf(log, store.LevelWarn, "removing corrupted link %q", linkPath)
			store.Logf(log, store.LevelWarn, "There may be more corrupted paths.\nYou should run `nix-store --verify --check-contents --repair` to fix them all")
			os.Remove(linkPath)
		}
	}
	if _, err := os.Lstat(linkPath); err != nil {
		if err := os.Link(path, linkPath); err != nil {
			switch {
			case errors.Is(err, os.ErrExist):
				// another process made it first
			case errors.Is(err, syscall.ENOSPC):
				store.Logf(log, store.LevelInfo, "cannot link '%s' to '%s': %s", linkPath, path, syserr.Strerror(err))
				return nil
			default:
				return fmt.Errorf("creating hard link '%s': %w", linkPath, syserr.Unwrap(err))
			}
		} else {
			inodes[ino] = true
		}
	}
	st, err := os.Lstat(linkPath)
	if err != nil {
		return fmt.Errorf("getting status of '%s': %w", linkPath, syserr.Unwrap(err))
	}
	if _, lino, _, _ := inodeOf(st); lino == ino {
		return nil
	}
	store.Logf(log, store.LevelTalkative, "linking '%s' to %q", path, linkPath)
	dir := parentDir(path)
	if dir != s.realDir {
		if dfi, err := os.Lstat(dir); err == nil {
			os.Chmod(dir, dfi.Mode().Perm()|0o200)
		}
		defer canonicaliseMetadataOnly(dir)
	}
	tempLink := fmt.Sprintf("%s/.tmp-link-%d-%d", s.realDir, os.Getpid(), rand.Int32())
	if err := os.Link(linkPath, tempLink); err != nil {
		if errors.Is(err, syscall.EMLINK) {
			if fi.Size() > 0 {
				store.Logf(log, store.LevelInfo, "%q has maximum number of links", linkPath)
			}
			return nil
		}
		return fmt.Errorf("creating hard link '%s': %w", tempLink, syserr.Unwrap(err))
	}
	inodes[ino] = true
	if err := os.Rename(tempLink, path); err != nil {
		os.Remove(tempLink)
		if errors.Is(err, syscall.EMLINK) {
			return nil
		}
		return fmt.Errorf("renaming '%s' to '%s': %w", tempLink, path, syserr.Unwrap(err))
	}
	stats.FilesLinked++
	stats.BytesFreed += uint64(fi.Size())
	return nil
}

// parentDir returns the directory part of a slash-separated path.
func parentDir(p string) string {
	for i := len(p) - 1; i > 0; i-- {
		if p[i] == '/' {
			return p[:i]
		}
	}
	return "/"
}
