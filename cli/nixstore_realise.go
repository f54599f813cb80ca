// This file holds the building operations of nix-store: --realise (-r),
// which builds derivations (or checks that paths are valid) and prints the
// outputs, registering them as GC roots with --add-root, and --read-log
// (-l), which prints build logs (CppNix's opRealise and opReadLog).

package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nixgo/nixgo/build"
	"github.com/nixgo/nixgo/format/storepath"
)

func opRealise(c *nixStoreCmd) error {
	dryRun, ignoreUnknown := false, false
	mode := build.Normal
	for _, f := range c.opFlags {
		switch f {
		case "--dry-run":
			dryRun = true
		case "--repair":
			mode = build.Repair
		case "--check":
			mode = build.Check
		case "--ignore-unknown":
			ignoreUnknown = true
		default:
			return usagef("unknown flag '%s'", f)
		}
	}
	type withOutputs struct {
		path    storepath.StorePath
		outputs []string
	}
	var args []withOutputs
	for _, a := range c.opArgs {
		path, outs, _ := strings.Cut(a, "!")
		p, err := followLinksToStorePath(c.store.Dir(), path)
		if err != nil {
			return err
		}
		w := withOutputs{path: p}
		if outs != "" {
			w.outputs = strings.Split(outs, ",")
		}
		args = append(args, w)
	}
	toDerived := func(w withOutputs) build.DerivedPath {
		if w.path.IsDerivation() {
			return build.DerivedPath{Path: w.path, Built: true, Outputs: w.outputs}
		}
		return build.DerivedPath{Path: w.path}
	}
	var paths []build.DerivedPath
	for _, w := range args {
		paths = append(paths, toDerived(w))
	}
	ctx, cancel := buildContext()
	defer cancel()
	log := c.e.legacyLogger(legacyLogFlagsOf(c.e.args))
	defer log.stop()
	if ignoreUnknown {
		_, unknown, err := build.Missing(ctx, c.store, paths)
		if err != nil {
			return err
		}
		unk := map[storepath.StorePath]bool{}
		for _, p := range unknown {
			unk[p] = true
		}
		var kept []withOutputs
		paths = nil
		for _, w := range args {
			if !unk[w.path] {
				kept = append(kept, w)
				paths = append(paths, toDerived(w))
			}
		}
		args = kept
	}
	if err := c.e.realiseDerivedPaths(ctx, c.store, paths, mode, dryRun, log); err != nil {
		return err
	}
	if dryRun || ignoreUnknown {
		return nil
	}
	warned := false
	for _, w := range args {
		out, err := c.realised(w.path, w.outputs, &warned)
		if err != nil {
			return err
		}
		if !c.noOutput {
			for _, s := range out {
				c.println(s)
			}
		}
	}
	return nil
}

// forceRealise makes p valid before a query (-q --force-realise): a
// derivation's outputs are built, another path must be valid (CppNix's
// realisePath).
func (c *nixStoreCmd) forceRealise(p storepath.StorePath) error {
	if !p.IsDerivation() {
		ok, err := c.store.IsValidPath(c.ctx, p)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("path '%s' does not exist and cannot be created", c.store.Dir().Path(p))
		}
		return nil
	}
	ctx, cancel := buildContext()
	defer cancel()
	log := c.e.legacyLogger(legacyLogFlagsOf(c.e.args))
	defer log.stop()
	return c.e.realiseDerivedPaths(ctx, c.store, []build.DerivedPath{{Path: p, Built: true}}, build.Normal, false, log)
}

// realised returns the paths realising p gave, registering roots with
// --add-root (CppNix's realisePath with build = false).
func (c *nixStoreCmd) realised(p storepath.StorePath, outputs []string, warned *bool) ([]string, error) {
	dir := c.store.Dir()
	gcWarning := func() {
		if !*warned && !containsString(c.e.args, "--no-gc-warning") {
			*warned = true
			c.e.log.warn("you did not specify '--add-root'; the result might be removed by the garbage collector")
		}
	}
	if !p.IsDerivation() {
		ok, err := c.store.IsValidPath(c.ctx, p)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("path '%s' does not exist and cannot be created", dir.Path(p))
		}
		ret := dir.Path(p)
		if c.gcRoot == "" {
			gcWarning()
		} else {
			c.rootNr++
			root := c.gcRoot
			if c.rootNr > 1 {
				root += fmt.Sprintf("-%d", c.rootNr)
			}
			r, err := addResultRoot(c.ctx, c.store, p, root)
			if err != nil {
				return nil, err
			}
			ret = r
		}
		return []string{ret}, nil
	}
	drv, err := loadBuildDrv(c.ctx, c.store, p)
	if err != nil {
		return nil, err
	}
	c.rootNr++
	if outputs == nil {
		outputs = drv.OutputNames()
	}
	set := map[string]bool{}
	for _, name := range outputs {
		o, ok := drv.Outputs[name]
		if !ok {
			return nil, fmt.Errorf("derivation '%s' does not have an output named '%s'", dir.Path(p), name)
		}
		ret := dir.Path(o.Path)
		if c.gcRoot == "" {
			gcWarning()
		} else {
			root := c.gcRoot
			if c.rootNr > 1 {
				root += fmt.Sprintf("-%d", c.rootNr)
			}
			if name != "out" {
				root += "-" + name
			}
			r, err := addResultRoot(c.ctx, c.store, o.Path, root)
			if err != nil {
				return nil, err
			}
			ret = r
		}
		set[ret] = true
	}
	var res []string
	for s := range set {
		res = append(res, s)
	}
	sort.Strings(res)
	return res, nil
}

func opReadLog(c *nixStoreCmd) error {
	if len(c.opFlags) > 0 {
		return usagef("unknown flag")
	}
	for _, a := range c.opArgs {
		p, err := followLinksToStorePath(c.store.Dir(), a)
		if err != nil {
			return err
		}
		drv, ok, err := buildDerivationPath(c.ctx, c.store, p)
		if err != nil {
			return err
		}
		var text []byte
		found := false
		if ok {
			if text, found, err = readBuildLog(c.store, drv); err != nil {
				return err
			}
		}
		if !found {
			return fmt.Errorf("build log of derivation '%s' is not available", c.store.Dir().Path(p))
		}
		c.out.Write(text)
	}
	return nil
}

// legacyLogFlagsOf finds the log flags of a classic command among its
// arguments (nix-store's parser takes them as common flags).
func legacyLogFlagsOf(args []string) buildLogFlags {
	var lf buildLogFlags
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return lf
		case a == "--log-format" && i+1 < len(args):
			lf.format = args[i+1]
			i++
		case a == "--no-build-output":
			lf.quiet, lf.format = true, "raw"
		case len(a) > 1 && a[0] == '-' && a[1] != '-':
			for j := 1; j < len(a) && isAlpha(a[j]); j++ {
				if a[j] == 'Q' {
					lf.quiet, lf.format = true, "raw"
				}
			}
		}
	}
	return lf
}
