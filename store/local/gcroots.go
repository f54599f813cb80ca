// This file finds garbage collector roots as CppNix 2.26's gc.cc does:
// permanent roots (symlinks, and files named after store paths, under
// <state>/gcroots and <state>/profiles, with indirect roots followed one
// step and stale links in gcroots/auto removed), temporary roots (the
// temproots/<pid> files of running processes; stale ones are removed) and
// the roots of running processes (gcroots_*.go).

package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/nixgo/nixgo/format/fslink"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/store"
)

// rootSet collects roots: for each store path, the set of its links.
type rootSet map[storepath.StorePath]map[string]bool

func (r rootSet) add(p storepath.StorePath, link string) {
	if r[p] == nil {
		r[p] = map[string]bool{}
	}
	r[p][link] = true
}

// roots turns the set into sorted lists.
func (r rootSet) roots() store.Roots {
	out := store.Roots{}
	for p, links := range r {
		l := make([]string, 0, len(links))
		for k := range links {
			l = append(l, k)
		}
		slices.Sort(l)
		out[p] = l
	}
	return out
}

// FindRoots returns the roots of the store (store.GarbageCollector; CppNix's
// LocalStore::findRoots).
func (s *Store) FindRoots(ctx context.Context, censor bool) (store.Roots, error) {
	r := rootSet{}
	if err := s.findRootsNoTemp(ctx, r, censor, s.log); err != nil {
		return nil, err
	}
	if err := s.findTempRoots(ctx, r, censor, s.log); err != nil {
		return nil, err
	}
	return r.roots(), nil
}

// findRootsNoTemp adds the permanent roots and those of running processes.
func (s *Store) findRootsNoTemp(ctx context.Context, r rootSet, censor bool, log store.Logger) error {
	for _, dir := range []string{s.cfg.StateDir + "/gcroots", s.cfg.StateDir + "/profiles"} {
		if err := s.findRootsIn(ctx, dir, 0, false, r, log); err != nil {
			return err
		}
	}
	return s.findRuntimeRoots(ctx, r, censor, log)
}

// findRootsIn adds the roots at p: below it if it is a directory, what it
// links to if it is a symlink, the store path it is named after if it is a
// file. typ is p's type if known.
func (s *Store) findRootsIn(ctx context.Context, p string, typ fs.FileMode, known bool, r rootSet, log store.Logger) error {
	err := s.findRootsAt(ctx, p, typ, known, r, log)
	// Only permanent failures are ignored.
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		store.Logf(log, store.LevelInfo, "cannot read potential root '%s'", p)
		return nil
	}
	return err
}

func (s *Store) findRootsAt(ctx context.Context, p string, typ fs.FileMode, known bool, r rootSet, log store.Logger) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !known {
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		typ = fi.Mode().Type()
	}
	switch {
	case typ.IsDir():
		d, err := os.Open(p)
		if err != nil {
			return err
		}
		defer d.Close()
		for {
			entries, err := d.ReadDir(256)
			for _, e := range entries {
				if err := s.findRootsIn(ctx, p+"/"+e.Name(), e.Type(), true, r, log); err != nil {
					return err
				}
			}
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
		}
	case fslink.IsLink(p, typ):
		target, err := fslink.Readlink(p)
		if err != nil {
			return err
		}
		if s.dir.IsInStore(target) {
			return s.foundRoot(ctx, p, target, r, log)
		}
		// An indirect root: a link to a link into the store.
		if !strings.HasPrefix(target, "/") && !filepath.IsAbs(target) {
			target = path.Dir(p) + "/" + target
		}
		target = path.Clean(target)
		fi, err := os.Lstat(target)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			if isInDir(p, s.cfg.StateDir+"/gcroots/auto") {
				store.Logf(log, store.LevelInfo, "removing stale link from '%s' to '%s'", p, target)
				fslink.Remove(p)
			}
			return nil
		}
		if err != nil {
			return err
		}
		if !fslink.IsLink(target, fi.Mode()) {
			return nil
		}
		target2, err := fslink.Readlink(target)
		if err != nil {
			return err
		}
		if s.dir.IsInStore(target2) {
			return s.foundRoot(ctx, target, target2, r, log)
		}
	case typ.IsRegular():
		sp, err := s.dir.Parse(string(s.dir) + "/" + path.Base(p))
		if err != nil {
			return nil
		}
		ok, err := s.IsValidPath(ctx, sp)
		if err != nil {
			return err
		}
		if ok {
			r.add(sp, p)
		}
	}
	return nil
}

// foundRoot records link, whose target is inside the store, as a root of
// the store path target is in, if that path is valid.
func (s *Store) foundRoot(ctx context.Context, link, target string, r rootSet, log store.Logger) error {
	sp, _, err := s.dir.ToStorePath(target)
	if err != nil {
		return nil // not a store path: no root
	}
	ok, err := s.IsValidPath(ctx, sp)
	if err != nil {
		return err
	}
	if ok {
		r.add(sp, link)
	} else {
		store.Logf(log, store.LevelInfo, "skipping invalid root from '%s' to '%s'", link, target)
	}
	return nil
}

// isInDir reports whether p is strictly below dir (CppNix's isInDir).
func isInDir(p, dir string) bool {
	return len(p) > len(dir)+1 && strings.HasPrefix(p, dir) && p[len(dir)] == '/'
}

// findTempRoots adds the temporary roots of running processes: the paths
// listed, NUL-terminated, in temproots/<pid> files whose owner still holds
// their lock. A file that can be locked belongs to a process that has
// ended: it is removed (unlinked, then marked stale with a byte for a
// process that opened it meanwhile, as CppNix). The roots are named
// "{temp:PID}" (PID is the leading number of the file name: CppNix names
// the files after the process, nixgo adds "-<n>").
func (s *Store) findTempRoots(ctx context.Context, r rootSet, censor bool, log store.Logger) error {
	d, err := os.Open(s.tempRootsDir)
	if err != nil {
		return fmt.Errorf("opening directory '%s': %w", s.tempRootsDir, syserr.Unwrap(err))
	}
	defer d.Close()
	for {
		entries, rerr := d.ReadDir(256)
		for _, e := range entries {
			if err := ctx.Err(); err != nil {
				return err
			}
			if strings.HasPrefix(e.Name(), ".") {
				continue // hidden files keep the directory alive for some package managers
			}
			if err := s.readTempRoots(e.Name(), r, censor, log); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("reading directory '%s': %w", s.tempRootsDir, syserr.Unwrap(rerr))
		}
	}
}

// readTempRoots reads one temporary roots file.
func (s *Store) readTempRoots(name string, r rootSet, censor bool, log store.Logger) error {
	p := s.tempRootsDir + "/" + name
	pid, ok := leadingNumber(name)
	if !ok {
		return nil // not a roots file (CppNix fails on such names)
	}
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("opening temporary roots file '%s': %w", p, syserr.Unwrap(err))
	}
	defer f.Close()
	locked, err := lockFile(f, lockWrite, false)
	if err != nil {
		return err
	}
	if locked {
		// Its owner has ended: nobody cares about its roots.
		store.Logf(log, store.LevelInfo, "removing stale temporary roots file '%s'", p)
		os.Remove(p)
		f.Write([]byte("d"))
		if runtime.GOOS == "windows" {
			// An open file cannot be deleted there.
			f.Close()
			os.Remove(p)
		}
		return nil
	}
	contents, err := io.ReadAll(f)
	if err != nil {
		return fmt.Errorf("reading temporary roots file '%s': %w", p, syserr.Unwrap(err))
	}
	link := "{temp:" + strconv.Itoa(pid) + "}"
	if censor {
		link = store.CensoredRoot
	}
	for text := string(contents); ; {
		i := strings.IndexByte(text, 0)
		if i < 0 {
			break
		}
		root := text[:i]
		text = text[i+1:]
		store.Logf(log, store.LevelDebug, "got temporary root '%s'", root)
		sp, err := s.dir.Parse(root)
		if err != nil {
			return err
		}
		r.add(sp, link)
	}
	return nil
}

// leadingNumber parses the decimal number a name starts with (C's stoi,
// which CppNix applies to the names of temporary roots files).
func leadingNumber(name string) (int, bool) {
	i := 0
	for i < len(name) && '0' <= name[i] && name[i] <= '9' {
		i++
	}
	n, err := strconv.Atoi(name[:i])
	return n, err == nil
}

// findRuntimeRoots adds the valid store paths that running processes use
// (CppNix's findRuntimeRoots): the candidates come from the operating
// system (runtimeRootCandidates), keyed by the path a process uses, with
// where it was seen.
func (s *Store) findRuntimeRoots(ctx context.Context, r rootSet, censor bool, log store.Logger) error {
	unchecked := map[string]map[string]bool{}
	if err := s.runtimeRootCandidates(ctx, unchecked); err != nil {
		return err
	}
	for target, links := range unchecked {
		if !s.dir.IsInStore(target) {
			continue
		}
		sp, _, err := s.dir.ToStorePath(target)
		if err != nil {
			continue
		}
		ok, err := s.IsValidPath(ctx, sp)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		store.Logf(log, store.LevelDebug, "got additional root '%s'", s.dir.Path(sp))
		if censor {
			r.add(sp, store.CensoredRoot)
			continue
		}
		for l := range links {
			r.add(sp, l)
		}
	}
	return nil
}

// addCandidate records that link (a /proc entry, "{lsof}") uses target.
func addCandidate(unchecked map[string]map[string]bool, target, link string) {
	if unchecked[target] == nil {
		unchecked[target] = map[string]bool{}
	}
	unchecked[target][link] = true
}
