// This file defines what a build reports while it runs: CppNix's activities
// (a build, the whole realisation, waiting for a lock) with their results
// (log lines, phases, progress), through a Logger the command implements as
// plain lines, a status bar or internal-json.

package build

import (
	"os"
	"sync/atomic"

	"github.com/nixgo/nixgo/store"
)

// ActivityID identifies an activity, as CppNix's: a counter in the low 32
// bits and the process id in the high ones.
type ActivityID uint64

// ActivityType is CppNix's ActivityType, numbered as in its internal-json
// log format.
type ActivityType int

// The activity types a build starts.
const (
	ActUnknown      ActivityType = 0
	ActCopyPath     ActivityType = 100
	ActFileTransfer ActivityType = 101
	ActRealise      ActivityType = 102
	ActCopyPaths    ActivityType = 103
	ActBuilds       ActivityType = 104
	ActBuild        ActivityType = 105
	ActBuildWaiting ActivityType = 111
)

// ResultType is CppNix's ResultType, numbered as in internal-json.
type ResultType int

// The results a build reports.
const (
	ResBuildLogLine ResultType = 101
	ResSetPhase     ResultType = 104
	ResProgress     ResultType = 105
	ResSetExpected  ResultType = 106
)

// Field is an activity field or result field: a string or an unsigned
// integer (CppNix's Logger::Field).
type Field struct {
	S     string
	I     uint64
	IsInt bool
}

// Str and Int make fields.
func Str(s string) Field { return Field{S: s} }

// Int makes an integer field.
func Int(i uint64) Field { return Field{I: i, IsInt: true} }

// Logger receives what builds report. Messages are CppNix's, at its
// verbosity levels (store.Level); the Logger filters them by verbosity.
// Methods may be called from several goroutines, never concurrently.
type Logger interface {
	// Log prints a message (errors already carry "error: ").
	Log(level store.Level, msg string)
	// StartActivity begins an activity; text is shown (with "...") by
	// plain loggers when level passes the verbosity.
	StartActivity(id ActivityID, level store.Level, typ ActivityType, text string, fields []Field, parent ActivityID)
	// StopActivity ends one.
	StopActivity(id ActivityID)
	// Result reports a result of an activity (a log line, a phase...).
	Result(id ActivityID, typ ResultType, fields []Field)
	// IsVerbose tells whether build logs are shown as they come
	// (CppNix's isVerbose: -L, or the classic commands). Failed builds
	// then do not repeat their last log lines.
	IsVerbose() bool
}

var activityCounter atomic.Uint64

// NewActivityID returns a fresh activity id.
func NewActivityID() ActivityID {
	return ActivityID(activityCounter.Add(1) - 1 + uint64(os.Getpid())<<32)
}

// activity is a started activity that stops once.
type activity struct {
	log Logger
	id  ActivityID
}

func startActivity(log Logger, level store.Level, typ ActivityType, text string, fields []Field, parent ActivityID) *activity {
	id := NewActivityID()
	log.StartActivity(id, level, typ, text, fields, parent)
	return &activity{log: log, id: id}
}

func (a *activity) stop() {
	if a != nil {
		a.log.StopActivity(a.id)
	}
}

func (a *activity) result(typ ResultType, fields ...Field) {
	if a != nil {
		a.log.Result(a.id, typ, fields)
	}
}

// NopLogger discards everything.
type NopLogger struct{}

// Log discards msg.
func (NopLogger) Log(store.Level, string) {}

// StartActivity does nothing.
func (NopLogger) StartActivity(ActivityID, store.Level, ActivityType, string, []Field, ActivityID) {}

// StopActivity does nothing.
func (NopLogger) StopActivity(ActivityID) {}

// Result does nothing.
func (NopLogger) Result(ActivityID, ResultType, []Field) {}

// IsVerbose reports false.
func (NopLogger) IsVerbose() bool { return false }
