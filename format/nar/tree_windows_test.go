// How the tests make trees on Windows: as Restore does (restore_windows.go).

package nar

import (
	"errors"
	"io/fs"
	"os"
)

// treeCaseHack says whether trees are made and dumped with the case hack:
// on Windows "A" and "a" cannot both exist.
const treeCaseHack = true

// writeTreeFile creates a file, marking it executable if its owner may
// execute it; a name that differs only in case from an existing one gets
// the case hack's suffix.
func writeTreeFile(p, content string, mode os.FileMode) error {
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o666)
	if errors.Is(err, fs.ErrExist) {
		p += CaseHackSuffix + "1"
		f, err = os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o666)
	}
	if err != nil {
		return err
	}
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if mode&0o100 != 0 {
		return writeStream(p, execStream, "")
	}
	return nil
}

// treeSymlink makes a symlink, or Restore's fallback where Windows cannot.
func treeSymlink(target, p string) error {
	rs := &restorer{}
	if err := rs.symlink(target, p); err != nil {
		return err
	}
	return rs.finish()
}
