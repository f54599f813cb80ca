// Dump details for systems with Unix permissions and symlinks.

//go:build !windows

package nar

import (
	"io/fs"
	"os"
)

// isExecutable reports whether a regular file's owner may execute it.
func isExecutable(_ string, mode fs.FileMode) bool { return mode&0o100 != 0 }

// linkFileTarget reports a regular file standing for a symlink: never on
// Unix.
func linkFileTarget(string) (string, bool, error) { return "", false, nil }

func readLink(p string) (string, error) { return os.Readlink(p) }

func readDir(p string) ([]fs.DirEntry, error) { return os.ReadDir(p) }
