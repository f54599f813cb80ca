// Access checks on Unix: access(2), as CppNix.

//go:build unix

package profiles

import "golang.org/x/sys/unix"

// canAccess reports whether this process may read (or write) path.
func canAccess(path string, write bool) bool {
	mode := uint32(unix.R_OK)
	if write {
		mode = unix.W_OK
	}
	return unix.Access(path, mode) == nil
}
