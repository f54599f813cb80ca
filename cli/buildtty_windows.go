// This file tells whether standard error is a console, and its width, on
// Windows (for the build status line).

package cli

import (
	"io"
	"os"

	"golang.org/x/sys/windows"
)

// terminalWidth returns the width of w if it is a console.
func terminalWidth(w io.Writer) (int, bool) {
	f, ok := w.(*os.File)
	if !ok {
		return 0, false
	}
	var mode uint32
	h := windows.Handle(f.Fd())
	if windows.GetConsoleMode(h, &mode) != nil {
		return 0, false
	}
	var info windows.ConsoleScreenBufferInfo
	if windows.GetConsoleScreenBufferInfo(h, &info) != nil {
		return 0, true
	}
	return int(info.Window.Right - info.Window.Left + 1), true
}
