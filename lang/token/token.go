// Package token defines source positions for the Nix language: a Pos is a small
// integer that a FileSet turns into file, line and column only when a message
// needs them, so that the syntax tree of a large code base stays compact.
//
// Positions are byte offsets. A FileSet hands each parsed source a range of
// positions [base, base+size]; Pos 0 means "no position". Line and column follow
// CppNix: lines end at "\n", "\r\n" or a lone "\r", and the column is the byte
// offset within the line plus one.
package token

import (
	"os"
	"sort"
	"strconv"
	"sync"

	"github.com/nixgo/nixgo/format/ospath"
)

// Pos is a position in a FileSet: the file's base plus a byte offset.
// The zero Pos means no position is known.
type Pos int32

// NoPos is the zero Pos: no position.
const NoPos Pos = 0

// IsValid reports whether p is a known position.
func (p Pos) IsValid() bool { return p != NoPos }

// OriginKind tells where a source text came from; it decides how the origin is
// printed in messages.
type OriginKind uint8

const (
	// OriginFile is a file on disk; printed as its path.
	OriginFile OriginKind = iota
	// OriginString is an expression given on the command line; printed «string».
	OriginString
	// OriginStdin is standard input; printed «stdin».
	OriginStdin
	// OriginNone has no printable origin; printed «none».
	OriginNone
	// OriginInternal is a file built into the program; printed as its name,
	// e.g. <nix/derivation-internal.nix>.
	OriginInternal
)

// File is one source text registered in a FileSet.
type File struct {
	kind OriginKind
	name string // path for OriginFile
	base int
	size int

	mu    sync.Mutex
	src   []byte // kept for strings and stdin; files are re-read on demand
	lines []int  // offsets of line starts, computed lazily
}

// Name returns the file's path (empty unless it is a file on disk).
func (f *File) Name() string { return f.name }

// Kind returns where the file's text came from.
func (f *File) Kind() OriginKind { return f.kind }

// Base returns the Pos of the file's first byte.
func (f *File) Base() int { return f.base }

// Size returns the length of the file's text in bytes.
func (f *File) Size() int { return f.size }

// Pos returns the position of the byte at offset in the file.
func (f *File) Pos(offset int) Pos {
	if offset > f.size {
		offset = f.size
	}
	return Pos(f.base + offset)
}

// Offset returns the byte offset of p in the file.
func (f *File) Offset(p Pos) int { return int(p) - f.base }

// Source returns the file's text: kept in memory for strings and stdin, read
// again from disk for files. It returns nil when the text is unavailable.
func (f *File) Source() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sourceLocked()
}

func (f *File) sourceLocked() []byte {
	if f.src != nil || f.kind != OriginFile {
		return f.src
	}
	b, err := os.ReadFile(ospath.Native(f.name))
	if err != nil {
		return nil
	}
	return b
}

// OriginString renders the origin as CppNix does: the path, «string», «stdin»
// or «none».
func (f *File) OriginString() string {
	switch f.kind {
	case OriginFile:
		return f.name
	case OriginString:
		return "«string»"
	case OriginStdin:
		return "«stdin»"
	case OriginInternal:
		return f.name
	}
	return "«none»"
}

func (f *File) lineStarts() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.lines == nil {
		f.lines = LineStarts(f.sourceLocked())
	}
	return f.lines
}

// LineStarts returns the offsets at which the lines of src begin, treating
// "\n", "\r\n" and a lone "\r" as line ends.
func LineStarts(src []byte) []int {
	lines := []int{0}
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			lines = append(lines, i+1)
		case '\n':
			lines = append(lines, i+1)
		}
	}
	return lines
}

// Position is a position resolved to file, line and column.
type Position struct {
	File   *File
	Offset int
	Line   int // 1-based; 0 when unknown
	Column int // 1-based byte column; 0 when unknown
}

// IsValid reports whether the position is known.
func (p Position) IsValid() bool { return p.File != nil && p.Line > 0 }

// String formats the position as CppNix does: "origin:line:column".
func (p Position) String() string {
	if p.File == nil {
		return "«none»:0"
	}
	s := p.File.OriginString() + ":" + strconv.Itoa(p.Line)
	if p.Column > 0 {
		s += ":" + strconv.Itoa(p.Column)
	}
	return s
}

// FileSet holds the files parsed by one evaluation and maps positions back to them.
type FileSet struct {
	mu    sync.Mutex
	files []*File
	base  int
}

// NewFileSet returns an empty file set.
func NewFileSet() *FileSet { return &FileSet{base: 1} }

// AddFile registers a source of the given origin. For strings and stdin the text
// is kept, so that messages can quote it; files are re-read when quoted.
func (s *FileSet) AddFile(kind OriginKind, name string, src []byte) *File {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &File{kind: kind, name: name, base: s.base, size: len(src)}
	if kind != OriginFile {
		f.src = src
		if f.src == nil {
			f.src = []byte{}
		}
	}
	// One extra position so that the end of the file is addressable.
	s.base += len(src) + 1
	s.files = append(s.files, f)
	return f
}

// File returns the file containing p, or nil.
func (s *FileSet) File(p Pos) *File {
	if p == NoPos {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := sort.Search(len(s.files), func(i int) bool { return s.files[i].base > int(p) }) - 1
	if i < 0 {
		return nil
	}
	f := s.files[i]
	if int(p) > f.base+f.size {
		return nil
	}
	return f
}

// Position resolves p to file, line and column.
func (s *FileSet) Position(p Pos) Position {
	f := s.File(p)
	if f == nil {
		return Position{}
	}
	off := f.Offset(p)
	lines := f.lineStarts()
	i := sort.Search(len(lines), func(i int) bool { return lines[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return Position{File: f, Offset: off, Line: i + 1, Column: off - lines[i] + 1}
}
