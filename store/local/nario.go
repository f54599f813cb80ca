// This file chooses how the store serialises and restores its objects: on
// Unix without the case hack, with the store's own restorer (which syncs as
// it writes); on Windows, or with macOS's case hack, with format/nar's
// RestoreWith (alternate data streams for executables and symlinks, renamed
// case collisions), followed by a sync of the tree. Dumps use the same
// options, so that dump → restore → dump is the identity everywhere.

package local

import (
	"bufio"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/nar"
)

// dumpPath writes the NAR of a path of the store.
func (s *Store) dumpPath(w io.Writer, path string) error {
	return nar.DumpPathWith(w, path, nar.DumpOptions{CaseHack: s.cfg.CaseHack})
}

// narHash returns the SHA-256 hash of the NAR of a path of the store.
func (s *Store) narHash(path string) (hash.Hash, error) {
	h := hash.NewHasher(hash.SHA256)
	if err := s.dumpPath(h, path); err != nil {
		return hash.Hash{}, err
	}
	return h.Sum(), nil
}

// restore recreates the NAR read from br at obj (see restoreNAR), writing
// the archive's bytes to echo.
func (s *Store) restore(obj string, br *bufio.Reader, doSync bool, echo io.Writer) error {
	if runtime.GOOS != "windows" && !s.cfg.CaseHack {
		return restoreNAR(obj, nar.NewReader(br), doSync, echo)
	}
	// format/nar checks and echoes the archive in one goroutine while
	// RestoreWith recreates it from a pipe in another.
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := nar.RestoreWith(obj, pr, nar.RestoreOptions{CaseHack: s.cfg.CaseHack})
		if err == nil {
			_, err = io.Copy(io.Discard, pr)
		}
		pr.CloseWithError(err)
		done <- err
	}()
	var w io.Writer = pw
	if echo != nil {
		w = io.MultiWriter(pw, echo)
	}
	_, err := nar.Copy(w, br)
	pw.CloseWithError(err)
	if rerr := <-done; err == nil {
		err = rerr
	}
	if err != nil || !doSync {
		return err
	}
	return syncTree(obj)
}

// syncTree syncs every file and directory below path, children first.
func syncTree(path string) error {
	var dirs []string
	err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			dirs = append(dirs, p)
		case d.Type().IsRegular():
			f, err := os.OpenFile(p, os.O_RDWR, 0)
			if err != nil {
				f, err = os.Open(p)
			}
			if err != nil {
				return err
			}
			err = f.Sync()
			f.Close()
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := fsyncDir(dirs[i]); err != nil {
			return err
		}
	}
	return nil
}
