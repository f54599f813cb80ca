// Package dummy is a store that computes store paths but never writes, like
// CppNix's dummy:// store and its read-only mode: nix-instantiate --eval uses it
// to turn ./path and builtins.toFile into the paths they would have.
package dummy

import (
	"io/fs"
	"os"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/nar"
	"github.com/nixgo/nixgo/format/storepath"
)

// Store computes paths in a store directory.
type Store struct {
	dir storepath.Dir
}

// New returns a store that computes paths in storeDir.
func New(storeDir string) *Store { return &Store{dir: storepath.Dir(storeDir)} }

// StoreDir returns the store directory.
func (s *Store) StoreDir() string { return string(s.dir) }

// AddPath computes the path src would have once added: the SHA-256 of its NAR
// (recursive) or of its contents (flat).
func (s *Store) AddPath(name, src string, recursive bool, filter func(path, typ string) bool) (string, error) {
	h := hash.NewHasher(hash.SHA256)
	method := storepath.MethodNAR
	if recursive {
		var opts nar.DumpOptions
		if filter != nil {
			opts.Filter = func(path string, fi fs.FileInfo) (bool, error) {
				return filter(path, FileType(fi)), nil
			}
		}
		if err := nar.DumpPathWith(h, src, opts); err != nil {
			return "", err
		}
	} else {
		method = storepath.MethodFlat
		f, err := os.Open(src)
		if err != nil {
			return "", err
		}
		defer f.Close()
		if _, err := f.WriteTo(h); err != nil {
			return "", err
		}
	}
	p, err := s.dir.MakeFixedOutputPath(name, method, h.Sum(), storepath.References{})
	if err != nil {
		return "", err
	}
	return s.dir.Path(p), nil
}

// PathsOnly reports that the store computes paths without writing them.
func (s *Store) PathsOnly() bool { return true }

// AddText computes the path of a text file with references.
func (s *Store) AddText(name, text string, refs []string) (string, error) {
	var rs []storepath.StorePath
	for _, r := range refs {
		p, err := s.dir.Parse(r)
		if err != nil {
			return "", err
		}
		rs = append(rs, p)
	}
	p, err := s.dir.MakeTextPath(name, hash.SumString(hash.SHA256, text), rs)
	if err != nil {
		return "", err
	}
	return s.dir.Path(p), nil
}

// FileType names the type of a file as builtins.path filters see it.
func FileType(fi fs.FileInfo) string {
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
