// Reserving disk space where fallocate does not exist: the caller writes
// zeros instead.

//go:build !linux

package local

import (
	"errors"
	"os"
)

// allocate is not available here.
func allocate(*os.File, int64) error { return errors.New("fallocate is not available") }
