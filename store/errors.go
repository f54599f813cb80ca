// This file holds the errors stores return and the Logger through which
// they report progress and problems.

package store

import (
	"errors"
	"fmt"
)

// InvalidPathError reports a store path that is not valid in the store
// (CppNix's InvalidPath).
type InvalidPathError struct {
	Path string // the full store path
}

func (e *InvalidPathError) Error() string { return fmt.Sprintf("path '%s' is not valid", e.Path) }

// IsInvalidPath reports whether err is, or wraps, an *InvalidPathError.
func IsInvalidPath(err error) bool {
	var ip *InvalidPathError
	return errors.As(err, &ip)
}

// UnsupportedError reports an operation a store cannot do (CppNix's
// Unsupported).
type UnsupportedError struct {
	Op  string // CppNix's name of the operation, e.g. "addToStore"
	URI string // the store's URI
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("operation '%s' is not supported by store '%s'", e.Op, e.URI)
}

// Level is the importance of a message, numbered as CppNix's verbosity.
type Level int

// The levels, from most to least important.
const (
	LevelError Level = iota
	LevelWarn
	LevelNotice
	LevelInfo
	LevelTalkative
	LevelChatty
	LevelDebug
	LevelVomit
)

// Logger receives what a store has to say while it works. Messages are
// CppNix's, without a trailing newline; warnings come without the
// "warning: " prefix, which the logger adds (as CppNix's warn()). A nil
// Logger discards everything.
type Logger interface {
	Log(level Level, msg string)
}

// LoggerFunc adapts a function to Logger.
type LoggerFunc func(level Level, msg string)

// Log calls f.
func (f LoggerFunc) Log(level Level, msg string) { f(level, msg) }

// logf formats a message for log, which may be nil.
func logf(log Logger, level Level, format string, args ...any) {
	if log != nil {
		log.Log(level, fmt.Sprintf(format, args...))
	}
}

// Logf is logf for implementations: it formats a message for log, which may
// be nil.
func Logf(log Logger, level Level, format string, args ...any) { logf(log, level, format, args...) }
