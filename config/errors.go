// Error types: usage errors (CppNix's UsageError) versus plain errors.

package config

import "fmt"

// UsageError is an error CppNix raises as a UsageError: a bad setting
// value or a syntax error in a configuration file. The CLI prints it as
// "error: MSG" followed by "Try 'nix --help' for more information.".
// Other errors returned by this package (a missing include file, a
// relative path) are plain errors, printed without that hint.
type UsageError struct {
	Msg string
}

func (e *UsageError) Error() string { return e.Msg }

func usageErrorf(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}
