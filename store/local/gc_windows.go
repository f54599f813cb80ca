// Garbage collection details for Windows, where directories cannot be
// locked: a temporary directory is in use while its owner has it open, and
// read-only files must be made writable before they can be removed.

package local

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// tryLockTempDir opens a temporary directory of the store without sharing:
// this fails while the process that made it still has it open. Holding it
// keeps that process from opening it again.
func tryLockTempDir(path string) (unlock func(), ok bool) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, false
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ, 0, nil, windows.OPEN_EXISTING,
		windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return nil, false
	}
	var info windows.ByHandleFileInformation
	if windows.GetFileInformationByHandle(h, &info) != nil || info.FileAttributes&windows.FILE_ATTRIBUTE_DIRECTORY == 0 {
		windows.CloseHandle(h)
		return nil, false
	}
	// The directory itself can only be removed once the handle is
	// closed: deletePath retries after unlock (see removeEntry).
	return func() {
		windows.CloseHandle(h)
		os.Remove(path)
	}, true
}

// removeEntry removes a file or an empty directory, clearing the read-only
// attribute that store objects have.
func removeEntry(path string) error {
	err := os.Remove(path)
	if err == nil || os.IsNotExist(err) {
		return err
	}
	if os.Chmod(path, 0o666) == nil {
		if err2 := os.Remove(path); err2 == nil {
			return nil
		}
	}
	if errors.Is(err, windows.ERROR_SHARING_VIOLATION) {
		if fi, serr := os.Lstat(path); serr == nil && fi.IsDir() {
			// Held open by tryLockTempDir: removed when it is
			// unlocked.
			return nil
		}
	}
	return err
}

// allocatedBytes is not known on Windows.
func allocatedBytes(os.FileInfo) int64 { return 0 }
