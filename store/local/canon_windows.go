// Canonicalisation of store objects on Windows: only the modification time
// (there are no permission bits or owners to normalise; CppNix does not
// canonicalise on Windows).

package local

import (
	"fmt"
	"os"
	"time"
)

// canonicalise sets the modification time of path and everything below it
// (symlinks excepted) to 1.
func (s *Store) canonicalise(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("getting status of '%s': %w", path, unwrapPath(err))
	}
	m := fi.Mode()
	if !m.IsRegular() && !m.IsDir() && m&os.ModeSymlink == 0 {
		return fmt.Errorf("file '%s' has an unsupported type", path)
	}
	if m.IsDir() {
		names, err := readDirNames(path)
		if err != nil {
			return err
		}
		for _, n := range names {
			if err := s.canonicalise(path + "/" + n); err != nil {
				return err
			}
		}
	}
	if m&os.ModeSymlink == 0 && fi.ModTime().Unix() != 1 {
		t := time.Unix(1, 0)
		if err := os.Chtimes(path, t, t); err != nil {
			return fmt.Errorf("changing modification time of '%s': %w", path, unwrapPath(err))
		}
	}
	return nil
}

// canonicaliseMetadataOnly sets one path's modification time to 1.
func canonicaliseMetadataOnly(path string) error {
	t := time.Unix(1, 0)
	return os.Chtimes(path, t, t)
}

// inodeOf is not available on Windows: optimise does nothing there.
func inodeOf(os.FileInfo) (dev, ino uint64, nlink uint64, ok bool) { return 0, 0, 0, false }
