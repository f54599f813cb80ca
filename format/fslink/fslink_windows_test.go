package fslink

import (
	"os"
	"path/filepath"
	"testing"
)

// TestLinkFile checks the fallback that stands for a symlink where
// Windows makes none, whether or not this account could make symlinks.
func TestLinkFile(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "link")
	const target = `C:/Users/me/result`
	if err := WriteLinkFile(target, link); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(link)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.Mode().IsRegular() || !IsLink(link, fi.Mode()) {
		t.Errorf("link file: mode %v, IsLink %v", fi.Mode(), IsLink(link, fi.Mode()))
	}
	if got, ok, err := ReadLinkFile(link); got != target || !ok || err != nil {
		t.Errorf("ReadLinkFile = %q, %v, %v", got, ok, err)
	}
	if got, err := Readlink(link); got != target || err != nil {
		t.Errorf("Readlink = %q, %v", got, err)
	}
	// Targets a Windows symlink would change get a link file.
	for _, target := range []string{`a\b`, "a:b", ""} {
		p := filepath.Join(dir, "odd")
		if err := Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		if got, err := Readlink(p); got != target || err != nil {
			t.Errorf("Readlink of a link to %q = %q, %v", target, got, err)
		}
		Remove(p)
	}
}
