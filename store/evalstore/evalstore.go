// Package evalstore is the glue between the evaluator and a real store: an
// Adapter implements the evaluator's eval.Store (AddPath, AddText) and the
// optional read interfaces of lang/builtins (IsValidPath, QueryReferences,
// ReadStoreFile) on top of a store.Store, with full store paths as strings on
// the evaluator's side.
//
// The evaluator never imports the store; the command that evaluates opens a
// store (store/stores), wraps it in an Adapter and passes it in
// eval.Options.Store. In read-only mode (nix-instantiate --eval, --dry-run,
// readonly-mode) the Adapter computes the paths of added files without
// writing them, but still reads from the store.
package evalstore

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/nar"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
)

// Adapter presents a store to the evaluator.
type Adapter struct {
	s   store.Store
	dir storepath.Dir
	// ReadOnly computes the paths of added files and texts without
	// writing them (CppNix's settings.readOnlyMode).
	ReadOnly bool
	// Repair rewrites paths that are already valid (--repair).
	Repair bool
	ctx    context.Context
}

// New returns an Adapter for s.
func New(ctx context.Context, s store.Store) *Adapter {
	return &Adapter{s: s, dir: s.Dir(), ctx: ctx}
}

// Store returns the underlying store.
func (a *Adapter) Store() store.Store { return a.s }

// StoreDir returns the store directory, in which the evaluator names paths.
func (a *Adapter) StoreDir() string { return string(a.dir) }

// adder returns the store's Adder, or CppNix's error for a store that
// cannot add (dummy://).
func (a *Adapter) adder() (store.Adder, error) {
	ad, ok := a.s.(store.Adder)
	if !ok {
		return nil, &store.UnsupportedError{Op: "addToStore", URI: a.s.URI()}
	}
	return ad, nil
}

// AddPath adds the file or tree at src (eval.Store; CppNix's
// addToStore/computeStorePath for ./paths, builtins.path and filterSource):
// its NAR, filtered, when recursive; the contents of a regular file
// otherwise. The filter sees every object below src with its type
// ("regular", "directory", "symlink", "unknown").
func (a *Adapter) AddPath(name, src string, recursive bool, filter func(path, typ string) bool) (string, error) {
	method := storepath.MethodFlat
	if recursive {
		method = storepath.MethodNAR
	}
	var pf store.PathFilter
	if filter != nil {
		pf = func(path string, fi fs.FileInfo) (bool, error) { return filter(path, fileType(fi)), nil }
	}
	if a.ReadOnly {
		p, _, err := store.ComputeFixedPath(a.dir, name, src, method, hash.SHA256, pf)
		if err != nil {
			return "", err
		}
		return a.dir.Path(p), nil
	}
	ad, err := a.adder()
	if err != nil {
		return "", err
	}
	p, err := store.AddPath(a.ctx, ad, name, src, store.AddOptions{Method: method, Repair: a.Repair}, pf)
	if err != nil {
		return "", err
	}
	return a.dir.Path(p), nil
}

// AddDownload adds the file fetchurl downloaded (builtins.Downloader): flat,
// and written to the store even in read-only mode, as CppNix's downloadFile.
func (a *Adapter) AddDownload(name, src string) (string, error) {
	ad, err := a.adder()
	if err != nil {
		return "", err
	}
	p, err := store.AddPath(a.ctx, ad, name, src, store.AddOptions{Method: storepath.MethodFlat, Repair: a.Repair}, nil)
	if err != nil {
		return "", err
	}
	return a.dir.Path(p), nil
}

// AddText adds a text file with references (eval.Store; builtins.toFile and
// .drv files).
func (a *Adapter) AddText(name, text string, refs []string) (string, error) {
	rs := make([]storepath.StorePath, len(refs))
	for i, r := range refs {
		p, err := a.dir.Parse(r)
		if err != nil {
			return "", err
		}
		rs[i] = p
	}
	var p storepath.StorePath
	var err error
	if a.ReadOnly {
		p, err = store.ComputeTextPath(a.dir, name, text, storepath.SortPaths(rs))
	} else {
		var ad store.Adder
		if ad, err = a.adder(); err != nil {
			return "", err
		}
		p, err = store.AddText(a.ctx, ad, name, text, rs, a.Repair)
	}
	if err != nil {
		return "", err
	}
	return a.dir.Path(p), nil
}

// IsValidPath reports whether a full store path is valid; anything else,
// or an error, is not.
func (a *Adapter) IsValidPath(path string) bool {
	p, err := a.dir.Parse(path)
	if err != nil {
		return false
	}
	ok, err := a.s.IsValidPath(a.ctx, p)
	return err == nil && ok
}

// QueryReferences returns the references of a valid path as full paths, or
// CppNix's "path '…' is not valid".
func (a *Adapter) QueryReferences(path string) ([]string, error) {
	p, err := a.dir.Parse(path)
	if err != nil {
		return nil, err
	}
	info, err := a.s.QueryPathInfo(a.ctx, p)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(info.References))
	for i, r := range info.References {
		out[i] = a.dir.Path(r)
	}
	return out, nil
}

// ReadStoreFile returns the contents of a regular file in a valid store
// path (a .drv file, or any file below a path): read directly from a local
// store (through its real directory for a chroot store), else extracted from
// the path's NAR.
func (a *Adapter) ReadStoreFile(path string) ([]byte, error) {
	p, rest, err := a.dir.ToStorePath(path)
	if err != nil {
		return nil, err
	}
	ok, err := a.s.IsValidPath(a.ctx, p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &store.InvalidPathError{Path: a.dir.Path(p)}
	}
	if l, ok := a.s.(store.LocalFS); ok {
		b, err := os.ReadFile(l.RealPath(p) + rest)
		if err != nil {
			return nil, fmt.Errorf("reading file '%s': %w", path, unwrap(err))
		}
		return b, nil
	}
	d, ok := a.s.(store.NARDumper)
	if !ok {
		return nil, &store.UnsupportedError{Op: "getFSAccessor", URI: a.s.URI()}
	}
	return readFromNAR(a.ctx, d, p, rest, path)
}

// RealPath returns where the files of a full store path are on this
// machine: the path itself, or its place in a chroot store. Paths outside
// the store, and stores without local files, give path unchanged.
func (a *Adapter) RealPath(path string) string {
	l, ok := a.s.(store.LocalFS)
	if !ok {
		return path
	}
	p, rest, err := a.dir.ToStorePath(path)
	if err != nil {
		return path
	}
	return l.RealPath(p) + rest
}

// readFromNAR extracts file rest of p from its NAR.
func readFromNAR(ctx context.Context, d store.NARDumper, p storepath.StorePath, rest, full string) ([]byte, error) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(d.DumpNAR(ctx, p, pw)) }()
	defer pr.Close()
	want := rest
	if want == "" {
		want = "/"
	}
	nr := nar.NewReader(pr)
	for {
		h, err := nr.Next()
		if err == io.EOF {
			return nil, fmt.Errorf("path '%s' does not exist", full)
		}
		if err != nil {
			return nil, err
		}
		if h.Path != want {
			continue
		}
		if h.Type != nar.TypeRegular {
			return nil, fmt.Errorf("file '%s' is not a regular file", full)
		}
		return io.ReadAll(nr)
	}
}

// fileType names a file's type as builtins.path filters see it.
func fileType(fi fs.FileInfo) string {
	switch m := fi.Mode(); {
	case m.IsRegular():
		return "regular"
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symlink"
	}
	return "unknown"
}

// unwrap drops the operation and path of an *fs.PathError.
func unwrap(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
