// This file moves large file contents into a pipe with splice(2), which
// copies from the page cache without passing through user memory
// (nix-store --dump | ...).

package nar

import (
	"io"
	"os"
	"syscall"
)

// spliceContents copies n bytes from src to dst with splice(2) when dst is
// a pipe and src a regular file. It reports false, having copied nothing,
// when splice does not apply; the caller then copies the usual way.
func spliceContents(dst io.Writer, src io.Reader, n int64) (int64, bool, error) {
	out, ok := dst.(*os.File)
	if !ok {
		return 0, false, nil
	}
	in, ok := src.(*os.File)
	if !ok {
		return 0, false, nil
	}
	ofi, err := out.Stat()
	if err != nil || ofi.Mode()&os.ModeNamedPipe == 0 {
		return 0, false, nil
	}
	ifi, err := in.Stat()
	if err != nil || !ifi.Mode().IsRegular() {
		return 0, false, nil
	}
	rc, err := in.SyscallConn()
	if err != nil {
		return 0, false, nil
	}
	wc, err := out.SyscallConn()
	if err != nil {
		return 0, false, nil
	}
	var written int64
	var serr error
	rerr := rc.Control(func(infd uintptr) {
		werr := wc.Write(func(outfd uintptr) bool {
			for written < n {
				chunk := min(n-written, 1<<20)
				m, err := syscall.Splice(int(infd), nil, int(outfd), nil, int(chunk), spliceMove|spliceMore)
				if err == syscall.EAGAIN {
					return false // wait until the pipe can take more
				}
				if err == syscall.EINTR {
					continue
				}
				if err != nil {
					serr = &os.PathError{Op: "write", Path: out.Name(), Err: err}
					return true
				}
				if m == 0 {
					serr = io.ErrUnexpectedEOF // the file shrank
					return true
				}
				written += m
			}
			return true
		})
		if serr == nil {
			serr = werr
		}
	})
	if rerr != nil && serr == nil {
		serr = rerr
	}
	if written == 0 && serr != nil && serr != io.ErrUnexpectedEOF {
		// splice refused (an old kernel, an odd file system): copy the
		// usual way.
		return 0, false, nil
	}
	return written, true, serr
}

const (
	spliceMove = 0x1
	spliceMore = 0x4
)
