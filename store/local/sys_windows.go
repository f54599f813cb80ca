// File system details for Windows, where there are no permission bits,
// directories cannot be synced and the garbage collector cannot honour
// locks on directories.

package local

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// hasUnixPermissions tells whether files have Unix permission bits.
const hasUnixPermissions = false

// makeExecutable does nothing: Windows has no execute bit.
func makeExecutable(*os.File) error { return nil }

// checkLocalName rejects names that Windows would read as more than one
// path component, a drive or a device.
func checkLocalName(name string) error {
	if strings.ContainsAny(name, `\:`) || !filepath.IsLocal(name) {
		return fmt.Errorf("NAR contains file name '%s', which is not valid on Windows", name)
	}
	return nil
}

// fsyncDir does nothing: Windows cannot open directories for syncing.
func fsyncDir(string) error { return nil }

// syncAll does nothing on Windows.
func syncAll() {}

// checkWritable is left to the operations that follow.
func checkWritable(string) error { return nil }

// lockDir does nothing on Windows.
func lockDir(*os.File) error { return nil }
