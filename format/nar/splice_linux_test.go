// This file tests dumping into a pipe, where large contents are moved with
// splice(2).

package nar

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestDumpIntoPipe(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 300000) // 4.8 MB, several pipe loads
	os.WriteFile(filepath.Join(dir, "big"), big, 0o755)
	os.WriteFile(filepath.Join(dir, "odd"), big[:70001], 0o644)
	os.WriteFile(filepath.Join(dir, "small"), []byte("x"), 0o644)
	var want bytes.Buffer
	if err := DumpPath(&want, dir); err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(r)
		got <- b
	}()
	if err := DumpPath(w, dir); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if b := <-got; !bytes.Equal(b, want.Bytes()) {
		t.Errorf("NAR through a pipe differs: %d bytes, want %d", len(b), want.Len())
	}
	// A reader that goes away makes the dump fail, not hang.
	r2, w2, _ := os.Pipe()
	r2.Close()
	if err := DumpPath(w2, dir); err == nil {
		t.Error("dump into a closed pipe succeeded")
	}
	w2.Close()
}

// BenchmarkDumpPathLargeFilePipe dumps a large file into a pipe, as
// nix-store --dump | ... does (splice(2) moves the contents).
func BenchmarkDumpPathLargeFilePipe(b *testing.B) {
	dir := largeFile(b)
	b.SetBytes(narSize(b, dir))
	r, w, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		io.Copy(io.Discard, r)
		close(done)
	}()
	b.ResetTimer()
	for b.Loop() {
		if err := DumpPath(w, dir); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	w.Close()
	<-done
}
