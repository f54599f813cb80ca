// Roots that the Linux kernel holds: the helper programs it may start.

package local

import (
	"context"
	"errors"
	"io/fs"
	"os"
)

// systemRootCandidates adds the programs named in /proc/sys/kernel (the
// files' contents as they are, newline included, as CppNix reads them).
func (s *Store) systemRootCandidates(ctx context.Context, unchecked map[string]map[string]bool) error {
	for _, f := range []string{"/proc/sys/kernel/modprobe", "/proc/sys/kernel/fbsplash", "/proc/sys/kernel/poweroff_cmd"} {
		b, err := os.ReadFile(f)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
				continue
			}
			return err
		}
		addCandidate(unchecked, string(b), f)
	}
	return nil
}
