// Package builtins implements the Nix language's built-in functions and
// constants (the builtins set and the names of the base environment), on top of
// the evaluator's exported API.
//
// Each family of builtins lives in its own file as a table of definitions: name
// (with "__" when CppNix only exposes it through builtins), arity, and the Go
// function. Messages and error contexts are CppNix's words, since users and
// tools match on them. Install registers everything into an evaluation state.
package builtins

import (
	_ "embed"
	"time"

	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/token"
)

// fn is the signature of every builtin: the state, the position of the call
// (CppNix passes none to builtins, so it is usually NoPos) and the arguments,
// unevaluated.
type fn = func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value

// def is one builtin.
type def struct {
	name    string
	arity   int
	fn      fn
	noTrace bool // no "while calling the 'X' builtin" trace
	doc     string
}

// Config holds the settings the builtins depend on.
type Config struct {
	// NixVersion is builtins.nixVersion.
	NixVersion string
	// CurrentTime is builtins.currentTime (Unix seconds); zero means now.
	CurrentTime int64
}

// NixVersion is the version nixgo reports to Nix code: high enough for the
// minimum-version checks of nixpkgs.
const NixVersion = "2.26.3"

// families lists the tables in the order CppNix registers them.
func families() [][]def {
	return [][]def{
		importBuiltins,
		typeBuiltins,
		controlBuiltins,
		derivationBuiltins,
		pathBuiltins,
		attrBuiltins,
		listBuiltins,
		arithBuiltins,
		stringBuiltins,
		hashBuiltins,
		contextBuiltins,
		formatBuiltins,
		fetchBuiltins,
	}
}

// Install adds the constants and builtins to st and completes its base
// environment; st is then ready to evaluate.
func Install(st *eval.State, cfg Config) {
	if cfg.NixVersion == "" {
		cfg.NixVersion = NixVersion
	}
	st.AddConstant("builtins", eval.Null) // replaced by the builtins set itself
	st.AddConstant("true", eval.Bool(true))
	st.AddConstant("false", eval.Bool(false))
	st.AddConstant("null", eval.Null)
	now := cfg.CurrentTime
	if now == 0 {
		now = time.Now().Unix()
	}
	// Impure constants do not exist at all in pure evaluation mode.
	if !st.PureEval {
		st.AddConstant("__currentTime", eval.MkInt(now))
		st.AddConstant("__currentSystem", eval.MkString(st.System))
	}
	st.AddConstant("__nixVersion", eval.MkString(cfg.NixVersion))
	st.AddConstant("__storeDir", eval.MkString(st.StoreDir))
	st.AddConstant("__langVersion", eval.MkInt(6))
	add := func(d def) {
		st.AddPrimOp(&eval.PrimOp{Name: d.name, Arity: d.arity, Fn: d.fn, NoTrace: d.noTrace, Doc: d.doc})
	}
	if st.TraceVerbose {
		add(def{name: "__traceVerbose", arity: 2, fn: primTrace})
	} else {
		add(def{name: "__traceVerbose", arity: 2, fn: primSecond})
	}
	st.AddConstant("__nixPath", nixPathValue(st))
	for _, fam := range families() {
		for _, d := range fam {
			add(d)
		}
	}
	st.AddConstant("derivation", eval.Null) // tied below, once builtins exist
	st.FinishBaseEnv()
	installDerivation(st)
}

// nixPathValue is builtins.nixPath: the search path as [ { path; prefix; } ].
func nixPathValue(st *eval.State) eval.Value {
	l := make([]eval.Value, len(st.SearchPath))
	for i, e := range st.SearchPath {
		b := eval.NewAttrsBuilder(2)
		b.Add(st.SymPath(), token.NoPos, eval.MkString(e.Path))
		b.Add(st.SymPrefix(), token.NoPos, eval.MkString(e.Prefix))
		l[i] = b.Finish()
	}
	return eval.MkList(l)
}

// ctxArg is the usual error context for the nth argument of a builtin.
func ctxArg(n int, name string) string {
	return "while evaluating the " + ordinal(n) + " argument passed to builtins." + name
}

func ordinal(n int) string {
	switch n {
	case 1:
		return "first"
	case 2:
		return "second"
	case 3:
		return "third"
	}
	return "fourth"
}
