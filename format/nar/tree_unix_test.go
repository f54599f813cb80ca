// How the tests make trees on Unix: permissions and symlinks as they are.

//go:build !windows

package nar

import "os"

// treeCaseHack says whether trees are made and dumped with the case hack.
const treeCaseHack = false

// writeTreeFile creates a file with exactly mode (not subject to the umask).
func writeTreeFile(p, content string, mode os.FileMode) error {
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		return err
	}
	return os.Chmod(p, mode)
}

func treeSymlink(target, p string) error { return os.Symlink(target, p) }
