// This file computes closures of store paths and sorts paths topologically,
// as CppNix's computeFSClosure and topoSortPaths.

package store

import (
	"context"
	"fmt"

	"github.com/nixgo/nixgo/format/storepath"
)

// ClosureOptions adjust Closure.
type ClosureOptions struct {
	// Flip follows referrers instead of references (nix-store -q
	// --referrers-closure). The store must be a ReferrersQuerier.
	Flip bool
	// IncludeOutputs adds the valid outputs of derivations (with Flip,
	// the derivations that have a path as output). The store must be a
	// DerivationQuerier.
	IncludeOutputs bool
	// IncludeDerivers adds the valid derivers of paths (with Flip, the
	// valid outputs of derivations).
	IncludeDerivers bool
}

// Closure returns the paths reachable from start (included), sorted. All
// paths reached must be valid (CppNix's computeFSClosure).
func Closure(ctx context.Context, s Store, start []storepath.StorePath, opts ClosureOptions) ([]storepath.StorePath, error) {
	seen := map[storepath.StorePath]bool{}
	var todo, out []storepath.StorePath
	for _, p := range start {
		if !seen[p] {
			seen[p] = true
			todo = append(todo, p)
		}
	}
	for len(todo) > 0 {
		p := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		out = append(out, p)
		deps, err := closureEdges(ctx, s, p, opts)
		if err != nil {
			return nil, err
		}
		for _, q := range deps {
			if !seen[q] {
				seen[q] = true
				todo = append(todo, q)
			}
		}
	}
	return storepath.SortPaths(out), nil
}

// closureEdges returns the paths one step from p.
func closureEdges(ctx context.Context, s Store, p storepath.StorePath, opts ClosureOptions) ([]storepath.StorePath, error) {
	var res []storepath.StorePath
	if opts.Flip {
		rq, ok := s.(ReferrersQuerier)
		if !ok {
			return nil, &UnsupportedError{"queryReferrers", s.URI()}
		}
		refs, err := rq.QueryReferrers(ctx, p)
		if err != nil {
			return nil, err
		}
		res = append(res, refs...)
		if opts.IncludeOutputs {
			ds, err := derivers(ctx, s, p)
			if err != nil {
				return nil, err
			}
			res = append(res, ds...)
		}
		if opts.IncludeDerivers && p.IsDerivation() {
			outs, err := validOutputs(ctx, s, p)
			if err != nil {
				return nil, err
			}
			res = append(res, outs...)
		}
		return res, nil
	}
	info, err := s.QueryPathInfo(ctx, p)
	if err != nil {
		return nil, err
	}
	res = append(res, info.References...)
	if opts.IncludeOutputs && p.IsDerivation() {
		outs, err := validOutputs(ctx, s, p)
		if err != nil {
			return nil, err
		}
		res = append(res, outs...)
	}
	if opts.IncludeDerivers && !info.Deriver.IsZero() {
		ok, err := s.IsValidPath(ctx, info.Deriver)
		if err != nil {
			return nil, err
		}
		if ok {
			res = append(res, info.Deriver)
		}
	}
	return res, nil
}

func derivers(ctx context.Context, s Store, p storepath.StorePath) ([]storepath.StorePath, error) {
	dq, ok := s.(DerivationQuerier)
	if !ok {
		return nil, &UnsupportedError{"queryValidDerivers", s.URI()}
	}
	return dq.QueryValidDerivers(ctx, p)
}

// validOutputs returns the outputs of derivation drv that are valid.
func validOutputs(ctx context.Context, s Store, drv storepath.StorePath) ([]storepath.StorePath, error) {
	dq, ok := s.(DerivationQuerier)
	if !ok {
		return nil, &UnsupportedError{"queryPartialDerivationOutputMap", s.URI()}
	}
	outs, err := dq.QueryDerivationOutputs(ctx, drv)
	if err != nil {
		return nil, err
	}
	var res []storepath.StorePath
	for _, o := range outs {
		ok, err := s.IsValidPath(ctx, o)
		if err != nil {
			return nil, err
		}
		if ok {
			res = append(res, o)
		}
	}
	return res, nil
}

// CycleError reports a cycle in the references of paths being sorted or
// registered.
type CycleError struct {
	Path, Parent string
}

func (e *CycleError) Error() string {
	return fmt.Sprintf("cycle detected in the references of '%s' from '%s'", e.Path, e.Parent)
}

// TopoSort orders paths so that every path comes before the paths it
// refers to (referrers first), as CppNix's topoSortPaths. References
// outside paths are ignored; paths that are not valid have none.
func TopoSort(ctx context.Context, s Store, paths []storepath.StorePath) ([]storepath.StorePath, error) {
	return TopoSortFunc(s.Dir(), paths, func(p storepath.StorePath) ([]storepath.StorePath, error) {
		info, err := s.QueryPathInfo(ctx, p)
		if IsInvalidPath(err) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return info.References, nil
	})
}

// TopoSortFunc is TopoSort with the references given by refs (CppNix's
// topoSort): a depth-first search in sorted order, so the result is
// deterministic.
func TopoSortFunc(dir storepath.Dir, paths []storepath.StorePath, refs func(storepath.StorePath) ([]storepath.StorePath, error)) ([]storepath.StorePath, error) {
	items := map[storepath.StorePath]bool{}
	for _, p := range paths {
		items[p] = true
	}
	sorted := make([]storepath.StorePath, 0, len(items))
	visited := map[storepath.StorePath]bool{}
	parents := map[storepath.StorePath]bool{}
	var visit func(p, parent storepath.StorePath) error
	visit = func(p, parent storepath.StorePath) error {
		if parents[p] {
			return &CycleError{dir.Path(p), dir.Path(parent)}
		}
		if visited[p] {
			return nil
		}
		visited[p] = true
		parents[p] = true
		rs, err := refs(p)
		if err != nil {
			return err
		}
		rs = storepath.SortPaths(append([]storepath.StorePath(nil), rs...))
		for _, r := range rs {
			if r != p && items[r] {
				if err := visit(r, p); err != nil {
					return err
				}
			}
		}
		sorted = append(sorted, p)
		delete(parents, p)
		return nil
	}
	for _, p := range storepath.SortPaths(append([]storepath.StorePath(nil), paths...)) {
		if err := visit(p, storepath.StorePath{}); err != nil {
			return nil, err
		}
	}
	for i, j := 0, len(sorted)-1; i < j; i, j = i+1, j-1 {
		sorted[i], sorted[j] = sorted[j], sorted[i]
	}
	return sorted, nil
}
