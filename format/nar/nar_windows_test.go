// Tests of the Windows layer (restore_windows.go, dump_windows.go): the
// markers, symlinks and their fallback, names, long paths. CI runs them
// under Wine, which has no alternate data streams (it keeps them as files
// named FILE:STREAM) and creates no symlinks (it reports success and makes
// nothing), so there the fallbacks are what is tested.

package nar

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixgo/nixgo/format/fslink"
)

// restoreDump restores nar at a new directory and returns the directory
// and its dump.
func restoreDump(t *testing.T, nar []byte, opts RestoreOptions) (string, []byte) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "out")
	if err := RestoreWith(dir, bytes.NewReader(nar), opts); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := DumpPathWith(&out, dir, DumpOptions{CaseHack: opts.CaseHack}); err != nil {
		t.Fatal(err)
	}
	return dir, out.Bytes()
}

func TestWindowsMarkers(t *testing.T) {
	dir, out := restoreDump(t, readRef(t, "complex"), RestoreOptions{CaseHack: true})
	if !bytes.Equal(out, readRef(t, "complex")) {
		t.Error("dump → restore → dump differs")
	}
	for name, want := range map[string]bool{"run": true, "A": false, "group-exec-only": false, "sub/deeper/deepest/leaf": true} {
		if got := hasStream(filepath.Join(dir, name), execStream); got != want {
			t.Errorf("%s: executable marker %v, want %v", name, got, want)
		}
	}
	for _, name := range []string{"link-abs", "link-rel", "link-dir"} {
		p := filepath.Join(dir, name)
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 && !isLinkFile(p) {
			t.Errorf("%s is neither a symlink nor a marked fallback file", name)
		}
	}
}

// TestWindowsSymlinkFallback restores symlinks whose targets a Windows
// symlink cannot hold; they must come back as fallback files.
func TestWindowsSymlinkFallback(t *testing.T) {
	link := func(name, target string) []any {
		return []any{"entry", "(", "name", name, "node", "(", "type", "symlink", "target", target, ")", ")"}
	}
	in := dirNAR(link("back", `a\b`), link("colon", "a:b"), link("drive", "C:/x"), link("plain", "x/y"))
	dir, out := restoreDump(t, in, RestoreOptions{})
	if !bytes.Equal(out, in) {
		t.Error("dump → restore → dump differs")
	}
	for name, target := range map[string]string{"back": `a\b`, "colon": "a:b"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !isLinkFile(filepath.Join(dir, name)) {
			t.Errorf("%s: not a fallback file (%v)", name, err)
		} else if string(b) != target {
			t.Errorf("%s: fallback holds %q, want %q", name, b, target)
		}
	}
}

// TestWindowsDirectorySymlink: "a" -> "b" comes before the directory "b";
// where Windows makes symlinks, "a" must end up a directory symlink.
func TestWindowsDirectorySymlink(t *testing.T) {
	in := dirNAR(
		[]any{"entry", "(", "name", "a", "node", "(", "type", "symlink", "target", "b", ")", ")"},
		[]any{"entry", "(", "name", "b", "node", "(", "type", "directory", "entry", "(", "name", "f", "node", "(", "type", "regular", "contents", "x", ")", ")", ")", ")"},
	)
	dir, out := restoreDump(t, in, RestoreOptions{})
	if !bytes.Equal(out, in) {
		t.Error("dump → restore → dump differs")
	}
	fi, err := os.Lstat(filepath.Join(dir, "a"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		t.Skip("no symlink was made (no privilege, or Wine, which makes none): the fallback file stands for it")
	}
	if b, err := os.ReadFile(filepath.Join(dir, "a", "f")); err != nil || string(b) != "x" {
		t.Errorf("reading through the directory symlink: %q, %v", b, err)
	}
}

func TestWindowsInvalidNames(t *testing.T) {
	for _, name := range []string{"a:b", `a\b`, "trailing.", "trailing ", "CON", "nul.txt", "a*b", "a?b", "a|b", "a\x01b"} {
		in := dirNAR(fileEntry(name, "x"))
		err := Restore(filepath.Join(t.TempDir(), "out"), bytes.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), "not valid on Windows") {
			t.Errorf("%q: error %v", name, err)
		}
	}
}

// TestWindowsLongPaths restores and dumps a tree whose paths are longer
// than MAX_PATH (260).
func TestWindowsLongPaths(t *testing.T) {
	node := []any{"(", "type", "regular", "executable", "", "contents", "deep", ")"}
	comp := strings.Repeat("d", 60)
	for i := 0; i < 6; i++ {
		node = append(append([]any{"(", "type", "directory", "entry", "(", "name", comp, "node"}, node...), ")", ")")
	}
	in := narOf(append([]any{Magic}, node...)...)
	dir, out := restoreDump(t, in, RestoreOptions{})
	if !bytes.Equal(out, in) {
		t.Error("dump → restore → dump differs")
	}
	deepest := filepath.Join(dir, comp, comp, comp, comp, comp, comp)
	if len(deepest) <= 260 {
		t.Fatalf("path only %d long", len(deepest))
	}
	if b, err := os.ReadFile(deepest); err != nil || string(b) != "deep" {
		t.Errorf("reading %d-byte path: %q, %v", len(deepest), b, err)
	}
}

// isLinkFile reports whether p is a link file standing for a symlink.
func isLinkFile(p string) bool {
	_, ok, _ := fslink.ReadLinkFile(p)
	return ok
}
