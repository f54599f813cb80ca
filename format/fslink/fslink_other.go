//go:build !windows

package fslink

import (
	"io/fs"
	"os"
)

// Symlink makes link a symbolic link to target.
func Symlink(target, link string) error { return os.Symlink(target, link) }

// Readlink returns the target of the link at p.
func Readlink(p string) (string, error) { return os.Readlink(p) }

// IsLink reports whether p, a file of type typ (from Lstat or a directory
// listing), is a link.
func IsLink(p string, typ fs.FileMode) bool { return typ&fs.ModeSymlink != 0 }

// Rename renames a link, or any file.
func Rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

// Remove removes a link, or any file.
func Remove(p string) error { return os.Remove(p) }

// IsMarker reports whether a name from a directory listing is the marker
// of a Windows link file: never on Unix.
func IsMarker(string) bool { return false }
