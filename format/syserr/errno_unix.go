//go:build !windows

package syserr

import "syscall"

// errnoText is Go's text of errno, which is the C library's, capitalised.
func errnoText(e syscall.Errno) (string, bool) {
	return capitalise(e.Error()), e.Error() != ""
}
