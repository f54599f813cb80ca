// Dump details for Windows: the markers of restore_windows.go read back.

package nar

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nixgo/nixgo/format/fslink"
)

// isExecutable reports whether a regular file has the nix.executable
// stream (Windows has no execute bit).
func isExecutable(p string, _ fs.FileMode) bool { return hasStream(p, execStream) }

// linkFileTarget returns the target of a regular file that stands for a
// symlink (a format/fslink link file).
func linkFileTarget(p string) (string, bool, error) { return fslink.ReadLinkFile(p) }

// readLink returns a symlink's target with '/' separators, as the NAR
// holds it.
func readLink(p string) (string, error) {
	t, err := os.Readlink(p)
	return filepath.ToSlash(t), err
}

// readDir lists a directory, leaving out names with ':'. Windows lists
// none (no file name may contain one; alternate data streams are not
// listed), but Wine keeps the streams of restore_windows.go as files named
// "FILE:STREAM".
func readDir(p string) ([]fs.DirEntry, error) {
	entries, err := os.ReadDir(p)
	kept := entries[:0]
	for _, e := range entries {
		if !strings.Contains(e.Name(), ":") {
			kept = append(kept, e)
		}
	}
	return kept, err
}
