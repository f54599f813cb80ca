// This file holds the entry points of package build: what to build
// (DerivedPath), how (Options, Mode), and what came out (Result), as
// CppNix's Store::buildPaths and buildPathsWithResults.

package build

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/nixgo/nixgo/config"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/local"
)

// Mode is CppNix's BuildMode.
type Mode int

// The build modes.
const (
	Normal Mode = iota // build what is not valid
	Repair             // rebuild and replace corrupted outputs (not supported yet)
	Check              // rebuild and compare with the valid outputs (--check, --rebuild)
)

// DerivedPath is something to realise (CppNix's DerivedPath): an opaque
// store path, which must be valid, or outputs of a derivation.
type DerivedPath struct {
	// Path is the store path, or the .drv path when Built.
	Path  storepath.StorePath
	Built bool
	// Outputs are the wanted outputs of a Built path; nil means all.
	Outputs []string
}

// String renders p as CppNix's DerivedPath::to_string:
// "/nix/store/…-x.drv^out,dev", "…^*", or the plain path.
func (p DerivedPath) String(dir storepath.Dir) string {
	s := dir.Path(p.Path)
	if !p.Built {
		return s
	}
	if p.Outputs == nil {
		return s + "^*"
	}
	outs := append([]string(nil), p.Outputs...)
	sort.Strings(outs)
	return s + "^" + strings.Join(outs, ",")
}

// Status is CppNix's BuildResult::Status.
type Status int

// The statuses, numbered as CppNix's.
const (
	Built Status = iota
	Substituted
	AlreadyValid
	PermanentFailure
	InputRejected
	OutputRejected
	TransientFailure
	CachedFailure
	TimedOut
	MiscFailure
	DependencyFailed
	LogLimitExceeded
	NotDeterministic
	ResolvesToAlreadyValid
	NoSubstituters
)

// Success reports whether the status means the outputs are valid.
func (s Status) Success() bool {
	return s == Built || s == Substituted || s == AlreadyValid || s == ResolvesToAlreadyValid
}

// Result is the outcome of one requested path (CppNix's KeyedBuildResult).
type Result struct {
	Path   DerivedPath
	Status Status
	// Err is the failure, with CppNix's message (nil on success).
	Err error
	// Outputs maps the wanted outputs to their paths on success.
	Outputs map[string]storepath.StorePath
	// StartTime and StopTime are Unix times of the build (0 if nothing
	// was built).
	StartTime, StopTime int64

	logged bool // Err was already printed (CppNix's goal without ex)
}

// Options say how to build.
type Options struct {
	// Store is the store to build in; it must be a local store.
	Store store.Store
	// Config gives the settings (max-jobs, cores, sandbox, timeouts...).
	Config *config.Config
	// Log receives messages and activities; nil discards them.
	Log Logger
	// Mode is the build mode.
	Mode Mode
	// Getenv reads the environment (impureEnvVars of fixed-output
	// derivations, TMPDIR).
	Getenv func(string) (string, bool)
	// NixCommand tells whether the nix-command feature is enabled: failed
	// builds then suggest "nix log" instead of "nix-store -l".
	NixCommand bool
}

// Error is a build failure that ends a command, with the exit status
// CppNix gives it (100 + bits for timeouts, hash mismatches, check
// mismatches; 1 otherwise).
type Error struct {
	Msg    string
	Status int
}

func (e *Error) Error() string { return e.Msg }

// ExitStatus is the exit status the failure asks for.
func (e *Error) ExitStatus() int { return e.Status }

// errUnsupportedStore is CppNix's message for a store that cannot build.
var errUnsupportedStore = errors.New("\n        Unable to build with a primary store that isn't a local store;\n        either pass a different '--store' or enable remote builds.\n\n        For more information check 'man nix.conf' and search for '/machines'.\n        ")

// BuildWithResults realises paths and returns one result per path
// (CppNix's buildPathsWithResults). Failures of individual builds are in
// the results; the error is for failures of the whole operation.
func BuildWithResults(ctx context.Context, opts Options, paths []DerivedPath) ([]Result, error) {
	w, err := newWorker(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer w.close()
	return w.run(paths)
}

// Build realises paths as CppNix's buildPaths: the first failure is
// returned as an *Error (others are logged), with the exit status of the
// worst failure.
func Build(ctx context.Context, opts Options, paths []DerivedPath) error {
	w, err := newWorker(ctx, opts)
	if err != nil {
		return err
	}
	defer w.close()
	results, err := w.run(paths)
	if err != nil {
		return err
	}
	var failed []string
	var first error
	for _, r := range results {
		if r.Err != nil && !r.logged {
			if first == nil {
				first = r.Err
			} else {
				w.logError(r.Err)
			}
		}
		if !r.Status.Success() {
			failed = append(failed, "'"+w.dir.Path(r.Path.Path)+"'")
		}
	}
	status := w.failingExitStatus()
	switch {
	case len(failed) == 1 && first != nil:
		return &Error{Msg: first.Error(), Status: status}
	case len(failed) > 0:
		if first != nil {
			w.logError(first)
		}
		sort.Strings(failed)
		return &Error{Msg: fmt.Sprintf("build of %s failed", strings.Join(dedup(failed), ", ")), Status: status}
	}
	return nil
}

func dedup(s []string) []string {
	var out []string
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// localStore returns the local store of opts.
func localStore(s store.Store) (*local.Store, error) {
	ls, ok := s.(*local.Store)
	if !ok {
		return nil, errUnsupportedStore
	}
	return ls, nil
}
