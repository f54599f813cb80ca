// This file holds garbage collector roots: temporary roots (paths this
// process is using, in temproots/<pid>), permanent roots (symlinks made by
// --add-root) and indirect roots (gcroots/auto), as CppNix keeps them.

package local

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/nixgo/nixgo/format/fslink"
	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/format/syserr"
)

// tempRoots is this store's temporary roots file and its GC lock.
type tempRoots struct {
	mu     sync.Mutex
	file   *os.File // temproots/<pid>-<n>, locked while the store is open
	path   string
	gcLock *os.File // state/gc.lock
	done   map[storepath.StorePath]bool
}

func (t *tempRoots) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.file != nil {
		// Removed while still locked, so that no collector takes it
		// for a stale file; Windows cannot remove an open file, so
		// there it goes after closing.
		err := os.Remove(t.path)
		t.file.Close()
		if err != nil {
			os.Remove(t.path)
		}
		t.file = nil
	}
	if t.gcLock != nil {
		t.gcLock.Close()
		t.gcLock = nil
	}
}

// AddTempRoot keeps p from being garbage collected while the store is open
// (CppNix's addTempRoot): it is written to this process's roots file and,
// if a collector is running, sent to it through its socket.
func (s *Store) AddTempRoot(ctx context.Context, p storepath.StorePath) error {
	if s.cfg.ReadOnly {
		return nil
	}
	t := &s.roots
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done[p] {
		return nil
	}
	if err := s.createTempRootsFile(); err != nil {
		return err
	}
	if t.gcLock == nil {
		f, err := os.OpenFile(s.cfg.StateDir+"/gc.lock", os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("opening global GC lock '%s': %w", s.cfg.StateDir+"/gc.lock", syserr.Unwrap(err))
		}
		t.gcLock = f
	}
	for {
		ok, err := lockFile(t.gcLock, lockRead, false)
		if err != nil {
			return err
		}
		if ok {
			break
		}
		// A collector is running: tell it about the root.
		sent, err := sendRootToCollector(ctx, s.cfg.StateDir+"/gc-socket/socket", s.dir.Path(p))
		if err != nil {
			return err
		}
		if sent {
			break
		}
	}
	_, err := t.file.Write([]byte(s.dir.Path(p) + "\x00"))
	lockFile(t.gcLock, lockNone, false)
	if err != nil {
		return fmt.Errorf("writing temporary roots file '%s': %w", t.path, syserr.Unwrap(err))
	}
	if t.done == nil {
		t.done = map[storepath.StorePath]bool{}
	}
	t.done[p] = true
	return nil
}

// createTempRootsFile creates and locks the roots file. CppNix names it
// after the process id; nixgo adds a number, so that several stores opened
// by one process do not share it (CppNix's collector reads the leading
// number only).
func (s *Store) createTempRootsFile() error {
	t := &s.roots
	if t.file != nil {
		return nil
	}
	for {
		t.path = s.tempRootsDir + "/" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatUint(uint64(rand.Uint32()), 10)
		f, err := openLockFile(t.path, true)
		if err != nil {
			return err
		}
		if _, err := lockFile(f, lockWrite, true); err != nil {
			f.Close()
			return err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return fmt.Errorf("statting '%s': %w", t.path, syserr.Unwrap(err))
		}
		if st.Size() == 0 {
			t.file = f
			return nil
		}
		f.Close() // the collector deleted it before we locked it
	}
}

// AddPermRoot makes gcRoot a symlink to p and registers it as an indirect
// root (CppNix's IndirectRootStore::addPermRoot).
func (s *Store) AddPermRoot(ctx context.Context, p storepath.StorePath, gcRoot string) (string, error) {
	gcRoot = filepath.ToSlash(filepath.Clean(gcRoot))
	if s.dir.IsInStore(gcRoot) {
		return "", fmt.Errorf("creating a garbage collector root (%s) in the Nix store is forbidden (are you running nix-build inside the store?)", gcRoot)
	}
	if err := s.AddTempRoot(ctx, p); err != nil {
		return "", err
	}
	if fi, err := os.Lstat(gcRoot); err == nil {
		target := ""
		if fslink.IsLink(gcRoot, fi.Mode()) {
			target, _ = fslink.Readlink(gcRoot)
		}
		if target == "" || !s.dir.IsInStore(target) {
			return "", fmt.Errorf("cannot create symlink '%s'; already exists", gcRoot)
		}
	}
	if err := makeSymlink(gcRoot, s.dir.Path(p)); err != nil {
		return "", err
	}
	if err := s.AddIndirectRoot(ctx, gcRoot); err != nil {
		return "", err
	}
	return gcRoot, nil
}

// AddIndirectRoot registers path as a root: gcroots/auto/<nix32 of its
// SHA-1> links to it.
func (s *Store) AddIndirectRoot(ctx context.Context, path string) error {
	h := hash.SumString(hash.SHA1, path).Nix32()
	return makeSymlink(filepath.ToSlash(filepath.Clean(s.cfg.StateDir+"/gcroots/auto/"+h)), path)
}

// makeSymlink atomically makes link a symlink to target (a format/fslink
// link), creating the directories above it (CppNix's
// IndirectRootStore::makeSymlink).
func makeSymlink(link, target string) error {
	if err := os.MkdirAll(filepath.Dir(link), 0o777); err != nil {
		return fmt.Errorf("creating directory '%s': %w", filepath.Dir(link), syserr.Unwrap(err))
	}
	tmp := fmt.Sprintf("%s.tmp-%d-%d", link, os.Getpid(), rand.Int32())
	if err := fslink.Symlink(target, tmp); err != nil {
		return fmt.Errorf("creating symlink '%s' -> '%s': %w", tmp, target, syserr.Unwrap(err))
	}
	if err := fslink.Rename(tmp, link); err != nil {
		fslink.Remove(tmp)
		return fmt.Errorf("renaming '%s' to '%s': %w", tmp, link, syserr.Unwrap(err))
	}
	return nil
}
