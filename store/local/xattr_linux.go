// Removing extended attributes (and so ACLs) on Linux.

package local

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// removeXattrs removes the extended attributes of path except those in
// ignored (ignored-acls).
func removeXattrs(path string, ignored []string) error {
	size, err := unix.Llistxattr(path, nil)
	if err != nil {
		if errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.ENODATA) {
			return nil
		}
		return fmt.Errorf("querying extended attributes of '%s': %w", path, err)
	}
	if size == 0 {
		return nil
	}
	buf := make([]byte, size)
	size, err = unix.Llistxattr(path, buf)
	if err != nil {
		return fmt.Errorf("querying extended attributes of '%s': %w", path, err)
	}
	for _, name := range strings.Split(string(buf[:size]), "\x00") {
		if name == "" || slices.Contains(ignored, name) {
			continue
		}
		if err := unix.Lremovexattr(path, name); err != nil {
			return fmt.Errorf("removing extended attribute '%s' from '%s': %w", name, path, err)
		}
	}
	return nil
}
