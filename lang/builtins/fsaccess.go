// This file holds how builtins reach the file system, as CppNix's root source
// accessor does: the allow list of pure and restricted evaluation, symlink
// resolution, and CppNix's messages for failed system calls.

package builtins

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

// resolveMode says which components of a path resolveSymlinks follows
// (CppNix's SymlinkResolution).
type resolveMode uint8

const (
	resolveNone      resolveMode = iota // the path as written (readFileType)
	resolveAncestors                    // all components but the last (pathExists)
	resolveFull                         // every component
)

// maxSymlinks is how many symlinks one resolution may follow.
const maxSymlinks = 1024

// restricted reports whether file access goes through the allow list.
func restricted(st *eval.State) bool { return st.PureEval || st.RestrictEval }

// allowedPrefixes returns the paths readable under restriction: the state's
// AllowedPaths and, as CppNix allows them when it starts, the local entries
// of the search path.
func allowedPrefixes(st *eval.State) []string {
	l := make([]string, 0, len(st.AllowedPaths)+len(st.SearchPath))
	for _, p := range st.AllowedPaths {
		l = append(l, syntax.CanonPath(p))
	}
	for _, e := range st.SearchPath {
		if isPseudoURL(e.Path) {
			continue
		}
		p := e.Path
		if !strings.HasPrefix(p, "/") {
			cwd, _ := ospath.Getwd()
			p = cwd + "/" + p
		}
		l = append(l, syntax.CanonPath(p))
	}
	return l
}

// isPseudoURL reports whether a search path entry names something to fetch
// rather than a local path (CppNix's EvalSettings::isPseudoUrl, and the
// flake: entries its lookup path hook resolves).
func isPseudoURL(s string) bool {
	if strings.HasPrefix(s, "channel:") || strings.HasPrefix(s, "flake:") {
		return true
	}
	scheme, _, ok := strings.Cut(s, "://")
	if !ok {
		return false
	}
	switch scheme {
	case "http", "https", "file", "channel", "git", "s3", "ssh":
		return true
	}
	return false
}

// isAllowed reports whether path may be accessed: it is an allowed path, lies
// inside one, or is a directory above one (CppNix's CanonPath::isAllowed), so
// that resolution can walk down to the allowed paths.
func isAllowed(st *eval.State, path string) bool {
	if !restricted(st) {
		return true
	}
	for _, p := range allowedPrefixes(st) {
		if within(path, p) || within(p, path) {
			return true
		}
	}
	return false
}

// within reports whether path is dir or lies below it (both canonical).
func within(path, dir string) bool {
	if dir == "/" {
		return true
	}
	return path == dir || strings.HasPrefix(path, dir+"/")
}

// allowPath makes path readable under restriction (CppNix's allowPath).
func allowPath(st *eval.State, path string) {
	if restricted(st) {
		st.AllowedPaths = append(st.AllowedPaths, path)
	}
}

// allowStorePath makes a store path the evaluation wrote readable under
// restriction, where its files are (CppNix's allowPath(StorePath), through
// toRealPath: in a chroot store, below its root).
func allowStorePath(st *eval.State, p string) {
	if !restricted(st) {
		return
	}
	if r, ok := st.Store.(RealPather); ok {
		p = r.RealPath(p)
	}
	allowPath(st, p)
}

// checkAccess fails with CppNix's message when path may not be accessed.
func checkAccess(st *eval.State, path string) {
	if isAllowed(st, path) {
		return
	}
	mode := "in restricted mode"
	if st.PureEval {
		mode = "in pure evaluation mode (use '--impure' to override)"
	}
	st.Errorf(eval.RestrictedPath, token.NoPos, "access to absolute path '%s' is forbidden %s", path, mode)
}

// lstat returns the status of path, or nil when it does not exist (CppNix's
// maybeLstat through the root accessor).
func lstat(st *eval.State, path string) fs.FileInfo {
	checkAccess(st, path)
	fi, err := os.Lstat(ospath.Native(path))
	if err != nil {
		if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ENOTDIR) {
			return nil
		}
		st.Errorf(eval.IOError, token.NoPos, "getting status of '%s': %s", path, syserr.Strerror(err))
	}
	return fi
}

// mustLstat is lstat for a path that must exist.
func mustLstat(st *eval.State, path string) fs.FileInfo {
	fi := lstat(st, path)
	if fi == nil {
		st.Errorf(eval.IOError, token.NoPos, "path '%s' does not exist", path)
	}
	return fi
}

// readLink returns the target of a symlink.
func readLink(st *eval.State, path string) string {
	checkAccess(st, path)
	target, err := os.Readlink(ospath.Native(path))
	if err != nil {
		st.Errorf(eval.IOError, token.NoPos, "reading symbolic link '%s': %s", path, syserr.Strerror(err))
	}
	return ospath.FromNative(target)
}

// assertNoSymlinks fails when a directory above path (not path itself) is a
// symlink, as CppNix's root accessor does for paths it was given unresolved.
func assertNoSymlinks(st *eval.State, path string) {
	for p := parentPath(path); p != "/"; p = parentPath(p) {
		if fi, err := os.Lstat(ospath.Native(p)); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			st.Errorf(eval.IOError, token.NoPos, "path '%s' is a symlink", p)
		}
	}
}

// resolveSymlinks follows the symlinks in the canonical absolute path,
// lexically applying ".." to what is already resolved, as CppNix's
// SourceAccessor::resolveSymlinks.
func resolveSymlinks(st *eval.State, path string, mode resolveMode) string {
	if mode == resolveNone {
		return path
	}
	var res []string
	todo := splitPath(path)
	links := maxSymlinks
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(res) > 0 {
				res = res[:len(res)-1]
			}
			continue
		}
		res = append(res, c)
		if mode != resolveFull && len(todo) == 0 {
			continue
		}
		p := "/" + strings.Join(res, "/")
		fi := lstat(st, p)
		if fi == nil || fi.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		if links == 0 {
			st.Errorf(eval.EvalError, token.NoPos, "infinite symlink recursion in path '%s'", path)
		}
		links--
		target := readLink(st, p)
		res = res[:len(res)-1]
		if strings.HasPrefix(target, "/") {
			res = res[:0]
		}
		todo = append(splitPath(target), todo...)
	}
	return "/" + strings.Join(res, "/")
}

// splitPath returns the non-empty components of a path.
func splitPath(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
}

// parentPath returns the directory of a canonical absolute path ("/" for "/").
func parentPath(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return "/"
	}
	return p[:i]
}

// baseName returns the last component of a canonical absolute path, or ""
// for the root.
func baseName(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

// fileTypeName names a file type as readDir and readFileType do.
func fileTypeName(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "regular"
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symlink"
	}
	return "unknown"
}

// openFile opens a regular file for reading without following a final
// symlink, as CppNix's root accessor does.
func openFile(st *eval.State, path string) *os.File {
	checkAccess(st, path)
	f, err := os.OpenFile(ospath.Native(path), os.O_RDONLY|openNoFollow, 0)
	if err != nil {
		st.Errorf(eval.IOError, token.NoPos, "opening file '%s': %s", path, syserr.Strerror(err))
	}
	return f
}

// readFileContents returns the contents of a file.
func readFileContents(st *eval.State, path string) []byte {
	f := openFile(st, path)
	b, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		st.Errorf(eval.IOError, token.NoPos, "reading from file '%s': %s", path, syserr.Strerror(err))
	}
	return b
}

// fsErrorMessage renders an error of a file system walk (copying a path to
// the store) in CppNix's words.
func fsErrorMessage(err error) string {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return err.Error()
	}
	path := ospath.FromNative(pe.Path) // the store reads native paths
	switch pe.Op {
	case "lstat", "stat":
		if errors.Is(pe.Err, syscall.ENOENT) || errors.Is(pe.Err, syscall.ENOTDIR) {
			return "path '" + path + "' does not exist"
		}
		return "getting status of '" + path + "': " + syserr.Strerror(pe.Err)
	case "open":
		return "opening file '" + path + "': " + syserr.Strerror(pe.Err)
	case "read":
		return "reading from file '" + path + "': " + syserr.Strerror(pe.Err)
	case "readdirent", "readdir", "fdopendir":
		return "reading directory " + path + ": " + syserr.Strerror(pe.Err)
	case "readlink":
		return "reading symbolic link '" + path + "': " + syserr.Strerror(pe.Err)
	}
	return err.Error()
}

// readDirEntries lists a directory, sorted by name.
func readDirEntries(path string) ([]fs.DirEntry, error) { return os.ReadDir(ospath.Native(path)) }
