//go:build unix

package profiles

import (
	"time"

	"golang.org/x/sys/unix"
)

// setLinkTime sets the modification time of the symlink p itself.
func setLinkTime(p string, t time.Time) error {
	tv := unix.NsecToTimeval(t.UnixNano())
	return unix.Lutimes(p, []unix.Timeval{tv, tv})
}
