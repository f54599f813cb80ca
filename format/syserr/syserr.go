// Package syserr renders operating system errors in the words of the C
// library's strerror, which CppNix's messages quote ("opening file '/x':
// No such file or directory"). On Unix these are the errno texts, as Go
// has them, capitalised. On Windows, where CppNix is built with MinGW and
// its file calls go through the C runtime, the Windows errors that the
// runtime maps to an errno get that errno's text; others keep Windows'
// own message.
package syserr

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// Strerror returns the C library's message for the system error in err:
// the errno (or Windows error) it wraps, else the message of the error
// an *fs.PathError, *os.LinkError or *os.SyscallError wraps, capitalised.
func Strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		if s, ok := errnoText(errno); ok {
			return s
		}
		return capitalise(errno.Error())
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "No such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "Permission denied"
	case errors.Is(err, fs.ErrExist):
		return "File exists"
	}
	return capitalise(Unwrap(err).Error())
}

// Unwrap drops the operation and path of an *fs.PathError, *os.LinkError or
// *os.SyscallError, which the messages around it already give.
func Unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err
	}
	return err
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
