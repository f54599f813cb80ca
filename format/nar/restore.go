// Restore: recreating a file system tree from a NAR (nix-store --restore).

package nar

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Restore reads a NAR from r and creates its tree at path, which must not
// exist. Directories are created with mode 0777 and files with 0666, less
// the umask; executable files then get the execute bits (CppNix's
// restorePath).
//
// Every object is created exclusively (a directory or file that already
// exists is an error), and the Reader rejects names that are not single
// path components, so a NAR cannot write outside path, even through
// symlinks it created itself. On error, what was created stays.
func Restore(path string, r io.Reader) error {
	nr := NewReader(r)
	for {
		h, err := nr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := restoreOne(path, h, nr); err != nil {
			return err
		}
	}
}

func restoreOne(root string, h *Header, nr *Reader) error {
	if h.Path != "/" {
		if err := checkLocalName(filepath.Base(h.Path)); err != nil {
			return err
		}
	}
	p := filepath.Join(root, filepath.FromSlash(h.Path))
	switch h.Type {
	case TypeDirectory:
		if err := os.Mkdir(p, 0o777); err != nil {
			if errors.Is(err, os.ErrExist) {
				return fmt.Errorf("path '%s' already exists", p)
			}
			return err
		}
		return nil
	case TypeSymlink:
		return os.Symlink(h.LinkTarget, p)
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o666)
	if err != nil {
		return fmt.Errorf("creating file '%s': %w", p, err)
	}
	if h.Executable {
		if err := makeExecutable(f); err != nil {
			f.Close()
			return err
		}
	}
	if _, err := io.Copy(f, nr); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
