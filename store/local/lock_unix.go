// File locking on Unix: flock(2), as CppNix.

//go:build unix

package local

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// lockFile takes or releases a lock on f. Without wait it returns false if
// the lock is held elsewhere.
func lockFile(f *os.File, lt lockType, wait bool) (bool, error) {
	how := unix.LOCK_UN
	switch lt {
	case lockRead:
		how = unix.LOCK_SH
	case lockWrite:
		how = unix.LOCK_EX
	}
	if !wait {
		how |= unix.LOCK_NB
	}
	for {
		err := unix.Flock(int(f.Fd()), how)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, unix.EINTR):
			if wait {
				return false, nil
			}
			continue
		case !wait && errors.Is(err, unix.EWOULDBLOCK):
			return false, nil
		}
		return false, fmt.Errorf("acquiring/releasing lock: %w", err)
	}
}

// deleteLockFile unlinks a lock file and marks it stale.
func deleteLockFile(path string, f *os.File) {
	os.Remove(path)
	f.Write([]byte("d"))
}
