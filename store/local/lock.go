// This file holds CppNix's lock files: per-path locks (a file next to the
// path, named "<path>.lock", locked exclusively while the path is being
// written) and whole-file locks on the store's global lock files.

package local

import (
	"fmt"
	"os"
	"sort"

	"github.com/nixgo/nixgo/store"
)

// lockType is the kind of lock to take on a lock file.
type lockType int

const (
	lockNone  lockType = iota // release
	lockRead                  // shared
	lockWrite                 // exclusive
)

// openLockFile opens (and with create, creates with mode 0600) a lock file.
// Without create, a missing file gives (nil, nil).
func openLockFile(path string, create bool) (*os.File, error) {
	flags := os.O_RDWR
	if create {
		flags |= os.O_CREATE
	}
	f, err := os.OpenFile(path, flags, 0o600)
	if err != nil {
		if !create && os.IsNotExist(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("opening lock file '%s': %w", path, err)
	}
	return f, nil
}

// pathLocks holds locks on paths, as CppNix's PathLocks: for each path, an
// exclusive lock on "<path>.lock".
type pathLocks struct {
	held     []heldLock
	deletion bool
}

type heldLock struct {
	f    *os.File
	path string
}

// lockPaths locks paths in sorted order (so that processes locking several
// paths cannot deadlock). If a lock is held elsewhere it prints waitMsg (if
// any) through log and waits. A lock file that was deleted by its previous
// holder while we waited (it then contains a byte) is stale: we open the
// path again and retry.
func lockPaths(paths []string, waitMsg string, log store.Logger) (*pathLocks, error) {
	return takePathLocks(paths, true, waitMsg, log)
}

// takePathLocks is lockPaths; without wait it releases the locks taken and
// returns nil as soon as one is held elsewhere (CppNix's lockPaths with
// wait=false).
func takePathLocks(paths []string, wait bool, waitMsg string, log store.Logger) (*pathLocks, error) {
	sorted := append([]string(nil), paths...)
	sort.Strings(sorted)
	pl := &pathLocks{}
	for _, p := range sorted {
		lockPath := p + ".lock"
		for {
			f, err := openLockFile(lockPath, true)
			if err != nil {
				pl.unlock()
				return nil, err
			}
			ok, err := lockFile(f, lockWrite, false)
			if err == nil && !ok && !wait {
				f.Close()
				pl.unlock()
				return nil, nil
			}
			if err == nil && !ok {
				if waitMsg != "" {
					store.Logf(log, store.LevelError, "%s", waitMsg)
				}
				_, err = lockFile(f, lockWrite, true)
			}
			if err != nil {
				f.Close()
				pl.unlock()
				return nil, err
			}
			st, err := f.Stat()
			if err != nil {
				f.Close()
				pl.unlock()
				return nil, fmt.Errorf("statting lock file '%s': %w", lockPath, err)
			}
			if st.Size() == 0 {
				pl.held = append(pl.held, heldLock{f, lockPath})
				break
			}
			f.Close() // stale: its holder deleted it
		}
	}
	return pl, nil
}

// setDeletion makes unlock delete the lock files (once the paths are
// valid, nobody needs them).
func (pl *pathLocks) setDeletion(b bool) { pl.deletion = b }

// unlock releases the locks, deleting the lock files if asked: first
// unlinked, then marked stale with a byte for processes that opened them
// before the unlink (CppNix's deleteLockFile).
func (pl *pathLocks) unlock() {
	if pl == nil {
		return
	}
	for _, h := range pl.held {
		if pl.deletion {
			deleteLockFile(h.path, h.f)
		}
		h.f.Close()
	}
	pl.held = nil
}
