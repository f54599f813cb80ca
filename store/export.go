// This file writes and reads the format of nix-store --export and --import:
// for each path, a NAR followed by the path's name, references and deriver.

package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/nar"
	"github.com/nixgo/nixgo/format/storepath"
)

// exportMagic follows each NAR of an export ("NIXE" read as a little-endian
// number).
const exportMagic = 0x4558494e

// Export writes paths (which must be valid) to w in the format of nix-store
// --export, references before referrers (CppNix's exportPaths). It refuses
// a path whose contents no longer have their recorded hash.
//
// An export is a sequence of entries, each the number 1, a NAR, the number
// 0x4558494e, the path, its references (a count, then the paths), its
// deriver ("" if none) and the number 0 (no signature); the number 0 ends
// it. Numbers are 64-bit little-endian; strings a length and the bytes,
// padded with zeros to a multiple of 8.
func Export(ctx context.Context, s Store, paths []storepath.StorePath, w io.Writer) error {
	d, ok := s.(NARDumper)
	if !ok {
		return &UnsupportedError{"narFromPath", s.URI()}
	}
	sorted, err := TopoSort(ctx, s, paths)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	for i := len(sorted) - 1; i >= 0; i-- {
		writeNum(bw, 1)
		if err := exportPath(ctx, s, d, sorted[i], bw); err != nil {
			return err
		}
	}
	writeNum(bw, 0)
	return bw.Flush()
}

func exportPath(ctx context.Context, s Store, d NARDumper, p storepath.StorePath, w *bufio.Writer) error {
	dir := s.Dir()
	info, err := s.QueryPathInfo(ctx, p)
	if err != nil {
		return err
	}
	h := hash.NewHasher(hash.SHA256)
	if err := d.DumpNAR(ctx, p, io.MultiWriter(w, h)); err != nil {
		return err
	}
	got := h.Sum()
	if got != info.NarHash && info.NarHash != hash.Zero(info.NarHash.Algo()) {
		return fmt.Errorf("hash of path '%s' has changed from '%s' to '%s'!",
			dir.Path(p), info.NarHash.Format(hash.Nix32, true), got.Format(hash.Nix32, true))
	}
	writeNum(w, exportMagic)
	writeString(w, dir.Path(p))
	writeNum(w, uint64(len(info.References)))
	for _, r := range info.References {
		writeString(w, dir.Path(r))
	}
	deriver := ""
	if !info.Deriver.IsZero() {
		deriver = dir.Path(info.Deriver)
	}
	writeString(w, deriver)
	writeNum(w, 0)
	return nil
}

// Import reads an export from r and adds its paths to the store, returning
// them in the order read (CppNix's importPaths). Each NAR is checked before
// anything is written; a malformed entry stops the import with an error,
// leaving the paths imported before it valid.
func Import(ctx context.Context, s Store, r io.Reader, opts AddNAROptions) ([]storepath.StorePath, error) {
	a, ok := s.(NARAdder)
	if !ok {
		return nil, &UnsupportedError{"addToStore", s.URI()}
	}
	br := bufio.NewReaderSize(r, 1<<16)
	var res []storepath.StorePath
	for {
		n, err := readNum(br)
		if err != nil {
			return res, err
		}
		if n == 0 {
			return res, nil
		}
		if n != 1 {
			return res, errors.New("input doesn't look like something created by 'nix-store --export'")
		}
		p, err := importOne(ctx, s, a, br, opts)
		if err != nil {
			return res, err
		}
		res = append(res, p)
	}
}

func importOne(ctx context.Context, s Store, a NARAdder, br *bufio.Reader, opts AddNAROptions) (storepath.StorePath, error) {
	dir := s.Dir()
	spool, err := newSpool()
	if err != nil {
		return storepath.StorePath{}, err
	}
	defer spool.Close()
	h := hash.NewHasher(hash.SHA256)
	size, err := nar.Copy(io.MultiWriter(spool, h), br)
	if err != nil {
		return storepath.StorePath{}, err
	}
	magic, err := readNum(br)
	if err != nil {
		return storepath.StorePath{}, err
	}
	if magic != exportMagic {
		return storepath.StorePath{}, errors.New("Nix archive cannot be imported; wrong format")
	}
	info := &PathInfo{NarHash: h.Sum(), NarSize: uint64(size)}
	ps, err := readString(br)
	if err != nil {
		return storepath.StorePath{}, err
	}
	if info.Path, err = dir.Parse(ps); err != nil {
		return storepath.StorePath{}, err
	}
	nrefs, err := readNum(br)
	if err != nil {
		return storepath.StorePath{}, err
	}
	for range nrefs {
		rs, err := readString(br)
		if err != nil {
			return storepath.StorePath{}, err
		}
		rp, err := dir.Parse(rs)
		if err != nil {
			return storepath.StorePath{}, err
		}
		info.References = append(info.References, rp)
	}
	deriver, err := readString(br)
	if err != nil {
		return storepath.StorePath{}, err
	}
	if deriver != "" {
		if info.Deriver, err = dir.Parse(deriver); err != nil {
			return storepath.StorePath{}, err
		}
	}
	// An optional legacy signature, ignored.
	sig, err := readNum(br)
	if err != nil {
		return storepath.StorePath{}, err
	}
	if sig == 1 {
		if _, err := readString(br); err != nil {
			return storepath.StorePath{}, err
		}
	}
	info.SortReferences()
	rd, err := spool.Reader()
	if err != nil {
		return storepath.StorePath{}, err
	}
	if err := a.AddNAR(ctx, info, rd, opts); err != nil {
		return storepath.StorePath{}, err
	}
	return info.Path, nil
}

// spool holds a NAR being imported: in memory while small, then in a
// temporary file.
type spool struct {
	buf  bytes.Buffer
	file *os.File
}

const spoolMemory = 32 << 20

func newSpool() (*spool, error) { return &spool{}, nil }

func (s *spool) Write(p []byte) (int, error) {
	if s.file == nil && s.buf.Len()+len(p) > spoolMemory {
		f, err := os.CreateTemp("", "nixgo-import-*")
		if err != nil {
			return 0, err
		}
		os.Remove(f.Name()) // unlinked: gone when closed (not on Windows, see Close)
		s.file = f
		if _, err := f.Write(s.buf.Bytes()); err != nil {
			return 0, err
		}
		s.buf = bytes.Buffer{}
	}
	if s.file != nil {
		return s.file.Write(p)
	}
	return s.buf.Write(p)
}

func (s *spool) Reader() (io.Reader, error) {
	if s.file == nil {
		return bytes.NewReader(s.buf.Bytes()), nil
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return bufio.NewReaderSize(s.file, 1<<16), nil
}

func (s *spool) Close() {
	if s.file != nil {
		name := s.file.Name()
		s.file.Close()
		os.Remove(name)
	}
}

// The wire encoding shared by exports and NARs.

func writeNum(w *bufio.Writer, n uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], n)
	w.Write(b[:])
}

func writeString(w *bufio.Writer, s string) {
	writeNum(w, uint64(len(s)))
	w.WriteString(s)
	if pad := (8 - len(s)%8) % 8; pad > 0 {
		w.Write(make([]byte, pad))
	}
}

func readNum(r io.Reader) (uint64, error) {
	var b [8]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return 0, errors.New("unexpected end-of-file")
		}
		return 0, err
	}
	return binary.LittleEndian.Uint64(b[:]), nil
}

// maxWireString bounds the strings of an export other than NARs (paths).
const maxWireString = 1 << 16

func readString(r io.Reader) (string, error) {
	n, err := readNum(r)
	if err != nil {
		return "", err
	}
	if n > maxWireString {
		return "", fmt.Errorf("string of %d bytes is too long", n)
	}
	b := make([]byte, (n+7)&^7)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", errors.New("unexpected end-of-file")
	}
	for _, c := range b[n:] {
		if c != 0 {
			return "", errors.New("non-zero padding")
		}
	}
	return string(b[:n]), nil
}
