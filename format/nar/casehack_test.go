// Tests of the case hack (use-case-hack) against CppNix 2.26's behaviour,
// recorded with `nix-store --option use-case-hack true --restore/--dump`.

package nar

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCaseHackRoundTrip restores complex.nar ("A" and "a") with the case
// hack: CppNix names the second "a~nix~case~hack~1", and dumping with the
// case hack gives the NAR back.
func TestCaseHackRoundTrip(t *testing.T) {
	in := readRef(t, "complex")
	dir := filepath.Join(t.TempDir(), "out")
	if err := RestoreWith(dir, bytes.NewReader(in), RestoreOptions{CaseHack: true}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"A", "a~nix~case~hack~1"} {
		if _, err := os.Lstat(filepath.Join(dir, n)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Lstat(filepath.Join(dir, "a")); err == nil && !caseInsensitive(t, dir) {
		t.Error(`"a" was restored under its own name`)
	}
	var out bytes.Buffer
	if err := DumpPathWith(&out, dir, DumpOptions{CaseHack: true}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), in) {
		t.Error("dump with the case hack differs from the NAR")
	}
}

// caseInsensitive reports whether the file system at dir ignores case.
func caseInsensitive(t *testing.T, dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, "SUB"))
	return err == nil
}

func TestCaseHackErrors(t *testing.T) {
	files := func(names ...string) []byte {
		var es [][]any
		for _, n := range names {
			es = append(es, fileEntry(n, n))
		}
		return dirNAR(es...)
	}
	for _, c := range []struct {
		name string
		nar  []byte
		want string // "" for success
	}{
		// "b" becomes "b~nix~case~hack~1", which an earlier entry has
		// taken (case-insensitively).
		{"hacked-name-taken", files("B", "B~nix~case~hack~1", "b"),
			"bad archive: NAR contains file name 'b' that collides with case-hacked file name 'B~nix~case~hack~1'"},
		// CppNix does not record hacked names: the third entry is created
		// and fails on the file system.
		{"literal-after-hacked", files("A", "a", "a~nix~case~hack~1"), "creating file '"},
		{"three-variants", files("AB", "Ab", "aB", "ab"), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			err := RestoreWith(dir, bytes.NewReader(c.nar), RestoreOptions{CaseHack: true})
			switch {
			case c.want == "" && err != nil:
				t.Fatal(err)
			case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), c.want)):
				t.Fatalf("error %v, want %q", err, c.want)
			case c.want == "":
				var out bytes.Buffer
				if err := DumpPathWith(&out, dir, DumpOptions{CaseHack: true}); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(out.Bytes(), c.nar) {
					t.Error("round trip differs")
				}
			}
		})
	}
}

// TestCaseHackDumpCollision: two names that are equal without the suffix.
func TestCaseHackDumpCollision(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a", "a~nix~case~hack~1"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	err := DumpPathWith(&bytes.Buffer{}, dir, DumpOptions{CaseHack: true})
	want := "file name collision between '" + filepath.Join(dir, "a") + "' and '" + filepath.Join(dir, "a~nix~case~hack~1") + "'"
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}

// TestCaseHackDumpOrder: entries are dumped in the order of their names
// without the suffix ("a~nix~case~hack~1" is "a", before "a-b").
func TestCaseHackDumpOrder(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"A", "a~nix~case~hack~1", "a-b"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := DumpPathWith(&out, dir, DumpOptions{CaseHack: true}); err != nil {
		t.Fatal(err)
	}
	_, hdrs, err := copyNAR(out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hdrs[1:] {
		got = append(got, h.Path)
	}
	if want := "/A /a /a-b"; strings.Join(got, " ") != want {
		t.Errorf("entries %q, want %q", strings.Join(got, " "), want)
	}
}

// TestCaseCollisionWithoutHack: on a case-insensitive file system, a NAR
// with "A" and "a" cannot be restored without the case hack; the error
// names both (on a case-sensitive one it succeeds).
func TestCaseCollisionWithoutHack(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	err := Restore(dir, bytes.NewReader(readRef(t, "complex")))
	if err == nil {
		if caseInsensitive(t, dir) {
			t.Fatal("restored A and a on a case-insensitive file system")
		}
		return
	}
	if !strings.Contains(err.Error(), "use-case-hack") || !strings.Contains(err.Error(), filepath.Join(dir, "A")) {
		t.Errorf("error %q does not explain the case collision", err)
	}
}
