// Garbage collection details for Windows, where directories cannot be
// locked: a temporary directory is in use while its owner has it open, and
// read-only files must be made writable before they can be removed.

package local

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// tryLockTempDir reports whether a temporary directory of the store is
// free: opening it without sharing fails while the process that made it
// still has it open. The handle is closed again at once, so that the
// collector can open the directory to delete it. Its owner opens it only
// right after making it (newTempDir); if that happens after this check,
// removing the directory fails with a sharing violation (Go opens without
// FILE_SHARE_DELETE) and removeEntry leaves it.
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
	isDir := windows.GetFileInformationByHandle(h, &info) == nil && info.FileAttributes&windows.FILE_ATTRIBUTE_DIRECTORY != 0
	windows.CloseHandle(h)
	if !isDir {
		return nil, false
	}
	return func() {}, true
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
			// A temporary directory its owner opened after
			// tryLockTempDir looked: it stays.
			return nil
		}
	}
	return err
}

// allocatedBytes is not known on Windows.
func allocatedBytes(os.FileInfo) int64 { return 0 }
