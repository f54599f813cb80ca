// Restore details for systems with Unix permissions.

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
