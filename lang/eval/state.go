// This file holds the evaluation state, its options, the base environment, and
// the entry points that parse and evaluate files and strings.

package eval

import (
	"errors"
	"os"
	pathpkg "path"
	"reflect"
	"strings"
	"syscall"

	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

// Options configure an evaluation.
type Options struct {
	// StoreDir is the logical store directory (default /nix/store).
	StoreDir string
	// Store gives access to the store; see the Store interface.
	Store Store
	// SearchPath is the lookup path for <...> (NIX_PATH, -I, nix-path).
	SearchPath []SearchPathEntry
	// PureEval and RestrictEval restrict file system access as in CppNix.
	PureEval, RestrictEval bool
	// ShowTrace keeps the full trace of errors (--show-trace).
	ShowTrace bool
	// MaxCallDepth bounds nested function calls (max-call-depth, default 10000).
	MaxCallDepth int
	// TraceVerbose enables builtins.traceVerbose.
	TraceVerbose bool
	// System is builtins.currentSystem.
	System string
	// Home is the home directory for ~/ paths.
	Home string
	// Parser options: lints and experimental syntax.
	LintURL, LintShortPath, LintAbsolutePath syntax.Diagnose
	PipeOperators                            bool
	// Features holds the enabled experimental features.
	Features map[string]bool
	// AbortOnWarn makes builtins.warn fail (abort-on-warn).
	AbortOnWarn bool
	// DebuggerOnTrace is not supported; kept for settings compatibility.
	// Log receives warnings and traces, already formatted (without trailing newline).
	Log func(msg string)
	// Talk receives CppNix's talkative messages ("evaluating file ..."), which
	// it shows with -v; nil drops them.
	Talk func(msg string)
	// Chatty receives CppNix's chatty messages ("copied source ...",
	// "instantiated ..."), which it shows with -vv; nil drops them.
	Chatty func(msg string)
	// Debug receives CppNix's debug messages (-vvv) that do not depend on
	// the machine ("hashed ..."); nil drops them.
	Debug func(msg string)
	// HashOnly says that the store only computes paths (CppNix's
	// readOnlyMode), for the messages of FetchToStore.
	HashOnly bool
	// Getenv reads environment variables (builtins.getEnv); defaults to os.Getenv.
	Getenv func(string) string
	// AllowedPaths are readable in restricted mode.
	AllowedPaths []string
}

// SearchPathEntry is one element of the lookup path: prefix=path or path.
type SearchPathEntry struct {
	Prefix string
	Path   string
}

// State is an evaluation in progress: symbols, parsed files, the base
// environment, caches, and the stacks used for errors. It is not safe for
// concurrent use.
type State struct {
	Options
	Symbols *syntax.Symbols
	Files   *token.FileSet

	baseScope *scope
	baseEnv   *Env    // the environment below every other; its values are baseVals
	baseVals  []Value // the values of the base scope, read directly by baseVarNode
	envTypes  map[int]reflect.Type
	// envPool holds environments of calls that left no reference to them,
	// by number of slots.
	envPool   [17][]*Env
	builtins  *AttrsBuilder
	builtinsV *Attrs

	frames       []frame
	forcing      []forcing
	args         []Value
	callDepth    int
	maxCallDepth int
	maxNesting   int

	fileEval       map[string]Value
	fileParse      map[string]node
	srcToStore     map[string]string
	searchResolved map[string]string
	internalFiles  map[string]string // <nix/NAME> sources

	// Cache is a place for builtins to keep per-evaluation data (regex caches...).
	Cache map[string]any

	// Predefined symbols, in CppNix's order of creation.
	sWith, sOutPath, sDrvPath, sType, sMeta, sName, sValue, sSystem, sOverrides,
	sOutputs, sOutputName, sIgnoreNulls, sFile, sLine, sColumn, sFunctor, sToString,
	sRight, sWrong, sStructuredAttrs, sAllowedReferences, sAllowedRequisites,
	sDisallowedReferences, sDisallowedRequisites, sMaxSize, sMaxClosureSize,
	sBuilder, sArgs, sContentAddressed, sImpure, sOutputHash, sOutputHashAlgo,
	sOutputHashMode, sRecurseForDerivations, sDescription, sSelf, sEpsilon,
	sStartSet, sOperator, sKey, sPath, sPrefix, sOutputSpecified syntax.Symbol
}

// Sym returns the symbol for name.
func (st *State) Sym(name string) syntax.Symbol { return st.Symbols.Intern(name) }

// New returns a state with the base environment's constants; builtins are added
// with AddPrimOp and AddConstant, then FinishBaseEnv must be called.
func New(opts Options) *State {
	st := &State{Options: opts, Symbols: syntax.NewSymbols(), Files: token.NewFileSet()}
	if st.StoreDir == "" {
		st.StoreDir = "/nix/store"
	}
	st.maxCallDepth = opts.MaxCallDepth
	if st.maxCallDepth == 0 {
		st.maxCallDepth = 10000
	}
	// Deep recursion that is not function calls (nested thunks, deepSeq of deep
	// structures) ends with a stack overflow error where CppNix's C stack would
	// overflow, at roughly the same depth.
	st.maxNesting = 60000
	if st.Getenv == nil {
		st.Getenv = os.Getenv
	}
	if st.Log == nil {
		st.Log = func(msg string) { os.Stderr.WriteString(msg + "\n") }
	}
	if st.Features == nil {
		st.Features = map[string]bool{}
	}
	st.fileEval = map[string]Value{}
	st.fileParse = map[string]node{}
	st.srcToStore = map[string]string{}
	st.searchResolved = map[string]string{}
	st.internalFiles = map[string]string{}
	st.Cache = map[string]any{}
	st.internSymbols()
	st.baseScope = newScope(nil, 256)
	st.baseEnv = &Env{}
	st.envTypes = map[int]reflect.Type{}
	st.builtins = NewAttrsBuilder(256)
	return st
}

func (st *State) internSymbols() {
	s := st.Symbols.Intern
	st.sWith = s("<with>")
	st.sOutPath = s("outPath")
	st.sDrvPath = s("drvPath")
	st.sType = s("type")
	st.sMeta = s("meta")
	st.sName = s("name")
	st.sValue = s("value")
	st.sSystem = s("system")
	st.sOverrides = s("__overrides")
	st.sOutputs = s("outputs")
	st.sOutputName = s("outputName")
	st.sIgnoreNulls = s("__ignoreNulls")
	st.sFile = s("file")
	st.sLine = s("line")
	st.sColumn = s("column")
	st.sFunctor = s("__functor")
	st.sToString = s("__toString")
	st.sRight = s("right")
	st.sWrong = s("wrong")
	st.sStructuredAttrs = s("__structuredAttrs")
	st.sAllowedReferences = s("allowedReferences")
	st.sAllowedRequisites = s("allowedRequisites")
	st.sDisallowedReferences = s("disallowedReferences")
	st.sDisallowedRequisites = s("disallowedRequisites")
	st.sMaxSize = s("maxSize")
	st.sMaxClosureSize = s("maxClosureSize")
	st.sBuilder = s("builder")
	st.sArgs = s("args")
	st.sContentAddressed = s("__contentAddressed")
	st.sImpure = s("__impure")
	st.sOutputHash = s("outputHash")
	st.sOutputHashAlgo = s("outputHashAlgo")
	st.sOutputHashMode = s("outputHashMode")
	st.sRecurseForDerivations = s("recurseForDerivations")
	st.sDescription = s("description")
	st.sSelf = s("self")
	st.sEpsilon = s("")
	st.sStartSet = s("startSet")
	st.sOperator = s("operator")
	st.sKey = s("key")
	st.sPath = s("path")
	st.sPrefix = s("prefix")
	st.sOutputSpecified = s("outputSpecified")
	for _, n := range []string{"__sub", "__lessThan", "__mul", "__div", "or", "__findFile", "__nixPath", "body"} {
		s(n)
	}
}

// AddConstant adds a value to the base environment under name, and to builtins
// under name without a leading "__".
func (st *State) AddConstant(name string, v Value) {
	sym := st.Symbols.Intern(name)
	st.baseScope.names[sym] = len(st.baseVals)
	st.baseVals = append(st.baseVals, v)
	bare := strings.TrimPrefix(name, "__")
	st.builtins.Add(st.Symbols.Intern(bare), token.NoPos, v)
}

// AddPrimOp adds a built-in function. Its name in the base environment is
// op.Name as given (e.g. "__add" or "map"); op.Name is then set to the name
// shown in messages (without "__").
func (st *State) AddPrimOp(op *PrimOp) {
	name := op.Name
	op.Name = strings.TrimPrefix(name, "__")
	st.AddConstant(name, op)
}

// Builtins returns the builtins set (valid after FinishBaseEnv).
func (st *State) Builtins() *Attrs { return st.builtinsV }

// BaseValue returns the value of a name in the base environment.
func (st *State) BaseValue(name string) Value {
	sym, ok := st.Symbols.Lookup(name)
	if !ok {
		return nil
	}
	i, ok := st.baseScope.names[sym]
	if !ok {
		return nil
	}
	return st.baseVals[i]
}

// FinishBaseEnv completes the base environment: it adds the builtins set.
func (st *State) FinishBaseEnv() {
	st.builtinsV = st.builtins.Finish()
	// "builtins" is the first constant in CppNix; it refers to the finished set.
	sym := st.Symbols.Intern("builtins")
	if i, ok := st.baseScope.names[sym]; ok {
		st.baseVals[i] = st.builtinsV
	} else {
		st.baseScope.names[sym] = len(st.baseVals)
		st.baseVals = append(st.baseVals, st.builtinsV)
	}
	if a := st.builtinsV.Get(sym); a != nil {
		a.Value = st.builtinsV
	}
}

// SetBaseValue replaces the value of a base environment name (used to tie the
// knot for values defined in Nix, such as derivation).
func (st *State) SetBaseValue(name string, v Value) {
	sym := st.Symbols.Intern(name)
	if i, ok := st.baseScope.names[sym]; ok {
		st.baseVals[i] = v
	}
	bare := st.Symbols.Intern(strings.TrimPrefix(name, "__"))
	if st.builtinsV != nil {
		if a := st.builtinsV.Get(bare); a != nil {
			a.Value = v
		}
	}
}

// parserConfig returns the parser settings for sources in baseDir.
func (st *State) parserConfig(baseDir string) *syntax.Config {
	return &syntax.Config{
		BaseDir: baseDir, Home: st.Home, PureEval: st.PureEval,
		PipeOperators: st.PipeOperators || st.Features["pipe-operators"],
		NoURLLiterals: st.Features["no-url-literals"],
		LintURL:       st.LintURL, LintShortPath: st.LintShortPath, LintAbsolutePath: st.LintAbsolutePath,
		Warn: func(pos token.Pos, msg string) {
			if pos == token.NoPos {
				st.Log("warning: " + msg) // CppNix's plain warn()
				return
			}
			st.Log(st.RenderWarning("warning", msg, pos))
		},
	}
}

// Program is a parsed expression, checked for undefined variables and ready to
// evaluate in the base environment.
type Program struct {
	Syntax syntax.Expr
	node   node
}

// Parse parses src from the given origin. name is the file path for files.
// baseDir resolves relative paths.
func (st *State) Parse(kind token.OriginKind, name string, src []byte, baseDir string) (*Program, error) {
	e, n, err := st.parse(kind, name, src, baseDir, st.baseScope)
	if err != nil {
		return nil, err
	}
	return &Program{Syntax: e, node: n}, nil
}

// EvalProgram evaluates a parsed expression. Errors are raised as panics; call it
// inside Eval.
func (st *State) EvalProgram(p *Program) Value {
	return p.node.eval(st, st.baseEnv)
}

func (st *State) parse(kind token.OriginKind, name string, src []byte, baseDir string, sc *scope) (syntax.Expr, node, error) {
	f := st.Files.AddFile(kind, name, src)
	e, err := syntax.Parse(st.Files, f, src, st.Symbols, st.parserConfig(baseDir))
	if err != nil {
		pe := err.(*syntax.Error)
		return nil, nil, &Error{Kind: ParseError, Pos: pe.Pos, Msg: pe.Msg}
	}
	n, cerr := st.compile(e, sc)
	if cerr != nil {
		return nil, nil, cerr
	}
	return e, n, nil
}

// Eval runs f, converting an evaluation error raised inside into an error value
// with its traces. This is the boundary where panics raised by the evaluator end.
func (st *State) Eval(f func()) error {
	if err := st.catch(f); err != nil {
		st.finish(err)
		return err
	}
	return nil
}

// EvalString parses and evaluates an expression given as text (nix -E).
func (st *State) EvalString(src, baseDir string) (Value, error) {
	_, n, err := st.parse(token.OriginString, "", []byte(src), baseDir, st.baseScope)
	if err != nil {
		return nil, err
	}
	var v Value
	err = st.Eval(func() { v = n.eval(st, st.baseEnv) })
	return v, err
}

// EvalStdin parses and evaluates an expression read from standard input.
func (st *State) EvalStdin(src []byte, baseDir string) (Value, error) {
	_, n, err := st.parse(token.OriginStdin, "", src, baseDir, st.baseScope)
	if err != nil {
		return nil, err
	}
	var v Value
	err = st.Eval(func() { v = n.eval(st, st.baseEnv) })
	return v, err
}

// EvalFileTop evaluates a file at the top level, returning errors as values.
func (st *State) EvalFileTop(path string) (Value, error) {
	var v Value
	err := st.Eval(func() { v = st.EvalFile(path) })
	return v, err
}

// ResolveExprPath turns a directory into its default.nix, as CppNix's resolveExprPath.
func ResolveExprPath(path string) string {
	for i := 0; i < 1024; i++ {
		fi, err := os.Lstat(ospath.Native(path))
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			break
		}
		target, err := os.Readlink(ospath.Native(path))
		if err != nil {
			break
		}
		target = ospath.FromNative(target)
		if !strings.HasPrefix(target, "/") {
			target = pathpkg.Join(pathpkg.Dir(path), target)
		}
		path = target
	}
	if fi, err := os.Stat(ospath.Native(path)); err == nil && fi.IsDir() {
		return path + "/default.nix"
	}
	return path
}

// EvalFile evaluates the file at path (import), using the cache of evaluated files.
func (st *State) EvalFile(path string) Value {
	if v, ok := st.fileEval[path]; ok {
		return v
	}
	// <nix/NAME> files built into the program (internalfiles.go).
	if v, ok := st.evalInternalFile(path); ok {
		return v
	}
	resolved := ResolveExprPath(path)
	if v, ok := st.fileEval[resolved]; ok {
		return v
	}
	if st.Talk != nil && st.talkFile(path) {
		st.Talk("evaluating file '" + resolved + "'")
	}
	n, ok := st.fileParse[resolved]
	if !ok {
		n = st.parseFileOrThrow(resolved, resolved != path, st.baseScope)
		st.fileParse[resolved] = n
	}
	st.frames = append(st.frames, frame{kind: fMsg, msg: "while evaluating the file '" + resolved + "':"})
	v := n.eval(st, st.baseEnv)
	st.frames = st.frames[:len(st.frames)-1]
	st.fileEval[resolved] = v
	if path != resolved {
		st.fileEval[path] = v
	}
	return v
}

// talkFile reports whether the file about to be evaluated is announced:
// CppNix resolves the path first, which checks access (raising here) and
// fails, before any message, on a path that does not exist.
func (st *State) talkFile(path string) bool {
	st.CheckPathAllowed(path)
	_, err := os.Lstat(ospath.Native(path))
	return err == nil
}

// parseFileOrThrow parses the file at path; resolved says that path is what
// ResolveExprPath made of another path (see readSource).
func (st *State) parseFileOrThrow(path string, resolved bool, sc *scope) node {
	src, err := st.readSource(path, resolved)
	if err != nil {
		st.throw(err)
	}
	_, n, perr := st.parse(token.OriginFile, path, src, pathpkg.Dir(path), sc)
	if perr != nil {
		st.throw(perr.(*Error))
	}
	return n
}

// readFileChecked reads a source file, with CppNix's messages for missing files.
func (st *State) readFileChecked(path string) ([]byte, *Error) {
	st.CheckPathAllowed(path)
	b, err := os.ReadFile(ospath.Native(path))
	if err != nil {
		if os.IsNotExist(err) || errors.Is(err, syscall.ENOTDIR) {
			// CppNix's maybeLstat finds nothing on ENOENT and ENOTDIR alike.
			return nil, &Error{Kind: IOError, Msg: "path '" + path + "' does not exist"}
		}
		if pe, ok := err.(*os.PathError); ok {
			return nil, &Error{Kind: IOError, Msg: "opening file '" + path + "': " + syserr.Strerror(pe.Err)}
		}
		return nil, &Error{Kind: IOError, Msg: err.Error()}
	}
	return b, nil
}

// readSource reads a file to parse. When ResolveExprPath appended default.nix
// to a directory, CppNix opens the file without looking it up first, and a
// missing default.nix is an error opening it.
func (st *State) readSource(path string, resolved bool) ([]byte, *Error) {
	src, err := st.readFileChecked(path)
	if err != nil && resolved && strings.HasSuffix(path, "/default.nix") && strings.HasSuffix(err.Msg, "' does not exist") {
		if fi, serr := os.Stat(ospath.Native(pathpkg.Dir(path))); serr == nil && fi.IsDir() {
			err.Msg = "opening file '" + path + "': No such file or directory"
		}
	}
	return src, err
}

// ScopedImport evaluates the file at path with the attributes of scope added to
// the base scope (builtins.scopedImport). The result is not cached.
func (st *State) ScopedImport(scopeAttrs *Attrs, path string) Value {
	resolved := ResolveExprPath(path)
	sc := newScope(st.baseScope, scopeAttrs.Len())
	env := st.newEnv(st.baseEnv, scopeAttrs.Len())
	for i, a := range scopeAttrs.flat() {
		sc.names[a.Name] = i
		*env.slot(i) = a.Value
	}
	if st.Talk != nil {
		// CppNix announces it before resolving the path (but after the
		// access check of realisePath).
		st.CheckPathAllowed(path)
		st.Talk("evaluating file '" + path + "'")
	}
	n := st.parseFileOrThrow(resolved, resolved != path, sc)
	st.frames = append(st.frames, frame{kind: fMsg, msg: "while evaluating the file '" + resolved + "':"})
	v := n.eval(st, env)
	st.frames = st.frames[:len(st.frames)-1]
	return v
}

// CheckPathAllowed fails in pure or restricted mode when path may not be read.
// CppNix resolves the path component by component through its allow list, where
// the directories above an allowed path are allowed too, so the error names the
// first component outside the allowed paths.
func (st *State) CheckPathAllowed(path string) {
	if !st.PureEval && !st.RestrictEval {
		return
	}
	for i := 1; i <= len(path); i++ {
		if i < len(path) && path[i] != '/' {
			continue
		}
		if p := path[:i]; !st.pathAllowed(p) {
			mode := "in restricted mode"
			if st.PureEval {
				mode = "in pure evaluation mode (use '--impure' to override)"
			}
			st.Errorf(RestrictedPath, token.NoPos, "access to absolute path '%s' is forbidden %s", p, mode)
		}
	}
}

// pathAllowed reports whether p is, lies in or lies above the store or an
// allowed path.
func (st *State) pathAllowed(p string) bool {
	ok := func(a string) bool {
		return p == a || strings.HasPrefix(p, a+"/") || strings.HasPrefix(a, p+"/")
	}
	if ok(st.StoreDir) {
		return true
	}
	for _, a := range st.AllowedPaths {
		if ok(a) {
			return true
		}
	}
	return false
}

// isInternal reports whether pos lies in a file the evaluator provides itself
// (derivation.nix), whose attributes CppNix leaves out of traces.
func (st *State) isInternal(pos token.Pos) bool {
	f := st.Files.File(pos)
	return f != nil && f.Kind() == token.OriginInternal
}

// MkPos returns the { file, line, column } set of a position, or null.
func (st *State) MkPos(p token.Pos) Value {
	pos := st.Files.Position(p)
	if !pos.IsValid() || pos.File.Kind() != token.OriginFile {
		return Null
	}
	b := NewAttrsBuilder(3)
	b.Add(st.sFile, token.NoPos, MkString(pos.File.Name()))
	b.Add(st.sLine, token.NoPos, MkInt(int64(pos.Line)))
	b.Add(st.sColumn, token.NoPos, MkInt(int64(pos.Column)))
	return b.Finish()
}

// ParseFile parses the file at path.
func (st *State) ParseFile(path string) (*Program, error) {
	src, err := st.readFileChecked(path)
	if err != nil {
		return nil, err
	}
	return st.Parse(token.OriginFile, path, src, pathpkg.Dir(path))
}

// ParseExprFile parses the Nix file that path names: path itself, or the
// default.nix of the directory path, as CppNix's resolveExprPath.
func (st *State) ParseExprFile(path string) (*Program, error) {
	resolved := ResolveExprPath(path)
	src, err := st.readSource(resolved, resolved != path)
	if err != nil {
		return nil, err
	}
	return st.Parse(token.OriginFile, resolved, src, pathpkg.Dir(resolved))
}

// EvalInternal evaluates source built into the program (such as the definition
// of derivation) in the base environment. Positions print as name.
func (st *State) EvalInternal(name, src string) (Value, error) {
	_, n, err := st.parse(token.OriginInternal, name, []byte(src), "/", st.baseScope)
	if err != nil {
		return nil, err
	}
	var v Value
	err = st.Eval(func() { v = n.eval(st, st.baseEnv) })
	return v, err
}

// ParseThunk parses an expression (as given to --arg) and returns it as an
// unevaluated value in the base environment.
func (st *State) ParseThunk(src, baseDir string) (Value, error) {
	_, n, err := st.parse(token.OriginString, "", []byte(src), baseDir, st.baseScope)
	if err != nil {
		return nil, err
	}
	return &Thunk{code: n, x: st.baseEnv}, nil
}
