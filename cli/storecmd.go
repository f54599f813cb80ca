// This file holds what the store commands (nix-store, nix-hash, nix store,
// nix nar, nix hash, nix path-info, nix derivation) share: resolving their
// arguments to store paths as CppNix's followLinksToStorePath, naming the
// files they add, and CppNix's wording of operating system errors.

package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/nixgo/nixgo/format/fslink"
	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/store"
)

// followLinksToStore makes arg absolute and follows symlinks until it names
// something inside the store directory (CppNix's followLinksToStore): a
// result symlink names the store path it points to.
func followLinksToStore(dir storepath.Dir, arg string) (string, error) {
	p := absPath(arg)
	for !dir.IsInStore(p) {
		fi, err := os.Lstat(ospath.Native(p))
		if err != nil || !fslink.IsLink(ospath.Native(p), fi.Mode()) {
			break
		}
		target, err := fslink.Readlink(ospath.Native(p))
		if err != nil {
			return "", sysError(err)
		}
		target = ospath.FromNative(target)
		if !strings.HasPrefix(target, "/") {
			target = path.Dir(p) + "/" + target
		}
		p = absPath(target)
	}
	if !dir.IsInStore(p) {
		return "", fmt.Errorf("path '%s' is not in the Nix store", p)
	}
	return p, nil
}

// followLinksToStorePath is followLinksToStore reduced to the store path
// (CppNix's followLinksToStorePath): a file inside a store object names the
// object.
func followLinksToStorePath(dir storepath.Dir, arg string) (storepath.StorePath, error) {
	p, err := followLinksToStore(dir, arg)
	if err != nil {
		return storepath.StorePath{}, err
	}
	sp, _, err := dir.ToStorePath(p)
	return sp, err
}

// baseNameOf is CppNix's baseNameOf: the last component of p, ignoring one
// trailing slash ("t/" gives "t", "/" gives "").
func baseNameOf(p string) string {
	if p == "" {
		return ""
	}
	last := len(p)
	if p[last-1] == '/' {
		last--
	}
	i := strings.LastIndexByte(p[:last], '/')
	return p[i+1 : last]
}

// makeParentCanonical makes p absolute and resolves the symlinks of its
// parent directory, but not of p itself (CppNix's makeParentCanonical), so
// that adding a symlink adds the symlink.
func makeParentCanonical(p string) (string, error) {
	abs := absPath(p)
	parent := path.Dir(abs)
	if parent == abs {
		return abs, nil
	}
	real, err := filepath.EvalSymlinks(ospath.Native(parent))
	if err == nil {
		real, err = filepath.Abs(real)
	}
	if err != nil {
		return "", fmt.Errorf("canonicalising parent path of '\"%s\"': %s", abs, syserr.Strerror(err))
	}
	real = ospath.FromNative(real)
	if real == "/" {
		return "/" + path.Base(abs), nil
	}
	return real + "/" + path.Base(abs), nil
}

// checkSourceExists reports a file to add or hash that does not exist as
// CppNix does (its source accessor shows the root "/" before the absolute
// path, hence the double slash).
func checkSourceExists(src string) error {
	if _, err := os.Lstat(ospath.Native(src)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("path '/%s' does not exist", src)
		}
		return sysError(err)
	}
	return nil
}

// sysError rewords an operating system error as CppNix's SysError messages.
func sysError(err error) error {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return err
	}
	var what string
	switch pe.Op {
	case "open":
		what = fmt.Sprintf("opening file '%s'", ospath.FromNative(pe.Path))
	case "lstat", "stat":
		what = fmt.Sprintf("getting status of '%s'", ospath.FromNative(pe.Path))
	case "readlink":
		what = fmt.Sprintf("reading symbolic link '%s'", ospath.FromNative(pe.Path))
	case "read":
		what = "reading from file"
	case "readdirent", "readdir", "fdopendir":
		what = fmt.Sprintf("reading directory '%s'", ospath.FromNative(pe.Path))
	case "write":
		what = "writing to file"
	default:
		return err
	}
	return fmt.Errorf("%s: %s", what, syserr.Strerror(pe.Err))
}

// parseHashAlgoFlag parses the algorithm of a command-line flag; an unknown
// one is a usage error, as CppNix's parseHashAlgo in argument handlers.
func parseHashAlgoFlag(name string) (hash.Algo, error) {
	a, err := hash.ParseAlgo(name)
	if err != nil {
		return 0, &usageError{err.Error()}
	}
	return a, nil
}

// adderOf returns the store's Adder capability, or CppNix's message for a
// store without one.
func adderOf(s store.Store) (store.Adder, error) {
	a, ok := s.(store.Adder)
	if !ok {
		return nil, &store.UnsupportedError{Op: "addToStore", URI: s.URI()}
	}
	return a, nil
}

// shellEscape quotes s for a POSIX shell, as CppNix's shellEscape.
func shellEscape(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// isTerminal reports whether r is a terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// printMiB renders a number of bytes as CppNix's showBytes.
func printMiB(n uint64) string {
	return fmt.Sprintf("%.2f MiB", float64(n)/(1024*1024))
}
