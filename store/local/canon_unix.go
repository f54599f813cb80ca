// Canonicalisation of store objects on Unix: read-only permissions (no
// setuid, setgid or sticky bits), modification time 1, owned by the current
// user, no extended attributes (CppNix's canonicalisePathMetaData).

//go:build unix

package local

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// canonicalise gives path and everything below it the store's metadata.
func (s *Store) canonicalise(path string) error {
	if err := s.canonicaliseTree(path); err != nil {
		return err
	}
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return fmt.Errorf("getting status of '%s': %w", path, err)
	}
	if int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("wrong ownership of top-level store path '%s'", path)
	}
	return nil
}

func (s *Store) canonicaliseTree(path string) error {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return fmt.Errorf("getting status of '%s': %w", path, err)
	}
	typ := st.Mode & unix.S_IFMT
	if typ != unix.S_IFREG && typ != unix.S_IFDIR && typ != unix.S_IFLNK {
		return fmt.Errorf("file '%s' has an unsupported type", path)
	}
	if err := removeXattrs(path, s.cfg.IgnoredACLs); err != nil {
		return err
	}
	if err := canonicaliseTimestampAndPermissions(path, &st); err != nil {
		return err
	}
	if int(st.Uid) != os.Geteuid() {
		if err := unix.Lchown(path, os.Geteuid(), os.Getegid()); err != nil {
			return fmt.Errorf("changing owner of '%s' to %d: %w", path, os.Geteuid(), err)
		}
	}
	if typ == unix.S_IFDIR {
		names, err := readDirNames(path)
		if err != nil {
			return err
		}
		for _, n := range names {
			if err := s.canonicaliseTree(path + "/" + n); err != nil {
				return err
			}
		}
	}
	return nil
}

// canonicaliseTimestampAndPermissions makes a file 0444 or 0555 (after its
// owner's execute bit) and sets its modification time to 1.
func canonicaliseTimestampAndPermissions(path string, st *unix.Stat_t) error {
	typ := st.Mode & unix.S_IFMT
	if typ != unix.S_IFLNK {
		perm := st.Mode &^ unix.S_IFMT
		if perm != 0o444 && perm != 0o555 {
			mode := uint32(0o444)
			if st.Mode&unix.S_IXUSR != 0 {
				mode |= 0o111
			}
			if err := unix.Chmod(path, mode); err != nil {
				return fmt.Errorf("changing mode of '%s' to %o: %w", path, mode, err)
			}
		}
	}
	if st.Mtim.Sec != mtimeStore {
		ts := []unix.Timespec{st.Atim, {Sec: mtimeStore}}
		if err := unix.UtimesNanoAt(unix.AT_FDCWD, path, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return fmt.Errorf("changing modification time of '%s': %w", path, err)
		}
	}
	return nil
}

// canonicaliseMetadataOnly re-applies permissions and mtime to one path
// (after optimise made its directory writable).
func canonicaliseMetadataOnly(path string) error {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return err
	}
	return canonicaliseTimestampAndPermissions(path, &st)
}

// inodeOf returns the device and inode number of a file.
func inodeOf(fi os.FileInfo) (dev, ino uint64, nlink uint64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, 0, false
	}
	return uint64(st.Dev), uint64(st.Ino), uint64(st.Nlink), true
}
