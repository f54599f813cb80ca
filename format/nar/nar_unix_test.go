// Tests that need Unix-only file types.

//go:build linux || darwin

package nar

import (
	"io"
	"path/filepath"
	"syscall"
	"testing"
)

func TestDumpUnsupportedType(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skip(err)
	}
	err := DumpPath(io.Discard, p)
	if want := "file '" + p + "' has an unsupported type"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}
