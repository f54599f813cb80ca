// Tests for the NAR reader, writer, DumpPath and Restore against NARs made
// by CppNix (testdata/gen.sh, inputs in gen_test.go).

package nar

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func skipOnWindows(t testing.TB) {
	if runtime.GOOS == "windows" {
		t.Skip("checks Unix permission bits; Windows keeps the executable bit in a stream (TestWindowsMarkers)")
	}
}

func readRef(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "trees", name+".nar"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDumpPathReference(t *testing.T) {
	for _, name := range treeNames {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "tree")
			makeTree(t, dir, name)
			var buf bytes.Buffer
			if err := DumpPathWith(&buf, dir, DumpOptions{CaseHack: treeCaseHack}); err != nil {
				t.Fatal(err)
			}
			if want := readRef(t, name); !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("DumpPath differs from nix-store --dump (%d bytes, want %d)", buf.Len(), len(want))
			}
		})
	}
}

// copyNAR reads a NAR with Reader and writes it again with Writer.
func copyNAR(in []byte) ([]byte, []Header, error) {
	var out bytes.Buffer
	r := NewReader(bytes.NewReader(in))
	w := NewWriter(&out)
	var hdrs []Header
	for {
		h, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, hdrs, err
		}
		hdrs = append(hdrs, *h)
		if err := w.WriteHeader(h); err != nil {
			return nil, hdrs, err
		}
		if h.Type == TypeRegular {
			if _, err := io.Copy(w, r); err != nil {
				return nil, hdrs, err
			}
		}
	}
	if err := w.Close(); err != nil {
		return nil, hdrs, err
	}
	return out.Bytes(), hdrs, nil
}

func TestReadWriteReference(t *testing.T) {
	for _, name := range treeNames {
		in := readRef(t, name)
		out, _, err := copyNAR(in)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(in, out) {
			t.Errorf("%s: read and written again differs", name)
		}
	}
}

func TestReaderHeaders(t *testing.T) {
	_, hdrs, err := copyNAR(readRef(t, "complex"))
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]Header{}
	var order []string
	for _, h := range hdrs {
		byPath[h.Path] = h
		order = append(order, h.Path)
	}
	want := map[string]Header{
		"/":                          {Path: "/", Type: TypeDirectory},
		"/run":                       {Path: "/run", Type: TypeRegular, Executable: true, Size: 4},
		"/group-exec-only":           {Path: "/group-exec-only", Type: TypeRegular, Size: 16},
		"/link-abs":                  {Path: "/link-abs", Type: TypeSymlink, LinkTarget: "/absolute/target"},
		"/sub/empty":                 {Path: "/sub/empty", Type: TypeDirectory},
		"/sub/deeper/deepest/leaf":   {Path: "/sub/deeper/deepest/leaf", Type: TypeRegular, Executable: true, Size: 5},
		"/日本語":                       {Path: "/日本語", Type: TypeRegular, Size: int64(len("日本語"))},
		"/sizexxxxxxx":               {Path: "/sizexxxxxxx", Type: TypeRegular, Size: 17},
		"/sub/deeper/deepest":        {Path: "/sub/deeper/deepest", Type: TypeDirectory},
		"/with space":                {Path: "/with space", Type: TypeRegular, Size: 10},
		"/sub/big":                   {Path: "/sub/big", Type: TypeRegular, Size: int64(len(bigContent()))},
		"/link-dir":                  {Path: "/link-dir", Type: TypeSymlink, LinkTarget: "sub"},
		"/sub/deeper/deepest/../..":  {},
		"/sub/deeper/deepest/./leaf": {},
	}
	for p, h := range want {
		if got, ok := byPath[p]; got != h || (h.Path == "") == ok {
			t.Errorf("%s: got %+v (present %v), want %+v", p, got, ok, h)
		}
	}
	for i := 1; i < len(order); i++ {
		// Depth-first, entries sorted: paths compare with '/' lowest.
		a := strings.ReplaceAll(order[i-1], "/", "\x00")
		b := strings.ReplaceAll(order[i], "/", "\x00")
		if a >= b {
			t.Errorf("headers out of order: %q before %q", order[i-1], order[i])
		}
	}
}

func TestRestoreRoundTrip(t *testing.T) {
	for _, name := range treeNames {
		t.Run(name, func(t *testing.T) {
			in := readRef(t, name)
			dir := filepath.Join(t.TempDir(), "out")
			if err := RestoreWith(dir, bytes.NewReader(in), RestoreOptions{CaseHack: treeCaseHack}); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := DumpPathWith(&out, dir, DumpOptions{CaseHack: treeCaseHack}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(in, out.Bytes()) {
				t.Error("restored tree dumps differently")
			}
			if err := Restore(dir, bytes.NewReader(in)); err == nil {
				t.Error("Restore over an existing path succeeded")
			}
		})
	}
}

func TestRestorePermissions(t *testing.T) {
	skipOnWindows(t)
	dir := filepath.Join(t.TempDir(), "out")
	if err := Restore(dir, bytes.NewReader(readRef(t, "complex"))); err != nil {
		t.Fatal(err)
	}
	umask := umaskForTest(t)
	for p, want := range map[string]fs.FileMode{
		"run": 0o666&^umask | 0o111, // CppNix adds the execute bits after creating
		"A":   0o666 &^ umask,
		"sub": fs.ModeDir | 0o777&^umask,
	} {
		fi, err := os.Lstat(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), want)
		}
	}
}

// umaskForTest finds the process umask by creating a file.
func umaskForTest(t *testing.T) fs.FileMode {
	p := filepath.Join(t.TempDir(), "probe")
	if err := os.WriteFile(p, nil, 0o777); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return 0o777 &^ fi.Mode().Perm()
}

// knownDifferences are malformed NARs that CppNix and this package reject
// with different messages, or that only one of them rejects.
var knownDifferences = map[string]string{
	// CppNix reads the ")" as an unknown field and then wants another ")".
	"regular-no-contents": "bad archive: expected tag 'contents', got ')'",
	// CppNix tries to read 2^64-1 bytes and hits the end of the input.
	"huge-size": "bad archive: file size 18446744073709551615 is too large",
}

func TestMalformedReference(t *testing.T) {
	f, err := os.Open("testdata/bad.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bad := badNARs()
	sc := bufio.NewScanner(f)
	seen := 0
	for sc.Scan() {
		name, want, _ := strings.Cut(sc.Text(), "\t")
		in, ok := bad[name]
		if !ok {
			t.Fatalf("bad.txt names unknown case %q", name)
		}
		seen++
		if w, ok := knownDifferences[name]; ok {
			want = w
		}
		_, _, err := copyNAR(in)
		got := "ok"
		if err != nil {
			got = strings.ReplaceAll(err.Error(), "\x00", "")
		}
		if got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
		if runtime.GOOS != "windows" {
			rerr := Restore(filepath.Join(t.TempDir(), "x"), bytes.NewReader(in))
			if (rerr == nil) != (want == "ok") {
				t.Errorf("%s: Restore error %v, want %q", name, rerr, want)
			}
		}
	}
	if seen != len(bad) {
		t.Errorf("bad.txt has %d cases, gen_test.go %d: regenerate", seen, len(bad))
	}
}

func TestTruncatedIsUnexpectedEOF(t *testing.T) {
	_, _, err := copyNAR(badNARs()["truncated-contents"])
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("error %v is not io.ErrUnexpectedEOF", err)
	}
}

func TestReaderStopsAtEnd(t *testing.T) {
	in := append(readRef(t, "file"), "trailing"...)
	br := bufio.NewReader(bytes.NewReader(in))
	r := NewReader(br)
	for {
		if _, err := r.Next(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	rest, _ := io.ReadAll(br)
	if string(rest) != "trailing" {
		t.Errorf("after the archive, the bufio.Reader holds %q", rest)
	}
}

func TestReaderPartialReads(t *testing.T) {
	r := NewReader(bytes.NewReader(readRef(t, "complex")))
	contents := map[string]string{}
	for {
		h, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Path == "/a" || h.Path == "/sub/big" {
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			contents[h.Path] = string(b)
		} else if h.Path == "/sizexxxxxxx" {
			var b [3]byte
			if _, err := io.ReadFull(r, b[:]); err != nil { // read a little, skip the rest
				t.Fatal(err)
			}
		}
	}
	if contents["/a"] != "a" || contents["/sub/big"] != bigContent() {
		t.Error("contents read wrongly")
	}
}

func TestWriterErrors(t *testing.T) {
	type step struct {
		h    *Header
		data string
	}
	dir := func(p string) step { return step{h: &Header{Path: p, Type: TypeDirectory}} }
	file := func(p, data string) step {
		return step{h: &Header{Path: p, Type: TypeRegular, Size: int64(len(data))}, data: data}
	}
	for _, c := range []struct {
		name  string
		steps []step
		err   string
	}{
		{"no root", []step{file("/a", "")}, `nar: first header must be the root "/", not "/a"`},
		{"unsorted", []step{dir("/"), file("/b", ""), file("/a", "")}, "nar: /a is not sorted after /b in its directory"},
		{"duplicate", []step{dir("/"), file("/a", ""), file("/a", "")}, "nar: /a is not sorted after /a in its directory"},
		{"closed parent", []step{dir("/"), dir("/a"), file("/b", ""), file("/a/c", "")}, "nar: /a/c is not inside an open directory (headers out of order?)"},
		{"file parent", []step{dir("/"), file("/a", ""), file("/a/b", "")}, "nar: /a/b is not inside an open directory (headers out of order?)"},
		{"bad name", []step{dir("/"), file("/a\x00", "")}, "bad archive: NAR contains invalid file name 'a\x00'"},
		{"unclean", []step{dir("/"), file("/a/../b", "")}, `nar: invalid path "/a/../b"`},
		{"after root", []step{file("/", ""), file("/a", "")}, "nar: cannot write /a: the archive is complete"},
		{"short", []step{{h: &Header{Path: "/", Type: TypeRegular, Size: 5}, data: "abc"}, dir("/x")}, "nar: missed writing 2 bytes of file contents"},
		{"long", []step{{h: &Header{Path: "/", Type: TypeRegular, Size: 1}, data: "abc"}}, "nar: write too long"},
	} {
		w := NewWriter(io.Discard)
		var err error
		for _, s := range c.steps {
			if err = w.WriteHeader(s.h); err != nil {
				break
			}
			if s.data != "" {
				if _, err = io.WriteString(w, s.data); err != nil {
					break
				}
			}
		}
		if err == nil {
			err = w.Close()
		}
		if err == nil || err.Error() != c.err {
			t.Errorf("%s: error %q, want %q", c.name, err, c.err)
		}
	}
	if err := NewWriter(io.Discard).Close(); err == nil {
		t.Error("closing an empty archive succeeded")
	}
}

func TestDumpFilter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tree")
	makeTree(t, dir, "complex")
	var buf bytes.Buffer
	err := DumpPathWith(&buf, dir, DumpOptions{CaseHack: treeCaseHack, Filter: func(p string, fi fs.FileInfo) (bool, error) {
		return !fi.IsDir() || filepath.Base(p) != "sub", nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, hdrs, err := copyNAR(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hdrs {
		if strings.HasPrefix(h.Path, "/sub") {
			t.Errorf("filtered %s was dumped", h.Path)
		}
	}
	if len(hdrs) < 20 {
		t.Errorf("only %d objects dumped", len(hdrs))
	}
}

func TestDumpMissing(t *testing.T) {
	if err := DumpPath(io.Discard, filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("dumping a missing path succeeded")
	}
}

// expectedLargeNAR returns the SHA-256 of the NAR of a regular file of n
// zero bytes, computed without a Writer.
func expectedLargeNAR(n int64) [32]byte {
	h := sha256.New()
	h.Write(narOf(Magic, "(", "type", "regular", "contents"))
	fmt.Fprintf(h, "%s", le64(uint64(n)))
	io.CopyN(h, zeroReader{}, n)
	h.Write(make([]byte, (8-n%8)%8))
	h.Write(narOf(")"))
	return [32]byte(h.Sum(nil))
}

func le64(n uint64) []byte {
	b := make([]byte, 8)
	for i := range b {
		b[i] = byte(n >> (8 * i))
	}
	return b
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestLargeFileStreaming pushes 200 MB through Writer and Reader and
// checks that memory use stays small.
func TestLargeFileStreaming(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	const n = 200 << 20
	pr, pw := io.Pipe()
	go func() {
		w := NewWriter(pw)
		err := w.WriteHeader(&Header{Path: "/", Type: TypeRegular, Size: n + 3})
		if err == nil {
			_, err = w.ReadFrom(io.LimitReader(zeroReader{}, n+3))
		}
		if err == nil {
			err = w.Close()
		}
		pw.CloseWithError(err)
	}()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := NewReader(pr)
	h, err := r.Next()
	if err != nil || h.Size != n+3 {
		t.Fatalf("Next = %+v, %v", h, err)
	}
	sum := sha256.New()
	if _, err := io.Copy(sum, r); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after the file: %v", err)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("allocated %d MB for a 200 MB file", alloc>>20)
	}
	want := sha256.New()
	io.CopyN(want, zeroReader{}, n+3)
	if !bytes.Equal(sum.Sum(nil), want.Sum(nil)) {
		t.Error("contents differ")
	}
}

// TestDumpLargeSparseFile dumps a 200 MB (sparse) file.
func TestDumpLargeSparseFile(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	const n = 200<<20 + 5
	p := filepath.Join(t.TempDir(), "big")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(n); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	h := sha256.New()
	if err := DumpPath(h, p); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("allocated %d MB for a 200 MB file", alloc>>20)
	}
	if want := expectedLargeNAR(n); !bytes.Equal(h.Sum(nil), want[:]) {
		t.Error("NAR of the large file differs")
	}
}

func FuzzReader(f *testing.F) {
	for _, name := range treeNames {
		if name != "big-file" {
			f.Add(readRef(f, name))
		}
	}
	for _, b := range badNARs() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, hdrs, err := copyNAR(in)
		if err != nil {
			return
		}
		// The reader accepts only canonical archives: writing them back
		// gives the input, up to where the archive ended.
		if !bytes.HasPrefix(in, out) {
			t.Fatalf("read and written again gives different bytes")
		}
		out2, hdrs2, err := copyNAR(out)
		if err != nil || !bytes.Equal(out, out2) || len(hdrs) != len(hdrs2) {
			t.Fatalf("second round trip: %v", err)
		}
		for i := range hdrs {
			if hdrs[i] != hdrs2[i] {
				t.Fatalf("header %d: %+v then %+v", i, hdrs[i], hdrs2[i])
			}
		}
	})
}

func TestCopy(t *testing.T) {
	for _, name := range treeNames {
		in := readRef(t, name)
		var out bytes.Buffer
		n, err := Copy(&out, bytes.NewReader(append(in, "trailing"...)))
		if err != nil || n != int64(len(in)) || !bytes.Equal(out.Bytes(), in) {
			t.Errorf("%s: Copy = %d, %v", name, n, err)
		}
	}
	if _, err := Copy(io.Discard, bytes.NewReader(badNARs()["unsorted"])); err == nil || err.Error() != "bad archive: NAR directory is not sorted" {
		t.Errorf("Copy of a bad NAR: %v", err)
	}
}
