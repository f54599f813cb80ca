// Canonicalisation of store objects on Windows: modification time 1 and
// read-only regular files (FILE_ATTRIBUTE_READONLY). Windows has no
// permission bits or owners to normalise as on Unix; the read-only
// attribute stands for the Unix store's 0444/0555 so that nothing writes
// into a valid path by mistake. Deleting a store object clears it first
// (os.Remove does so for a read-only file).

package local

import (
	"fmt"
	"os"
	"time"

	"github.com/nixgo/nixgo/format/syserr"
)

// canonicalise sets the modification time of path and everything below it
// (symlinks excepted) to 1 and makes its regular files read-only.
func (s *Store) canonicalise(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("getting status of '%s': %w", path, syserr.Unwrap(err))
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
	if m&os.ModeSymlink != 0 {
		return nil
	}
	return canonicaliseWindows(path, fi)
}

// canonicaliseWindows gives one file or directory the store's metadata:
// the time first (setting it needs no write access to the data, but some
// file systems refuse it on read-only files), then the read-only
// attribute of regular files.
func canonicaliseWindows(path string, fi os.FileInfo) error {
	if fi.ModTime().Unix() != mtimeStore {
		t := time.Unix(mtimeStore, 0)
		if err := os.Chtimes(path, t, t); err != nil {
			return fmt.Errorf("changing modification time of '%s': %w", path, syserr.Unwrap(err))
		}
	}
	// On Windows os.Chmod only sets or clears FILE_ATTRIBUTE_READONLY
	// (from the 0o200 bit).
	if fi.Mode().IsRegular() && fi.Mode().Perm()&0o200 != 0 {
		if err := os.Chmod(path, 0o444); err != nil {
			return fmt.Errorf("making '%s' read-only: %w", path, syserr.Unwrap(err))
		}
	}
	return nil
}

// canonicaliseMetadataOnly re-applies the store's metadata to one path.
func canonicaliseMetadataOnly(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	return canonicaliseWindows(path, fi)
}

// inodeOf is not available on Windows: optimise does nothing there.
func inodeOf(os.FileInfo) (dev, ino uint64, nlink uint64, ok bool) { return 0, 0, 0, false }
