// Test helpers for Windows.

package local

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs on Windows") }
