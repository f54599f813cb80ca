package fslink

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestLinks(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("data"), 0o666); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/nix/store/00000000000000000000000000000000-x", "file", "a/b"} {
		link := filepath.Join(dir, "link")
		if err := Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		if err := Symlink(target, link); !errors.Is(err, fs.ErrExist) {
			t.Errorf("making %s again: %v, want an error saying it exists", link, err)
		}
		fi, err := os.Lstat(link)
		if err != nil {
			t.Fatal(err)
		}
		if !IsLink(link, fi.Mode()) {
			t.Errorf("IsLink(%s) = false", link)
		}
		if got, err := Readlink(link); got != target || err != nil {
			t.Errorf("Readlink(%s) = %q, %v; want %q", link, got, err, target)
		}
		moved := filepath.Join(dir, "moved")
		if err := Rename(link, moved); err != nil {
			t.Fatal(err)
		}
		if got, err := Readlink(moved); got != target || err != nil {
			t.Errorf("Readlink after Rename = %q, %v; want %q", got, err, target)
		}
		if err := Remove(moved); err != nil {
			t.Fatal(err)
		}
		if names := list(t, dir); len(names) != 1 || names[0] != "file" {
			t.Errorf("left after Remove: %q", names)
		}
	}
	fi, _ := os.Lstat(file)
	if IsLink(file, fi.Mode()) {
		t.Errorf("IsLink(%s) = true for a plain file", file)
	}
	if _, err := Readlink(file); err == nil {
		t.Errorf("Readlink of a plain file succeeded")
	}
}

func list(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
