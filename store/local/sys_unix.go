// File system details for Unix: permissions, syncing directories, access
// checks and locking temporary directories.

//go:build unix

package local

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/nixgo/nixgo/format/syserr"
)

// hasUnixPermissions tells whether files have Unix permission bits.
const hasUnixPermissions = true

// makeExecutable adds execute bits where f has read bits.
func makeExecutable(f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	return f.Chmod(st.Mode().Perm() | 0o111)
}

// checkLocalName has nothing to add on Unix: the NAR reader's checks
// suffice.
func checkLocalName(string) error { return nil }

// fsyncDir syncs a directory's entries.
func fsyncDir(path string) error {
	d, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("opening directory '%s': %w", path, syserr.Unwrap(err))
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("fsync directory '%s': %w", path, syserr.Unwrap(err))
	}
	return nil
}

// syncAll flushes every file system (sync-before-registering).
func syncAll() { unix.Sync() }

// checkWritable fails unless the directory is readable and writable by
// this process.
func checkWritable(dir string) error {
	return unix.Access(dir, unix.R_OK|unix.W_OK)
}

// lockDir takes an exclusive lock on an open directory, which CppNix's
// garbage collector honours for "tmp-" directories in the store.
func lockDir(d *os.File) error {
	_, err := lockFile(d, lockWrite, true)
	return err
}
