// This file resolves the installables of the nix commands that work on
// store paths (path-info, store verify, store dump-path, derivation show):
// store paths, symlinks to them and files in them, and "DRV^OUTPUTS" for
// outputs of derivations. Flake and file installables are not supported;
// they get the errors of nix eval's installables. It also prints, as CppNix
// does before using paths, what would have to be built (printMissing).

package cli

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
)

// storePathsArgs are the flags of CppNix's StorePathsCommand and its raw
// installables.
type storePathsArgs struct {
	installables []string
	recursive    bool // -r: the closure of the paths
	all          bool // --all: every valid path
	readStdin    bool // --stdin: installables from standard input
}

// add registers the flags. withRecursive is false for commands whose -r
// means something else (derivation show).
func (a *storePathsArgs) add(p *argParser, withRecursive bool) {
	if withRecursive {
		p.add("recursive", 'r', 0, func([]string) error { a.recursive = true; return nil })
		p.add("all", 0, 0, func([]string) error { a.all = true; return nil })
	}
	p.add("stdin", 0, 0, func([]string) error { a.readStdin = true; return nil })
	p.own = positionalArgs(&a.installables, -1)
}

// derivedPath is an installable resolved: a store path, or outputs of a
// derivation (CppNix's DerivedPath).
type derivedPath struct {
	path    storepath.StorePath
	built   bool     // path is a derivation whose outputs are meant
	outputs []string // the outputs named; nil with built means all ("*")
}

// outputsSpecName matches one output name of an outputs specification.
var outputsSpecName = regexp.MustCompile(`^[a-zA-Z0-9+\-._?=]+$`)

// validOutputsSpec reports whether s, the outputs after '^', is "*" or names
// separated by commas, none of them "." or ".." or starting with ".-" or
// "..-" (CppNix's OutputsSpec, whose name regex has a negative lookahead).
func validOutputsSpec(s string) bool {
	if s == "*" {
		return true
	}
	for _, n := range strings.Split(s, ",") {
		if !outputsSpecName.MatchString(n) || n == "." || n == ".." ||
			strings.HasPrefix(n, ".-") || strings.HasPrefix(n, "..-") {
			return false
		}
	}
	return true
}

// rawInstallables returns the installables given, read from standard input
// with --stdin, or the default "." (which only a flake could be).
func (e *env) rawInstallables(a *storePathsArgs) ([]string, error) {
	raw := a.installables
	if a.readStdin {
		words, err := readWords(e.stdin)
		if err != nil {
			return nil, err
		}
		raw = append(raw, words...)
	} else if len(raw) == 0 {
		raw = []string{"."}
	}
	return raw, nil
}

// parseInstallables resolves installables to derived paths.
func (e *env) parseInstallables(s store.Store, raw []string) ([]derivedPath, error) {
	var res []derivedPath
	for _, r := range raw {
		prefix, spec := r, ""
		if i := strings.LastIndexByte(r, '^'); i >= 0 {
			prefix, spec = r[:i], r[i+1:]
			if !validOutputsSpec(spec) {
				return nil, fmt.Errorf("invalid extended outputs specifier '%s'", r)
			}
		}
		if strings.Contains(prefix, "/") {
			d, err := parseDerivedPath(s.Dir(), prefix, spec)
			if err == nil {
				res = append(res, d)
				continue
			}
		}
		cwd, _ := ospath.Getwd()
		return nil, e.flakeRefError([]string{prefix}, cwd)
	}
	return res, nil
}

// parseDerivedPath parses a store path installable: without '^' any path
// leading into the store, with '^' exactly a derivation's store path.
func parseDerivedPath(dir storepath.Dir, prefix, spec string) (derivedPath, error) {
	if spec == "" {
		p, err := followLinksToStorePath(dir, prefix)
		return derivedPath{path: p}, err
	}
	p, err := dir.Parse(prefix)
	if err != nil {
		return derivedPath{}, err
	}
	d := derivedPath{path: p, built: true}
	if spec != "*" {
		d.outputs = strings.Split(spec, ",")
		slices.Sort(d.outputs)
		d.outputs = slices.Compact(d.outputs)
	}
	return d, nil
}

// wants reports whether the derived path asks for output name.
func (d derivedPath) wants(name string) bool {
	return d.outputs == nil || slices.Contains(d.outputs, name)
}

// storePaths resolves the installables of a StorePathsCommand: the store
// paths named (outputs of derivations resolved), with -r their closure,
// with --all every valid path; sorted references first. What would need
// building is reported first, as CppNix does with Realise::Derivation.
func (e *env) storePaths(ctx context.Context, s store.Store, a *storePathsArgs) ([]storepath.StorePath, error) {
	var roots []storepath.StorePath
	if a.all {
		if len(a.installables) > 0 {
			return nil, usagef("'--all' does not expect arguments")
		}
		l, ok := s.(store.Lister)
		if !ok {
			return nil, &store.UnsupportedError{Op: "queryAllValidPaths", URI: s.URI()}
		}
		var err error
		if roots, err = l.QueryAllValidPaths(ctx); err != nil {
			return nil, err
		}
	} else {
		raw, err := e.rawInstallables(a)
		if err != nil {
			return nil, err
		}
		dps, err := e.parseInstallables(s, raw)
		if err != nil {
			return nil, err
		}
		if err := e.printMissingPaths(ctx, s, dps); err != nil {
			return nil, err
		}
		for _, d := range dps {
			ps, err := resolveDerivedPath(ctx, s, d)
			if err != nil {
				return nil, err
			}
			roots = append(roots, ps...)
		}
		if a.recursive {
			closure, err := store.Closure(ctx, s, roots, store.ClosureOptions{})
			if err != nil {
				return nil, err
			}
			roots = append(roots, closure...)
		}
	}
	roots = storepath.SortPaths(roots)
	roots = slices.Compact(roots)
	sorted, err := store.TopoSort(ctx, s, roots)
	if err != nil {
		return nil, err
	}
	slices.Reverse(sorted)
	return sorted, nil
}

// resolveDerivedPath returns the store paths d stands for: the path, or the
// paths of the derivation's outputs asked for (CppNix's
// resolveDerivedPath).
func resolveDerivedPath(ctx context.Context, s store.Store, d derivedPath) ([]storepath.StorePath, error) {
	if !d.built {
		return []storepath.StorePath{d.path}, nil
	}
	outs, err := derivationOutputMap(ctx, s, d.path)
	if err != nil {
		return nil, err
	}
	var res []storepath.StorePath
	names := d.outputs
	if names == nil {
		names = sortedKeys(outs)
	}
	for _, n := range names {
		p, ok := outs[n]
		if !ok {
			return nil, fmt.Errorf("the derivation '%s' doesn't have an output named '%s'", s.Dir().Path(d.path), n)
		}
		res = append(res, p)
	}
	return res, nil
}

// derivationOutputMap returns the known output paths of the derivation
// drv (CppNix's queryPartialDerivationOutputMap), from the database or, if
// the store has none, from the derivation.
func derivationOutputMap(ctx context.Context, s store.Store, drv storepath.StorePath) (map[string]storepath.StorePath, error) {
	if dq, ok := s.(store.DerivationQuerier); ok {
		return dq.QueryDerivationOutputs(ctx, drv)
	}
	d, err := readDerivation(ctx, s, drv)
	if err != nil {
		return nil, err
	}
	outs := map[string]storepath.StorePath{}
	for name, o := range d.Outputs {
		if !o.Path.IsZero() {
			outs[name] = o.Path
		}
	}
	return outs, nil
}

// printMissingPaths reports, at the error level, the derivations that would
// have to be built and the paths nixgo does not know how to make for the
// derived paths (CppNix's queryMissing and printMissing, without
// substituters).
func (e *env) printMissingPaths(ctx context.Context, s store.Store, dps []derivedPath) error {
	willBuild := map[storepath.StorePath]bool{}
	unknown := map[storepath.StorePath]bool{}
	done := map[string]bool{}
	var visit func(d derivedPath) error
	visit = func(d derivedPath) error {
		key := fmt.Sprint(d.path, d.built, d.outputs)
		if done[key] {
			return nil
		}
		done[key] = true
		ok, err := s.IsValidPath(ctx, d.path)
		if err != nil || !ok {
			unknown[d.path] = true
			return err
		}
		if !d.built {
			return nil
		}
		outs, err := derivationOutputMap(ctx, s, d.path)
		if err != nil {
			return err
		}
		missing := false
		for name, p := range outs {
			if d.wants(name) {
				valid, err := s.IsValidPath(ctx, p)
				if err != nil {
					return err
				}
				missing = missing || !valid
			}
		}
		if !missing {
			return nil
		}
		willBuild[d.path] = true
		drv, err := readDerivation(ctx, s, d.path)
		if err != nil {
			return err
		}
		for _, in := range storepath.SortPaths(mapKeys(drv.InputDrvs)) {
			if err := visit(derivedPath{path: in, built: true, outputs: drv.InputDrvs[in]}); err != nil {
				return err
			}
		}
		return nil
	}
	for _, d := range dps {
		if err := visit(d); err != nil {
			return err
		}
	}
	if len(willBuild) > 0 {
		if len(willBuild) == 1 {
			e.log.errorMsg("this derivation will be built:")
		} else {
			e.log.errorMsg(fmt.Sprintf("these %d derivations will be built:", len(willBuild)))
		}
		sorted, err := store.TopoSort(ctx, s, mapKeys(willBuild))
		if err != nil {
			return err
		}
		for i := len(sorted) - 1; i >= 0; i-- {
			e.log.errorMsg("  " + s.Dir().Path(sorted[i]))
		}
	}
	if len(unknown) > 0 {
		e.log.errorMsg("don't know how to build these paths:")
		for _, p := range storepath.SortPaths(mapKeys(unknown)) {
			e.log.errorMsg("  " + s.Dir().Path(p))
		}
	}
	return nil
}
