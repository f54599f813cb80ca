// This file builds an evaluation state from the settings and the evaluation
// flags, and holds the helpers commands share to print results and errors.

package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"

	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/lang/builtins"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
	"github.com/nixgo/nixgo/store/dummy"
)

// evalSetup describes the evaluator a command wants.
type evalSetup struct {
	args     *evalArgs
	readOnly bool
	store    eval.Store
}

func lintLevel(s string) syntax.Diagnose {
	switch s {
	case "warn":
		return syntax.DiagnoseWarn
	case "fatal":
		return syntax.DiagnoseFatal
	}
	return syntax.DiagnoseIgnore
}

// newEvalState makes an evaluation state from the configuration.
func (e *env) newEvalState(s evalSetup) (*eval.State, error) {
	cfg := e.cfg
	opts := eval.Options{
		StoreDir:      cfg.Dirs().StoreDir,
		PureEval:      cfg.Bool("pure-eval"),
		RestrictEval:  cfg.Bool("restrict-eval"),
		ShowTrace:     cfg.Bool("show-trace"),
		MaxCallDepth:  int(cfg.Int("max-call-depth")),
		TraceVerbose:  cfg.Bool("trace-verbose"),
		System:        cfg.String("system"),
		AbortOnWarn:   cfg.Bool("abort-on-warn"),
		Home:          homeDir(e.getenv),
		PipeOperators: cfg.HasFeature("pipe-operators"),
		Features:      map[string]bool{},
		Store:         s.store,
	}
	if sys := cfg.String("eval-system"); sys != "" {
		opts.System = sys
	}
	for _, f := range cfg.EnabledFeatures() {
		opts.Features[string(f)] = true
	}
	if s.args != nil {
		opts.LintURL = lintLevel(s.args.lints["lint-url-literals"])
		opts.LintShortPath = lintLevel(s.args.lints["lint-short-path-literals"])
		opts.LintAbsolutePath = lintLevel(s.args.lints["lint-absolute-path-literals"])
	}
	opts.Getenv = func(k string) string { v, _ := e.getenv(k); return v }
	opts.Log = e.log.evalLog
	if e.log.level >= lvlTalkative {
		opts.Talk = func(msg string) { e.log.msgAt(lvlTalkative, msg) }
	}
	if e.log.level >= lvlChatty {
		opts.Chatty = func(msg string) { e.log.msgAt(lvlChatty, msg) }
	}
	if e.log.level >= lvlDebug {
		opts.Debug = func(msg string) { e.log.msgAt(lvlDebug, msg) }
	}
	opts.HashOnly = s.readOnly || e.readOnlyMode
	if !opts.PureEval {
		var elems []string
		if s.args != nil {
			elems = append(elems, s.args.include...)
		}
		elems = append(elems, cfg.Strings("nix-path")...)
		for _, el := range elems {
			prefix, path := "", el
			if i := strings.IndexByte(el, '='); i >= 0 {
				prefix, path = el[:i], el[i+1:]
			}
			path = ospath.FromNative(path) // C:\x on Windows
			opts.SearchPath = append(opts.SearchPath, eval.SearchPathEntry{Prefix: prefix, Path: path})
		}
	}
	if opts.Store == nil {
		opts.Store = dummy.New(opts.StoreDir)
	}
	// The store names its paths in its own directory (local?store=/x).
	if d, ok := opts.Store.(interface{ StoreDir() string }); ok && d.StoreDir() != "" {
		opts.StoreDir = d.StoreDir()
	}
	st := eval.New(opts)
	builtins.Install(st, builtins.Config{})
	if err := st.Eval(st.AllowSearchPath); err != nil {
		return nil, e.evalError(st, err)
	}
	return st, nil
}

func homeDir(getenv func(string) (string, bool)) string {
	if runtime.GOOS == "windows" {
		// CppNix's getHome on Windows reads only %USERPROFILE%.
		h, ok := getenv("USERPROFILE")
		if !ok || h == "" {
			h = `C:\Users\Default`
		}
		return syntax.CanonPath(ospath.FromNative(h))
	}
	if h, ok := getenv("HOME"); ok && h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}

// autoArgs builds the set of --arg/--argstr values.
func (e *env) autoArgs(st *eval.State, a *evalArgs) (*eval.Attrs, error) {
	b := eval.NewAttrsBuilder(len(a.autoArgs))
	cwd, _ := ospath.Getwd()
	// CppNix keeps them in a map: they are parsed and read in the order of
	// their names.
	args := slices.Clone(a.autoArgs)
	slices.SortFunc(args, func(x, y autoArg) int { return strings.Compare(x.name, y.name) })
	for _, arg := range args {
		var v eval.Value
		switch arg.kind {
		case "expr":
			th, err := st.ParseThunk(arg.value, cwd)
			if err != nil {
				return nil, e.evalError(st, err)
			}
			v = th
		case "string":
			v = eval.MkString(arg.value)
		case "file":
			data, err := readFileArg(arg.value)
			if err != nil {
				return nil, err
			}
			v = eval.MkString(string(data))
		case "stdin":
			data, err := readAll(e.stdin)
			if err != nil {
				return nil, err
			}
			v = eval.MkString(string(data))
		}
		b.Add(st.Sym(arg.name), token.NoPos, v)
	}
	return b.Finish(), nil
}

// evalError renders an evaluation error as CppNix prints it.
func (e *env) evalError(st *eval.State, err error) error {
	msg := st.Render(err, e.cfg.Bool("show-trace"))
	code := 1
	var ee *eval.Error
	if errors.As(err, &ee) {
		if ee.Kind == eval.UsageError {
			msg = strings.TrimSuffix(msg, "\n") + "\nTry '" + e.prog + " --help' for more information."
		}
		if ee.Status != 0 {
			code = ee.Status
		}
	}
	return &exitError{code: code, msg: msg}
}

// absPath makes p (a native path: C:\x or x\y on Windows) an absolute Nix
// path against the current directory, lexically.
func absPath(p string) string {
	p = ospath.FromNative(p)
	if strings.HasPrefix(p, "/") {
		return syntax.CanonPath(p)
	}
	cwd, _ := ospath.Getwd()
	return syntax.CanonPath(cwd + "/" + p)
}

// writeHeapProfile writes a heap profile to $NIXGO_MEMPROFILE while the
// evaluation state is still alive (a development aid).
func (e *env) writeHeapProfile(st *eval.State) {
	path, ok := e.getenv("NIXGO_MEMPROFILE")
	if !ok || path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		return
	}
	runtime.GC()
	pprof.WriteHeapProfile(f)
	f.Close()
	runtime.KeepAlive(st)
}

// readFileArg reads a file named on the command line, with CppNix's
// messages for failing to open it and to read it.
func readFileArg(path string) ([]byte, error) {
	f, err := os.Open(ospath.Native(path))
	if err != nil {
		return nil, fmt.Errorf("opening file '%s': %s", path, syserr.Strerror(err))
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("reading from file: %s", syserr.Strerror(err))
	}
	return data, nil
}
