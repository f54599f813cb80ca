// Access checks on Windows, which has no access(2): a directory that exists
// is taken to be readable and writable.

package profiles

import "os"

// canAccess reports whether path exists.
func canAccess(path string, write bool) bool {
	_, err := os.Stat(path)
	return err == nil
}
