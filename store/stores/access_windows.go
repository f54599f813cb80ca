// Checking access to the state directory on Windows.

package stores

import (
	"os"
	"path/filepath"
)

// writable reports whether dir exists and is a directory: Windows has no
// access(2); permission problems show when the store is opened.
func writable(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir()
}

// cleanPath cleans a path lexically, with forward slashes.
func cleanPath(p string) string { return filepath.ToSlash(filepath.Clean(p)) }
