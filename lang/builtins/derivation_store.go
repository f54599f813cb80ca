// This file holds what derivationStrict keeps per evaluation: the derivations
// written so far and the memo of their modulo hashes, and how they are read
// back, from memory or from a store that keeps what it adds.

package builtins

import (
	"github.com/nixgo/nixgo/format/derivation"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/token"
)

// StoreReader is implemented by stores that keep the paths they add (a real
// store; the dummy store only computes paths). Evaluation uses it to follow
// the closure of a derivation referred to with its drvPath, to read input
// derivations written by an earlier evaluation, and to import .drv files.
type StoreReader interface {
	// IsValidPath reports whether the full store path exists in the store.
	IsValidPath(path string) bool
	// QueryReferences returns the references (full store paths) of a valid
	// store path, or CppNix's error "path '…' is not valid".
	QueryReferences(path string) ([]string, error)
	// ReadStoreFile returns the contents of a regular file in the store.
	ReadStoreFile(path string) ([]byte, error)
}

// PathsOnly is implemented by stores that compute the paths of what is added
// without writing anything (CppNix's read-only mode). Derivations are then
// hashed where they are printed, not handed to AddText.
type PathsOnly interface {
	PathsOnly() bool
}

// drvCache is the per-evaluation memory of derivations, as CppNix's global
// drvHashes plus the derivations themselves, which a read-only store cannot
// give back.
type drvCache struct {
	dir storepath.Dir
	// drvs are the derivations written or read in this evaluation. They are
	// kept only with a StoreReader: with a store that only computes paths,
	// nothing can read them (drvPath closures and imports of .drv files need
	// paths to exist, and the modulo hashes are kept in hashes), and keeping
	// them costs a tenth of the memory of a nixpkgs evaluation.
	drvs map[storepath.StorePath]*derivation.Derivation
	keep bool
	// pathsOnly is set when the store only computes paths (PathsOnly) and
	// cannot give anything back: the .drv files are hashed, not written.
	pathsOnly bool
	// hashes are the unmasked modulo hashes of derivations (CppNix's
	// drvHashes).
	hashes map[storepath.StorePath]derivation.DrvHash
	// parsed memoises the parsing of store paths found in contexts, which
	// the same inputs repeat from derivation to derivation.
	parsed map[string]storepath.StorePath
	// inputHash is the InputHashFunc reading from this cache, made once.
	inputHash derivation.InputHashFunc
	// st is the evaluation the cache belongs to, for errors.
	st *eval.State
}

const drvCacheKey = "builtins.derivations"

// derivations returns the evaluation's derivation cache, creating it.
func derivations(st *eval.State) *drvCache {
	if c, ok := st.Cache[drvCacheKey].(*drvCache); ok {
		return c
	}
	c := &drvCache{
		dir:    storepath.Dir(st.StoreDir),
		drvs:   map[storepath.StorePath]*derivation.Derivation{},
		hashes: map[storepath.StorePath]derivation.DrvHash{},
		parsed: map[string]storepath.StorePath{},
		st:     st,
	}
	_, c.keep = st.Store.(StoreReader)
	if po, ok := st.Store.(PathsOnly); ok && !c.keep {
		c.pathsOnly = po.PathsOnly()
	}
	c.inputHash = c.modulo
	st.Cache[drvCacheKey] = c
	return c
}

// modulo returns the modulo hash of the derivation at p, computing it once
// (CppNix's pathDerivationModulo).
func (c *drvCache) modulo(p storepath.StorePath) (derivation.DrvHash, error) {
	if h, ok := c.hashes[p]; ok {
		return h, nil
	}
	d := c.read(p)
	h, err := derivation.HashModulo(c.dir, d, false, c.inputHash)
	if err != nil {
		return h, err
	}
	c.hashes[p] = h
	return h, nil
}

// read returns the derivation at p: one written in this evaluation, or one
// the store holds. Errors are raised as evaluation errors.
func (c *drvCache) read(p storepath.StorePath) *derivation.Derivation {
	if d, ok := c.drvs[p]; ok {
		return d
	}
	st := c.st
	r, ok := st.Store.(StoreReader)
	if !ok {
		st.Errorf(eval.EvalError, token.NoPos, "operation 'getFSAccessor' is not supported by store 'dummy'")
	}
	full := c.dir.Path(p)
	text, err := r.ReadStoreFile(full)
	if err != nil {
		st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
	}
	name, err := p.DrvName()
	if err != nil {
		st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
	}
	d, err := derivation.Parse(c.dir, string(text), name)
	if err != nil {
		st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
	}
	c.drvs[p] = d
	return d
}

// parse parses a full store path, raising CppNix's error when it is not one.
func (c *drvCache) parse(s string) storepath.StorePath {
	if p, ok := c.parsed[s]; ok {
		return p
	}
	p, err := c.dir.Parse(s)
	if err != nil {
		c.st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
	}
	c.parsed[s] = p
	return p
}

// closure returns the store paths p refers to, directly or not, and p itself
// (CppNix's computeFSClosure). Only a store that keeps its paths knows them:
// otherwise the path is not valid, as in CppNix's read-only mode.
func (c *drvCache) closure(p storepath.StorePath) []storepath.StorePath {
	st := c.st
	r, ok := st.Store.(StoreReader)
	if !ok {
		st.Errorf(eval.EvalError, token.NoPos, "path '%s' is not valid", c.dir.Path(p))
	}
	seen := map[storepath.StorePath]bool{p: true}
	out := []storepath.StorePath{p}
	for i := 0; i < len(out); i++ {
		refs, err := r.QueryReferences(c.dir.Path(out[i]))
		if err != nil {
			st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
		}
		for _, ref := range refs {
			q, err := c.dir.Parse(ref)
			if err != nil {
				st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
			}
			if !seen[q] {
				seen[q] = true
				out = append(out, q)
			}
		}
	}
	return storepath.SortPaths(out)
}

// write stores the derivation's .drv file (CppNix's writeDerivation) and
// remembers it, with its unmasked modulo hash, under the path it gets.
func (c *drvCache) write(d *derivation.Derivation) storepath.StorePath {
	st := c.st
	var p storepath.StorePath
	if c.pathsOnly {
		var err error
		if p, err = d.Path(c.dir); err != nil {
			st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
		}
	} else {
		text := d.ATerm(c.dir)
		refs := d.References()
		refStrs := make([]string, len(refs))
		for i, r := range refs {
			refStrs[i] = c.dir.Path(r)
		}
		full, err := st.Store.AddText(d.Name+storepath.DrvExtension, text, refStrs)
		if err != nil {
			st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
		}
		if p, err = c.dir.Parse(full); err != nil {
			st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
		}
	}
	if c.keep {
		c.drvs[p] = d
	}
	// As CppNix: required in read-only mode, where the .drv cannot be read
	// back.
	h, err := derivation.HashModulo(c.dir, d, false, c.inputHash)
	if err != nil {
		st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
	}
	c.hashes[p] = h
	return p
}
