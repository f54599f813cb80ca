// This file registers the outputs of a successful build (CppNix's
// registerOutputs and checkOutputs): each output is checked, canonicalised
// and scanned for references; outputs are processed so that those referred
// to by others come first; content-addressed outputs are hashed (and a
// fixed output's hash compared with the one expected); outputs are moved
// from the sandbox to the store; allowedReferences and the like are
// enforced; and all outputs are registered as valid at once.

package build

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/nixgo/nixgo/format/derivation"
	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/nar"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/local"
	"github.com/nixgo/nixgo/store/refscan"
)

// outputState is what registerOutputs knows of one output.
type outputState struct {
	already bool // valid and not rebuilt: its path is path
	path    storepath.StorePath
	refs    []storepath.StorePath
	fi      os.FileInfo
}

// actualPath is where output scratch path p is after the build.
func (b *localBuild) actualPath(p storepath.StorePath) string {
	if b.useChroot && !b.needsHashRewrite() {
		return b.chrootRootDir + b.path(p)
	}
	return b.w.s.RealPath(p)
}

func (b *localBuild) registerOutputs() (map[string]storepath.StorePath, error) {
	w, g := b.w, b.g
	referenceable := map[storepath.StorePath]bool{}
	for p := range b.inputPaths {
		referenceable[p] = true
	}
	for _, p := range b.scratch {
		referenceable[p] = true
	}
	states := map[string]*outputState{}
	names := b.drv.OutputNames()
	for _, name := range names {
		scratch := b.scratch[name]
		actual := b.actualPath(scratch)
		io := g.initial[name]
		io.wanted = g.mode == Check || !(io.known && io.valid)
		if !io.wanted {
			states[name] = &outputState{already: true, path: io.path}
			continue
		}
		fi, err := os.Lstat(actual)
		if err != nil {
			return nil, buildErrorf("builder for '%s' failed to produce output path for output '%s' at '%s'", b.drvPathS(), name, actual)
		}
		if runtime.GOOS != "windows" && fi.Mode()&os.ModeSymlink == 0 && fi.Mode().Perm()&0o022 != 0 {
			return nil, buildErrorf("suspicious ownership or permission on '%s' for output '%s'; rejecting this build output", actual, name)
		}
		if err := w.s.CanonicaliseOutput(actual); err != nil {
			return nil, err
		}
		discard := false
		if b.p.structured != nil {
			if udr := b.p.structured.get("unsafeDiscardReferences"); udr != nil {
				if v := udr.get(name); v != nil {
					if v.kind != jBool {
						return nil, fmt.Errorf("attribute 'unsafeDiscardReferences.\"%s\"' of derivation '%s' must be a Boolean", name, b.g.drvPath.Base())
					}
					discard = v.b
				}
			}
		}
		var refs []storepath.StorePath
		if !discard {
			if refs, err = scanReferences(actual, referenceable); err != nil {
				return nil, err
			}
		}
		states[name] = &outputState{refs: refs, fi: fi}
	}
	order, err := b.sortOutputs(names, states)
	if err != nil {
		return nil, err
	}

	infos := map[string]*store.PathInfo{}
	var infoOrder []string
	var delayed error
	for _, name := range order {
		st := states[name]
		scratch := b.scratch[name]
		actual := b.actualPath(scratch)
		finish := func(final storepath.StorePath) {
			if scratch != final {
				b.outputRewrites[scratch.HashPart()] = final.HashPart()
			}
		}
		if st.already {
			finish(st.path)
			continue
		}
		out := b.drv.Outputs[name]
		var info *store.PathInfo
		switch out.Kind() {
		case derivation.InputAddressed:
			if scratch != out.Path {
				b.outputRewrites[scratch.HashPart()] = out.Path.HashPart()
			}
			if err := b.rewriteOutput(actual, b.outputRewrites); err != nil {
				return nil, err
			}
			narHash, narSize, err := narHashOf(actual)
			if err != nil {
				return nil, err
			}
			info = &store.PathInfo{Path: out.Path, NarHash: narHash, NarSize: narSize}
			self, others := b.rewriteRefs(st.refs, scratch)
			info.References = others
			if self {
				info.References = append(info.References, out.Path)
			}
		case derivation.Fixed:
			ca, err := out.ContentAddress()
			if err != nil {
				return nil, err
			}
			if err := freshCopy(actual); err != nil {
				return nil, err
			}
			info, err = b.newInfoFromCA(name, st, ca.Method, ca.Hash.Algo())
			if err != nil {
				return nil, err
			}
			if got := info.CA.Hash; got != ca.Hash {
				b.hashMismatch = true
				delayed = buildErrorf("hash mismatch in fixed-output derivation '%s':\n  specified: %s\n     got:    %s",
					b.drvPathS(), ca.Hash.SRI(), got.SRI())
			}
			if len(info.References) > 0 {
				delayed = buildErrorf("fixed-output derivations must not reference store paths: '%s' references %d distinct paths, e.g. '%s'",
					b.drvPathS(), len(info.References), b.path(info.References[0]))
			}
		default:
			return nil, fmt.Errorf("building outputs of kind %s is not supported", out.Kind())
		}
		info.SortReferences()
		if err := w.s.CanonicaliseOutput(actual); err != nil {
			return nil, err
		}
		finalDest := w.s.RealPath(info.Path)
		var dynLock *local.OutputLocks
		if out.Path != info.Path {
			if dynLock, err = w.s.LockPaths([]string{finalDest}); err != nil {
				return nil, err
			}
		}
		if finalDest != actual {
			switch {
			case g.mode == Repair:
				dynLock.Unlock(false)
				return nil, errors.New("repairing outputs is not supported by nixgo yet")
			case g.mode == Check:
			default:
				valid, err := w.s.IsValidPath(w.ctx, info.Path)
				if err != nil {
					dynLock.Unlock(false)
					return nil, err
				}
				if !valid {
					if err := w.s.DeletePath(finalDest); err != nil {
						dynLock.Unlock(false)
						return nil, err
					}
					if err := movePath(actual, finalDest); err != nil {
						dynLock.Unlock(false)
						return nil, err
					}
					actual = finalDest
				}
			}
		}
		if g.mode == Check {
			dynLock.Unlock(false)
			if err := b.checkAgainst(info, actual); err != nil {
				return nil, err
			}
			continue
		}
		info.Deriver = g.drvPath
		info.Ultimate = true
		finish(info.Path)
		if !info.CA.IsZero() {
			if err := w.s.RegisterBuiltOutputs(w.ctx, []*store.PathInfo{info}); err != nil {
				dynLock.Unlock(false)
				return nil, err
			}
		}
		dynLock.Unlock(true)
		infos[name] = info
		infoOrder = append(infoOrder, name)
	}
	if g.mode == Check {
		if delayed != nil {
			return nil, delayed
		}
		return g.validOutputsAfter()
	}
	if err := b.checkOutputs(infos); err != nil {
		return nil, err
	}
	var list []*store.PathInfo
	for _, name := range infoOrder {
		list = append(list, infos[name])
	}
	if err := w.s.RegisterBuiltOutputs(w.ctx, list); err != nil {
		return nil, err
	}
	if delayed != nil {
		return nil, delayed
	}
	res := map[string]storepath.StorePath{}
	for _, name := range names {
		if info, ok := infos[name]; ok {
			res[name] = info.Path
		} else if st := states[name]; st.already {
			res[name] = st.path
		}
	}
	return res, nil
}

// validOutputsAfter is CppNix's assertPathValidity.
func (g *goal) validOutputsAfter() (map[string]storepath.StorePath, error) {
	allValid, err := g.checkPathValidity()
	if err != nil {
		return nil, err
	}
	if !allValid {
		return nil, errors.New("some outputs are unexpectedly invalid")
	}
	return g.validOutputs(), nil
}

// checkAgainst compares a rebuilt output with the valid one (--check).
func (b *localBuild) checkAgainst(info *store.PathInfo, actual string) error {
	w := b.w
	valid, err := w.s.IsValidPath(w.ctx, info.Path)
	if err != nil || !valid {
		return err
	}
	old, err := w.s.QueryPathInfo(w.ctx, info.Path)
	if err != nil {
		return err
	}
	final := w.s.RealPath(info.Path)
	if info.NarHash != old.NarHash {
		b.checkMismatch = true
		if b.cfg.Bool("run-diff-hook") || b.cfg.Bool("keep-failed") {
			dst := final + ".check"
			w.s.DeletePath(dst)
			if err := movePath(actual, dst); err != nil {
				return err
			}
			return &notDeterministic{buildError{fmt.Sprintf("derivation '%s' may not be deterministic: output '%s' differs from '%s'", b.drvPathS(), final, dst)}}
		}
		return &notDeterministic{buildError{fmt.Sprintf("derivation '%s' may not be deterministic: output '%s' differs", b.drvPathS(), final)}}
	}
	if !old.Ultimate {
		old.Ultimate = true
		return w.s.RegisterValidPaths(w.ctx, []*store.PathInfo{old})
	}
	return nil
}

// sortOutputs orders the outputs so that outputs referred to by others
// come first (CppNix's topoSort, reversed).
func (b *localBuild) sortOutputs(names []string, states map[string]*outputState) ([]string, error) {
	byScratch := map[storepath.StorePath]string{}
	for _, n := range names {
		byScratch[b.scratch[n]] = n
	}
	deps := func(n string) []string {
		st := states[n]
		if st.already {
			return nil
		}
		var d []string
		for _, r := range st.refs {
			if o, ok := byScratch[r]; ok {
				d = append(d, o)
			}
		}
		return sortedStrings(d)
	}
	var order []string
	visited := map[string]bool{}
	parents := map[string]bool{}
	var visit func(n, parent string) error
	visit = func(n, parent string) error {
		if parents[n] {
			return buildErrorf("cycle detected in build of '%s' in the references of output '%s' from output '%s'", b.drvPathS(), n, parent)
		}
		if visited[n] {
			return nil
		}
		visited[n] = true
		parents[n] = true
		for _, d := range deps(n) {
			if d == n {
				continue
			}
			if err := visit(d, n); err != nil {
				return err
			}
		}
		delete(parents, n)
		order = append(order, n)
		return nil
	}
	for _, n := range names {
		if err := visit(n, ""); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// rewriteOutput applies hash rewrites to an output tree.
func (b *localBuild) rewriteOutput(actual string, rewrites map[string]string) error {
	effective := map[string]string{}
	for k, v := range rewrites {
		if k != v {
			effective[k] = v
		}
	}
	if len(effective) == 0 {
		return nil
	}
	b.w.log.Log(store.LevelDebug, fmt.Sprintf("rewriting hashes in '%s'; cross fingers", actual))
	if err := rewriteTree(actual, effective, b.w.s.DeletePath); err != nil {
		return err
	}
	return b.w.s.CanonicaliseOutput(actual)
}

// rewriteRefs maps scanned references through the output rewrites: a
// reference to the output's own scratch path is a self-reference.
func (b *localBuild) rewriteRefs(refs []storepath.StorePath, scratch storepath.StorePath) (bool, []storepath.StorePath) {
	self := false
	var others []storepath.StorePath
	for _, r := range refs {
		if r == scratch {
			self = true
			continue
		}
		if nh, ok := b.outputRewrites[r.HashPart()]; ok {
			if p, err := storepath.ParseBase(nh + "-" + r.Name()); err == nil {
				others = append(others, p)
				continue
			}
		}
		others = append(others, r)
	}
	return self, others
}

// newInfoFromCA hashes a content-addressed output and moves it to the
// path its hash gives.
func (b *localBuild) newInfoFromCA(name string, st *outputState, method storepath.Method, algo hash.Algo) (*store.PathInfo, error) {
	scratch := b.scratch[name]
	actual := b.actualPath(scratch)
	fi := st.fi
	if method == storepath.MethodFlat || method == storepath.MethodText {
		if !fi.Mode().IsRegular() || (runtime.GOOS != "windows" && fi.Mode()&0o100 != 0) {
			return nil, buildErrorf("output path '%s' should be a non-executable regular file since recursive hashing is not enabled (one of outputHashMode={flat,text} is true)", actual)
		}
	}
	if err := b.rewriteOutput(actual, b.outputRewrites); err != nil {
		return nil, err
	}
	oldHashPart := scratch.HashPart()
	mh := refscan.NewModuloHasher(algo, oldHashPart)
	switch method {
	case storepath.MethodFlat, storepath.MethodText:
		f, err := os.Open(actual)
		if err != nil {
			return nil, err
		}
		_, err = io.Copy(mh, f)
		f.Close()
		if err != nil {
			return nil, err
		}
	case storepath.MethodNAR:
		if err := nar.DumpPath(mh, actual); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("content-addressing method '%s' is not supported for outputs", method)
	}
	got, _ := mh.Sum()
	self, others := b.rewriteRefs(st.refs, scratch)
	ca := storepath.ContentAddress{Method: method, Hash: got}
	path, err := b.w.dir.MakeFixedOutputPathFromCA(storepath.OutputPathName(b.drv.Name, name), ca,
		storepath.References{Others: storepath.SortPaths(append([]storepath.StorePath(nil), others...)), Self: self})
	if err != nil {
		return nil, err
	}
	if scratch != path {
		if err := b.rewriteOutput(actual, map[string]string{oldHashPart: path.HashPart()}); err != nil {
			return nil, err
		}
	}
	narHash, narSize, err := narHashOf(actual)
	if err != nil {
		return nil, err
	}
	info := &store.PathInfo{Path: path, NarHash: narHash, NarSize: narSize, CA: ca, References: others}
	if self {
		info.References = append(info.References, path)
	}
	return info, nil
}

// narHashOf returns the SHA-256 hash and the size of the NAR of path.
func narHashOf(path string) (hash.Hash, uint64, error) {
	h := hash.NewHasher(hash.SHA256)
	cw := &countingWriter{w: h}
	if err := nar.DumpPath(cw, path); err != nil {
		return hash.Hash{}, 0, err
	}
	return h.Sum(), cw.n, nil
}

type countingWriter struct {
	w io.Writer
	n uint64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += uint64(n)
	return n, err
}

// scanReferences returns the paths among candidates whose hash parts occur
// in the NAR of path.
func scanReferences(path string, candidates map[storepath.StorePath]bool) ([]storepath.StorePath, error) {
	byHash := map[string]storepath.StorePath{}
	var parts []string
	for p := range candidates {
		byHash[p.HashPart()] = p
		parts = append(parts, p.HashPart())
	}
	sc := refscan.NewScanner(parts)
	if err := nar.DumpPath(sc, path); err != nil {
		return nil, err
	}
	var refs []storepath.StorePath
	for _, h := range sc.Found() {
		refs = append(refs, byHash[h])
	}
	return storepath.SortPaths(refs), nil
}

// freshCopy replaces the tree at p by a copy of itself, so that no file
// descriptor the builder left open can change it (CppNix copies a fixed
// output before hashing it).
func freshCopy(p string) error {
	tmp := p + ".tmp"
	os.RemoveAll(tmp)
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(nar.DumpPath(pw, p)) }()
	if err := nar.Restore(tmp, pr); err != nil {
		pr.CloseWithError(err)
		return err
	}
	if err := removeAllWritable(p); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

// removeAllWritable deletes a tree whose directories may be read-only.
func removeAllWritable(p string) error {
	removeTree(p)
	if _, err := os.Lstat(p); err == nil {
		return fmt.Errorf("cannot delete '%s'", p)
	}
	return nil
}

// movePath renames src to dst, making a read-only directory writable for
// the move when not root (to update its ".." entry), as CppNix's movePath.
func movePath(src, dst string) error {
	fi, err := os.Lstat(src)
	if err != nil {
		return err
	}
	change := os.Geteuid() != 0 && fi.IsDir() && fi.Mode().Perm()&0o200 == 0
	if change {
		os.Chmod(src, fi.Mode().Perm()|0o200)
	}
	if err := os.Rename(src, dst); err != nil {
		return err
	}
	if change {
		os.Chmod(dst, fi.Mode().Perm())
	}
	return nil
}

// checks are the constraints on one output (CppNix's Checks).
type checks struct {
	ignoreSelfRefs                                         bool
	maxSize, maxClosureSize                                *uint64
	allowedReferences, allowedRequisites                   []string
	disallowedReferences, disallowedRequisites             []string
	hasAllowedRefs, hasAllowedReqs, hasDisRefs, hasDisReqs bool
}

// checkOutputs enforces allowedReferences, allowedRequisites,
// disallowedReferences, disallowedRequisites, maxSize and maxClosureSize.
func (b *localBuild) checkOutputs(infos map[string]*store.PathInfo) error {
	w := b.w
	byPath := map[storepath.StorePath]*store.PathInfo{}
	for _, info := range infos {
		byPath[info.Path] = info
	}
	closure := func(p storepath.StorePath) (map[storepath.StorePath]bool, uint64, error) {
		done := map[storepath.StorePath]bool{}
		var size uint64
		queue := []storepath.StorePath{p}
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			if done[x] {
				continue
			}
			done[x] = true
			info, ok := byPath[x]
			if !ok {
				var err error
				if info, err = w.s.QueryPathInfo(w.ctx, x); err != nil {
					return nil, 0, err
				}
			}
			size += info.NarSize
			queue = append(queue, info.References...)
		}
		return done, size, nil
	}
	for _, name := range sortedKeys(infos) {
		info := infos[name]
		var cs []checks
		if b.p.structured != nil {
			for _, attr := range []string{"allowedReferences", "allowedRequisites", "disallowedRequisites", "disallowedReferences", "maxSize", "maxClosureSize"} {
				if b.p.structured.get(attr) != nil {
					w.log.Log(store.LevelWarn, fmt.Sprintf("warning: 'structuredAttrs' disables the effect of the top-level attribute '%s'; use 'outputChecks' instead", attr))
				}
			}
			if oc := b.p.structured.get("outputChecks"); oc != nil {
				if o := oc.get(name); o != nil {
					c, err := b.structuredChecks(o)
					if err != nil {
						return err
					}
					cs = append(cs, c)
				}
			}
		} else {
			c := checks{ignoreSelfRefs: true}
			var err error
			if c.allowedReferences, c.hasAllowedRefs, err = b.p.stringsAttr("allowedReferences"); err != nil {
				return err
			}
			if c.allowedRequisites, c.hasAllowedReqs, err = b.p.stringsAttr("allowedRequisites"); err != nil {
				return err
			}
			if c.disallowedReferences, c.hasDisRefs, err = b.p.stringsAttr("disallowedReferences"); err != nil {
				return err
			}
			if c.disallowedRequisites, c.hasDisReqs, err = b.p.stringsAttr("disallowedRequisites"); err != nil {
				return err
			}
			cs = append(cs, c)
		}
		for _, c := range cs {
			if c.maxSize != nil && info.NarSize > *c.maxSize {
				return buildErrorf("path '%s' is too large at %d bytes; limit is %d bytes", b.path(info.Path), info.NarSize, *c.maxSize)
			}
			if c.maxClosureSize != nil {
				_, size, err := closure(info.Path)
				if err != nil {
					return err
				}
				if size > *c.maxClosureSize {
					return buildErrorf("closure of path '%s' is too large at %d bytes; limit is %d bytes", b.path(info.Path), size, *c.maxClosureSize)
				}
			}
			checkRefs := func(value []string, present, allowed, recursive bool) error {
				if !present {
					return nil
				}
				spec := map[storepath.StorePath]bool{}
				for _, i := range value {
					if w.dir.IsStorePath(i) {
						p, err := w.dir.Parse(i)
						if err != nil {
							return err
						}
						spec[p] = true
					} else if o, ok := infos[i]; ok {
						spec[o.Path] = true
					} else {
						return buildErrorf("derivation contains an illegal reference specifier '%s'", i)
					}
				}
				used := map[storepath.StorePath]bool{}
				if recursive {
					cl, _, err := closure(info.Path)
					if err != nil {
						return err
					}
					used = cl
					if c.ignoreSelfRefs {
						delete(used, info.Path)
					}
				} else {
					for _, r := range info.References {
						used[r] = true
					}
				}
				var bad []storepath.StorePath
				for p := range used {
					if spec[p] != allowed {
						bad = append(bad, p)
					}
				}
				if len(bad) > 0 {
					var s strings.Builder
					for _, p := range storepath.SortPaths(bad) {
						s.WriteString("\n  " + b.path(p))
					}
					return buildErrorf("output '%s' is not allowed to refer to the following paths:%s", b.path(info.Path), s.String())
				}
				return nil
			}
			if err := checkRefs(c.allowedReferences, c.hasAllowedRefs, true, false); err != nil {
				return err
			}
			if err := checkRefs(c.allowedRequisites, c.hasAllowedReqs, true, true); err != nil {
				return err
			}
			if err := checkRefs(c.disallowedReferences, c.hasDisRefs, false, false); err != nil {
				return err
			}
			if err := checkRefs(c.disallowedRequisites, c.hasDisReqs, false, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// structuredChecks reads outputChecks.<output>. As CppNix 2.26, every list
// read also becomes disallowedRequisites (a bug kept for compatibility)
// until disallowedRequisites itself is read.
func (b *localBuild) structuredChecks(o *jsonValue) (checks, error) {
	var c checks
	if v := o.get("maxSize"); v != nil {
		n := jsonUint(v)
		c.maxSize = &n
	}
	if v := o.get("maxClosureSize"); v != nil {
		n := jsonUint(v)
		c.maxClosureSize = &n
	}
	get := func(name string) ([]string, bool, error) {
		v := o.get(name)
		if v == nil {
			return nil, false, nil
		}
		res := []string{}
		for _, e := range v.elems() {
			if e.kind != jString {
				return nil, false, fmt.Errorf("attribute '%s' of derivation '%s' must be a list of strings", name, b.drvPathS())
			}
			res = append(res, e.s)
		}
		c.disallowedRequisites, c.hasDisReqs = res, true
		return res, true, nil
	}
	var err error
	if c.allowedReferences, c.hasAllowedRefs, err = get("allowedReferences"); err != nil {
		return c, err
	}
	if c.allowedRequisites, c.hasAllowedReqs, err = get("allowedRequisites"); err != nil {
		return c, err
	}
	if c.disallowedReferences, c.hasDisRefs, err = get("disallowedReferences"); err != nil {
		return c, err
	}
	reqs, has, err := get("disallowedRequisites")
	if err != nil {
		return c, err
	}
	c.disallowedRequisites, c.hasDisReqs = reqs, has
	return c, nil
}

func jsonUint(v *jsonValue) uint64 {
	switch v.kind {
	case jUint:
		return v.u
	case jInt:
		return uint64(v.i)
	case jFloat:
		return uint64(v.f)
	}
	return 0
}
