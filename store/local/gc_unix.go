// Garbage collection details for Unix: locks on temporary directories,
// removing entries, the space a directory takes.

//go:build unix

package local

import (
	"os"
	"syscall"
)

// tryLockTempDir takes, without waiting, the lock a process holds on a
// temporary directory of the store while it uses it (CppNix's
// createTempDirInStore). It fails if the directory is locked or is not a
// directory.
func tryLockTempDir(path string) (unlock func(), ok bool) {
	d, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	if fi, err := d.Stat(); err != nil || !fi.IsDir() {
		d.Close()
		return nil, false
	}
	if locked, err := lockFile(d, lockWrite, false); err != nil || !locked {
		d.Close()
		return nil, false
	}
	return func() { d.Close() }, true
}

// removeEntry removes a file or an empty directory.
func removeEntry(path string) error { return os.Remove(path) }

// allocatedBytes is the disk space a file takes (st_blocks × 512).
func allocatedBytes(fi os.FileInfo) int64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int64(st.Blocks) * 512
	}
	return 0
}
