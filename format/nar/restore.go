// Restore: recreating a file system tree from a NAR (nix-store --restore).

package nar

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// CaseHackSuffix is what the case hack (RestoreOptions.CaseHack) appends,
// with a number, to a name that differs from an earlier one of its
// directory only in case: "Foo", "foo" are restored as "Foo" and
// "foo~nix~case~hack~1".
const CaseHackSuffix = "~nix~case~hack~"

// RestoreOptions adjust RestoreWith.
type RestoreOptions struct {
	// CaseHack renames an entry whose name equals an earlier entry's of
	// the same directory but for ASCII case, appending CaseHackSuffix and
	// a count, as CppNix does with use-case-hack (on by default on macOS),
	// so that a case-insensitive file system can hold both. Dump with
	// DumpOptions.CaseHack to get the original names back.
	CaseHack bool
}

// Restore reads a NAR from r and creates its tree at path, which must not
// exist. Directories are created with mode 0777 and files with 0666, less
// the umask; executable files then get the execute bits (CppNix's
// restorePath). On Windows, where files have no execute bit and creating
// symlinks may be forbidden, see restore_windows.go.
//
// Every object is created exclusively (a directory or file that already
// exists is an error), and the Reader rejects names that are not single
// path components, so a NAR cannot write outside path, even through
// symlinks it created itself. On error, what was created stays.
func Restore(path string, r io.Reader) error {
	return RestoreWith(path, r, RestoreOptions{})
}

// RestoreWith is Restore with options.
func RestoreWith(path string, r io.Reader, opts RestoreOptions) error {
	rs := &restorer{opts: opts}
	nr := NewReader(r)
	for {
		h, err := nr.Next()
		if err == io.EOF {
			return rs.finish()
		}
		if err != nil {
			return err
		}
		if err := rs.restore(path, h, nr); err != nil {
			return err
		}
	}
}

// restorer is the state of one restore.
type restorer struct {
	opts RestoreOptions
	// dirs are the directories from the root to the current one.
	dirs []*restoreDir
	// links are symlinks to revisit at the end (Windows: see
	// restore_windows.go).
	links []pendingLink
}

// restoreDir is a directory being filled.
type restoreDir struct {
	narPath, fsPath string
	// names maps the ASCII-lowercased names of the entries so far to
	// the first such name and how many case-hacked variants it has
	// (CppNix's map with CaseInsensitiveCompare).
	names map[string]*caseName
}

type caseName struct {
	name  string
	count int
}

func (rs *restorer) restore(root string, h *Header, nr *Reader) error {
	p, err := rs.fsPath(root, h.Path)
	if err != nil {
		return err
	}
	switch h.Type {
	case TypeDirectory:
		if err := os.Mkdir(p, 0o777); err != nil {
			if errors.Is(err, os.ErrExist) {
				return rs.existsError(p)
			}
			return err
		}
		rs.dirs = append(rs.dirs, &restoreDir{narPath: h.Path, fsPath: p, names: map[string]*caseName{}})
		return nil
	case TypeSymlink:
		err := rs.symlink(h.LinkTarget, p)
		if errors.Is(err, os.ErrExist) {
			if cerr := rs.caseCollision(p); cerr != nil {
				return cerr
			}
		}
		return err
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o666)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			if cerr := rs.caseCollision(p); cerr != nil {
				return cerr
			}
		}
		return fmt.Errorf("creating file '%s': %w", p, err)
	}
	if h.Executable {
		if err := makeExecutable(f); err != nil {
			f.Close()
			return err
		}
	}
	if _, err := io.Copy(f, nr); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// fsPath returns where the object at narPath goes, applying the case hack
// and the system's name checks.
func (rs *restorer) fsPath(root, narPath string) (string, error) {
	if narPath == "/" {
		return root, nil
	}
	i := strings.LastIndexByte(narPath, '/')
	parent, name := narPath[:max(i, 1)], narPath[i+1:]
	for len(rs.dirs) > 0 && rs.dirs[len(rs.dirs)-1].narPath != parent {
		rs.dirs = rs.dirs[:len(rs.dirs)-1] // that directory is complete
	}
	if len(rs.dirs) == 0 {
		return "", fmt.Errorf("NAR entry '%s' outside a directory", narPath)
	}
	if err := checkLocalName(name); err != nil {
		return "", err
	}
	d := rs.dirs[len(rs.dirs)-1]
	name, err := d.caseHack(name, rs.opts.CaseHack)
	if err != nil {
		return "", err
	}
	return filepath.Join(d.fsPath, name), nil
}

// caseHack records name in the directory and returns the name to create:
// name itself, or with the case hack a renamed variant when an earlier
// entry differs from it only in ASCII case (CppNix's parseDump).
func (d *restoreDir) caseHack(name string, enabled bool) (string, error) {
	key := asciiLower(name)
	prev, seen := d.names[key]
	if !seen {
		d.names[key] = &caseName{name: name}
		return name, nil
	}
	if !enabled {
		return name, nil
	}
	prev.count++
	hacked := name + CaseHackSuffix + strconv.Itoa(prev.count)
	if clash, ok := d.names[asciiLower(hacked)]; ok {
		return "", badArchive("NAR contains file name '%s' that collides with case-hacked file name '%s'", name, clash.name)
	}
	return hacked, nil
}

// existsError reports an object that is already there: when an earlier
// entry of the same NAR directory differs from it only in case, the file
// system is case-insensitive, and the message says so.
func (rs *restorer) existsError(p string) error {
	if err := rs.caseCollision(p); err != nil {
		return err
	}
	return fmt.Errorf("path '%s' already exists", p)
}

func (rs *restorer) caseCollision(p string) error {
	if len(rs.dirs) == 0 {
		return nil
	}
	d := rs.dirs[len(rs.dirs)-1]
	if filepath.Dir(p) != filepath.Clean(d.fsPath) {
		return nil
	}
	name := filepath.Base(p)
	for _, prev := range d.names {
		if prev.name != name && strings.EqualFold(prev.name, name) {
			return fmt.Errorf("cannot create '%s': the file system does not tell it apart from '%s' (names that differ only in case); restore with the case hack (use-case-hack = true)",
				p, filepath.Join(d.fsPath, prev.name))
		}
	}
	return nil
}

// asciiLower lowercases ASCII letters only, as strcasecmp compares.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
