// This file implements `nix build`: resolve installables (attributes of
// -f FILE or --expr EXPR, store paths, DRV^OUTPUTS) to derived paths, build
// them, make result links (GC roots), and print what was built (--json,
// --print-out-paths), as CppNix's CmdBuild. --dry-run prints what would be
// built. Flake installables need the flakes feature, which nixgo lacks.

package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/nixgo/nixgo/build"
	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/token"
	"github.com/nixgo/nixgo/store"
)

func runNixBuildCmd(e *env, args []string) error {
	var (
		ia       installableArgs
		ea       evalArgs
		lf       buildLogFlags
		outLink  = "result"
		printOut bool
		jsonOut  bool
		dryRun   bool
		mode     = build.Normal
	)
	e.nixVerbosity()
	p := newArgParser(e)
	p.addEval(&ea)
	p.addLogFlags(&lf, true)
	p.addInstallables(&ia, true)
	p.add("out-link", 'o', 1, func(v []string) error { outLink = v[0]; return nil })
	p.add("no-link", 0, 0, func([]string) error { outLink = ""; return nil })
	p.add("print-out-paths", 0, 0, func([]string) error { printOut = true; return nil })
	p.add("json", 0, 0, func([]string) error { jsonOut = true; return nil })
	p.add("dry-run", 0, 0, func([]string) error { dryRun = true; return nil })
	p.add("rebuild", 0, 0, func([]string) error { mode = build.Check; return nil })
	p.add("repair", 0, 0, func([]string) error { mode = build.Repair; return nil })
	p.add("keep-failed", 'K', 0, func([]string) error { return e.cfg.SetFromFlag("keep-failed", "") })
	p.add("keep-going", 'k', 0, func([]string) error { return e.cfg.SetFromFlag("keep-going", "") })
	p.add("cores", 0, 1, func(v []string) error { return e.cfg.SetFromFlag("cores", v[0]) })
	p.add("max-jobs", 'j', 1, func(v []string) error { return e.cfg.SetFromFlag("max-jobs", v[0]) })
	p.add("store", 0, 1, func(v []string) error { return e.cfg.SetFromFlag("store", v[0]) })
	if err := p.parse(args); err != nil {
		return err
	}
	if err := e.finishNixFlags(); err != nil {
		return err
	}
	if err := ia.settle(e, true); err != nil {
		return err
	}
	ctx, cancel := buildContext()
	defer cancel()
	es, err := e.openEvalStore(ctx, true)
	if err != nil {
		return err
	}
	s := es.Store()
	defer s.Close()
	log := e.nixLogger(lf)
	defer log.stop()
	es.useLogger(log)
	paths, err := e.buildInstallables(ctx, s, es, &ia, &ea)
	if err != nil {
		return err
	}
	if dryRun {
		if err := e.printMissingBuilds(ctx, s, paths, log, store.LevelError); err != nil {
			return err
		}
		if jsonOut {
			// CppNix prints the outputs the derivations will have.
			var results []build.Result
			for _, p := range paths {
				r := build.Result{Path: p}
				if p.Built {
					outs, err := drvOutputPaths(ctx, s, p.Path)
					if err != nil {
						return err
					}
					r.Outputs = map[string]storepath.StorePath{}
					for name, op := range outs {
						if p.Outputs == nil || containsString(p.Outputs, name) {
							r.Outputs[name] = op
						}
					}
				}
				results = append(results, r)
			}
			log.stop()
			fmt.Fprintln(e.stdout, derivedPathsJSON(s.Dir(), paths, results))
		}
		return nil
	}
	if e.cfg.Bool("print-missing") {
		if err := e.printMissingBuilds(ctx, s, paths, log, store.LevelInfo); err != nil {
			return err
		}
	}
	results, err := build.BuildWithResults(ctx, e.buildOptions(s, mode, log), paths)
	if err != nil || ctx.Err() != nil {
		return buildFailure(ctx, err)
	}
	if err := throwBuildErrors(s.Dir(), results, log); err != nil {
		return err
	}
	if jsonOut {
		log.stop()
		fmt.Fprintln(e.stdout, derivedPathsJSON(s.Dir(), paths, results))
	}
	if outLink != "" {
		for i, r := range results {
			link := outLink
			if i > 0 {
				link += fmt.Sprintf("-%d", i)
			}
			if !r.Path.Built {
				if _, err := addResultRoot(ctx, s, r.Path.Path, absPath(link)); err != nil {
					return err
				}
				continue
			}
			for _, name := range sortedOutputNames(r.Outputs) {
				l := link
				if name != "out" {
					l += "-" + name
				}
				if _, err := addResultRoot(ctx, s, r.Outputs[name], absPath(l)); err != nil {
					return err
				}
			}
		}
	}
	if printOut {
		log.stop()
		for _, r := range results {
			if !r.Path.Built {
				fmt.Fprintln(e.stdout, s.Dir().Path(r.Path.Path))
				continue
			}
			for _, name := range sortedOutputNames(r.Outputs) {
				fmt.Fprintln(e.stdout, s.Dir().Path(r.Outputs[name]))
			}
		}
	}
	return nil
}

// throwBuildErrors is CppNix's throwBuildErrors: one failure is the
// command's error; several are printed and summed up.
func throwBuildErrors(dir storepath.Dir, results []build.Result, log *buildLogger) error {
	var failed []build.Result
	for _, r := range results {
		if !r.Status.Success() {
			failed = append(failed, r)
		}
	}
	switch {
	case len(failed) == 1:
		if failed[0].Err != nil {
			return &exitError{code: 1, msg: errorText(failed[0].Err.Error())}
		}
		return &exitError{code: 1, msg: "error: build of '" + failed[0].Path.String(dir) + "' failed"}
	case len(failed) > 1:
		set := map[string]bool{}
		for _, r := range failed {
			if r.Err != nil {
				log.Log(store.LevelError, errorText(r.Err.Error()))
			}
			set["'"+r.Path.String(dir)+"'"] = true
		}
		var names []string
		for n := range set {
			names = append(names, n)
		}
		sort.Strings(names)
		return &exitError{code: 1, msg: "error: build of " + strings.Join(names, ", ") + " failed"}
	}
	return nil
}

func sortedOutputNames(m map[string]storepath.StorePath) []string {
	var names []string
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// derivedPathsJSON renders results as CppNix's --json output of nix build:
// opaque paths as strings, built ones as their derivation and outputs, with
// the times of builds that ran.
func derivedPathsJSON(dir storepath.Dir, paths []build.DerivedPath, results []build.Result) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, p := range paths {
		if i > 0 {
			b.WriteByte(',')
		}
		if !p.Built {
			b.WriteString(strconv.Quote(dir.Path(p.Path)))
			continue
		}
		r := results[i]
		b.WriteString(`{"drvPath":` + strconv.Quote(dir.Path(p.Path)) + `,"outputs":{`)
		for j, name := range sortedOutputNames(r.Outputs) {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(name) + ":" + strconv.Quote(dir.Path(r.Outputs[name])))
		}
		b.WriteByte('}')
		if r.StartTime != 0 {
			fmt.Fprintf(&b, `,"startTime":%d`, r.StartTime)
		}
		if r.StopTime != 0 {
			fmt.Fprintf(&b, `,"stopTime":%d`, r.StopTime)
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return b.String()
}

// buildInstallables resolves installables to derived paths (CppNix's
// parseInstallables and toDerivedPaths).
func (e *env) buildInstallables(ctx context.Context, s store.Store, es eval.Store, ia *installableArgs, ea *evalArgs) ([]build.DerivedPath, error) {
	if ia.file == nil && ia.expr == nil {
		if len(ia.attrs) == 0 {
			ia.attrs = []string{"."}
		}
		var res []build.DerivedPath
		for _, raw := range ia.attrs {
			prefix, spec, hasSpec := strings.Cut(raw, "^")
			if i := strings.LastIndexByte(raw, '^'); i >= 0 {
				prefix, spec, hasSpec = raw[:i], raw[i+1:], true
			}
			if strings.Contains(prefix, "/") {
				if d, ok := storeInstallable(s.Dir(), prefix, spec, hasSpec); ok {
					res = append(res, d)
					continue
				}
			}
			cwd, _ := ospath.Getwd()
			return nil, e.flakeRefError([]string{prefix}, cwd)
		}
		return res, nil
	}
	st, err := e.newEvalState(evalSetup{args: ea, store: es})
	if err != nil {
		return nil, err
	}
	autoArgs, err := e.autoArgs(st, ea)
	if err != nil {
		return nil, err
	}
	attrs := ia.attrs
	if len(attrs) == 0 {
		attrs = []string{""}
	}
	var res []build.DerivedPath
	for _, raw := range attrs {
		attrPath, spec, hasSpec := raw, "", false
		if i := strings.LastIndexByte(raw, '^'); i >= 0 {
			attrPath, spec, hasSpec = raw[:i], raw[i+1:], true
		}
		if attrPath == "." {
			attrPath = ""
		}
		one := &installableArgs{expr: ia.expr, file: ia.file, attrs: []string{attrPath}}
		v, pos, err := e.installableValue(st, one, func() (*eval.Attrs, error) { return autoArgs, nil })
		if err != nil {
			return nil, err
		}
		var paths []build.DerivedPath
		err = st.Eval(func() { paths = valueDerivedPaths(st, s.Dir(), v, pos, attrPath, autoArgs, spec, hasSpec) })
		if err != nil {
			return nil, e.evalError(st, err)
		}
		res = append(res, paths...)
	}
	return res, nil
}

// storeInstallable parses a store path installable.
func storeInstallable(dir storepath.Dir, prefix, spec string, hasSpec bool) (build.DerivedPath, bool) {
	if !hasSpec {
		p, err := followLinksToStorePathForBuild(dir, prefix)
		if err != nil {
			return build.DerivedPath{}, false
		}
		return build.DerivedPath{Path: p}, true
	}
	p, err := dir.Parse(absPath(prefix))
	if err != nil {
		return build.DerivedPath{}, false
	}
	d := build.DerivedPath{Path: p, Built: true}
	if spec != "*" {
		d.Outputs = strings.Split(spec, ",")
	}
	return d, true
}

// followLinksToStorePathForBuild resolves a path argument to the store path
// it leads to.
func followLinksToStorePathForBuild(dir storepath.Dir, arg string) (storepath.StorePath, error) {
	p := absPath(arg)
	if !dir.IsInStore(p) {
		if r, err := evalSymlinksNative(p); err == nil {
			p = r
		}
	}
	sp, _, err := dir.ToStorePath(p)
	return sp, err
}

// valueDerivedPaths turns an evaluated installable into derived paths
// (CppNix's InstallableAttrPath::toDerivedPaths).
func valueDerivedPaths(st *eval.State, dir storepath.Dir, v eval.Value, pos token.Pos, attrPath string, autoArgs *eval.Attrs, spec string, hasSpec bool) []build.DerivedPath {
	switch x := v.(type) {
	case eval.Path, *eval.String:
		var c eval.Context
		s := st.CoerceToString(pos, x, &c, fmt.Sprintf("while evaluating the attribute '%s'", attrPath), eval.CoerceOpts{CopyToStore: true, Canonicalize: true})
		if len(c) == 1 {
			elem := c[0]
			if strings.HasPrefix(elem, "!") {
				out, drv, _ := strings.Cut(elem[1:], "!")
				if p, err := dir.Parse(drv); err == nil {
					return []build.DerivedPath{{Path: p, Built: true, Outputs: []string{out}}}
				}
			} else if !strings.HasPrefix(elem, "=") {
				if p, err := dir.Parse(elem); err == nil {
					return []build.DerivedPath{{Path: p}}
				}
			}
		}
		st.Errorf(eval.EvalError, token.NoPos, "string '%s' has %d entries in its context. It should only have exactly one entry", s, len(c))
	}
	var drvs []packageInfo
	getDerivations(st, v, "", autoArgs, &drvs, map[*eval.Attrs]bool{})
	byDrv := map[storepath.StorePath]map[string]bool{}
	var order []storepath.StorePath
	for _, d := range drvs {
		p, err := dir.Parse(d.requireDrvPath(st))
		if err != nil {
			st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
		}
		outs := map[string]bool{}
		if hasSpec {
			if spec == "*" {
				outs = nil
			} else {
				for _, o := range strings.Split(spec, ",") {
					outs[o] = true
				}
			}
		} else {
			for _, o := range outputsToInstall(st, d) {
				outs[o] = true
			}
			if len(outs) == 0 {
				outs["out"] = true
			}
		}
		prev, ok := byDrv[p]
		switch {
		case !ok:
			byDrv[p] = outs
			order = append(order, p)
		case prev == nil || outs == nil:
			byDrv[p] = nil
		default:
			for o := range outs {
				prev[o] = true
			}
		}
	}
	storepath.SortPaths(order)
	var res []build.DerivedPath
	for _, p := range order {
		d := build.DerivedPath{Path: p, Built: true}
		if outs := byDrv[p]; outs != nil {
			for o := range outs {
				d.Outputs = append(d.Outputs, o)
			}
			sort.Strings(d.Outputs)
		}
		res = append(res, d)
	}
	return res
}

// outputsToInstall returns the outputs a derivation installs by default
// (CppNix's queryOutputs(false, true)): the one named by outputName with
// outputSpecified, else meta.outputsToInstall, else all outputs.
func outputsToInstall(st *eval.State, d packageInfo) []string {
	var outputs []string
	if a := d.attrs.Get(st.Sym("outputs")); a != nil {
		l := st.ForceList(a.Value, a.Pos, "while evaluating the 'outputs' attribute of a derivation")
		for _, el := range l.Elems {
			outputs = append(outputs, st.ForceStringNoCtx(el, a.Pos, "while evaluating the name of an output of a derivation"))
		}
	} else {
		outputs = []string{"out"}
	}
	if a := d.attrs.Get(st.Sym("outputSpecified")); a != nil && st.ForceBool(a.Value, a.Pos, "while evaluating the 'outputSpecified' attribute of a derivation") {
		name := d.queryOutputName(st)
		if !containsString(outputs, name) {
			st.Errorf(eval.EvalError, token.NoPos, "derivation does not have output '%s'", name)
		}
		return []string{name}
	}
	meta := d.attrs.Get(st.Sym("meta"))
	if meta == nil {
		return outputs
	}
	ma, ok := st.Force(meta.Value, meta.Pos).(*eval.Attrs)
	if !ok {
		return outputs
	}
	oti := ma.Get(st.Sym("outputsToInstall"))
	if oti == nil {
		return outputs
	}
	l, ok := st.Force(oti.Value, oti.Pos).(*eval.List)
	if !ok {
		st.Errorf(eval.EvalError, token.NoPos, "this derivation has bad 'meta.outputsToInstall'")
	}
	var res []string
	for _, el := range l.Elems {
		s, ok := st.Force(el, oti.Pos).(*eval.String)
		if !ok || !containsString(outputs, s.S) {
			st.Errorf(eval.EvalError, token.NoPos, "this derivation has bad 'meta.outputsToInstall'")
		}
		res = append(res, s.S)
	}
	return res
}

func containsString(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// evalSymlinksNative resolves the symlinks of a Nix path on this system.
func evalSymlinksNative(p string) (string, error) {
	r, err := filepath.EvalSymlinks(ospath.Native(p))
	if err != nil {
		return "", err
	}
	return ospath.FromNative(r), nil
}
