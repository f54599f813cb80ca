// Syncing without syncfs(2): every file and directory of an object is
// synced as it is written, and the store directory after the rename.

//go:build !linux

package local

const hasSyncfs = false

// syncStoreFS syncs the store directory's entries.
func syncStoreFS(dir string) error { return fsyncDir(dir) }
