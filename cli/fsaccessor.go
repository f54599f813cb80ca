// This file gives nix store ls/cat and nix nar ls/cat one view of a file
// tree (CppNix's SourceAccessor): the files of a local store, reached by
// their logical paths, or the contents of a NAR file, indexed once. Both
// report missing files and symlinks in the way as CppNix does.

package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/nixgo/nixgo/format/nar"
	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/store"
)

// accStat describes a file of an accessor.
type accStat struct {
	typ        nar.Type // 0 for file types a NAR cannot hold
	size       int64    // regular files
	executable bool
	narOffset  int64 // NAR files: where the contents start (0: unknown)
}

// fsAccessor reads a file tree by canonical absolute paths ("/a/b").
type fsAccessor interface {
	// lstat returns the file's metadata, or an error saying it does not
	// exist.
	lstat(p string) (accStat, error)
	// readDir returns the names in a directory, sorted.
	readDir(p string) ([]string, error)
	// readFile copies a regular file's contents to w.
	readFile(p string, w io.Writer) error
	// readLink returns a symlink's target.
	readLink(p string) (string, error)
}

// canonPath is CppNix's CanonPath of a command-line argument: absolute
// from the accessor's root, without "." and "..".
func canonPath(p string) string { return syntax.CanonPath(p) }

// storeAccessor reads the files of valid paths of a local store
// (CppNix's LocalStoreAccessor with requireValidPath).
type storeAccessor struct {
	s    store.Store
	fsys store.LocalFS
}

func newStoreAccessor(s store.Store) (*storeAccessor, error) {
	fsys, ok := s.(store.LocalFS)
	if !ok {
		return nil, &store.UnsupportedError{Op: "getFSAccessor", URI: s.URI()}
	}
	return &storeAccessor{s: s, fsys: fsys}, nil
}

// realPath maps a logical path inside a valid store object to its file,
// checking that no component below the store directory is a symlink.
func (a *storeAccessor) realPath(p string, checkLast bool) (string, error) {
	dir := a.s.Dir()
	sp, rest, err := dir.ToStorePath(p)
	if err != nil {
		return "", err
	}
	ok, err := a.s.IsValidPath(contextOf(nil), sp)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("path '%s' is not a valid store path", dir.Path(sp))
	}
	real := a.fsys.RealPath(sp)
	comps := strings.Split(strings.Trim(rest, "/"), "/")
	if rest == "" {
		comps = nil
	}
	last := len(comps)
	if !checkLast {
		last--
	}
	cur := real
	for i := -1; i < last; i++ {
		if i >= 0 {
			cur += "/" + comps[i]
		}
		if fi, err := os.Lstat(ospath.Native(cur)); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return "", fmt.Errorf("path '%s' is a symlink", cur)
		}
	}
	return real + rest, nil
}

// inStoreDir reports whether p is the store directory or one of its
// parents, which CppNix shows as directories.
func (a *storeAccessor) inStoreDir(p string) bool {
	d := string(a.s.Dir())
	return p == d || p == "/" || strings.HasPrefix(d, p+"/")
}

func (a *storeAccessor) lstat(p string) (accStat, error) {
	if a.inStoreDir(p) {
		return accStat{typ: nar.TypeDirectory}, nil
	}
	real, err := a.realPath(p, false)
	if err != nil {
		return accStat{}, err
	}
	fi, err := os.Lstat(ospath.Native(real))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || isNotDir(err) {
			return accStat{}, fmt.Errorf("path '%s' does not exist", p)
		}
		return accStat{}, sysError(err)
	}
	st := accStat{}
	switch m := fi.Mode(); {
	case m.IsRegular():
		st.typ, st.size, st.executable = nar.TypeRegular, fi.Size(), m&0o100 != 0
	case m.IsDir():
		st.typ = nar.TypeDirectory
	case m&fs.ModeSymlink != 0:
		st.typ = nar.TypeSymlink
	}
	return st, nil
}

func (a *storeAccessor) readDir(p string) ([]string, error) {
	real, err := a.realPath(p, true)
	if err != nil {
		return nil, err
	}
	es, err := os.ReadDir(ospath.Native(real))
	if err != nil {
		return nil, fmt.Errorf("reading directory %s: %s", p, syserr.Strerror(err))
	}
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = e.Name()
	}
	return names, nil
}

func (a *storeAccessor) readFile(p string, w io.Writer) error {
	real, err := a.realPath(p, false)
	if err != nil {
		return err
	}
	f, err := os.Open(ospath.Native(real))
	if err != nil {
		return fmt.Errorf("opening file '%s': %s", real, syserr.Strerror(err))
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

func (a *storeAccessor) readLink(p string) (string, error) {
	real, err := a.realPath(p, false)
	if err != nil {
		return "", err
	}
	t, err := os.Readlink(ospath.Native(real))
	if err != nil {
		return "", sysError(err)
	}
	return ospath.FromNative(t), nil
}

func isNotDir(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "not a directory")
}

// narEntry is one object of an indexed NAR.
type narEntry struct {
	st       accStat
	target   string
	children []string
}

// narAccessor reads a NAR file, indexed once (CppNix's makeNarAccessor,
// which keeps the whole file in memory; here only the index is kept and
// contents are read from the file when asked for).
type narAccessor struct {
	file    string
	entries map[string]*narEntry
}

// newNARAccessor reads and indexes the NAR in file, checking it whole.
func newNARAccessor(file string) (*narAccessor, error) {
	f, err := os.Open(ospath.Native(file))
	if err != nil {
		return nil, fmt.Errorf("opening file '%s': %s", file, syserr.Strerror(err))
	}
	defer f.Close()
	a := &narAccessor{file: file, entries: map[string]*narEntry{}}
	ix := narIndexer{}
	r := nar.NewReader(bufio.NewReaderSize(f, 1<<16))
	for {
		h, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			// CppNix parses the file from memory.
			if err.Error() == "unexpected end-of-file" {
				return nil, errors.New("end of string reached")
			}
			return nil, err
		}
		e := &narEntry{st: accStat{typ: h.Type, size: h.Size, executable: h.Executable}, target: h.LinkTarget}
		e.st.narOffset = ix.next(h)
		a.entries[h.Path] = e
		if h.Path != "/" {
			parent := a.entries[path.Dir(h.Path)]
			parent.children = append(parent.children, path.Base(h.Path))
		}
	}
	return a, nil
}

func (a *narAccessor) get(p string) (*narEntry, error) {
	e, ok := a.entries[p]
	if !ok {
		return nil, fmt.Errorf("path '«unknown»%s' does not exist", p)
	}
	return e, nil
}

func (a *narAccessor) lstat(p string) (accStat, error) {
	e, err := a.get(p)
	if err != nil {
		return accStat{}, err
	}
	return e.st, nil
}

func (a *narAccessor) readDir(p string) ([]string, error) {
	e, err := a.get(p)
	if err != nil {
		return nil, err
	}
	if e.st.typ != nar.TypeDirectory {
		return nil, fmt.Errorf("path '%s' inside NAR file is not a directory", p)
	}
	return e.children, nil
}

func (a *narAccessor) readLink(p string) (string, error) {
	e, err := a.get(p)
	if err != nil {
		return "", err
	}
	if e.st.typ != nar.TypeSymlink {
		return "", fmt.Errorf("path '%s' inside NAR file is not a symlink", p)
	}
	return e.target, nil
}

// readFile reads the archive again up to the file and copies its
// contents.
func (a *narAccessor) readFile(p string, w io.Writer) error {
	f, err := os.Open(ospath.Native(a.file))
	if err != nil {
		return fmt.Errorf("opening file '%s': %s", a.file, syserr.Strerror(err))
	}
	defer f.Close()
	r := nar.NewReader(bufio.NewReaderSize(f, 1<<16))
	for {
		h, err := r.Next()
		if err != nil {
			return err
		}
		if h.Path == p {
			_, err := io.Copy(w, r)
			return err
		}
	}
}

// narIndexer computes where the contents of each regular file of a NAR
// start, from the sequence of headers: the archive is canonical, so the
// size of everything before the contents is known.
type narIndexer struct {
	pos   int64
	stack []string // open directories
}

// strLen is the size of a NAR string of n bytes.
func strLen(n int) int64 { return 8 + int64((n+7)&^7) }

// next accounts for the object h and returns the offset of its contents
// (0 for objects other than regular files).
func (ix *narIndexer) next(h *nar.Header) int64 {
	if h.Path == "/" {
		ix.pos = strLen(len(nar.Magic))
	} else {
		parent := path.Dir(h.Path)
		for len(ix.stack) > 0 && ix.stack[len(ix.stack)-1] != parent {
			ix.stack = ix.stack[:len(ix.stack)-1]
			ix.pos += 2 * strLen(1) // the directory's ")" and its entry's ")"
		}
		ix.pos += strLen(len("entry")) + strLen(1) + strLen(len("name")) + strLen(len(path.Base(h.Path))) + strLen(len("node"))
	}
	ix.pos += strLen(1) + strLen(len("type")) + strLen(len(h.Type.String()))
	closeNode := strLen(1)
	if h.Path != "/" {
		closeNode += strLen(1)
	}
	switch h.Type {
	case nar.TypeRegular:
		if h.Executable {
			ix.pos += strLen(len("executable")) + strLen(0)
		}
		ix.pos += strLen(len("contents")) + 8
		off := ix.pos
		ix.pos += int64((h.Size+7)&^7) + closeNode
		return off
	case nar.TypeSymlink:
		ix.pos += strLen(len("target")) + strLen(len(h.LinkTarget)) + closeNode
	case nar.TypeDirectory:
		ix.stack = append(ix.stack, h.Path)
	}
	return 0
}

// listText prints what nix store ls and nix nar ls print without --json
// (CppNix's MixLs::listText).
func listText(a fsAccessor, w io.Writer, p string, recursive, long, showDirectory bool) error {
	var doPath func(st accStat, cur, rel string, showDir bool) error
	showFile := func(cur, rel string) error {
		st, err := a.lstat(cur)
		if err != nil {
			return err
		}
		if long {
			tp := "dr-xr-xr-x"
			switch st.typ {
			case nar.TypeRegular:
				tp = "-r--r--r--"
				if st.executable {
					tp = "-r-xr-xr-x"
				}
			case nar.TypeSymlink:
				tp = "lrwxrwxrwx"
			}
			line := fmt.Sprintf("%s %20d %s", tp, st.size, rel)
			if st.typ == nar.TypeSymlink {
				t, err := a.readLink(cur)
				if err != nil {
					return err
				}
				line += " -> " + t
			}
			fmt.Fprintln(w, line)
		} else {
			fmt.Fprintln(w, rel)
		}
		if recursive && st.typ == nar.TypeDirectory {
			return doPath(st, cur, rel, false)
		}
		return nil
	}
	doPath = func(st accStat, cur, rel string, showDir bool) error {
		if st.typ != nar.TypeDirectory || showDir {
			return showFile(cur, rel)
		}
		names, err := a.readDir(cur)
		if err != nil {
			return err
		}
		for _, n := range names {
			if err := showFile(path.Join(cur, n), rel+"/"+n); err != nil {
				return err
			}
		}
		return nil
	}
	st, err := a.lstat(p)
	if err != nil {
		return err
	}
	rel := "."
	if st.typ != nar.TypeDirectory {
		rel = path.Base(p)
		if p == "/" {
			rel = ""
		}
	}
	return doPath(st, p, rel, showDirectory)
}

// listJSON is the --json listing (CppNix's listNar).
func listJSON(a fsAccessor, p string, recursive bool) (jsonObject, error) {
	st, err := a.lstat(p)
	if err != nil {
		return nil, err
	}
	obj := jsonObject{}
	switch st.typ {
	case nar.TypeRegular:
		obj["type"] = "regular"
		obj["size"] = st.size
		if st.executable {
			obj["executable"] = true
		}
		if st.narOffset != 0 {
			obj["narOffset"] = st.narOffset
		}
	case nar.TypeDirectory:
		obj["type"] = "directory"
		entries := jsonObject{}
		names, err := a.readDir(p)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if recursive {
				if entries[n], err = listJSON(a, path.Join(p, n), true); err != nil {
					return nil, err
				}
			} else {
				entries[n] = jsonObject{}
			}
		}
		obj["entries"] = entries
	case nar.TypeSymlink:
		obj["type"] = "symlink"
		t, err := a.readLink(p)
		if err != nil {
			return nil, err
		}
		obj["target"] = t
	default:
		return nil, fmt.Errorf("path '%s' has an unsupported type", p)
	}
	return obj, nil
}
