// This file writes and reads validity registrations, the text format of
// nix-store --dump-db, --load-db and --register-validity.

package store

import (
	"bufio"
	"errors"
	"io"
	"strconv"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
)

// WriteRegistration writes infos in CppNix's validity registration format
// (makeValidityRegistration): for each path, its full path; with showHash its
// NAR hash in base16 and NAR size; its deriver (empty unless showDerivers);
// the number of references; and the references, one per line.
func WriteRegistration(w io.Writer, dir storepath.Dir, infos []*PathInfo, showDerivers, showHash bool) error {
	bw := bufio.NewWriter(w)
	for _, info := range infos {
		bw.WriteString(dir.Path(info.Path) + "\n")
		if showHash {
			bw.WriteString(info.NarHash.Base16() + "\n")
			bw.WriteString(strconv.FormatUint(info.NarSize, 10) + "\n")
		}
		deriver := ""
		if showDerivers && !info.Deriver.IsZero() {
			deriver = dir.Path(info.Deriver)
		}
		bw.WriteString(deriver + "\n")
		bw.WriteString(strconv.Itoa(len(info.References)) + "\n")
		for _, r := range info.References {
			bw.WriteString(dir.Path(r) + "\n")
		}
	}
	return bw.Flush()
}

// RegistrationReader reads validity registrations (CppNix's
// decodeValidPathInfo).
type RegistrationReader struct {
	r   *bufio.Reader
	dir storepath.Dir
	// HashGiven tells whether each entry has a NAR hash and size (true
	// for --load-db and --register-validity --hash-given).
	HashGiven bool
	eof       bool
}

// NewRegistrationReader returns a reader of registrations for paths in dir.
func NewRegistrationReader(r io.Reader, dir storepath.Dir, hashGiven bool) *RegistrationReader {
	return &RegistrationReader{r: bufio.NewReader(r), dir: dir, HashGiven: hashGiven}
}

// line reads a line as std::getline: without its newline; at the end of
// the input, what is left (possibly nothing) and eof set.
func (rr *RegistrationReader) line() string {
	s, err := rr.r.ReadString('\n')
	if err != nil {
		rr.eof = true
		return s
	}
	return s[:len(s)-1]
}

// Next returns the next entry, or io.EOF at the end. Without HashGiven,
// NarHash is zero and NarSize 0, for the caller to compute.
func (rr *RegistrationReader) Next() (*PathInfo, error) {
	path := rr.line()
	if rr.eof {
		return nil, io.EOF
	}
	info := &PathInfo{}
	if rr.HashGiven {
		h, err := hash.ParseAny(rr.line(), hash.SHA256)
		if err != nil {
			return nil, err
		}
		info.NarHash = h
		n, err := strconv.ParseUint(rr.line(), 10, 64)
		if err != nil {
			return nil, errors.New("number expected")
		}
		info.NarSize = n
	}
	p, err := rr.dir.Parse(path)
	if err != nil {
		return nil, err
	}
	info.Path = p
	if deriver := rr.line(); deriver != "" {
		if info.Deriver, err = rr.dir.Parse(deriver); err != nil {
			return nil, err
		}
	}
	n, err := strconv.Atoi(rr.line())
	if err != nil {
		return nil, errors.New("number expected")
	}
	for ; n > 0; n-- {
		r, err := rr.dir.Parse(rr.line())
		if err != nil {
			return nil, err
		}
		info.References = append(info.References, r)
	}
	if rr.eof {
		return nil, errors.New("missing input")
	}
	info.SortReferences()
	return info, nil
}
