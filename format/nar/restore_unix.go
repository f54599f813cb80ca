// Restore details for systems with Unix permissions and symlinks.

//go:build !windows

package nar

import "os"

// makeExecutable adds the execute bits to f's permissions.
func makeExecutable(f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	return f.Chmod(st.Mode().Perm() | 0o111)
}

// checkLocalName has nothing to add on Unix: the Reader's checks suffice.
func checkLocalName(string) error { return nil }

// pendingLink is unused on Unix: symlinks are made at once.
type pendingLink struct{}

func (rs *restorer) symlink(target, p string) error { return os.Symlink(target, p) }

func (rs *restorer) finish() error { return nil }
