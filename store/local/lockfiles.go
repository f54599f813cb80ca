// This file exports the per-path locks for files that are not store paths
// (profiles): "<path>.lock", as CppNix's PathLocks.

package local

import "github.com/nixgo/nixgo/store"

// LockFiles locks "<path>.lock" for each path, in sorted order, waiting for
// other processes (after saying waitMsg, if not empty, through log). Unlock
// with deleteFiles removes the lock files (CppNix's setDeletion).
func LockFiles(paths []string, waitMsg string, log store.Logger) (*OutputLocks, error) {
	pl, err := lockPaths(paths, waitMsg, log)
	if err != nil {
		return nil, err
	}
	return &OutputLocks{pl}, nil
}
