// This file holds string rewriting as CppNix's rewriteStrings (output
// placeholders to scratch paths, hash parts of redirected outputs), and the
// rewriting of a whole output tree through its NAR.

package build

import (
	"bytes"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/nixgo/nixgo/format/nar"
)

// rewriter replaces strings: each key by its value, keys in sorted order,
// one after the other (CppNix's rewriteStrings over a std::map).
type rewriter struct {
	m map[string]string
}

func newRewriter() *rewriter { return &rewriter{m: map[string]string{}} }

func (r *rewriter) set(from, to string) { r.m[from] = to }

func (r *rewriter) rewrite(s string) string {
	if r == nil || len(r.m) == 0 {
		return s
	}
	for _, k := range sortedKeys(r.m) {
		if v := r.m[k]; k != v && k != "" {
			s = strings.ReplaceAll(s, k, v)
		}
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// rewriteTree rewrites the hash parts in rewrites (all of one length, as
// store path hash parts) throughout the tree at path: its NAR is rewritten
// as a stream and restored in place (CppNix's RewritingSink through
// dumpPath and restorePath).
func rewriteTree(path string, rewrites map[string]string, del func(string) error) error {
	if len(rewrites) == 0 {
		return nil
	}
	pr, pw := io.Pipe()
	go func() {
		rw := &rewritingWriter{w: pw, rewrites: rewrites}
		err := nar.DumpPath(rw, path)
		if err == nil {
			err = rw.flush()
		}
		pw.CloseWithError(err)
	}()
	tmp := path + ".tmp"
	if err := del(tmp); err != nil {
		return err
	}
	if err := nar.Restore(tmp, pr); err != nil {
		pr.CloseWithError(err)
		return err
	}
	if err := del(path); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// rewritingWriter replaces fixed-length strings in a stream, across write
// boundaries.
type rewritingWriter struct {
	w        io.Writer
	rewrites map[string]string
	keyLen   int
	buf      []byte
}

func (r *rewritingWriter) Write(p []byte) (int, error) {
	if r.keyLen == 0 {
		for k := range r.rewrites {
			r.keyLen = len(k)
			break
		}
	}
	r.buf = append(r.buf, p...)
	if len(r.buf) < r.keyLen*2 {
		return len(p), nil
	}
	r.apply()
	keep := r.keyLen - 1
	out := r.buf[:len(r.buf)-keep]
	if _, err := r.w.Write(out); err != nil {
		return 0, err
	}
	r.buf = append(r.buf[:0], r.buf[len(r.buf)-keep:]...)
	return len(p), nil
}

func (r *rewritingWriter) apply() {
	for _, k := range sortedKeys(r.rewrites) {
		r.buf = bytes.ReplaceAll(r.buf, []byte(k), []byte(r.rewrites[k]))
	}
}

func (r *rewritingWriter) flush() error {
	r.apply()
	_, err := r.w.Write(r.buf)
	r.buf = nil
	return err
}
