// This file holds what the building commands (nix-build, nix-store
// --realise, nix build) share: the log format flags, the options passed to
// package build, CppNix's printMissing, result links registered as GC roots,
// and how build failures end the command.

package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/nixgo/nixgo/build"
	"github.com/nixgo/nixgo/config"
	"github.com/nixgo/nixgo/format/derivation"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
)

// buildLogFlags are --log-format, -Q (--no-build-output) and -L
// (--print-build-logs).
type buildLogFlags struct {
	format    string
	quiet     bool // -Q: no build output
	buildLogs bool // -L
}

// addLogFlags registers the log flags on p (replacing the no-op versions of
// the common flags).
func (p *argParser) addLogFlags(lf *buildLogFlags, withL bool) {
	p.add("log-format", 0, 1, func(v []string) error {
		if err := parseLogFormat(v[0]); err != nil {
			return err
		}
		lf.format = v[0]
		return nil
	})
	p.add("no-build-output", 'Q', 0, func([]string) error { lf.quiet = true; lf.format = "raw"; return nil })
	if withL {
		p.add("print-build-logs", 'L', 0, func([]string) error { lf.buildLogs = true; return nil })
	}
}

// legacyLogger makes the logger of a classic command: plain lines with the
// build logs, unless -Q or --log-format say otherwise.
func (e *env) legacyLogger(lf buildLogFlags) *buildLogger {
	if lf.format == "" || lf.format == "raw" && !lf.quiet {
		return e.newBuildLogger("raw", !lf.quiet)
	}
	return e.newBuildLogger(lf.format, false)
}

// nixLogger makes the logger of a nix command: the progress bar, with the
// build logs when -L is given.
func (e *env) nixLogger(lf buildLogFlags) *buildLogger {
	format := lf.format
	if format == "" {
		format = e.logFormat // given before the subcommand
	}
	if format == "" {
		format = "bar"
	}
	lf.buildLogs = lf.buildLogs || e.printBuildLogs
	if lf.buildLogs && format == "bar" {
		format = "bar-with-logs"
	}
	if lf.buildLogs && format == "raw" {
		format = "raw-with-logs"
	}
	return e.newBuildLogger(format, lf.buildLogs)
}

// nixVerbosity lowers the verbosity of a nix command to "notice" on a
// terminal, where the status line shows progress (CppNix's nix main sets
// notice on a terminal, info elsewhere, before flags raise it).
func (e *env) nixVerbosity() {
	if _, tty := terminalWidth(e.stderr); tty {
		if t, _ := e.getenv("TERM"); t != "" && t != "dumb" && e.log.level > lvlError {
			e.log.level--
		}
	}
}

// buildContext returns a context cancelled by SIGINT, SIGTERM and SIGHUP
// (CppNix's interrupts), so that builds are killed and cleaned up.
func buildContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
}

// buildOptions returns the options of package build for this command.
func (e *env) buildOptions(s store.Store, mode build.Mode, log build.Logger) build.Options {
	return build.Options{
		Store:      s,
		Config:     e.cfg,
		Log:        log,
		Mode:       mode,
		Getenv:     e.getenv,
		NixCommand: e.cfg.HasFeature(config.NixCommand),
	}
}

// printMissing prints what realising paths will do (CppNix's printMissing)
// at level.
func (e *env) printMissingBuilds(ctx context.Context, s store.Store, paths []build.DerivedPath, log *buildLogger, level store.Level) error {
	willBuild, unknown, err := build.Missing(ctx, s, paths)
	if err != nil {
		return err
	}
	if len(willBuild) > 0 {
		if len(willBuild) == 1 {
			log.Log(level, "this derivation will be built:")
		} else {
			log.Log(level, fmt.Sprintf("these %d derivations will be built:", len(willBuild)))
		}
		sorted, err := store.TopoSort(ctx, s, willBuild)
		if err != nil {
			return err
		}
		for i := len(sorted) - 1; i >= 0; i-- {
			log.Log(level, "  "+s.Dir().Path(sorted[i]))
		}
	}
	if len(unknown) > 0 {
		suffix := ""
		if e.cfg.Bool("readonly-mode") {
			suffix = " (may be caused by read-only store access)"
		}
		log.Log(level, "don't know how to build these paths"+suffix+":")
		for _, p := range unknown {
			log.Log(level, "  "+s.Dir().Path(p))
		}
	}
	return nil
}

// buildFailure turns an error of package build into the command's exit.
func buildFailure(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		// Interrupted (SIGINT): the builds were killed.
		return &exitError{code: 1, msg: "error: interrupted by the user"}
	}
	var be *build.Error
	if errors.As(err, &be) {
		return &exitError{code: be.Status, msg: errorText(be.Msg)}
	}
	return &exitError{code: 1, msg: errorText(err.Error())}
}

// errorText renders an error message as CppNix's showErrorInfo: "error: "
// before it, the other lines indented by its width, trailing spaces
// removed.
func errorText(msg string) string {
	s := "error: " + indentErrorLines(msg)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimRight(s[:i], " ") + s[i:]
	}
	return strings.TrimRight(s, " ")
}

// indentErrorLines indents the lines after the first by the width of
// "error: " (CppNix's showErrorInfo).
func indentErrorLines(msg string) string {
	lines := strings.Split(strings.TrimRight(msg, "\n"), "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = strings.TrimRight("       "+lines[i], " \t\r")
	}
	return strings.Join(lines, "\n")
}

// addResultRoot makes link a GC root pointing to p (CppNix's addPermRoot
// for result symlinks), returning the link as registered.
func addResultRoot(ctx context.Context, s store.Store, p storepath.StorePath, link string) (string, error) {
	r, ok := s.(store.GCRooter)
	if !ok {
		return link, nil
	}
	if _, local := s.(store.LocalFS); !local {
		return link, nil
	}
	return r.AddPermRoot(ctx, p, link)
}

// loadBuildDrv reads the valid derivation p of a local store.
func loadBuildDrv(ctx context.Context, s store.Store, p storepath.StorePath) (*derivation.Derivation, error) {
	ok, err := s.IsValidPath(ctx, p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("path '%s' is not valid", s.Dir().Path(p))
	}
	fs, isLocal := s.(store.LocalFS)
	if !isLocal {
		return nil, fmt.Errorf("cannot read derivation '%s' from store '%s'", s.Dir().Path(p), s.URI())
	}
	text, err := os.ReadFile(fs.RealPath(p))
	if err != nil {
		return nil, err
	}
	name, err := p.DrvName()
	if err != nil {
		return nil, err
	}
	return derivation.Parse(s.Dir(), string(text), name)
}
