// Syncing on Linux: syncfs(2) flushes the store's file system in one call.

package local

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/nixgo/nixgo/format/syserr"
)

// hasSyncfs tells whether syncStoreFS syncs whole file systems: objects
// are then written without per-file syncs, and one syncfs before
// registration makes them durable, with the rename that put them in place.
const hasSyncfs = true

// syncStoreFS flushes the file system holding dir.
func syncStoreFS(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("opening directory '%s': %w", dir, syserr.Unwrap(err))
	}
	defer d.Close()
	if err := unix.Syncfs(int(d.Fd())); err != nil {
		return fmt.Errorf("syncing the file system of '%s': %w", dir, err)
	}
	return nil
}
