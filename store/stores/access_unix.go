// Checking access to the state directory on Unix.

//go:build unix

package stores

import (
	"path"

	"golang.org/x/sys/unix"
)

// writable reports whether this process may read and write dir
// (access(2) with R_OK|W_OK, as CppNix).
func writable(dir string) bool { return unix.Access(dir, unix.R_OK|unix.W_OK) == nil }

// cleanPath cleans a path lexically (CppNix's canonPath without symlinks).
func cleanPath(p string) string { return path.Clean(p) }
