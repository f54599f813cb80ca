// Package logs stores and reads build logs as CppNix does: the raw output of
// a builder in <log dir>/drvs/<first two characters of the .drv's base
// name>/<the rest>, bzip2-compressed with a ".bz2" suffix when
// compress-build-log is set (the default).
//
// Go's standard library can only decompress bzip2. Logs are compressed
// with github.com/dsnet/compress/bzip2, a pure-Go encoder whose streams
// the standard decoder, bzip2(1) and CppNix read; the choice and the
// alternatives (an encoder of our own, the external bzip2 program, which
// Windows lacks, or uncompressed logs, which CppNix also reads but does not
// write by default) are discussed in docs/ARCHITECTURE.md's build section.
// Reading accepts both forms, plain first, and also the flat layout of old
// Nix versions (<log dir>/drvs/<base name>), as CppNix's getBuildLogExact.
package logs

import (
	"bytes"
	"compress/bzip2"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	dbzip2 "github.com/dsnet/compress/bzip2"
)

// DrvsDir is the subdirectory of the log directory that holds build logs
// (CppNix's LocalFSStore::drvsLogDir).
const DrvsDir = "drvs"

// Path returns where the log of the derivation with base name drvBase is
// written.
func Path(logDir, drvBase string, compress bool) string {
	p := filepath.Join(logDir, DrvsDir, drvBase[:2], drvBase[2:])
	if compress {
		p += ".bz2"
	}
	return p
}

// Writer writes one build log.
type Writer struct {
	f    *os.File
	bz   *dbzip2.Writer
	w    io.Writer
	path string
}

// Create creates (truncating) the log of the derivation with base name
// drvBase, as CppNix's openLogFile.
func Create(logDir, drvBase string, compress bool) (*Writer, error) {
	p := Path(logDir, drvBase, compress)
	if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
		return nil, fmt.Errorf("creating directory '%s': %w", filepath.Dir(p), err)
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o666)
	if err != nil {
		return nil, fmt.Errorf("creating log file '%s': %w", p, err)
	}
	lw := &Writer{f: f, w: f, path: p}
	if compress {
		bz, _ := bzWriters.Get().(*dbzip2.Writer)
		if bz == nil {
			bz, err = dbzip2.NewWriter(f, &dbzip2.WriterConfig{Level: dbzip2.BestCompression})
		} else {
			err = bz.Reset(f)
		}
		if err != nil {
			f.Close()
			return nil, err
		}
		lw.bz, lw.w = bz, bz
	}
	return lw, nil
}

// bzWriters keeps compressors for reuse: each holds buffers for a 900 kB
// block, costly to allocate for every build.
var bzWriters sync.Pool

// Path returns the file written.
func (w *Writer) Path() string { return w.path }

// Write appends builder output to the log.
func (w *Writer) Write(p []byte) (int, error) { return w.w.Write(p) }

// Close finishes the compressed stream and closes the file.
func (w *Writer) Close() error {
	var err error
	if w.bz != nil {
		err = w.bz.Close()
		if err == nil {
			bzWriters.Put(w.bz)
		}
		w.bz = nil
	}
	if err2 := w.f.Close(); err == nil {
		err = err2
	}
	return err
}

// Read returns the log of the derivation with base name drvBase, and false
// when there is none (CppNix's getBuildLogExact). A compressed log that
// cannot be decompressed counts as missing, as in CppNix.
func Read(logDir, drvBase string) ([]byte, bool, error) {
	for _, p := range []string{
		filepath.Join(logDir, DrvsDir, drvBase[:2], drvBase[2:]),
		filepath.Join(logDir, DrvsDir, drvBase),
	} {
		if _, err := os.Lstat(p); err == nil {
			b, err := os.ReadFile(p)
			return b, err == nil, err
		}
		if _, err := os.Lstat(p + ".bz2"); err == nil {
			b, err := os.ReadFile(p + ".bz2")
			if err != nil {
				return nil, false, err
			}
			out, err := io.ReadAll(bzip2.NewReader(bytes.NewReader(b)))
			if err != nil {
				continue
			}
			return out, true, nil
		}
	}
	return nil, false, nil
}
