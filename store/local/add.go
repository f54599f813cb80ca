// This file adds objects to the store. Every object is first written into a
// locked temporary directory of the store ("tmp-…", which CppNix's collector
// leaves alone while it is locked), synced, then renamed to its path under
// the path's lock, canonicalised and only then registered as valid, in one
// SQLite transaction. A process killed at any moment thus leaves at worst an
// invalid path or temporary directory, never a valid path with missing or
// partial contents.

package local

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/nar"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/refscan"
)

// mtimeStore is the modification time of everything in the store: one
// second after the epoch.
const mtimeStore = 1

// smallObject is the size up to which AddFromDump computes an object's
// path before writing it.
const smallObject = 1 << 20

// tempDir is a locked temporary directory in the store.
type tempDir struct {
	path string
	f    *os.File
}

// newTempDir creates and locks a temporary directory in the real store
// directory (CppNix's createTempDirInStore).
func (s *Store) newTempDir() (*tempDir, error) {
	for {
		p := fmt.Sprintf("%s/tmp-%d-%d", s.realDir, os.Getpid(), rand.Uint32())
		if err := os.Mkdir(p, 0o755); err != nil {
			if os.IsExist(err) {
				continue
			}
			return nil, fmt.Errorf("creating directory '%s': %w", p, syserr.Unwrap(err))
		}
		f, err := os.Open(p)
		if err != nil {
			continue // deleted by a collector before we could lock it
		}
		if err := lockDir(f); err != nil {
			f.Close()
			return nil, err
		}
		if _, err := os.Lstat(p); err != nil {
			f.Close()
			continue
		}
		return &tempDir{path: p, f: f}, nil
	}
}

// remove deletes the directory and what is left in it, then unlocks it.
// Windows cannot delete a directory that is open: there the directory
// itself goes after the unlock.
func (t *tempDir) remove() {
	removeAll(t.path)
	t.f.Close()
	removeAll(t.path)
}

// AddFromDump adds an object read from r (store.Adder).
func (s *Store) AddFromDump(ctx context.Context, r io.Reader, name string, opts store.AddOptions) (storepath.StorePath, error) {
	var zero storepath.StorePath
	if err := opts.Normalize(); err != nil {
		return zero, err
	}
	if err := storepath.CheckName(name); err != nil {
		return zero, err
	}
	if s.cfg.ReadOnly {
		return zero, s.readOnlyError()
	}
	// A small object is read into memory first: if its path is already
	// valid, nothing is written (as CppNix does up to narBufferSize).
	methodsMatch := (opts.Serialisation == store.SerialNAR) == (opts.Method == storepath.MethodNAR)
	if !opts.Repair && len(opts.ScanReferences) == 0 && methodsMatch {
		buf := make([]byte, smallObject)
		n, err := io.ReadFull(r, buf)
		switch err {
		case io.EOF, io.ErrUnexpectedEOF:
			buf = buf[:n]
			ca := storepath.ContentAddress{Method: opts.Method, Hash: hash.Sum(opts.Algo, buf)}
			refs := storepath.SortPaths(append([]storepath.StorePath(nil), opts.References...))
			if p, err := s.dir.MakeFixedOutputPathFromCA(name, ca, storepath.References{Others: refs}); err == nil {
				if err := s.AddTempRoot(ctx, p); err != nil {
					return zero, err
				}
				if ok, err := s.IsValidPath(ctx, p); err == nil && ok {
					return p, nil
				}
			}
			r = bytes.NewReader(buf)
		case nil:
			r = io.MultiReader(bytes.NewReader(buf), r)
		default:
			return zero, err
		}
	}
	tmp, err := s.newTempDir()
	if err != nil {
		return zero, err
	}
	defer tmp.remove()
	obj := tmp.path + "/x"

	info, found, err := s.writeObject(obj, r, opts)
	if err != nil {
		return zero, err
	}
	refs := storepath.SortPaths(append(append([]storepath.StorePath(nil), opts.References...), found...))
	info.References = refs
	p, err := s.dir.MakeFixedOutputPathFromCA(name, info.CA, storepath.References{Others: refs})
	if err != nil {
		return zero, err
	}
	info.Path = p
	if err := s.AddTempRoot(ctx, p); err != nil {
		return zero, err
	}
	if !opts.Repair {
		if ok, err := s.IsValidPath(ctx, p); err != nil || ok {
			return p, err
		}
	}
	locks, err := lockPaths([]string{s.RealPath(p)}, "", s.log)
	if err != nil {
		return zero, err
	}
	defer locks.unlock()
	if !opts.Repair {
		if ok, err := s.IsValidPath(ctx, p); err != nil || ok {
			return p, err
		}
	}
	if err := s.install(ctx, info, obj); err != nil {
		return zero, err
	}
	locks.setDeletion(true)
	return p, nil
}

// writeObject writes the object read from r at obj and computes its
// content address, NAR hash and size, and the references found by
// scanning among opts.ScanReferences.
func (s *Store) writeObject(obj string, r io.Reader, opts store.AddOptions) (*store.PathInfo, []storepath.StorePath, error) {
	doSync := !s.cfg.NoSyncContents && !hasSyncfs
	methodsMatch := (opts.Serialisation == store.SerialNAR) == (opts.Method == storepath.MethodNAR)
	caHasher := hash.NewHasher(opts.Algo)
	narHasher := hash.NewHasher(hash.SHA256)
	var scanner *refscan.Scanner
	if len(opts.ScanReferences) > 0 {
		parts := make([]string, len(opts.ScanReferences))
		for i, p := range opts.ScanReferences {
			parts[i] = p.HashPart()
		}
		scanner = refscan.NewScanner(parts)
	}
	var sinks []io.Writer
	if methodsMatch {
		sinks = append(sinks, caHasher)
	}
	if opts.Serialisation == store.SerialNAR {
		if !methodsMatch || opts.Algo != hash.SHA256 {
			sinks = append(sinks, narHasher)
		} else {
			narHasher = caHasher
		}
		if scanner != nil {
			sinks = append(sinks, scanner)
		}
		if err := s.restore(obj, bufio.NewReaderSize(r, 1<<16), doSync, io.MultiWriter(sinks...)); err != nil {
			return nil, nil, err
		}
	} else {
		if scanner != nil {
			sinks = append(sinks, scanner)
		}
		if err := writeFile(obj, io.TeeReader(r, io.MultiWriter(sinks...)), false, doSync); err != nil {
			return nil, nil, err
		}
		if err := s.dumpPath(narHasher, obj); err != nil {
			return nil, nil, err
		}
	}
	caHash := caHasher.Sum()
	if !methodsMatch {
		h, err := s.hashObject(obj, opts.Method, opts.Algo, "")
		if err != nil {
			return nil, nil, err
		}
		caHash = h
	}
	var found []storepath.StorePath
	if scanner != nil {
		seen := map[string]bool{}
		for _, h := range scanner.Found() {
			seen[h] = true
		}
		for _, p := range opts.ScanReferences {
			if seen[p.HashPart()] {
				found = append(found, p)
			}
		}
	}
	return &store.PathInfo{
		NarHash: narHasher.Sum(),
		NarSize: uint64(narHasher.Written()),
		CA:      storepath.ContentAddress{Method: opts.Method, Hash: caHash},
	}, found, nil
}

// hashObject hashes the object at path as method says: its NAR, or the
// contents of a regular file; modulo a hash part if not empty (CppNix's
// HashModuloSink).
func (s *Store) hashObject(path string, method storepath.Method, algo hash.Algo, modulo string) (hash.Hash, error) {
	var sink io.Writer
	var sum func() hash.Hash
	if modulo != "" {
		m := refscan.NewModuloHasher(algo, modulo)
		sink, sum = m, func() hash.Hash { h, _ := m.Sum(); return h }
	} else {
		h := hash.NewHasher(algo)
		sink, sum = h, h.Sum
	}
	switch method {
	case storepath.MethodNAR:
		if err := s.dumpPath(sink, path); err != nil {
			return hash.Hash{}, err
		}
	case storepath.MethodFlat, storepath.MethodText:
		f, err := os.Open(path)
		if err != nil {
			return hash.Hash{}, err
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && !fi.Mode().IsRegular() {
			return hash.Hash{}, fmt.Errorf("file '%s' is not a regular file", path)
		}
		if _, err := io.Copy(sink, f); err != nil {
			return hash.Hash{}, err
		}
	default:
		return hash.Hash{}, fmt.Errorf("unsupported ingestion method '%s'", method)
	}
	return sum(), nil
}

// install moves a complete object from obj to its path and registers it.
// The caller holds the path's lock. On failure nothing is left at the path.
func (s *Store) install(ctx context.Context, info *store.PathInfo, obj string) error {
	real := s.RealPath(info.Path)
	if err := removeAll(real); err != nil {
		return err
	}
	if err := os.Rename(obj, real); err != nil {
		return fmt.Errorf("renaming '%s' to '%s': %w", obj, real, syserr.Unwrap(err))
	}
	err := s.finishInstall(ctx, info, real)
	if err != nil {
		removeAll(real)
	}
	return err
}

func (s *Store) finishInstall(ctx context.Context, info *store.PathInfo, real string) error {
	if !s.cfg.NoSyncContents {
		if err := syncStoreFS(s.realDir); err != nil {
			return err
		}
	}
	if err := s.canonicalise(real); err != nil {
		return err
	}
	if s.cfg.AutoOptimise {
		if _, err := s.optimisePath(ctx, real, nil, false, nil); err != nil {
			return err
		}
	}
	return s.RegisterValidPaths(ctx, []*store.PathInfo{info})
}

// AddNAR restores a NAR as info.Path and registers it with info's metadata
// (store.NARAdder; CppNix's addToStore(info, source)).
func (s *Store) AddNAR(ctx context.Context, info *store.PathInfo, r io.Reader, opts store.AddNAROptions) error {
	if s.cfg.ReadOnly {
		return s.readOnlyError()
	}
	if opts.CheckSigs && s.cfg.RequireSigs && !info.IsContentAddressed(s.dir, s.log) {
		return fmt.Errorf("cannot add path '%s' because it lacks a signature by a trusted key", s.dir.Path(info.Path))
	}
	info = info.Clone()
	info.SortReferences()
	br := bufio.NewReaderSize(r, 1<<16)
	if err := s.AddTempRoot(ctx, info.Path); err != nil {
		return err
	}
	if !opts.Repair {
		if ok, err := s.IsValidPath(ctx, info.Path); err != nil || ok {
			discardNAR(br)
			return err
		}
	}
	locks, err := lockPaths([]string{s.RealPath(info.Path)}, "", s.log)
	if err != nil {
		return err
	}
	defer locks.unlock()
	if !opts.Repair {
		if ok, err := s.IsValidPath(ctx, info.Path); err != nil || ok {
			discardNAR(br)
			return err
		}
	}
	tmp, err := s.newTempDir()
	if err != nil {
		return err
	}
	defer tmp.remove()
	obj := tmp.path + "/x"
	h := hash.NewHasher(hash.SHA256)
	if err := s.restore(obj, br, !s.cfg.NoSyncContents && !hasSyncfs, h); err != nil {
		return err
	}
	if err := s.checkImported(info, obj, h); err != nil {
		return err
	}
	if err := s.install(ctx, info, obj); err != nil {
		return err
	}
	locks.setDeletion(true)
	return nil
}

// checkImported compares what was restored with the metadata it came
// with, in CppNix's words.
func (s *Store) checkImported(info *store.PathInfo, obj string, h *hash.Hasher) error {
	path := s.dir.Path(info.Path)
	if got := h.Sum(); got != info.NarHash {
		return fmt.Errorf("hash mismatch importing path '%s';\n  specified: %s\n  got:       %s",
			path, info.NarHash.Format(hash.Nix32, true), got.Format(hash.Nix32, true))
	}
	if got := uint64(h.Written()); got != info.NarSize {
		return fmt.Errorf("size mismatch importing path '%s';\n  specified: %d\n  got:       %d", path, info.NarSize, got)
	}
	if info.CA.IsZero() {
		return nil
	}
	got, err := s.hashObject(obj, info.CA.Method, info.CA.Hash.Algo(), info.Path.HashPart())
	if err != nil {
		return err
	}
	if got != info.CA.Hash {
		return fmt.Errorf("ca hash mismatch importing path '%s';\n  specified: %s\n  got:       %s",
			path, info.CA.Hash.Format(hash.Nix32, true), got.Format(hash.Nix32, true))
	}
	return nil
}

// discardNAR reads a NAR that is not needed. As in CppNix, errors in it
// are ignored.
func discardNAR(r *bufio.Reader) {
	nar.Copy(io.Discard, r)
}
