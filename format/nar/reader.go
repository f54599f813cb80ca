// Reader: decoding a NAR into headers and file contents.

package nar

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// Magic is the first string of every NAR.
const Magic = "nix-archive-1"

// MaxStringLen bounds the strings of a NAR other than file contents:
// tags, names and symlink targets.
const MaxStringLen = 1 << 16

// Type is the type of a file system object in a NAR.
type Type uint8

const (
	TypeRegular   Type = iota + 1 // a regular file, possibly executable
	TypeDirectory                 // a directory
	TypeSymlink                   // a symbolic link
)

// String returns the type's name as the NAR spells it.
func (t Type) String() string {
	switch t {
	case TypeRegular:
		return "regular"
	case TypeDirectory:
		return "directory"
	case TypeSymlink:
		return "symlink"
	}
	return "invalid-type"
}

// Header describes one file system object of a NAR.
type Header struct {
	// Path is the object's place in the tree: "/" for the root, and
	// "/a/b" for entry b of directory a of the root.
	Path       string
	Type       Type
	Executable bool   // regular files: whether the executable bit is set
	Size       int64  // regular files: length of the contents
	LinkTarget string // symlinks: the target
}

// FormatError reports a malformed archive, in CppNix's words.
type FormatError struct{ Msg string }

func (e *FormatError) Error() string { return e.Msg }

func badArchive(format string, args ...any) error {
	return &FormatError{"bad archive: " + fmt.Sprintf(format, args...)}
}

// errTruncated is returned when the input ends inside the archive.
// errors.Is(err, io.ErrUnexpectedEOF) holds for it.
var errTruncated error = &truncatedError{}

type truncatedError struct{}

func (*truncatedError) Error() string        { return "unexpected end-of-file" }
func (*truncatedError) Is(target error) bool { return target == io.ErrUnexpectedEOF }

// dirState is an open directory on the Reader's stack.
type dirState struct {
	path     string
	prevName string
	inEntry  bool // an entry's node has been read; its ")" has not
}

// Reader reads a NAR sequentially. Next advances to the next object;
// Read reads the contents of the current regular file.
//
// The Reader reads its input through a buffer and may read past the end of
// the archive, unless the input is a *bufio.Reader, which it uses as is.
type Reader struct {
	r       *bufio.Reader
	started bool
	stack   []dirState
	// The current regular file: bytes left to read, then padding and ")".
	inFile    bool
	remaining int64
	size      int64
	err       error // sticky
	scratch   [8]byte
	buf       []byte // strings
	copyBuf   []byte // WriteTo
}

// NewReader returns a Reader reading a NAR from r.
func NewReader(r io.Reader) *Reader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return &Reader{r: br}
}

// Next advances to the next object of the archive, skipping what is left
// of the current file's contents, and returns its header. It returns
// io.EOF after the last object.
func (r *Reader) Next() (*Header, error) {
	if r.err != nil {
		return nil, r.err
	}
	h, err := r.next()
	if err != nil {
		r.err = err
		return nil, err
	}
	return h, nil
}

func (r *Reader) next() (*Header, error) {
	if !r.started {
		r.started = true
		if err := r.readMagic(); err != nil {
			return nil, err
		}
		return r.readNode("/")
	}
	if r.inFile {
		if err := r.finishFile(); err != nil {
			return nil, err
		}
	}
	for len(r.stack) > 0 {
		top := &r.stack[len(r.stack)-1]
		if top.inEntry {
			if err := r.expect(")"); err != nil {
				return nil, err
			}
			top.inEntry = false
		}
		tag, err := r.readTag()
		if err != nil {
			return nil, err
		}
		switch tag {
		case ")":
			r.stack = r.stack[:len(r.stack)-1]
			continue
		case "entry":
		default:
			return nil, badArchive("expected tag 'entry' or ')', got '%s'", tag)
		}
		name, err := r.readEntryName(top)
		if err != nil {
			return nil, err
		}
		top.inEntry = true
		return r.readNode(joinPath(top.path, name))
	}
	return nil, io.EOF
}

// readEntryName reads `"(" "name" <name> "node"` and checks the name.
func (r *Reader) readEntryName(dir *dirState) (string, error) {
	if err := r.expect("("); err != nil {
		return "", err
	}
	if err := r.expect("name"); err != nil {
		return "", err
	}
	b, err := r.readString()
	if err != nil {
		return "", err
	}
	name := string(b)
	if err := checkName(name); err != nil {
		return "", err
	}
	if name <= dir.prevName {
		return "", badArchive("NAR directory is not sorted")
	}
	dir.prevName = name
	return name, r.expect("node")
}

// checkName rejects entry names that are not single path components.
func checkName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return badArchive("NAR contains invalid file name '%s'", name)
	}
	return nil
}

func joinPath(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

func (r *Reader) readMagic() error {
	n, err := r.readUint64()
	if err != nil {
		return err
	}
	if n != uint64(len(Magic)) {
		return badArchive("input doesn't look like a Nix archive")
	}
	b, err := r.readBytes(int(n))
	if err == errTruncated {
		return err
	}
	if err != nil || string(b) != Magic {
		return badArchive("input doesn't look like a Nix archive")
	}
	return nil
}

// readNode reads a node up to its contents (regular files) or its entries
// (directories); symlinks are read whole.
func (r *Reader) readNode(path string) (*Header, error) {
	if err := r.expect("("); err != nil {
		return nil, err
	}
	if err := r.expect("type"); err != nil {
		return nil, err
	}
	typ, err := r.readTag()
	if err != nil {
		return nil, err
	}
	h := &Header{Path: path}
	switch typ {
	case "regular":
		h.Type = TypeRegular
		err = r.readRegular(h)
	case "directory":
		h.Type = TypeDirectory
		r.stack = append(r.stack, dirState{path: path})
	case "symlink":
		h.Type = TypeSymlink
		err = r.readSymlink(h)
	default:
		return nil, badArchive("unknown file type '%s'", typ)
	}
	if err != nil {
		return nil, err
	}
	return h, nil
}

func (r *Reader) readRegular(h *Header) error {
	tag, err := r.readTag()
	if err != nil {
		return err
	}
	if tag == "executable" {
		v, err := r.readTag()
		if err != nil {
			return err
		}
		if v != "" {
			return badArchive("executable marker has non-empty value")
		}
		h.Executable = true
		if tag, err = r.readTag(); err != nil {
			return err
		}
	}
	if tag != "contents" {
		return badArchive("expected tag 'contents', got '%s'", tag)
	}
	n, err := r.readUint64()
	if err != nil {
		return err
	}
	if n > math.MaxInt64 {
		return badArchive("file size %d is too large", n)
	}
	h.Size = int64(n)
	r.inFile, r.size, r.remaining = true, h.Size, h.Size
	return nil
}

func (r *Reader) readSymlink(h *Header) error {
	if err := r.expect("target"); err != nil {
		return err
	}
	b, err := r.readString()
	if err != nil {
		return err
	}
	h.LinkTarget = string(b)
	return r.expect(")")
}

// finishFile skips the rest of the current file and reads its padding and
// closing ")".
func (r *Reader) finishFile() error {
	if r.remaining > 0 {
		n, err := r.r.Discard(int(min(r.remaining, math.MaxInt)))
		r.remaining -= int64(n)
		if err != nil {
			return truncated(err)
		}
	}
	r.inFile = false
	if err := r.readPadding(r.size); err != nil {
		return err
	}
	return r.expect(")")
}

// Read reads from the contents of the current regular file. It returns
// io.EOF at the end of the contents, and (0, io.EOF) for other objects.
func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if !r.inFile || r.remaining == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.remaining {
		p = p[:r.remaining]
	}
	n, err := r.r.Read(p)
	r.remaining -= int64(n)
	if err == io.EOF {
		if r.remaining > 0 {
			r.err = errTruncated
			return n, r.err
		}
		err = nil
	} else if err != nil {
		r.err = err
	}
	return n, err
}

// WriteTo writes the rest of the current file's contents to w. It lets
// io.Copy move contents in large blocks.
func (r *Reader) WriteTo(w io.Writer) (int64, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.copyBuf == nil {
		r.copyBuf = make([]byte, 256<<10)
	}
	var total int64
	for r.inFile && r.remaining > 0 {
		n, err := r.Read(r.copyBuf)
		if n > 0 {
			m, werr := w.Write(r.copyBuf[:n])
			total += int64(m)
			if werr != nil {
				return total, werr
			}
		}
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func truncated(err error) error {
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return errTruncated
	}
	return err
}

func (r *Reader) readUint64() (uint64, error) {
	if _, err := io.ReadFull(r.r, r.scratch[:]); err != nil {
		return 0, truncated(err)
	}
	return binary.LittleEndian.Uint64(r.scratch[:]), nil
}

// readBytes reads n bytes into a buffer valid until the next read.
func (r *Reader) readBytes(n int) ([]byte, error) {
	if cap(r.buf) < n {
		r.buf = make([]byte, max(n, 256))
	}
	b := r.buf[:n]
	if _, err := io.ReadFull(r.r, b); err != nil {
		return nil, truncated(err)
	}
	return b, r.readPadding(int64(n))
}

func (r *Reader) readPadding(n int64) error {
	pad := int((8 - n%8) % 8)
	if pad == 0 {
		return nil
	}
	if _, err := io.ReadFull(r.r, r.scratch[:pad]); err != nil {
		return truncated(err)
	}
	for _, c := range r.scratch[:pad] {
		if c != 0 {
			return &FormatError{"non-zero padding"}
		}
	}
	return nil
}

// readString reads a string of at most MaxStringLen bytes into a buffer
// valid until the next read.
func (r *Reader) readString() ([]byte, error) {
	n, err := r.readUint64()
	if err != nil {
		return nil, err
	}
	if n > MaxStringLen {
		return nil, badArchive("string of %d bytes is too long", n)
	}
	return r.readBytes(int(n))
}

// readTag reads a string, returning the NAR's keywords without
// allocating.
func (r *Reader) readTag() (string, error) {
	b, err := r.readString()
	if err != nil {
		return "", err
	}
	for _, k := range keywords {
		if string(b) == k {
			return k, nil
		}
	}
	return string(b), nil
}

var keywords = [...]string{"(", ")", "type", "regular", "directory", "symlink", "entry", "name", "node", "contents", "executable", "target", ""}

func (r *Reader) expect(tag string) error {
	b, err := r.readString()
	if err != nil {
		return err
	}
	if string(b) != tag {
		return badArchive("expected tag '%s', got '%s'", tag, b)
	}
	return nil
}
