// Package cli implements nixgo's commands: the nix command with its subcommands and the
// classic nix-* commands, chosen by the name the binary is invoked under.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nixgo/nixgo/config"
)

// Version is the version nixgo reports.
const Version = "2.26.3"

// env holds what a command needs from its surroundings; tests substitute it.
type env struct {
	prog   string // the name the program was invoked as (nix, nix-instantiate, ...)
	args   []string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) (string, bool)
	log    *logger
	cfg    *config.Config
	// readOnlyMode is CppNix's settings.readOnlyMode (--dry-run, --readonly-mode):
	// paths are computed, not written.
	readOnlyMode bool
	// noGCWarning silences the warning about results without --add-root.
	noGCWarning bool
	// isNix is set for the nix command, whose subcommands all take the
	// --version of its main arguments; showVersion records that flag.
	isNix       bool
	showVersion bool
	// printBuildLogs and logFormat are -L and --log-format given where the
	// command does not take them itself (before a nix subcommand).
	printBuildLogs bool
	logFormat      string
}

// Main runs the program with the given arguments and standard streams and returns
// the exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return MainEnv(args, stdin, stdout, stderr, os.LookupEnv)
}

// MainEnv is Main with the environment variables given by getenv, for tests
// that run commands in-process.
func MainEnv(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) (string, bool)) int {
	prog := "nix"
	if len(args) > 0 {
		prog = strings.TrimSuffix(filepath.Base(args[0]), ".exe")
	}
	e := &env{prog: prog, args: args[1:], stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	e.log = newLogger(stderr)
	return e.run()
}

func (e *env) run() (status int) {
	// A bug must not show a Go stack trace to the user: report it as an error.
	// Evaluation errors never get here; they are values by the time commands see them.
	defer func() {
		if r := recover(); r != nil {
			e.log.errorMsg(fmt.Sprintf("error: internal error in nixgo: %v\n(please report this as a bug; set NIXGO_PANIC=1 to see where it happened)", r))
			if v, _ := e.getenv("NIXGO_PANIC"); v == "1" {
				panic(r)
			}
			status = 1
		}
	}()
	cmd, ok := legacyCommands()[e.prog]
	if !ok {
		cmd = runNix
	}
	err := e.loadConfig()
	if err == nil {
		err = cmd(e)
	}
	if err == nil {
		return 0
	}
	var ex *exitError
	if errors.As(err, &ex) {
		if ex.msg != "" {
			e.log.errorMsg(ex.msg)
		}
		return ex.code
	}
	var ue *usageError
	if errors.As(err, &ue) {
		e.log.errorMsg("error: " + ue.msg + "\nTry '" + e.prog + " --help' for more information.")
		return 1
	}
	var cue *config.UsageError
	if errors.As(err, &cue) {
		e.log.errorMsg("error: " + cue.Error() + "\nTry '" + e.prog + " --help' for more information.")
		return 1
	}
	e.log.errorMsg("error: " + err.Error())
	return 1
}

func (e *env) loadConfig() error {
	l := &config.Loader{Getenv: e.getenv, Warn: func(msg string) { e.log.warn(msg) }}
	cfg, err := l.Load()
	if err != nil {
		return err
	}
	e.cfg = cfg
	return nil
}

// usageError is a command-line error; it is printed with a hint to --help.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// exitError ends the program with a status and a message already formatted.
type exitError struct {
	code int
	msg  string
}

func (x *exitError) Error() string { return x.msg }

// verbosity levels, as CppNix's.
const (
	lvlError = iota
	lvlWarn
	lvlNotice
	lvlInfo
	lvlTalkative
	lvlChatty
	lvlDebug
	lvlVomit
)

// logger writes messages to standard error, filtered by verbosity.
type logger struct {
	w     io.Writer
	level int
	json  bool // --log-format internal-json (jsonlog.go)
}

func newLogger(w io.Writer) *logger { return &logger{w: w, level: lvlInfo} }

// Messages are filtered as CppNix's logger does for a non-terminal.
func (l *logger) errorMsg(msg string) { fmt.Fprintln(l.w, filterANSIEscapes(msg)) }

func (l *logger) warn(msg string) {
	if l.level >= lvlWarn {
		if l.json {
			l.writeJSONMsg(map[string]any{"action": "msg", "level": lvlWarn, "msg": ansiWarning + "warning:" + ansiNormal + " " + msg})
			return
		}
		fmt.Fprintln(l.w, filterANSIEscapes("warning: "+msg))
	}
}

// printAt prints msg when the verbosity is at least level.
func (l *logger) printAt(level int, msg string) { l.msgAt(level, msg) }
