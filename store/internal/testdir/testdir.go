// Package testdir gives tests temporary directories that can be removed
// everywhere: under Wine, Go's os.RemoveAll (and so t.TempDir's cleanup)
// fails with "Invalid function", and store objects are read-only.
package testdir

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// New returns a new temporary directory, removed when the test ends. On
// Windows, what cannot be removed is left behind.
func New(t testing.TB) string {
	t.Helper()
	if runtime.GOOS != "windows" {
		d := t.TempDir()
		t.Cleanup(func() { makeWritable(d) })
		return d
	}
	d, err := os.MkdirTemp("", "nixgo-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeTree(d) })
	return filepath.ToSlash(d)
}

// makeWritable lets the owner write every directory below d, so that
// t.TempDir's cleanup can delete store objects.
func makeWritable(d string) {
	filepath.WalkDir(d, func(p string, e os.DirEntry, err error) error {
		if err == nil && e.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
}

// removeTree removes d entry by entry, children first, ignoring errors.
func removeTree(d string) {
	var all []string
	filepath.WalkDir(d, func(p string, e os.DirEntry, err error) error {
		all = append(all, p)
		return nil
	})
	for i := len(all) - 1; i >= 0; i-- {
		os.Remove(all[i])
	}
}
