// Unix socket addresses on Linux: a path too long for sun_path is reached
// through the directory's file descriptor.

package local

import (
	"fmt"
	"net"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// maxSocketPath is the longest path a socket address holds (sun_path has
// 108 bytes, with the terminating NUL).
const maxSocketPath = 107

// withSocketPath calls f with an address for the socket at path. A path
// too long for an address is reached through
// /proc/self/fd/<directory>/<name> (CppNix changes directory in a child
// process instead).
func withSocketPath(path string, f func(addr string) error) error {
	if len(path) <= maxSocketPath {
		return f(path)
	}
	fd, err := unix.Open(filepath.Dir(path), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &net.OpError{Op: "dial", Net: "unix", Err: err}
	}
	defer unix.Close(fd)
	return f(fmt.Sprintf("/proc/self/fd/%d/%s", fd, filepath.Base(path)))
}
