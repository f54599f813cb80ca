// Reserving disk space on Linux.

package local

import (
	"os"

	"golang.org/x/sys/unix"
)

// allocate reserves size bytes for f (posix_fallocate).
func allocate(f *os.File, size int64) error {
	return unix.Fallocate(int(f.Fd()), 0, 0, size)
}
