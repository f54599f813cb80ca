// Writer: encoding headers and file contents as a NAR.

package nar

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// ErrWriteTooLong is returned when more contents are written than the
// current header's Size.
var ErrWriteTooLong = errors.New("nar: write too long")

// Writer writes a NAR. Call WriteHeader for every object, parents before
// children and entries of a directory sorted by name (the order Reader
// returns them in), then Write the contents of each regular file, then
// Close.
//
// The Writer buffers its output; Close flushes it. Close does not close
// the underlying writer.
type Writer struct {
	w       io.Writer
	bw      *bufio.Writer
	started bool
	done    bool   // the root object is complete
	stack   []wdir // open directories
	// The current regular file.
	inFile    bool
	size      int64
	remaining int64
	err       error // sticky
	scratch   [8]byte
	copyBuf   []byte
}

type wdir struct {
	path     string
	prevName string
}

// NewWriter returns a Writer writing a NAR to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: w, bw: bufio.NewWriterSize(w, 64<<10)}
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return err
}

// WriteHeader starts a new object. The current file, if any, must have
// received all its contents.
func (w *Writer) WriteHeader(h *Header) error {
	if w.err != nil {
		return w.err
	}
	if err := w.finishFile(); err != nil {
		return w.fail(err)
	}
	if w.done {
		return w.fail(fmt.Errorf("nar: cannot write %s: the archive is complete", h.Path))
	}
	if !w.started {
		if h.Path != "/" {
			return w.fail(fmt.Errorf("nar: first header must be the root \"/\", not %q", h.Path))
		}
		w.started = true
		w.str(Magic)
	} else if err := w.openEntry(h.Path); err != nil {
		return w.fail(err)
	}
	if err := w.writeNode(h); err != nil {
		return w.fail(err)
	}
	return nil
}

// openEntry closes directories until the parent of p is the innermost
// open one, then starts p's directory entry.
func (w *Writer) openEntry(p string) error {
	if !strings.HasPrefix(p, "/") || path.Clean(p) != p || p == "/" {
		return fmt.Errorf("nar: invalid path %q", p)
	}
	parent, name := path.Split(p)
	if parent != "/" {
		parent = parent[:len(parent)-1]
	}
	if err := checkName(name); err != nil {
		return err
	}
	for len(w.stack) > 0 && w.stack[len(w.stack)-1].path != parent {
		w.closeDir()
	}
	if len(w.stack) == 0 {
		return fmt.Errorf("nar: %s is not inside an open directory (headers out of order?)", p)
	}
	top := &w.stack[len(w.stack)-1]
	if name <= top.prevName {
		return fmt.Errorf("nar: %s is not sorted after %s in its directory", p, joinPath(parent, top.prevName))
	}
	top.prevName = name
	w.str("entry")
	w.str("(")
	w.str("name")
	w.str(name)
	w.str("node")
	return nil
}

func (w *Writer) writeNode(h *Header) error {
	w.str("(")
	w.str("type")
	switch h.Type {
	case TypeRegular:
		if h.Size < 0 {
			return fmt.Errorf("nar: %s has negative size", h.Path)
		}
		w.str("regular")
		if h.Executable {
			w.str("executable")
			w.str("")
		}
		w.str("contents")
		w.uint64(uint64(h.Size))
		w.inFile, w.size, w.remaining = true, h.Size, h.Size
	case TypeDirectory:
		w.str("directory")
		w.stack = append(w.stack, wdir{path: h.Path})
	case TypeSymlink:
		if len(h.LinkTarget) > MaxStringLen {
			return fmt.Errorf("nar: %s: symlink target is too long", h.Path)
		}
		w.str("symlink")
		w.str("target")
		w.str(h.LinkTarget)
		w.str(")")
		w.endNode()
	default:
		return fmt.Errorf("nar: %s has invalid type %d", h.Path, h.Type)
	}
	return nil
}

// endNode records that an object is complete: it closes its directory
// entry, or completes the archive for the root.
func (w *Writer) endNode() {
	if len(w.stack) > 0 {
		w.str(")")
	} else {
		w.done = true
	}
}

func (w *Writer) closeDir() {
	w.stack = w.stack[:len(w.stack)-1]
	w.str(")")
	w.endNode()
}

func (w *Writer) finishFile() error {
	if !w.inFile {
		return nil
	}
	if w.remaining > 0 {
		return fmt.Errorf("nar: missed writing %d bytes of file contents", w.remaining)
	}
	w.inFile = false
	w.pad(w.size)
	w.str(")")
	w.endNode()
	return nil
}

// Write writes contents of the current regular file. It returns
// ErrWriteTooLong past the header's Size.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if !w.inFile || int64(len(p)) > w.remaining {
		n := 0
		if w.inFile {
			n, _ = w.bw.Write(p[:w.remaining])
			w.remaining -= int64(n)
		}
		return n, ErrWriteTooLong
	}
	n, err := w.bw.Write(p)
	w.remaining -= int64(n)
	if err != nil {
		return n, w.fail(err)
	}
	return n, nil
}

// ReadFrom copies the current file's remaining contents from r, which must
// supply exactly that many bytes or end early (then it reports
// io.ErrUnexpectedEOF). Large contents bypass the buffer, so that copying
// from an *os.File to an *os.File can use the kernel's copy.
func (w *Writer) ReadFrom(r io.Reader) (int64, error) {
	if w.err != nil {
		return 0, w.err
	}
	if !w.inFile {
		return 0, ErrWriteTooLong
	}
	var n int64
	var err error
	if w.remaining <= 64<<10 {
		n, err = io.Copy(w.bw, io.LimitReader(r, w.remaining))
	} else {
		if err = w.bw.Flush(); err != nil {
			return 0, w.fail(err)
		}
		if n, ok, err := spliceContents(w.w, r, w.remaining); ok {
			w.remaining -= n
			if err != nil {
				return n, w.fail(err)
			}
			return n, nil
		}
		if w.copyBuf == nil {
			w.copyBuf = make([]byte, 1<<20)
		}
		n, err = io.CopyBuffer(bigCopyTarget(w.w), io.LimitReader(r, w.remaining), w.copyBuf)
	}
	w.remaining -= n
	if err != nil {
		return n, w.fail(err)
	}
	if w.remaining > 0 {
		return n, io.ErrUnexpectedEOF
	}
	return n, nil
}

// Close completes the archive, closing all open directories, and flushes
// the output. It fails if the archive is empty or a file is incomplete.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if err := w.finishFile(); err != nil {
		return w.fail(err)
	}
	for len(w.stack) > 0 {
		w.closeDir()
	}
	if !w.done {
		return w.fail(errors.New("nar: no objects written"))
	}
	if err := w.bw.Flush(); err != nil {
		return w.fail(err)
	}
	w.err = errors.New("nar: writer is closed")
	return nil
}

// Flush writes buffered output to the underlying writer.
func (w *Writer) Flush() error { return w.bw.Flush() }

// Output helpers. Errors of the buffered writer are sticky in it and
// reported by Flush and Close.

func (w *Writer) uint64(n uint64) {
	binary.LittleEndian.PutUint64(w.scratch[:], n)
	w.bw.Write(w.scratch[:])
}

func (w *Writer) str(s string) {
	w.uint64(uint64(len(s)))
	w.bw.WriteString(s)
	w.pad(int64(len(s)))
}

var zeros [8]byte

func (w *Writer) pad(n int64) {
	if p := (8 - n%8) % 8; p != 0 {
		w.bw.Write(zeros[:p])
	}
}

// bigCopyTarget returns the writer large contents are copied to. A regular
// file is returned as is, so that io.CopyBuffer can let the kernel copy
// (copy_file_range); for anything else (a pipe, a terminal) the file's
// ReadFrom would copy through a 32 KiB buffer, so it is hidden and the
// Writer's 1 MiB buffer is used, with 32 times fewer system calls.
func bigCopyTarget(w io.Writer) io.Writer {
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			return f
		}
		return writerOnly{f}
	}
	return w
}

// writerOnly hides every method of a Writer but Write.
type writerOnly struct{ io.Writer }
