package fslink

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// linkStream marks a link file.
const linkStream = ":nix.symlink"

// Symlink makes link a symbolic link to target, a path with '/' or '\'
// separators: a Windows symlink where it can be one, a link file
// otherwise.
func Symlink(target, link string) error {
	if NativeTarget(target) {
		err := os.Symlink(target, link)
		if err == nil {
			if fi, lerr := os.Lstat(link); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
				return nil
			}
			// Wine reports success without making anything.
		} else if errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	return WriteLinkFile(target, link)
}

// NativeTarget reports whether a symlink target with '/' separators
// survives a round trip through a Windows symlink: no '\', and no ':'
// other than a drive's.
func NativeTarget(target string) bool {
	if strings.ContainsRune(target, '\\') || target == "" {
		return false
	}
	if i := strings.IndexByte(target, ':'); i >= 0 {
		return i == 1 && len(target) > 2 && target[2] == '/' && strings.IndexByte(target[2:], ':') < 0 &&
			('a' <= target[0]|0x20 && target[0]|0x20 <= 'z')
	}
	return true
}

// WriteLinkFile creates the link file at p standing for a symlink to
// target. p must not exist.
func WriteLinkFile(target, p string) error {
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o666)
	if err != nil {
		return fmt.Errorf("creating symlink from '%s' -> '%s': %w", p, target, err)
	}
	_, err = f.WriteString(target)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.WriteFile(p+linkStream, nil, 0o666)
	}
	if err != nil {
		os.Remove(p)
		return fmt.Errorf("creating symlink from '%s' -> '%s': %w", p, target, err)
	}
	return nil
}

// ReadLinkFile returns the target held by p if p is a link file.
func ReadLinkFile(p string) (target string, ok bool, err error) {
	if !isLinkFile(p) {
		return "", false, nil
	}
	b, err := os.ReadFile(p)
	return string(b), true, err
}

// isLinkFile reports whether the file p has the link marker.
func isLinkFile(p string) bool {
	f, err := os.Open(p + linkStream)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// Readlink returns the target of the link at p, a symlink (its target
// with '/' separators) or a link file.
func Readlink(p string) (string, error) {
	t, err := os.Readlink(p)
	if err == nil {
		return filepath.ToSlash(t), nil
	}
	if t, ok, ferr := ReadLinkFile(p); ok {
		return t, ferr
	}
	return "", err
}

// IsLink reports whether p, a file of type typ (from Lstat or a directory
// listing), is a symlink or a link file.
func IsLink(p string, typ fs.FileMode) bool {
	if typ&fs.ModeSymlink != 0 {
		return true
	}
	return typ.IsRegular() && isLinkFile(p)
}

// Rename renames a link, or any file. The marker of a link file moves with
// it on NTFS; under Wine it is a file of its own, moved after.
func Rename(oldpath, newpath string) error {
	if err := os.Rename(oldpath, newpath); err != nil {
		return err
	}
	if _, err := os.Lstat(oldpath + linkStream); err == nil {
		return os.Rename(oldpath+linkStream, newpath+linkStream)
	}
	return nil
}

// Remove removes a link, or any file, and under Wine the marker left
// beside it.
func Remove(p string) error {
	err := os.Remove(p)
	if err == nil {
		os.Remove(p + linkStream)
	}
	return err
}

// IsMarker reports whether a name from a directory listing is the marker
// of a link file, which Wine lists as a file of its own ("FILE:nix.symlink";
// Windows lists no streams, and no file name holds a ':').
func IsMarker(name string) bool { return strings.HasSuffix(name, linkStream) }
