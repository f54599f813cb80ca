// This file implements nix-store --query: the query flags, the queries on
// the references graph (closures, referrers, trees, Graphviz and GraphML
// graphs) and on derivations (outputs, bindings, derivers), printed as
// CppNix 2.26 prints them.

package cli

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/nixgo/nixgo/format/derivation"
	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
)

// queryType is what --query prints.
type queryType int

const (
	qNone queryType = iota
	qOutputs
	qRequisites
	qReferences
	qReferrers
	qReferrersClosure
	qDeriver
	qValidDerivers
	qBinding
	qHash
	qSize
	qTree
	qGraph
	qGraphML
	qResolve
	qRoots
)

// queryFlags maps the query flags to their query.
var queryFlags = map[string]queryType{
	"--outputs": qOutputs, "--requisites": qRequisites, "-R": qRequisites,
	"--references": qReferences, "--referrers": qReferrers, "--referers": qReferrers,
	"--referrers-closure": qReferrersClosure, "--referers-closure": qReferrersClosure,
	"--deriver": qDeriver, "-d": qDeriver, "--valid-derivers": qValidDerivers,
	"--binding": qBinding, "-b": qBinding, "--hash": qHash, "--size": qSize,
	"--tree": qTree, "--graph": qGraph, "--graphml": qGraphML, "--resolve": qResolve,
	"--roots": qRoots,
}

// queryOpts are the flags of --query besides the query.
type queryOpts struct {
	useOutput, includeOutputs, forceRealise bool
	binding                                 string
}

func opQuery(c *nixStoreCmd) error {
	query := qNone
	var o queryOpts
	for _, f := range c.opFlags {
		prev := query
		if q, ok := queryFlags[f]; ok {
			if q == qBinding {
				if len(c.opArgs) == 0 {
					return usagef("expected binding name")
				}
				o.binding, c.opArgs = c.opArgs[0], c.opArgs[1:]
			}
			query = q
		} else {
			switch f {
			case "--use-output", "-u":
				o.useOutput = true
			case "--force-realise", "--force-realize", "-f":
				o.forceRealise = true
			case "--include-outputs":
				o.includeOutputs = true
			default:
				return unknownFlag(f)
			}
		}
		if prev != qNone && prev != query {
			return usagef("query type '%s' conflicts with earlier flag", f)
		}
	}
	if query == qNone {
		query = qOutputs
	}
	switch query {
	case qOutputs:
		return c.eachArg(func(p storepath.StorePath) error {
			outs, err := c.maybeUseOutputs(p, true, o.forceRealise)
			for _, q := range outs {
				c.println(c.store.Dir().Path(q))
			}
			return err
		})
	case qRequisites, qReferences, qReferrers, qReferrersClosure:
		return c.queryGraph(query, o)
	case qDeriver:
		return c.eachArg(func(p storepath.StorePath) error {
			info, err := c.store.QueryPathInfo(c.ctx, p)
			if err != nil {
				return err
			}
			if info.Deriver.IsZero() {
				c.println("unknown-deriver")
			} else {
				c.println(c.store.Dir().Path(info.Deriver))
			}
			return nil
		})
	case qValidDerivers:
		return c.queryValidDerivers()
	case qBinding:
		return c.eachArg(func(p storepath.StorePath) error { return c.queryBinding(p, o.binding) })
	case qHash, qSize:
		return c.eachArg(func(p storepath.StorePath) error {
			ps, err := c.maybeUseOutputs(p, o.useOutput, o.forceRealise)
			if err != nil {
				return err
			}
			for _, q := range ps {
				info, err := c.store.QueryPathInfo(c.ctx, q)
				if err != nil {
					return err
				}
				if query == qHash {
					c.println(info.NarHash.Format(hash.Nix32, true))
				} else {
					c.println(fmt.Sprint(info.NarSize))
				}
			}
			return nil
		})
	case qTree:
		done := map[storepath.StorePath]bool{}
		return c.eachArg(func(p storepath.StorePath) error { return c.printTree(p, "", "", done) })
	case qGraph, qGraphML:
		var roots []storepath.StorePath
		err := c.eachArg(func(p storepath.StorePath) error {
			ps, err := c.maybeUseOutputs(p, o.useOutput, o.forceRealise)
			roots = append(roots, ps...)
			return err
		})
		if err != nil {
			return err
		}
		if query == qGraph {
			return c.printDotGraph(roots)
		}
		return c.printGraphML(roots)
	case qResolve:
		return c.eachArg(func(p storepath.StorePath) error {
			c.println(c.store.Dir().Path(p))
			return nil
		})
	case qRoots:
		return c.queryRoots(o)
	}
	return nil
}

// eachArg calls f with the store path of each argument, in order.
func (c *nixStoreCmd) eachArg(f func(storepath.StorePath) error) error {
	for _, a := range c.opArgs {
		p, err := followLinksToStorePath(c.store.Dir(), a)
		if err != nil {
			return err
		}
		if err := f(p); err != nil {
			return err
		}
	}
	return nil
}

// maybeUseOutputs returns the output paths of a derivation when useOutput
// is set, and the path itself otherwise (CppNix's maybeUseOutputs).
func (c *nixStoreCmd) maybeUseOutputs(p storepath.StorePath, useOutput, forceRealise bool) ([]storepath.StorePath, error) {
	if forceRealise {
		if err := c.forceRealise(p); err != nil {
			return nil, err
		}
	}
	if !useOutput || !p.IsDerivation() {
		return []storepath.StorePath{p}, nil
	}
	drv, err := derivationFromPath(c.ctx, c.store, p)
	if err != nil {
		return nil, err
	}
	var outs []storepath.StorePath
	for _, name := range drv.OutputNames() {
		o := drv.Outputs[name]
		if o.Path.IsZero() {
			return nil, usagef("Cannot use output path of floating content-addressed derivation until we know what it is (e.g. by building it)")
		}
		outs = append(outs, o.Path)
	}
	return storepath.SortPaths(slices.Compact(storepath.SortPaths(outs))), nil
}

// queryGraph prints --requisites, --references, --referrers and
// --referrers-closure: the union over the arguments, references first.
func (c *nixStoreCmd) queryGraph(query queryType, o queryOpts) error {
	set := map[storepath.StorePath]bool{}
	add := func(ps []storepath.StorePath) {
		for _, p := range ps {
			set[p] = true
		}
	}
	err := c.eachArg(func(arg storepath.StorePath) error {
		ps, err := c.maybeUseOutputs(arg, o.useOutput, o.forceRealise)
		if err != nil {
			return err
		}
		for _, p := range ps {
			var res []storepath.StorePath
			switch query {
			case qRequisites:
				res, err = store.Closure(c.ctx, c.store, []storepath.StorePath{p}, store.ClosureOptions{IncludeOutputs: o.includeOutputs})
			case qReferences:
				var info *store.PathInfo
				if info, err = c.store.QueryPathInfo(c.ctx, p); err == nil {
					res = info.References
				}
			case qReferrers:
				rq, ok := c.store.(store.ReferrersQuerier)
				if !ok {
					return &store.UnsupportedError{Op: "queryReferrers", URI: c.store.URI()}
				}
				res, err = rq.QueryReferrers(c.ctx, p)
			case qReferrersClosure:
				res, err = store.Closure(c.ctx, c.store, []storepath.StorePath{p}, store.ClosureOptions{Flip: true})
			}
			if err != nil {
				return err
			}
			add(res)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.printReversedTopo(mapKeys(set))
}

// printReversedTopo prints paths sorted topologically, references first.
func (c *nixStoreCmd) printReversedTopo(ps []storepath.StorePath) error {
	sorted, err := store.TopoSort(c.ctx, c.store, ps)
	if err != nil {
		return err
	}
	for i := len(sorted) - 1; i >= 0; i-- {
		c.println(c.store.Dir().Path(sorted[i]))
	}
	return nil
}

func (c *nixStoreCmd) queryValidDerivers() error {
	dq, ok := c.store.(store.DerivationQuerier)
	if !ok {
		return &store.UnsupportedError{Op: "queryValidDerivers", URI: c.store.URI()}
	}
	set := map[storepath.StorePath]bool{}
	err := c.eachArg(func(p storepath.StorePath) error {
		ds, err := dq.QueryValidDerivers(c.ctx, p)
		for _, d := range ds {
			set[d] = true
		}
		return err
	})
	if err != nil {
		return err
	}
	return c.printReversedTopo(mapKeys(set))
}

// queryBinding prints the environment variable name of the derivation p,
// or of p's deriver.
func (c *nixStoreCmd) queryBinding(p storepath.StorePath, name string) error {
	if !p.IsDerivation() {
		info, err := c.store.QueryPathInfo(c.ctx, p)
		if err != nil {
			return err
		}
		if info.Deriver.IsZero() {
			return fmt.Errorf("deriver of path '%s' is not known", c.store.Dir().Path(p))
		}
		p = info.Deriver
	}
	drv, err := derivationFromPath(c.ctx, c.store, p)
	if err != nil {
		return err
	}
	v, ok := drv.Env[name]
	if !ok {
		return fmt.Errorf("derivation '%s' has no environment binding named '%s'", c.store.Dir().Path(p), name)
	}
	c.println(v)
	return nil
}

// The pieces of --tree's lines.
const (
	treeConn = "├───"
	treeLine = "│   "
	treeLast = "└───"
	treeNull = "    "
)

// printTree prints p and, below it, its references (those in the closure
// of others first, which keeps the tree flat); a path already printed is
// shown with " [...]" (CppNix's printTree).
func (c *nixStoreCmd) printTree(p storepath.StorePath, firstPad, tailPad string, done map[storepath.StorePath]bool) error {
	full := c.store.Dir().Path(p)
	if done[p] {
		c.println(firstPad + full + " [...]")
		return nil
	}
	done[p] = true
	c.println(firstPad + full)
	info, err := c.store.QueryPathInfo(c.ctx, p)
	if err != nil {
		return err
	}
	sorted, err := store.TopoSort(c.ctx, c.store, info.References)
	if err != nil {
		return err
	}
	slices.Reverse(sorted)
	for i, r := range sorted {
		first, tail := treeConn, treeLine
		if i == len(sorted)-1 {
			first, tail = treeLast, treeNull
		}
		if err := c.printTree(r, tailPad+first, tailPad+tail, done); err != nil {
			return err
		}
	}
	return nil
}

// graphWalk visits the closure of roots in the order of CppNix's graph
// printers: always the smallest path not yet visited among those found.
func (c *nixStoreCmd) graphWalk(roots []storepath.StorePath, visit func(info *store.PathInfo) error) error {
	work := map[storepath.StorePath]bool{}
	for _, r := range roots {
		work[r] = true
	}
	done := map[storepath.StorePath]bool{}
	for len(work) > 0 {
		p := storepath.SortPaths(mapKeys(work))[0]
		delete(work, p)
		if done[p] {
			continue
		}
		done[p] = true
		info, err := c.store.QueryPathInfo(c.ctx, p)
		if err != nil {
			return err
		}
		for _, r := range info.References {
			if r != p {
				work[r] = true
			}
		}
		if err := visit(info); err != nil {
			return err
		}
	}
	return nil
}

// printDotGraph prints the references graph of roots for Graphviz.
func (c *nixStoreCmd) printDotGraph(roots []storepath.StorePath) error {
	colours := []string{"black", "red", "green", "blue", "magenta", "burlywood"}
	n := 0
	c.println("digraph G {")
	err := c.graphWalk(roots, func(info *store.PathInfo) error {
		id := info.Path.Base()
		c.println(fmt.Sprintf(`"%s" [label = "%s", shape = box, style = filled, fillcolor = "#ff0000"];`, id, info.Path.Name()))
		for _, r := range info.References {
			if r != info.Path {
				c.println(fmt.Sprintf(`"%s" -> "%s" [color = "%s"];`, r.Base(), id, colours[n%len(colours)]))
				n++
			}
		}
		return nil
	})
	c.println("}")
	return err
}

// printGraphML prints the references graph of roots as GraphML.
func (c *nixStoreCmd) printGraphML(roots []storepath.StorePath) error {
	c.out.WriteString("<?xml version='1.0' encoding='utf-8'?>\n" +
		"<graphml xmlns='http://graphml.graphdrawing.org/xmlns'\n" +
		"    xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'\n" +
		"    xsi:schemaLocation='http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd'>\n" +
		"<key id='narSize' for='node' attr.name='narSize' attr.type='long'/>" +
		"<key id='name' for='node' attr.name='name' attr.type='string'/>" +
		"<key id='type' for='node' attr.name='type' attr.type='string'/>" +
		"<graph id='G' edgedefault='directed'>\n")
	err := c.graphWalk(roots, func(info *store.PathInfo) error {
		typ := "output-path"
		if info.Path.IsDerivation() {
			typ = "derivation"
		}
		// CppNix's "symbolic name": the name up to and including its
		// first '-', or nothing.
		name := info.Path.Name()
		if i := strings.IndexByte(name, '-'); i >= 0 {
			name = name[:i+1]
		} else {
			name = ""
		}
		fmt.Fprintf(c.out, "  <node id=\"%s\">\n    <data key=\"narSize\">%d</data>\n    <data key=\"name\">%s</data>\n    <data key=\"type\">%s</data>\n  </node>\n",
			info.Path.Base(), info.NarSize, name, typ)
		for _, r := range info.References {
			if r != info.Path {
				fmt.Fprintf(c.out, "  <edge source=\"%s\" target=\"%s\"/>\n", info.Path.Base(), r.Base())
			}
		}
		return nil
	})
	c.out.WriteString("</graph>\n</graphml>\n")
	return err
}

// derivationFromPath reads and parses the valid derivation p (CppNix's
// derivationFromPath).
func derivationFromPath(ctx context.Context, s store.Store, p storepath.StorePath) (*derivation.Derivation, error) {
	ok, err := s.IsValidPath(ctx, p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("path '%s' does not exist and cannot be created", s.Dir().Path(p))
	}
	return readDerivation(ctx, s, p)
}

// readDerivation reads and parses the derivation p, which must be valid
// (CppNix's Store::readDerivation).
func readDerivation(ctx context.Context, s store.Store, p storepath.StorePath) (*derivation.Derivation, error) {
	// CppNix includes the "error: " of the inner error.
	if !p.IsDerivation() {
		return nil, fmt.Errorf("error parsing derivation '%s': error: store path '%s' is not a valid derivation path", s.Dir().Path(p), p.Base())
	}
	text, err := readStoreFile(ctx, s, p)
	if err != nil {
		return nil, err
	}
	d, err := derivation.Parse(s.Dir(), text, strings.TrimSuffix(p.Name(), ".drv"))
	if err != nil {
		return nil, fmt.Errorf("error parsing derivation '%s': error: %s", s.Dir().Path(p), err)
	}
	return d, nil
}

// readStoreFile reads the regular file that valid path p is.
func readStoreFile(ctx context.Context, s store.Store, p storepath.StorePath) (string, error) {
	ok, err := s.IsValidPath(ctx, p)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("path '%s' is not a valid store path", s.Dir().Path(p))
	}
	fsys, isLocal := s.(store.LocalFS)
	if !isLocal {
		return "", &store.UnsupportedError{Op: "getFSAccessor", URI: s.URI()}
	}
	b, err := os.ReadFile(fsys.RealPath(p))
	if err != nil {
		return "", sysError(err)
	}
	return string(b), nil
}

// contextOf returns the context of a command's store operations.
func contextOf(*env) context.Context { return context.Background() }

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
