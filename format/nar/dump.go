// DumpPath: serialising a file system tree as a NAR (nix-store --dump).

package nar

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// bufWriters keeps the 64 KiB buffers of dumps: evaluation dumps many small
// trees (every ./path copied or hashed), and each would allocate one.
var bufWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 64<<10) }}

// DumpOptions adjust DumpPathWith.
type DumpOptions struct {
	// Filter, if not nil, is called for every object below the root with
	// its file system path and Lstat information; objects for which it
	// returns false are left out, with everything below them (CppNix's
	// PathFilter, used by builtins.path and filterSource).
	Filter func(path string, fi fs.FileInfo) (bool, error)
	// CaseHack removes CaseHackSuffix and what follows it from names, as
	// CppNix does with use-case-hack: the inverse of
	// RestoreOptions.CaseHack. Two names that become equal are an error.
	CaseHack bool
}

// DumpPath writes the NAR of the file system object at path (followed by
// nothing) to w, byte for byte as `nix-store --dump` does. Symlinks are
// not followed; a regular file is executable when its owner may execute
// it; other file types are an error. On Windows, executable files and
// symlinks are recognised as Restore makes them (see restore_windows.go).
func DumpPath(w io.Writer, path string) error {
	return DumpPathWith(w, path, DumpOptions{})
}

// DumpPathWith is DumpPath with options.
func DumpPathWith(w io.Writer, path string, opts DumpOptions) error {
	bw := bufWriters.Get().(*bufio.Writer)
	bw.Reset(w)
	defer func() {
		bw.Reset(nil)
		bufWriters.Put(bw)
	}()
	nw := &Writer{w: w, bw: bw}
	d := dumper{w: nw, opts: opts}
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if err := d.dump(path, "/", fi); err != nil {
		return err
	}
	return nw.Close()
}

type dumper struct {
	w    *Writer
	opts DumpOptions
}

func (d *dumper) dump(fsPath, narPath string, fi fs.FileInfo) error {
	switch mode := fi.Mode(); {
	case mode.IsRegular():
		if target, ok, err := linkFileTarget(fsPath); ok || err != nil {
			if err != nil {
				return err
			}
			return d.w.WriteHeader(&Header{Path: narPath, Type: TypeSymlink, LinkTarget: target})
		}
		return d.dumpFile(fsPath, narPath, isExecutable(fsPath, mode))
	case mode.IsDir():
		return d.dumpDir(fsPath, narPath)
	case mode&fs.ModeSymlink != 0:
		target, err := readLink(fsPath)
		if err != nil {
			return err
		}
		return d.w.WriteHeader(&Header{Path: narPath, Type: TypeSymlink, LinkTarget: target})
	}
	return fmt.Errorf("file '%s' has an unsupported type", fsPath)
}

func (d *dumper) dumpFile(fsPath, narPath string, executable bool) error {
	f, err := os.Open(fsPath)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	if err := d.w.WriteHeader(&Header{Path: narPath, Type: TypeRegular, Executable: executable, Size: size}); err != nil {
		return err
	}
	if _, err := d.w.ReadFrom(f); err != nil {
		if err == io.ErrUnexpectedEOF {
			return fmt.Errorf("file '%s' shrank while it was being read", fsPath)
		}
		return err
	}
	return nil
}

func (d *dumper) dumpDir(fsPath, narPath string) error {
	if err := d.w.WriteHeader(&Header{Path: narPath, Type: TypeDirectory}); err != nil {
		return err
	}
	names, err := d.entryNames(fsPath)
	if err != nil {
		return err
	}
	for _, e := range names {
		childFS := filepath.Join(fsPath, e.onDisk)
		fi, err := os.Lstat(childFS)
		if err != nil {
			return err
		}
		if d.opts.Filter != nil {
			keep, err := d.opts.Filter(filepath.Join(fsPath, e.name), fi)
			if err != nil {
				return err
			}
			if !keep {
				continue
			}
		}
		if err := d.dump(childFS, joinPath(narPath, e.name), fi); err != nil {
			return err
		}
	}
	return nil
}

// entryName is a directory entry: its name in the NAR and on disk.
type entryName struct{ name, onDisk string }

// entryNames lists a directory in NAR order: sorted by name, bytewise,
// after the case hack's suffixes are removed (CppNix's dump).
func (d *dumper) entryNames(fsPath string) ([]entryName, error) {
	entries, err := readDir(fsPath) // sorted by name, bytewise
	if err != nil {
		return nil, err
	}
	names := make([]entryName, len(entries))
	for i, e := range entries {
		names[i] = entryName{e.Name(), e.Name()}
	}
	if !d.opts.CaseHack {
		return names, nil
	}
	first := map[string]string{}
	for i, e := range names {
		if j := strings.Index(e.name, CaseHackSuffix); j >= 0 {
			names[i].name = e.name[:j]
		}
		if prev, dup := first[names[i].name]; dup {
			return nil, fmt.Errorf("file name collision between '%s' and '%s'", filepath.Join(fsPath, prev), filepath.Join(fsPath, e.onDisk))
		}
		first[names[i].name] = e.onDisk
	}
	slices.SortFunc(names, func(a, b entryName) int { return strings.Compare(a.name, b.name) })
	return names, nil
}
