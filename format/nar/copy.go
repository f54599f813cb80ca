// Copy: passing a NAR through while checking it (CppNix's copyNAR).

package nar

import "io"

// Copy reads one NAR from src and writes it to dst, checking it as it
// goes, and returns the number of bytes written. Because the Reader
// accepts only canonical archives, what is written is exactly the archive
// read. As with NewReader, src may be read past the end of the archive
// unless it is a *bufio.Reader. On error, dst may have received part of
// the archive.
func Copy(dst io.Writer, src io.Reader) (int64, error) {
	cw := &countingWriter{w: dst}
	r := NewReader(src)
	w := NewWriter(cw)
	for {
		h, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return cw.n, err
		}
		if err := w.WriteHeader(h); err != nil {
			return cw.n, err
		}
		if h.Type == TypeRegular {
			if _, err := r.WriteTo(w); err != nil {
				return cw.n, err
			}
		}
	}
	err := w.Close()
	return cw.n, err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
