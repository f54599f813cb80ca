// Restore details for Windows.

package nar

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// makeExecutable does nothing: Windows has no execute permission bit
// (CppNix does the same).
func makeExecutable(*os.File) error { return nil }

// checkLocalName rejects names that Windows would read as more than one
// path component, a drive or a device.
func checkLocalName(name string) error {
	if strings.ContainsAny(name, `\:`) || !filepath.IsLocal(name) {
		return fmt.Errorf("NAR contains file name '%s', which is not valid on Windows", name)
	}
	return nil
}
