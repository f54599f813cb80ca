// This file implements nix-instantiate: parse or evaluate Nix expressions, or
// instantiate the derivations they describe.

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/dummy"
	"github.com/nixgo/nixgo/store/stores"
)

// instantiateArgs are nix-instantiate's options.
type instantiateArgs struct {
	files     []string
	readStdin bool
	fromArgs  bool
	findFile  bool
	evalOnly  bool
	parseOnly bool
	output    string // "", "raw", "xml", "json"
	location  bool
	strict    bool
	attrPaths []string
	readWrite bool
	gcRoot    string
	eval      evalArgs
	showHelp  bool
	repair    bool // --repair: store paths written again
}

func runInstantiate(e *env) error {
	a := &instantiateArgs{location: true}
	p := newArgParser(e)
	p.addLegacy()
	p.addEval(&a.eval)
	p.own = func(args []string, i int) (int, error) {
		arg := args[i]
		switch arg {
		case "--help":
			a.showHelp = true
		case "--version":
			// Printed at once, as CppNix's LegacyArgs do.
			fmt.Fprintf(e.stdout, "nix-instantiate (Nix) %s\n", Version)
			return 0, &exitError{code: 0}
		case "-":
			a.readStdin = true
		case "--expr", "-E":
			a.fromArgs = true
		case "--eval", "--eval-only":
			a.evalOnly = true
		case "--read-write-mode":
			a.readWrite = true
		case "--parse", "--parse-only":
			a.parseOnly, a.evalOnly = true, true
		case "--find-file":
			a.findFile = true
		case "--attr", "-A":
			if i+1 >= len(args) {
				return 0, usagef("'%s' requires an argument", arg) // CppNix's getArg
			}
			a.attrPaths = append(a.attrPaths, args[i+1])
			return 2, nil
		case "--add-root":
			if i+1 >= len(args) {
				return 0, usagef("'%s' requires an argument", arg) // CppNix's getArg
			}
			a.gcRoot = args[i+1]
			return 2, nil
		case "--repair":
			a.repair = true
		case "--indirect":
		case "--raw":
			a.output = "raw"
		case "--xml":
			a.output = "xml"
		case "--json":
			a.output = "json"
		case "--no-location":
			a.location = false
		case "--strict":
			a.strict = true
		case "--dry-run":
			e.readOnlyMode = true
		default:
			if strings.HasPrefix(arg, "-") && arg != "" {
				return 0, nil
			}
			a.files = append(a.files, arg)
		}
		return 1, nil
	}
	if err := p.parse(e.args); err != nil {
		return err
	}
	if err := e.cfg.FinishFlags(); err != nil {
		return err
	}
	if a.showHelp {
		fmt.Fprint(e.stdout, instantiateHelp)
		return nil
	}
	setup := evalSetup{args: &a.eval, readOnly: a.evalOnly && !a.readWrite}
	if !setup.readOnly {
		// Instantiation writes .drv files and sources to the store.
		es, err := e.openEvalStore(context.Background(), false)
		if err != nil {
			return err
		}
		defer es.Close()
		es.Repair = a.repair
		setup.store = es
	} else {
		ro, err := e.evalOnlyStore(a.eval.evalStore)
		if err != nil {
			return err
		}
		defer ro.Close()
		setup.store = ro
	}
	st, err := e.newEvalState(setup)
	if err != nil {
		return err
	}
	autoArgs, err := e.autoArgs(st, &a.eval)
	if err != nil {
		return err
	}
	if len(a.attrPaths) == 0 {
		a.attrPaths = []string{""}
	}
	if a.findFile {
		for _, f := range a.files {
			var v eval.Value
			if err := st.Eval(func() { v = st.FindFile(f, token.NoPos) }); err != nil {
				return e.evalError(st, err)
			}
			p := string(v.(eval.Path))
			if strings.HasPrefix(p, "<") {
				// A file built into the program (<nix/fetchurl.nix>).
				return fmt.Errorf("'%s' has no physical path", p)
			}
			fmt.Fprintln(e.stdout, p)
		}
		return nil
	}
	cwd, _ := ospath.Getwd()
	if a.readStdin {
		src, err := readAll(e.stdin)
		if err != nil {
			return err
		}
		expr, err := st.Parse(token.OriginStdin, "", src, cwd)
		if err != nil {
			return e.evalError(st, err)
		}
		if err := e.processExpr(st, a, autoArgs, expr, ""); err != nil {
			return err
		}
	} else if len(a.files) == 0 && !a.fromArgs {
		a.files = append(a.files, "./default.nix")
	}
	for _, f := range a.files {
		var expr *eval.Program
		if a.fromArgs {
			expr, err = st.Parse(token.OriginString, "", []byte(f), cwd)
		} else {
			var path string
			if err := st.Eval(func() { path = e.lookupFileArg(st, f) }); err != nil {
				return e.evalError(st, err)
			}
			if strings.HasPrefix(path, "<") && !a.parseOnly {
				// A file built into the program (<nix/fetchurl.nix>).
				if err := e.processExpr(st, a, autoArgs, nil, path); err != nil {
					return err
				}
				continue
			}
			// Reading the file checks pure and restricted mode, which raises.
			var perr error
			if err := st.Eval(func() { expr, perr = st.ParseExprFile(path) }); err != nil {
				return e.evalError(st, err)
			}
			err = perr
		}
		if err != nil {
			return e.evalError(st, err)
		}
		if err := e.processExpr(st, a, autoArgs, expr, ""); err != nil {
			return err
		}
	}
	e.writeHeapProfile(st)
	return nil
}

// evalOnlyStore is the store of nix-instantiate --eval: paths are only
// computed, in the directory of the store chosen with --eval-store or
// --store, which CppNix opens all the same (creating a local store). The
// default store is opened only when fetchurl downloads a file, which
// CppNix writes to it (nixgo may not reach it: a daemon).
func (e *env) evalOnlyStore(evalStoreURL string) (*readOnlyStore, error) {
	dir := e.cfg.Dirs().StoreDir
	open := func(url string) error {
		s, err := stores.Open(context.Background(), url, e.storeOptions())
		var pe *store.ParseError
		if errors.As(err, &pe) {
			return usagef("%s", pe.Msg)
		}
		if err != nil {
			return err
		}
		dir = string(s.Dir())
		s.Close()
		return nil
	}
	if url := e.cfg.String("store"); url != "auto" {
		if err := open(url); err != nil {
			return nil, err
		}
	}
	if evalStoreURL != "" {
		if err := open(evalStoreURL); err != nil {
			return nil, err
		}
	}
	ro := &readOnlyStore{Store: dummy.New(dir)}
	ro.open = func() (store.Store, error) {
		if evalStoreURL != "" {
			return stores.Open(context.Background(), evalStoreURL, e.storeOptions())
		}
		return e.openStore(context.Background())
	}
	return ro, nil
}

// lookupFileArg resolves a file argument: <p> through the search path, else a
// path relative to the current directory (flake:ID needs flakes, which nixgo
// does not have).
func (e *env) lookupFileArg(st *eval.State, s string) string {
	if strings.HasPrefix(s, "flake:") && !e.cfg.HasFeature("flakes") {
		st.Errorf(eval.EvalError, token.NoPos, "experimental Nix feature 'flakes' is disabled; add '--extra-experimental-features flakes' to enable it")
	}
	if len(s) > 2 && s[0] == '<' && s[len(s)-1] == '>' {
		return string(st.FindFile(s[1:len(s)-1], token.NoPos).(eval.Path))
	}
	return absPath(s)
}

// processExpr parses, evaluates or instantiates expr, or the file built
// into the program at internal when expr is nil.
func (e *env) processExpr(st *eval.State, a *instantiateArgs, autoArgs *eval.Attrs, expr *eval.Program, internal string) error {
	if a.parseOnly {
		fmt.Fprintln(e.stdout, syntax.Show(st.Symbols, expr.Syntax))
		return nil
	}
	var root eval.Value
	if err := st.Eval(func() {
		if expr == nil {
			root = st.EvalFile(internal)
		} else {
			root = st.EvalProgram(expr)
		}
	}); err != nil {
		return e.evalError(st, err)
	}
	for _, path := range a.attrPaths {
		var out string
		err := st.Eval(func() {
			v, _ := st.FindAlongAttrPath(path, autoArgs, root)
			v = st.Force(v, st.DeterminePos(v, token.NoPos))
			if !a.evalOnly {
				e.instantiateValue(st, a, autoArgs, v)
				return
			}
			res := v
			if autoArgs.Len() > 0 {
				res = st.AutoCall(autoArgs, v)
			}
			switch a.output {
			case "raw":
				out = st.CoerceToString(token.NoPos, res, nil, "while generating the nix-instantiate output",
					eval.CoerceOpts{CopyToStore: true, Canonicalize: true})
			case "json":
				// A string the library cannot print (invalid UTF-8) stops
				// CppNix's streamed output in the middle.
				st.WriteJSONTop(e.stdout, res, a.strict, st.DeterminePos(v, token.NoPos))
			case "xml":
				// Written as it is made, so that an error leaves the part written
				// so far, closed, as CppNix's streamed output does.
				st.WriteXMLTop(e.stdout, res, a.strict, a.location)
			default:
				if a.strict {
					res = st.DeepForce(res)
				}
				out = st.PrintAmbiguous(res) + "\n"
			}
		})
		if err != nil {
			return e.evalError(st, err)
		}
		io.WriteString(e.stdout, out)
	}
	return nil
}

func readAll(r io.Reader) ([]byte, error) {
	if r == nil {
		return nil, nil
	}
	return io.ReadAll(r)
}

const instantiateHelp = `Usage: nix-instantiate [OPTIONS...] [FILES...]

Instantiate store derivations from Nix expressions, or evaluate them.

Options:
  --parse             parse the expressions and print their syntax tree
  --eval              evaluate the expressions and print the result
  --strict            evaluate the result deeply
  --json, --xml       print the result as JSON or XML
  -A, --attr PATH     select an attribute of the result
  -E, --expr          treat the arguments as expressions, not file names
  --arg NAME EXPR     pass EXPR as the argument NAME of the top-level function
  --argstr NAME STR   pass the string STR as the argument NAME
  -I PATH             add PATH to the search path for <...>
  --find-file         look up files in the search path
  --add-root PATH     register the result as a garbage collector root
  --show-trace        show the full trace of errors
  --option NAME VALUE set a configuration setting
`
