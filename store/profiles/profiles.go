// Package profiles manages profiles and their generations as CppNix 2.26's
// profiles.cc. A profile is a symlink NAME to NAME-N-link, its current
// generation, itself a symlink to a store path (and a garbage collector
// root, being under <state>/profiles or registered as an indirect root).
// This package finds and deletes generations and knows where profiles
// live; nix-collect-garbage -d is built on it.
package profiles

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nixgo/nixgo/format/fslink"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/local"
)

// Generation is one generation of a profile.
type Generation struct {
	Number  uint64
	Path    string    // PROFILE-NUMBER-link
	Created time.Time // the link's modification time
}

// parseName returns the number of a generation link named
// "<profileName>-<number>-link" (CppNix's parseName, which accepts anything
// after "-link" too).
func parseName(profileName, name string) (uint64, bool) {
	if fslink.IsMarker(name) {
		return 0, false
	}
	rest, ok := strings.CutPrefix(name, profileName+"-")
	if !ok {
		return 0, false
	}
	i := strings.Index(rest, "-link")
	if i < 0 {
		return 0, false
	}
	num := strings.TrimPrefix(rest[:i], "+")
	if num == "" || strings.TrimLeft(num, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseUint(num, 10, 32)
	return n, err == nil
}

// Find returns the generations of a profile, by number, and the current
// one (ok is false when the profile does not exist or does not point to a
// generation by its relative name).
func Find(profile string) (gens []Generation, current uint64, ok bool, err error) {
	dir, name := path.Dir(profile), path.Base(profile)
	entries, err := readDirUnsorted(dir)
	if err != nil {
		return nil, 0, false, err
	}
	for _, e := range entries {
		n, isGen := parseName(name, e)
		if !isGen {
			continue
		}
		p := dir + "/" + e
		fi, err := os.Lstat(p)
		if err != nil {
			return nil, 0, false, fmt.Errorf("getting status of '%s': %s", p, syserr.Strerror(err))
		}
		gens = append(gens, Generation{Number: n, Path: p, Created: fi.ModTime()})
	}
	sort.SliceStable(gens, func(i, j int) bool { return gens[i].Number < gens[j].Number })
	if _, err := os.Lstat(profile); err == nil {
		target, err := fslink.Readlink(profile)
		if err != nil {
			return nil, 0, false, err
		}
		current, ok = parseName(name, target)
	}
	return gens, current, ok, nil
}

// lock locks a profile while its generations change.
func lock(profile string, log store.Logger) (func(), error) {
	l, err := local.LockFiles([]string{profile}, fmt.Sprintf("waiting for lock on profile '%s'", profile), log)
	if err != nil {
		return nil, err
	}
	return func() { l.Unlock(true) }, nil
}

// deleteGeneration removes a generation, saying so (or only saying what it
// would do, with dryRun).
func deleteGeneration(profile string, n uint64, dryRun bool, log store.Logger) error {
	if dryRun {
		store.Logf(log, store.LevelNotice, "would remove profile version %d", n)
		return nil
	}
	store.Logf(log, store.LevelNotice, "removing profile version %d", n)
	p := fmt.Sprintf("%s-%d-link", profile, n)
	if err := fslink.Remove(p); err != nil {
		return fmt.Errorf("cannot unlink '%s': %s", p, syserr.Strerror(err))
	}
	return nil
}

// DeleteOld deletes every generation but the current one (nix-env
// --delete-generations old, nix-collect-garbage -d).
func DeleteOld(profile string, dryRun bool, log store.Logger) error {
	unlock, err := lock(profile, log)
	if err != nil {
		return err
	}
	defer unlock()
	gens, cur, hasCur, err := Find(profile)
	if err != nil {
		return err
	}
	for _, g := range gens {
		if !hasCur || g.Number != cur {
			if err := deleteGeneration(profile, g.Number, dryRun, log); err != nil {
				return err
			}
		}
	}
	return nil
}

// DeleteOlderThan deletes the generations created before t, except the
// newest of them (which was current at t, and so is kept to roll back to)
// and the current one (nix-collect-garbage --delete-older-than).
func DeleteOlderThan(profile string, t time.Time, dryRun bool, log store.Logger) error {
	unlock, err := lock(profile, log)
	if err != nil {
		return err
	}
	defer unlock()
	gens, cur, hasCur, err := Find(profile)
	if err != nil {
		return err
	}
	i := len(gens) - 1
	for i >= 0 && !gens[i].Created.Before(t) {
		i--
	}
	if i >= 0 {
		i-- // keep the newest older generation
	}
	for ; i >= 0; i-- {
		if !hasCur || gens[i].Number != cur {
			if err := deleteGeneration(profile, gens[i].Number, dryRun, log); err != nil {
				return err
			}
		}
	}
	return nil
}

// SpecError is a bad --delete-older-than period (a usage error).
type SpecError struct{ Msg string }

func (e *SpecError) Error() string { return e.Msg }

// ParseOlderThan turns a period of days ("14d") into the time that long
// before now (CppNix's parseOlderThanTimeSpec).
func ParseOlderThan(spec string, now time.Time) (time.Time, error) {
	if !strings.HasSuffix(spec, "d") {
		return time.Time{}, &SpecError{fmt.Sprintf("invalid number of days specifier '%s', expected something like '14d'", spec)}
	}
	days, err := strconv.ParseInt(strings.TrimPrefix(spec[:len(spec)-1], "+"), 10, 32)
	if err != nil || days < 1 || strings.HasPrefix(spec, "-") {
		return time.Time{}, &SpecError{fmt.Sprintf("invalid number of days specifier '%s'", spec)}
	}
	return now.Add(-time.Duration(days) * 24 * time.Hour), nil
}

// Dirs says where profiles are, as CppNix computes it.
type Dirs struct {
	StateDir string // the nix state directory (NIX_STATE_DIR), not a chroot store's
	Home     string // the user's home directory
	// UserStateDir is $XDG_STATE_HOME/nix, or ~/.local/state/nix.
	UserStateDir string
	Root         bool // the user is root
	UseXDG       bool // use-xdg-base-directories
}

// ProfilesDir returns, creating it, the user's profiles directory: for
// root <state>/profiles/per-user/root, for others <user state>/profiles.
func (d Dirs) ProfilesDir() (string, error) {
	p := d.UserStateDir + "/profiles"
	if d.Root {
		p = d.StateDir + "/profiles/per-user/root"
	}
	if err := os.MkdirAll(p, 0o755); err != nil {
		return "", fmt.Errorf("creating directory '%s': %s", p, syserr.Strerror(err))
	}
	return p, nil
}

// DefaultProfile returns the user's profile: what ~/.nix-profile (or, with
// use-xdg-base-directories, <user state>/profile) links to, creating that
// link to <profiles dir>/profile if it is missing, and for root the
// <state>/profiles/default link as well (CppNix's getDefaultProfile). If
// the link cannot be read, the link itself is returned.
func (d Dirs) DefaultProfile() string {
	link := d.Home + "/.nix-profile"
	if d.UseXDG {
		link = d.UserStateDir + "/profile"
	}
	dir, err := d.ProfilesDir()
	if err != nil {
		return link
	}
	profile := dir + "/profile"
	if _, err := os.Lstat(link); errors.Is(err, fs.ErrNotExist) {
		if replaceSymlink(profile, link) != nil {
			return link
		}
	}
	if d.Root {
		global := d.StateDir + "/profiles/default"
		if _, err := os.Lstat(global); errors.Is(err, fs.ErrNotExist) {
			if replaceSymlink(profile, global) != nil {
				return link
			}
		}
	}
	target, err := fslink.Readlink(link)
	if err != nil {
		return link
	}
	if !path.IsAbs(target) && !filepath.IsAbs(target) {
		target = path.Join(path.Dir(link), target)
	}
	return path.Clean(target)
}

// replaceSymlink atomically makes link point to target.
func replaceSymlink(target, link string) error {
	tmp := fmt.Sprintf("%s.tmp-%d", link, os.Getpid())
	fslink.Remove(tmp)
	if err := fslink.Symlink(target, tmp); err != nil {
		return err
	}
	if err := fslink.Rename(tmp, link); err != nil {
		fslink.Remove(tmp)
		return err
	}
	return nil
}

// readDirUnsorted lists a directory in its own order (as CppNix's
// directory iterators do).
func readDirUnsorted(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Readdirnames(-1)
}

// RemoveOld walks dir as nix-collect-garbage -d does (CppNix's
// removeOldGenerations): for every symlink whose target contains "link"
// (a profile pointing to a generation) it calls each, if dir is writable;
// it goes down subdirectories; a directory that cannot be read is skipped.
// Entries come in the directory's own order.
func RemoveOld(dir string, each func(profile string) error) error {
	if !canAccess(dir, false) {
		return nil
	}
	canWrite := canAccess(dir, true)
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("opening directory '%s': %s", dir, syserr.Strerror(err))
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return fmt.Errorf("reading directory '%s': %s", dir, syserr.Strerror(err))
	}
	for _, e := range entries {
		p := dir + "/" + e.Name()
		switch {
		case fslink.IsLink(p, e.Type()) && canWrite:
			link, err := fslink.Readlink(p)
			if errors.Is(err, fs.ErrNotExist) {
				continue // deleted meanwhile (a generation of an earlier profile)
			}
			if err != nil {
				return fmt.Errorf("reading symbolic link '%s': %s", p, syserr.Strerror(err))
			}
			if strings.Contains(link, "link") {
				if err := each(p); err != nil {
					return err
				}
			}
		case e.IsDir():
			if err := RemoveOld(p, each); err != nil {
				return err
			}
		}
	}
	return nil
}
