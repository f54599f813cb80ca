package syserr

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestStrerror(t *testing.T) {
	dir := t.TempDir()
	_, errOpen := os.Open(filepath.Join(dir, "missing"))
	errMkdir := os.Mkdir(dir, 0o777)
	f := filepath.Join(dir, "f")
	os.WriteFile(f, nil, 0o666)
	errDir := os.Mkdir(filepath.Join(f, "sub"), 0o777)
	for _, c := range []struct {
		err  error
		want string
	}{
		{errOpen, "No such file or directory"},
		{errMkdir, "File exists"},
		{fmt.Errorf("wrapped: %w", errOpen), "No such file or directory"},
		{syscall.EISDIR, "Is a directory"},
		{os.ErrNotExist, "No such file or directory"},
		{errors.New("plain message"), "Plain message"},
		{&os.PathError{Op: "open", Path: "/x", Err: errors.New("odd")}, "Odd"},
	} {
		if got := Strerror(c.err); got != c.want {
			t.Errorf("Strerror(%v) = %q, want %q", c.err, got, c.want)
		}
	}
	// Creating a directory below a file: ENOTDIR on Unix; on Windows the
	// C runtime's ENOENT (ERROR_PATH_NOT_FOUND).
	if got := Strerror(errDir); got != "Not a directory" && got != "No such file or directory" {
		t.Errorf("Strerror(%v) = %q", errDir, got)
	}
}
