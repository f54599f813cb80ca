// This file writes objects into a temporary directory of the store: a NAR
// restored, or a flat file, with their files and directories synced before
// the object is moved into place.

package local

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/nixgo/nixgo/format/nar"
	"github.com/nixgo/nixgo/format/syserr"
)

// restoreNAR recreates the tree of the NAR read by nr at path, which must
// not exist. With doSync, every file and directory is synced before it
// returns, so that a crash after the object is renamed into place cannot
// leave it incomplete. If echo is not nil, the NAR is written to it as it
// is restored: since the reader accepts only canonical archives, these are
// exactly the bytes of the archive read, which the caller can hash.
func restoreNAR(path string, nr *nar.Reader, doSync bool, echo io.Writer) error {
	var dirs []string
	var nw *nar.Writer
	if echo != nil {
		nw = nar.NewWriter(echo)
	}
	for {
		h, err := nr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		var contents io.Reader = nr
		if nw != nil {
			if err := nw.WriteHeader(h); err != nil {
				return err
			}
			contents = io.TeeReader(nr, nw)
		}
		p := path
		if h.Path != "/" {
			if err := checkLocalName(filepath.Base(h.Path)); err != nil {
				return err
			}
			p = filepath.Join(path, filepath.FromSlash(h.Path))
		}
		switch h.Type {
		case nar.TypeDirectory:
			if err := os.Mkdir(p, 0o777); err != nil {
				if errors.Is(err, os.ErrExist) {
					return fmt.Errorf("path '%s' already exists", p)
				}
				return fmt.Errorf("creating directory '%s': %w", p, syserr.Unwrap(err))
			}
			dirs = append(dirs, p)
		case nar.TypeSymlink:
			if err := os.Symlink(h.LinkTarget, p); err != nil {
				return fmt.Errorf("creating symlink from '%s' to '%s': %w", p, h.LinkTarget, syserr.Unwrap(err))
			}
		case nar.TypeRegular:
			if err := writeFile(p, contents, h.Executable, doSync); err != nil {
				return err
			}
		}
	}
	if nw != nil {
		if err := nw.Close(); err != nil {
			return err
		}
	}
	if !doSync {
		return nil
	}
	// Children before parents, so that each directory's entries are durable
	// before the directory that names it.
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := fsyncDir(dirs[i]); err != nil {
			return err
		}
	}
	return nil
}

// writeFile creates a regular file with the contents read from r.
func writeFile(p string, r io.Reader, executable bool, doSync bool) error {
	perm := os.FileMode(0o666)
	if executable {
		perm = 0o777
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
	if err != nil {
		return fmt.Errorf("creating file '%s': %w", p, syserr.Unwrap(err))
	}
	if executable {
		// The umask may have removed execute bits: give back those of
		// the read bits it left (CppNix adds S_IXUSR|S_IXGRP|S_IXOTH).
		if err := makeExecutable(f); err != nil {
			f.Close()
			return err
		}
	}
	_, err = io.Copy(f, r)
	if err == nil && doSync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("writing to file '%s': %w", p, syserr.Unwrap(err))
	}
	return err // a malformed or truncated NAR
}

// removeAll deletes path and everything below it, making directories
// writable first (store objects are read-only), as CppNix's deletePath. A
// missing path is not an error.
func removeAll(path string) error {
	st, err := os.Lstat(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("getting status of '%s': %w", path, syserr.Unwrap(err))
	}
	if st.IsDir() {
		if st.Mode().Perm()&0o700 != 0o700 {
			os.Chmod(path, st.Mode().Perm()|0o700)
		}
		names, err := readDirNames(path)
		if err != nil {
			return err
		}
		for _, n := range names {
			if err := removeAll(path + "/" + n); err != nil {
				return err
			}
		}
	}
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("cannot unlink '%s': %w", path, syserr.Unwrap(err))
	}
	return nil
}

// readDirNames returns the names in a directory, unsorted.
func readDirNames(path string) ([]string, error) {
	d, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening directory '%s': %w", path, syserr.Unwrap(err))
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("reading directory '%s': %w", path, syserr.Unwrap(err))
	}
	return names, nil
}
