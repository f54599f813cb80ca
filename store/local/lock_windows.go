// File locking on Windows: LockFileEx on the first byte of the file.

package local

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/windows"
)

// lockFile takes or releases a lock on f. Without wait it returns false if
// the lock is held elsewhere.
func lockFile(f *os.File, lt lockType, wait bool) (bool, error) {
	h := windows.Handle(f.Fd())
	ov := new(windows.Overlapped)
	if lt == lockNone {
		err := windows.UnlockFileEx(h, 0, 1, 0, ov)
		if err != nil && !errors.Is(err, windows.ERROR_NOT_LOCKED) {
			return false, fmt.Errorf("acquiring/releasing lock: %w", err)
		}
		return true, nil
	}
	var flags uint32
	if lt == lockWrite {
		flags |= windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	if !wait {
		flags |= windows.LOCKFILE_FAIL_IMMEDIATELY
	}
	if err := windows.LockFileEx(h, flags, 0, 1, 0, ov); err != nil {
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
			return false, nil
		}
		return false, fmt.Errorf("acquiring/releasing lock: %w", err)
	}
	return true, nil
}

// deleteLockFile does nothing on Windows: a file cannot be deleted while
// another process has it open (Go opens files without FILE_SHARE_DELETE), and
// a lock file marked stale but not deleted would make every later locker
// retry forever. Removing lock files is only an optimisation; on Windows
// they stay next to the store paths.
func deleteLockFile(path string, f *os.File) {}
