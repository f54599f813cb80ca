// This file implements nix path-info and nix derivation show, which print
// the metadata of store paths and the contents of store derivations, as
// text or as CppNix 2.26's JSON.

package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/nixgo/nixgo/format/derivation"
	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
)

// pathInfoArgs are the flags of nix path-info.
type pathInfoArgs struct {
	paths                          storePathsArgs
	json, size, closureSize, human bool
	sigs                           bool
}

func runNixPathInfo(e *env, args []string) error {
	var a pathInfoArgs
	p := newArgParser(e)
	a.paths.add(p, true)
	p.add("json", 0, 0, func([]string) error { a.json = true; return nil })
	p.add("size", 's', 0, func([]string) error { a.size = true; return nil })
	p.add("closure-size", 'S', 0, func([]string) error { a.closureSize = true; return nil })
	p.add("human-readable", 'h', 0, func([]string) error { a.human = true; return nil })
	p.add("sigs", 0, 0, func([]string) error { a.sigs = true; return nil })
	if err := e.parseNixArgs(p, args, &a.paths.installables, -1); err != nil {
		return err
	}
	return e.withStore(func(s store.Store) error {
		ctx := contextOf(e)
		paths, err := e.storePaths(ctx, s, &a.paths)
		if err != nil {
			return err
		}
		if a.json {
			return printPathInfoJSON(e, ctx, s, paths, a.closureSize)
		}
		return printPathInfo(e, ctx, s, paths, &a)
	})
}

// printPathInfo prints one line per path: the path, and with -s, -S and
// --sigs its NAR size, closure size and signatures, tab-separated.
func printPathInfo(e *env, ctx context.Context, s store.Store, paths []storepath.StorePath, a *pathInfoArgs) error {
	width := 0
	for _, p := range paths {
		width = max(width, len(s.Dir().Path(p)))
	}
	printSize := func(b *strings.Builder, n uint64) {
		if a.human {
			b.WriteString("\t" + renderSize(n))
		} else {
			fmt.Fprintf(b, "\t%11d", n)
		}
	}
	for _, p := range paths {
		info, err := s.QueryPathInfo(ctx, p)
		if err != nil {
			return err
		}
		var b strings.Builder
		full := s.Dir().Path(info.Path)
		b.WriteString(full)
		if a.size || a.closureSize || a.sigs {
			b.WriteString(strings.Repeat(" ", max(0, width-len(full))))
		}
		if a.size {
			printSize(&b, info.NarSize)
		}
		if a.closureSize {
			n, err := closureSize(ctx, s, p)
			if err != nil {
				return err
			}
			printSize(&b, n)
		}
		if a.sigs {
			var ss []string
			if info.Ultimate {
				ss = append(ss, "ultimate")
			}
			if !info.CA.IsZero() {
				ss = append(ss, "ca:"+info.CA.String())
			}
			ss = append(ss, info.Sigs...)
			b.WriteString("\t" + strings.Join(ss, " "))
		}
		fmt.Fprintln(e.stdout, b.String())
	}
	return nil
}

// closureSize is the sum of the NAR sizes of p's closure.
func closureSize(ctx context.Context, s store.Store, p storepath.StorePath) (uint64, error) {
	closure, err := store.Closure(ctx, s, []storepath.StorePath{p}, store.ClosureOptions{})
	if err != nil {
		return 0, err
	}
	var n uint64
	for _, q := range closure {
		info, err := s.QueryPathInfo(ctx, q)
		if err != nil {
			return 0, err
		}
		n += info.NarSize
	}
	return n, nil
}

// renderSize is CppNix's renderSize(value, align=true): "%6.1f KiB" and
// larger units.
func renderSize(n uint64) string {
	prefixes := "KKMGTPEZY"
	power := 0
	v := float64(n)
	for v > 1024 && power < len(prefixes)-1 {
		power++
		v /= 1024
	}
	if power == 0 {
		v /= 1024
	}
	return fmt.Sprintf("%6.1f %ciB", v, prefixes[power])
}

// printPathInfoJSON prints the paths' metadata as one JSON object keyed by
// path (null for paths that are not valid), as CppNix's pathInfoToJSON.
func printPathInfoJSON(e *env, ctx context.Context, s store.Store, paths []storepath.StorePath, withClosureSize bool) error {
	all := jsonObject{}
	dir := s.Dir()
	for _, p := range paths {
		info, err := s.QueryPathInfo(ctx, p)
		if store.IsInvalidPath(err) {
			all[dir.Path(p)] = jsonNull{}
			continue
		}
		if err != nil {
			return err
		}
		obj := pathInfoJSON(dir, info)
		if withClosureSize {
			n, err := closureSize(ctx, s, p)
			if err != nil {
				return err
			}
			obj["closureSize"] = n
		}
		all[dir.Path(info.Path)] = obj
	}
	out, err := dumpJSON(all, -1)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, out)
	return nil
}

// pathInfoJSON is CppNix's UnkeyedValidPathInfo::toJSON with the impure
// fields and SRI hashes.
func pathInfoJSON(dir storepath.Dir, info *store.PathInfo) jsonObject {
	refs := make([]string, len(info.References))
	for i, r := range info.References {
		refs[i] = dir.Path(r)
	}
	obj := jsonObject{
		"narHash":    info.NarHash.Format(hash.SRI, true),
		"narSize":    info.NarSize,
		"references": refs,
		"ca":         jsonNull{},
		"deriver":    jsonNull{},
		"ultimate":   info.Ultimate,
		"signatures": append([]string{}, info.Sigs...),
	}
	if !info.CA.IsZero() {
		obj["ca"] = info.CA.String()
	}
	if !info.Deriver.IsZero() {
		obj["deriver"] = dir.Path(info.Deriver)
	}
	if info.RegistrationTime != 0 {
		obj["registrationTime"] = info.RegistrationTime
	} else {
		obj["registrationTime"] = jsonNull{}
	}
	return obj
}

// runNixDerivationShow is nix derivation show [-r]: the derivations named
// (or the derivers of the paths named), as JSON.
func runNixDerivationShow(e *env, args []string) error {
	var a storePathsArgs
	recursive := false
	p := newArgParser(e)
	a.add(p, false)
	p.add("recursive", 'r', 0, func([]string) error { recursive = true; return nil })
	if err := e.parseNixArgs(p, args, &a.installables, -1); err != nil {
		return err
	}
	return e.withStore(func(s store.Store) error {
		ctx := contextOf(e)
		drvs, err := e.toDerivations(ctx, s, &a)
		if err != nil {
			return err
		}
		if recursive {
			if drvs, err = store.Closure(ctx, s, drvs, store.ClosureOptions{}); err != nil {
				return err
			}
		}
		root := jsonObject{}
		for _, d := range drvs {
			if !d.IsDerivation() {
				continue
			}
			drv, err := readDerivation(ctx, s, d)
			if err != nil {
				return err
			}
			root[s.Dir().Path(d)] = derivationJSON(s.Dir(), drv)
		}
		out, err := dumpJSON(root, 2)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, out)
		return nil
	})
}

// toDerivations resolves installables to derivations: a derivation is
// itself, another path its deriver (CppNix's Installable::toDerivations
// with useDeriver).
func (e *env) toDerivations(ctx context.Context, s store.Store, a *storePathsArgs) ([]storepath.StorePath, error) {
	raw, err := e.rawInstallables(a)
	if err != nil {
		return nil, err
	}
	dps, err := e.parseInstallables(s, raw)
	if err != nil {
		return nil, err
	}
	var drvs []storepath.StorePath
	for i, d := range dps {
		if d.built || d.path.IsDerivation() {
			drvs = append(drvs, d.path)
			continue
		}
		dq, ok := s.(store.DerivationQuerier)
		if !ok {
			return nil, &store.UnsupportedError{Op: "queryValidDerivers", URI: s.URI()}
		}
		ds, err := dq.QueryValidDerivers(ctx, d.path)
		if err != nil {
			return nil, err
		}
		if len(ds) == 0 {
			return nil, fmt.Errorf("'%s' does not have a known deriver", raw[i])
		}
		drvs = append(drvs, ds[0])
	}
	return storepath.SortPaths(drvs), nil
}

// derivationJSON is CppNix's Derivation::toJSON.
func derivationJSON(dir storepath.Dir, d *derivation.Derivation) jsonObject {
	outputs := jsonObject{}
	for name, o := range d.Outputs {
		obj := jsonObject{}
		switch o.Kind() {
		case derivation.InputAddressed:
			obj["path"] = dir.Path(o.Path)
		case derivation.Fixed:
			m, a, _ := o.MethodAlgo()
			obj["path"] = dir.Path(o.Path)
			obj["method"] = m.String()
			obj["hashAlgo"] = a.String()
			obj["hash"] = o.Hash
		case derivation.Floating:
			m, a, _ := o.MethodAlgo()
			obj["method"] = m.String()
			obj["hashAlgo"] = a.String()
		case derivation.Impure:
			m, a, _ := o.MethodAlgo()
			obj["method"] = m.String()
			obj["hashAlgo"] = a.String()
			obj["impure"] = true
		}
		outputs[name] = obj
	}
	srcs := make([]string, len(d.InputSrcs))
	for i, p := range d.InputSrcs {
		srcs[i] = dir.Path(p)
	}
	inputs := jsonObject{}
	for p, outs := range d.InputDrvs {
		inputs[dir.Path(p)] = jsonObject{"outputs": append([]string{}, outs...), "dynamicOutputs": jsonObject{}}
	}
	env := jsonObject{}
	for k, v := range d.Env {
		env[k] = v
	}
	return jsonObject{
		"name":      d.Name,
		"outputs":   outputs,
		"inputSrcs": srcs,
		"inputDrvs": inputs,
		"system":    d.Platform,
		"builder":   d.Builder,
		"args":      append([]string{}, d.Args...),
		"env":       env,
	}
}
