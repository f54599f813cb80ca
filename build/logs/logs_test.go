// This file tests build logs: what Create writes is what Read returns and
// what bzip2(1) decompresses, plain and flat-layout logs are read, and a
// missing log is reported as such.

package logs

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const drv = "8mxqn8xz98sfbf4ssvd8jayjk18qkw8l-bad.drv"

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	var text bytes.Buffer
	for i := 0; i < 50000; i++ {
		text.WriteString("line of a build log, with some repetition\n")
	}
	w, err := Create(dir, drv, true)
	if err != nil {
		t.Fatal(err)
	}
	if w.Path() != filepath.Join(dir, "drvs", "8m", drv[2:]+".bz2") {
		t.Errorf("log written to %s", w.Path())
	}
	for data := text.Bytes(); len(data) > 0; {
		n := min(len(data), 4096)
		w.Write(data[:n])
		data = data[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, ok, err := Read(dir, drv)
	if err != nil || !ok || !bytes.Equal(got, text.Bytes()) {
		t.Fatalf("Read: %d bytes, %v, %v", len(got), ok, err)
	}
	if bz, err := exec.LookPath("bzip2"); err == nil {
		out, err := exec.Command(bz, "-dc", w.Path()).Output()
		if err != nil || !bytes.Equal(out, text.Bytes()) {
			t.Errorf("bzip2 -d: %d bytes, %v", len(out), err)
		}
	}
	// A second log reuses a pooled compressor.
	w2, _ := Create(dir, "x"+drv[1:], true)
	w2.Write([]byte("short\n"))
	w2.Close()
	if got, ok, _ := Read(dir, "x"+drv[1:]); !ok || string(got) != "short\n" {
		t.Errorf("second log: %q", got)
	}
}

func TestReadLayouts(t *testing.T) {
	dir := t.TempDir()
	if _, ok, err := Read(dir, drv); ok || err != nil {
		t.Errorf("missing log: %v %v", ok, err)
	}
	os.MkdirAll(filepath.Join(dir, "drvs"), 0o755)
	os.WriteFile(filepath.Join(dir, "drvs", drv), []byte("flat\n"), 0o644)
	if got, ok, _ := Read(dir, drv); !ok || string(got) != "flat\n" {
		t.Errorf("flat layout: %q", got)
	}
	w, _ := Create(dir, drv, false)
	w.Write([]byte("plain\n"))
	w.Close()
	if got, ok, _ := Read(dir, drv); !ok || string(got) != "plain\n" {
		t.Errorf("plain log: %q", got)
	}
	if !strings.HasSuffix(Path(dir, drv, true), ".bz2") {
		t.Errorf("compressed path")
	}
}
