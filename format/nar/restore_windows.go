// Restore details for Windows: the executable bit and symlinks kept in
// alternate data streams where Windows has no place for them.

package nar

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nixgo/nixgo/format/fslink"
)

// Windows has no execute permission bit, and creating a symlink needs a
// privilege (SeCreateSymbolicLinkPrivilege, or Developer Mode) that most
// users lack. CppNix's Windows port restores neither: it drops the
// executable flag and fails on symlinks without the privilege, so its
// dump of a restored tree differs from the NAR it came from. nixgo keeps
// dump → restore → dump byte for byte identical with two markers, both
// empty NTFS alternate data streams (a file's named streams are invisible
// to directory listings and to programs that open the file, are copied
// with it by Explorer and robocopy, and need no ACLs):
//
//   - "FILE:nix.executable" marks an executable regular file;
//   - "FILE:nix.symlink" marks a regular file that stands for a symlink
//     Windows could not create: the file holds the target, as Git does
//     with core.symlinks = false, and DumpPath reads it back as a symlink
//     (format/fslink's link file, which GC roots and result links use too).
//
// A symlink is a real Windows symlink when it can be one: the creation
// succeeds and its target has no '\' and no ':' other than a drive's
// (Windows would read those differently from the NAR's '/'-separated
// target). Its target is written with '\' (Windows requires it) and read
// back with '/'. A symlink whose target does not exist yet when it is
// created (the NAR lists "a" -> "b" before the directory "b") is made again
// at the end, so that Windows marks it as a directory symlink if its target
// turned out to be a directory.
//
// File systems without alternate data streams (FAT32, exFAT, some network
// shares) cannot hold the markers: restoring an executable file or a
// fallback symlink there fails instead of losing the information. Names
// that Windows cannot store faithfully are rejected (checkLocalName), and
// names that differ only in case need RestoreOptions.CaseHack.
const execStream = ":nix.executable"

// makeExecutable marks f as executable with the nix.executable stream.
func makeExecutable(f *os.File) error {
	if err := writeStream(f.Name(), execStream, ""); err != nil {
		return fmt.Errorf("marking '%s' as executable: %w", f.Name(), err)
	}
	return nil
}

// checkLocalName rejects names that Windows would read as more than one
// path component, a drive, a stream or a device (CON, NUL...), and names
// it would store differently: with a character it forbids, or with a
// trailing dot or space, which it strips.
func checkLocalName(name string) error {
	bad := strings.ContainsAny(name, `\:*?"<>|`) || !filepath.IsLocal(name) ||
		strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ")
	for i := 0; i < len(name) && !bad; i++ {
		bad = name[i] < 0x20
	}
	if bad {
		return fmt.Errorf("NAR contains file name '%s', which is not valid on Windows", name)
	}
	return nil
}

// pendingLink is a symlink made before its target existed.
type pendingLink struct{ target, path string }

// symlink creates a symlink at p, or the fallback file when Windows
// cannot hold it.
func (rs *restorer) symlink(target, p string) error {
	if fslink.NativeTarget(target) {
		err := os.Symlink(target, p)
		if err == nil {
			if fi, lerr := os.Lstat(p); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
				if _, serr := os.Stat(p); serr != nil {
					rs.links = append(rs.links, pendingLink{target, p})
				}
				return nil
			}
			// Wine reports success without creating anything: use the
			// fallback.
		} else if errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	return fslink.WriteLinkFile(target, p)
}

// finish makes again the symlinks whose targets were missing when they
// were created, now that the tree is complete, so that a link to a
// directory becomes a directory symlink. Links to links are settled by
// repeating until nothing changes.
func (rs *restorer) finish() error {
	for changed := true; changed; {
		changed = false
		rest := rs.links[:0]
		for _, l := range rs.links {
			if _, err := os.Stat(linkDest(l)); err != nil {
				rest = append(rest, l) // still dangling: a file symlink is as good as any
				continue
			}
			if err := os.Remove(l.path); err != nil {
				return err
			}
			if err := os.Symlink(l.target, l.path); err != nil {
				return err
			}
			changed = true
		}
		rs.links = rest
	}
	return nil
}

// linkDest is the native path a symlink's target names.
func linkDest(l pendingLink) string {
	t := filepath.FromSlash(l.target)
	if filepath.VolumeName(t) != "" || strings.HasPrefix(t, `\`) {
		return t
	}
	return filepath.Join(filepath.Dir(l.path), t)
}

// writeStream creates the alternate data stream name (":x") of the file p.
func writeStream(p, name, content string) error {
	return os.WriteFile(p+name, []byte(content), 0o666)
}

// hasStream reports whether the file p has the alternate data stream name.
func hasStream(p, name string) bool {
	f, err := os.Open(p + name)
	if err != nil {
		return false
	}
	f.Close()
	return true
}
