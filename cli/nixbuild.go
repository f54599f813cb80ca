// This file implements nix-build: evaluate expressions (files, -E, -A, --arg)
// to derivations, or take .drv paths, build them, make result symlinks
// (registered as GC roots) and print the output paths, as CppNix's
// main_nix_build (without the nix-shell half).

package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nixgo/nixgo/build"
	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/token"
	"github.com/nixgo/nixgo/store"
)

// nixBuildArgs are nix-build's options.
type nixBuildArgs struct {
	files     []string
	attrPaths []string
	fromArgs  bool
	readStdin bool
	outLink   string
	noOutLink bool
	dryRun    bool
	mode      build.Mode
	eval      evalArgs
	log       buildLogFlags
}

func runNixBuild(e *env) error {
	a := &nixBuildArgs{outLink: "./result"}
	p := newArgParser(e)
	p.addLegacy()
	p.addEval(&a.eval)
	p.addLogFlags(&a.log, false)
	showHelp := false
	p.own = func(args []string, i int) (int, error) {
		arg := args[i]
		need := func() (string, error) {
			if i+1 >= len(args) {
				return "", usagef("'%s' requires an argument", arg)
			}
			return args[i+1], nil
		}
		switch arg {
		case "--help":
			showHelp = true
		case "--version":
			// Printed at once, as CppNix's LegacyArgs do.
			fmt.Fprintf(e.stdout, "nix-build (Nix) %s\n", Version)
			return 0, &exitError{code: 0}
		case "--add-drv-link", "--indirect":
		case "--no-out-link", "--no-link":
			a.noOutLink = true
		case "--attr", "-A":
			v, err := need()
			if err != nil {
				return 0, err
			}
			a.attrPaths = append(a.attrPaths, v)
			return 2, nil
		case "--drv-link":
			if _, err := need(); err != nil {
				return 0, err
			}
			return 2, nil
		case "--out-link", "-o":
			v, err := need()
			if err != nil {
				return 0, err
			}
			a.outLink, a.noOutLink = v, false
			return 2, nil
		case "--dry-run":
			a.dryRun = true
		case "--check":
			a.mode = build.Check
		case "--repair":
			a.mode = build.Repair
		case "--expr", "-E":
			a.fromArgs = true
		case "--pure", "--impure":
		case "-":
			a.readStdin = true
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
	if showHelp {
		fmt.Fprint(e.stdout, nixBuildHelp)
		return nil
	}
	ctx, cancel := buildContext()
	defer cancel()
	es, err := e.openEvalStore(ctx, false)
	if err != nil {
		return err
	}
	s := es.Store()
	defer s.Close()
	log := e.legacyLogger(a.log)
	defer log.stop()
	es.useLogger(log)
	st, err := e.newEvalState(evalSetup{args: &a.eval, store: es})
	if err != nil {
		return err
	}
	autoArgs, err := e.autoArgs(st, &a.eval)
	if err != nil {
		return err
	}
	type want struct {
		drv    storepath.StorePath
		output string
	}
	var wants []want
	addDrv := func(drvPath, output string) error {
		sp, err := s.Dir().Parse(drvPath)
		if err != nil {
			return err
		}
		wants = append(wants, want{sp, output})
		return nil
	}
	var exprs []*eval.Program
	cwd, _ := ospath.Getwd()
	if a.readStdin {
		src, err := readAll(e.stdin)
		if err != nil {
			return err
		}
		prog, err := st.Parse(token.OriginStdin, "", src, cwd)
		if err != nil {
			return e.evalError(st, err)
		}
		exprs = append(exprs, prog)
	} else {
		if !a.fromArgs && len(a.files) == 0 {
			a.files = []string{"."}
		}
		for _, f := range a.files {
			if a.fromArgs {
				prog, err := st.Parse(token.OriginString, "", []byte(f), cwd)
				if err != nil {
					return e.evalError(st, err)
				}
				exprs = append(exprs, prog)
				continue
			}
			abs := absPath(f)
			if r, err := filepath.EvalSymlinks(ospath.Native(abs)); err == nil {
				abs = ospath.FromNative(r)
			}
			path, outs, _ := strings.Cut(abs, "!")
			if s.Dir().IsStorePath(path) && strings.HasSuffix(path, ".drv") {
				out, err := drvOutputName(ctx, s, path, outs)
				if err != nil {
					return err
				}
				if err := addDrv(path, out); err != nil {
					return err
				}
				continue
			}
			var file string
			if err := st.Eval(func() { file = e.lookupFileArg(st, f) }); err != nil {
				return e.evalError(st, err)
			}
			var prog *eval.Program
			var perr error
			if err := st.Eval(func() { prog, perr = st.ParseExprFile(file) }); err != nil {
				return e.evalError(st, err)
			}
			if err := perr; err != nil {
				return e.evalError(st, err)
			}
			exprs = append(exprs, prog)
		}
	}
	if len(a.attrPaths) == 0 {
		a.attrPaths = []string{""}
	}
	for _, prog := range exprs {
		var root eval.Value
		if err := st.Eval(func() { root = st.EvalProgram(prog) }); err != nil {
			return e.evalError(st, err)
		}
		for _, ap := range a.attrPaths {
			var drvs []packageInfo
			err := st.Eval(func() {
				v, pos := st.FindAlongAttrPath(ap, autoArgs, root)
				v = st.Force(v, st.DeterminePos(v, pos))
				getDerivations(st, v, "", autoArgs, &drvs, map[*eval.Attrs]bool{})
				for _, d := range drvs {
					drvPath := d.requireDrvPath(st)
					out := d.queryOutputName(st)
					if out == "" {
						st.Errorf(eval.EvalError, token.NoPos, "derivation '%s' lacks an 'outputName' attribute", drvPath)
					}
					if err := addDrv(drvPath, out); err != nil {
						st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
					}
				}
			})
			if err != nil {
				return e.evalError(st, err)
			}
		}
	}

	// Group the requests by derivation, numbering the result links.
	var paths []build.DerivedPath
	counter := map[storepath.StorePath]int{}
	for _, w := range wants {
		paths = append(paths, build.DerivedPath{Path: w.drv, Built: true, Outputs: []string{w.output}})
		if _, ok := counter[w.drv]; !ok {
			counter[w.drv] = len(counter)
		}
	}
	if e.cfg.Bool("print-missing") {
		if err := e.printMissingBuilds(ctx, s, paths, log, store.LevelInfo); err != nil {
			return err
		}
	}
	if a.dryRun {
		return nil
	}
	if err := build.Build(ctx, e.buildOptions(s, a.mode, log), paths); err != nil {
		return buildFailure(ctx, err)
	}
	outLink := a.outLink
	if a.noOutLink {
		tmp, err := os.MkdirTemp("", "nix-build-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		outLink = filepath.Join(tmp, "result")
	}
	var outPaths []storepath.StorePath
	for _, w := range wants {
		outs, err := drvOutputPaths(ctx, s, w.drv)
		if err != nil {
			return err
		}
		op, ok := outs[w.output]
		if !ok {
			return fmt.Errorf("derivation '%s' does not have an output named '%s'", s.Dir().Path(w.drv), w.output)
		}
		link := outLink
		if n := counter[w.drv]; n > 0 {
			link += fmt.Sprintf("-%d", n+1)
		}
		if w.output != "out" {
			link += "-" + w.output
		}
		if _, err := addResultRoot(ctx, s, op, absPath(link)); err != nil {
			return err
		}
		outPaths = append(outPaths, op)
	}
	log.stop()
	for _, p := range outPaths {
		fmt.Fprintln(e.stdout, s.Dir().Path(p))
	}
	return nil
}

// drvOutputName is the output a .drv argument stands for: the one named
// after '!', else the derivation's outputName variable, else "out" (CppNix's
// PackageInfo for a derivation path).
func drvOutputName(ctx context.Context, s store.Store, drvPath, outs string) (string, error) {
	if outs != "" {
		if strings.Contains(outs, ",") {
			return "", fmt.Errorf("building more than one derivation output is not supported, in '%s!%s'", drvPath, outs)
		}
		return outs, nil
	}
	sp, err := s.Dir().Parse(drvPath)
	if err != nil {
		return "", err
	}
	drv, err := loadBuildDrv(ctx, s, sp)
	if err != nil {
		return "", err
	}
	if n, ok := drv.Env["outputName"]; ok {
		return n, nil
	}
	return "out", nil
}

// outputPaths returns the output paths of a derivation (CppNix's
// queryPartialDerivationOutputMap).
func drvOutputPaths(ctx context.Context, s store.Store, drv storepath.StorePath) (map[string]storepath.StorePath, error) {
	d, err := loadBuildDrv(ctx, s, drv)
	if err != nil {
		return nil, err
	}
	m := map[string]storepath.StorePath{}
	for name, o := range d.Outputs {
		if !o.Path.IsZero() {
			m[name] = o.Path
		}
	}
	return m, nil
}

const nixBuildHelp = `Usage: nix-build [OPTIONS...] [PATHS...]

Build the derivations described by Nix expressions, or store derivations,
and create symlinks to their outputs.

Options:
  -A, --attr PATH       build the attribute PATH of the expression
  -E, --expr            treat the arguments as expressions, not file names
  --arg NAME EXPR       pass EXPR as the argument NAME of the top-level function
  --argstr NAME STR     pass the string STR as the argument NAME
  -o, --out-link PATH   name the result symlink PATH (default ./result)
  --no-out-link         do not create result symlinks
  --dry-run             show what would be built
  --check               rebuild and compare with the existing outputs
  -K, --keep-failed     keep the build directory of failed builds
  -k, --keep-going      keep building after a failure
  -j, --max-jobs N      run at most N builds at once
  --cores N             tell builders to use N cores
  -Q, --no-build-output do not show build logs
  --store URI           build in another store
  --option NAME VALUE   set a configuration setting
`
