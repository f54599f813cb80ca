// This file finds what realising paths would do (CppNix's queryMissing,
// without substituters): the derivations that must be built, and the paths
// nothing can produce.

package build

import (
	"context"

	"github.com/nixgo/nixgo/format/derivation"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
)

// Missing returns the derivations that will be built and the unknown
// paths (invalid, with nothing to build them), each sorted.
func Missing(ctx context.Context, s store.Store, paths []DerivedPath) (willBuild, unknown []storepath.StorePath, err error) {
	ls, err := localStore(s)
	if err != nil {
		return nil, nil, err
	}
	build := map[storepath.StorePath]bool{}
	unk := map[storepath.StorePath]bool{}
	done := map[string]bool{}
	drvs := map[storepath.StorePath]*derivation.Derivation{}
	queue := append([]DerivedPath(nil), paths...)
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		key := p.String(s.Dir())
		if done[key] {
			continue
		}
		done[key] = true
		ok, err := s.IsValidPath(ctx, p.Path)
		if err != nil {
			return nil, nil, err
		}
		if !p.Built {
			if !ok {
				unk[p.Path] = true
			}
			continue
		}
		if !ok {
			unk[p.Path] = true
			continue
		}
		d, found := drvs[p.Path]
		if !found {
			if d, err = readDrv(ls, p.Path); err != nil {
				return nil, nil, err
			}
			drvs[p.Path] = d
		}
		known, invalid := true, false
		for _, name := range d.OutputNames() {
			op := d.Outputs[name].Path
			if op.IsZero() {
				known = false
				break
			}
			if p.Outputs != nil && !contains(p.Outputs, name) {
				continue
			}
			v, err := s.IsValidPath(ctx, op)
			if err != nil {
				return nil, nil, err
			}
			if !v {
				invalid = true
			}
		}
		if known && !invalid {
			continue
		}
		build[p.Path] = true
		for in, outs := range d.InputDrvs {
			queue = append(queue, DerivedPath{Path: in, Built: true, Outputs: outs})
		}
	}
	return keys(build), keys(unk), nil
}

func keys(m map[storepath.StorePath]bool) []storepath.StorePath {
	var r []storepath.StorePath
	for p := range m {
		r = append(r, p)
	}
	return storepath.SortPaths(r)
}
