// This file holds helpers that add files of this machine and texts to a
// store through its Adder capability, and the path computations that go with
// them when nothing is written.

package store

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/nar"
	"github.com/nixgo/nixgo/format/storepath"
)

// PathFilter selects the objects of a tree to add: it is called with the
// file system path and Lstat information of every object below the root,
// and objects for which it returns false are left out with everything below
// them (CppNix's PathFilter).
type PathFilter func(path string, fi fs.FileInfo) (bool, error)

// AddPath adds the file or tree at src to the store as name (CppNix's
// addToStore(path)): with opts.Method MethodNAR (the default) its NAR,
// filtered by filter (which may be nil); with MethodFlat the contents of
// the regular file src; with MethodText the contents of src as text.
// opts.Serialisation is ignored.
func AddPath(ctx context.Context, a Adder, name, src string, opts AddOptions, filter PathFilter) (storepath.StorePath, error) {
	if opts.Method == 0 {
		opts.Method = storepath.MethodNAR
	}
	if opts.Method != storepath.MethodNAR {
		f, err := os.Open(src)
		if err != nil {
			return storepath.StorePath{}, err
		}
		defer f.Close()
		opts.Serialisation = SerialFlat
		return a.AddFromDump(ctx, f, name, opts)
	}
	opts.Serialisation = SerialNAR
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(nar.DumpPathWith(pw, src, nar.DumpOptions{Filter: filter}))
	}()
	p, err := a.AddFromDump(ctx, pr, name, opts)
	pr.CloseWithError(io.ErrClosedPipe) // stop the dumper if AddFromDump gave up early
	return p, err
}

// AddText adds a text file with references (builtins.toFile, .drv files;
// CppNix's writeTextToStore / TextIngestionMethod).
func AddText(ctx context.Context, a Adder, name, text string, refs []storepath.StorePath, repair bool) (storepath.StorePath, error) {
	return a.AddFromDump(ctx, strings.NewReader(text), name, AddOptions{
		Serialisation: SerialFlat,
		Method:        storepath.MethodText,
		Algo:          hash.SHA256,
		References:    refs,
		Repair:        repair,
	})
}

// ComputeTextPath returns the path AddText would give, without a store.
func ComputeTextPath(dir storepath.Dir, name, text string, refs []storepath.StorePath) (storepath.StorePath, error) {
	return dir.MakeTextPath(name, hash.SumString(hash.SHA256, text), refs)
}

// ComputeFixedPath returns the path AddPath would give src with method and
// algo and no references, without a store (CppNix's computeStorePath).
func ComputeFixedPath(dir storepath.Dir, name, src string, method storepath.Method, algo hash.Algo, filter PathFilter) (storepath.StorePath, hash.Hash, error) {
	if algo == 0 {
		algo = hash.SHA256
	}
	h := hash.NewHasher(algo)
	switch method {
	case storepath.MethodNAR:
		if err := nar.DumpPathWith(h, src, nar.DumpOptions{Filter: filter}); err != nil {
			return storepath.StorePath{}, hash.Hash{}, err
		}
	case storepath.MethodFlat:
		f, err := os.Open(src)
		if err != nil {
			return storepath.StorePath{}, hash.Hash{}, err
		}
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return storepath.StorePath{}, hash.Hash{}, err
		}
	default:
		return storepath.StorePath{}, hash.Hash{}, fmt.Errorf("cannot compute a fixed path with method '%s'", method)
	}
	sum := h.Sum()
	p, err := dir.MakeFixedOutputPath(name, method, sum, storepath.References{})
	return p, sum, err
}

// Normalize fills in the defaults of opts and checks that its fields fit
// together.
func (opts *AddOptions) Normalize() error {
	if opts.Algo == 0 {
		opts.Algo = hash.SHA256
	}
	if opts.Method == 0 {
		opts.Method = storepath.MethodNAR
		if opts.Serialisation == SerialFlat {
			opts.Method = storepath.MethodFlat
		}
	}
	switch opts.Method {
	case storepath.MethodText:
		// A NAR is allowed: it must hold one regular file, whose
		// contents are hashed (CppNix's addToStoreSlow adds files so,
		// keeping their execute bit).
		if opts.Algo != hash.SHA256 {
			return fmt.Errorf("text hashing requires SHA-256, not '%s'", opts.Algo)
		}
	case storepath.MethodFlat, storepath.MethodNAR:
	case storepath.MethodGit:
		return fmt.Errorf("nixgo does not support Git hashing ('git' file ingestion method) yet")
	default:
		return fmt.Errorf("invalid content-addressing method %d", opts.Method)
	}
	return nil
}
