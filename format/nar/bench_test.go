// Benchmarks for DumpPath, Reader and Restore.
//
// To dump a tree of your own: NIXGO_BENCH_TREE=/some/dir go test -run - -bench DumpPathTree

package nar

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// writeOnly hides io.Discard's ReadFrom, which reads in small blocks, so
// that benchmarks measure the Writer's own copying.
type writeOnly struct{ w io.Writer }

func (w writeOnly) Write(p []byte) (int, error) { return w.w.Write(p) }

// countWriter counts bytes.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

func narSize(b *testing.B, dir string) int64 {
	var c countWriter
	if err := DumpPath(&c, dir); err != nil {
		b.Fatal(err)
	}
	return c.n
}

func benchDump(b *testing.B, dir string, sink func() io.Writer) {
	b.SetBytes(narSize(b, dir))
	b.ResetTimer()
	for b.Loop() {
		if err := DumpPath(sink(), dir); err != nil {
			b.Fatal(err)
		}
	}
}

// smallFilesTree makes 2000 files of 100 B to 8 KB in 20 directories.
func smallFilesTree(b *testing.B) string {
	dir := b.TempDir()
	for d := range 20 {
		sub := filepath.Join(dir, fmt.Sprintf("dir%02d", d))
		if err := os.Mkdir(sub, 0o755); err != nil {
			b.Fatal(err)
		}
		for f := range 100 {
			data := bytes.Repeat([]byte{byte(f)}, 100+(f*83)%8000)
			if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("file%03d", f)), data, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	return dir
}

func largeFile(b *testing.B) string {
	p := filepath.Join(b.TempDir(), "large")
	data := make([]byte, 64<<20)
	for i := range data {
		data[i] = byte(i * 7 >> 3)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

func discard() io.Writer { return writeOnly{io.Discard} }

func BenchmarkDumpPathSmallFiles(b *testing.B) { benchDump(b, smallFilesTree(b), discard) }

func BenchmarkDumpPathLargeFile(b *testing.B) { benchDump(b, largeFile(b), discard) }

func BenchmarkDumpPathLargeFileSHA256(b *testing.B) {
	benchDump(b, largeFile(b), func() io.Writer { return sha256.New() })
}

// BenchmarkDumpPathTree dumps $NIXGO_BENCH_TREE.
func BenchmarkDumpPathTree(b *testing.B) {
	dir := os.Getenv("NIXGO_BENCH_TREE")
	if dir == "" {
		b.Skip("set NIXGO_BENCH_TREE to a directory")
	}
	benchDump(b, dir, discard)
}

func BenchmarkReader(b *testing.B) {
	var buf bytes.Buffer
	if err := DumpPath(&buf, smallFilesTree(b)); err != nil {
		b.Fatal(err)
	}
	in := buf.Bytes()
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for b.Loop() {
		r := NewReader(bytes.NewReader(in))
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(writeOnly{io.Discard}, r); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkRestoreSmallFiles(b *testing.B) {
	var buf bytes.Buffer
	if err := DumpPath(&buf, smallFilesTree(b)); err != nil {
		b.Fatal(err)
	}
	in := buf.Bytes()
	dst := b.TempDir()
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		if err := Restore(filepath.Join(dst, fmt.Sprint(i)), bytes.NewReader(in)); err != nil {
			b.Fatal(err)
		}
	}
}
