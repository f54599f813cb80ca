package syserr

import "syscall"

// dosErrno is the errno text of the Windows errors that the C runtime maps
// to an errno (its _dosmaperr table), in the runtime's words.
var dosErrno = map[syscall.Errno]string{
	2:   "No such file or directory", // ERROR_FILE_NOT_FOUND
	3:   "No such file or directory", // ERROR_PATH_NOT_FOUND
	15:  "No such file or directory", // ERROR_INVALID_DRIVE
	53:  "No such file or directory", // ERROR_BAD_NETPATH
	161: "No such file or directory", // ERROR_BAD_PATHNAME
	206: "No such file or directory", // ERROR_FILENAME_EXCED_RANGE
	67:  "No such file or directory", // ERROR_BAD_NET_NAME
	5:   "Permission denied",         // ERROR_ACCESS_DENIED
	16:  "Permission denied",         // ERROR_CURRENT_DIRECTORY
	32:  "Permission denied",         // ERROR_SHARING_VIOLATION
	33:  "Permission denied",         // ERROR_LOCK_VIOLATION
	65:  "Permission denied",         // ERROR_NETWORK_ACCESS_DENIED
	82:  "Permission denied",         // ERROR_CANNOT_MAKE
	108: "Permission denied",         // ERROR_DRIVE_LOCKED
	158: "Permission denied",         // ERROR_NOT_LOCKED
	167: "Permission denied",         // ERROR_LOCK_FAILED
	80:  "File exists",               // ERROR_FILE_EXISTS
	183: "File exists",               // ERROR_ALREADY_EXISTS
	145: "Directory not empty",       // ERROR_DIR_NOT_EMPTY
	17:  "Improper link",             // ERROR_NOT_SAME_DEVICE
	4:   "Too many open files",       // ERROR_TOO_MANY_OPEN_FILES
	6:   "Bad file descriptor",       // ERROR_INVALID_HANDLE
	8:   "Not enough space",          // ERROR_NOT_ENOUGH_MEMORY
	14:  "Not enough space",          // ERROR_OUTOFMEMORY
	39:  "No space left on device",   // ERROR_HANDLE_DISK_FULL
	112: "No space left on device",   // ERROR_DISK_FULL
	87:  "Invalid argument",          // ERROR_INVALID_PARAMETER
	109: "Broken pipe",               // ERROR_BROKEN_PIPE
}

// errnoText returns the C runtime's text for a Windows error it maps to an
// errno. Go's syscall package on Windows also defines Unix errnos (EISDIR,
// ENOTDIR...) above its Windows codes (APPLICATION_ERROR): those have Go's
// text, as on Unix.
func errnoText(e syscall.Errno) (string, bool) {
	if s, ok := dosErrno[e]; ok {
		return s, true
	}
	if e >= syscall.APPLICATION_ERROR {
		return capitalise(e.Error()), e.Error() != ""
	}
	return "", false
}
