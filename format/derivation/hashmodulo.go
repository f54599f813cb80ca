// HashModulo: the derivation hash behind input-addressed output paths
// (the pure part of CppNix's hashDerivationModulo).

package derivation

import (
	"fmt"
	"maps"
	"slices"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
)

// HashKind tells whether a modulo hash can name output paths now.
type HashKind uint8

const (
	// Regular hashes name output paths directly.
	Regular HashKind = iota
	// DeferredHash marks floating content-addressed derivations and
	// everything depending on them: paths are known only after building.
	DeferredHash
)

// DrvHash is the modulo hash of each output of a derivation (CppNix's
// DrvHash).
type DrvHash struct {
	Hashes map[string]hash.Hash
	Kind   HashKind
}

// InputHashFunc returns the modulo hash of an input derivation, computed
// with HashModulo(..., false, ...) on that derivation. Callers memoise it:
// CppNix caches one DrvHash per .drv path.
type InputHashFunc func(drvPath storepath.StorePath) (DrvHash, error)

// impureOutputHash is the modulo hash of every impure output.
var impureOutputHash = hash.SumString(hash.SHA256, "impure")

// HashModulo computes the modulo hash of d's outputs:
//
//   - for a fixed-output derivation, the SHA-256 of
//     "fixed:out:<method><algo>:<hex>:<output path>" for each output,
//     whatever else the derivation contains;
//   - for an impure derivation, SHA-256("impure"), deferred;
//   - otherwise the SHA-256 of the ATerm (outputs masked if maskOutputs)
//     where each input derivation is replaced by the base16 modulo hash of
//     the outputs used, the same for every output. It is deferred if any
//     input is.
//
// Output paths of input-addressed derivations are
// dir.MakeOutputPath(name, HashModulo(dir, d, true, f).Hashes[name], d.Name).
func HashModulo(dir storepath.Dir, d *Derivation, maskOutputs bool, inputHash InputHashFunc) (DrvHash, error) {
	typ, err := d.Type()
	if err != nil {
		return DrvHash{}, err
	}
	switch typ {
	case TypeFixed:
		return fixedHashes(dir, d)
	case TypeImpure:
		hashes := map[string]hash.Hash{}
		for name := range d.Outputs {
			hashes[name] = impureOutputHash
		}
		return DrvHash{Hashes: hashes, Kind: DeferredHash}, nil
	}
	kind := Regular
	if typ == TypeFloating {
		kind = DeferredHash
	}
	byHash := map[string][]string{}
	for _, drvPath := range sortedInputDrvs(d.InputDrvs) {
		in, err := inputHash(drvPath)
		if err != nil {
			return DrvHash{}, err
		}
		if in.Kind == DeferredHash {
			kind = DeferredHash
		}
		for _, out := range d.InputDrvs[drvPath] {
			h, ok := in.Hashes[out]
			if !ok {
				return DrvHash{}, fmt.Errorf("no hash for output '%s' of derivation '%s'", out, d.Name)
			}
			hex := h.Base16()
			byHash[hex] = append(byHash[hex], out)
		}
	}
	inputs := make([]hashedInput, 0, len(byHash))
	for _, hex := range slices.Sorted(maps.Keys(byHash)) {
		inputs = append(inputs, hashedInput{hash: hex, outputs: sortedSet(byHash[hex])})
	}
	buf := getBuf()
	*buf = d.appendATerm((*buf)[:0], dir, maskOutputs, inputs)
	h := hash.Sum(hash.SHA256, *buf)
	putBuf(buf)
	hashes := map[string]hash.Hash{}
	for name := range d.Outputs {
		hashes[name] = h
	}
	return DrvHash{Hashes: hashes, Kind: kind}, nil
}

func fixedHashes(dir storepath.Dir, d *Derivation) (DrvHash, error) {
	hashes := map[string]hash.Hash{}
	for name, o := range d.Outputs {
		ca, err := o.ContentAddress()
		if err != nil {
			return DrvHash{}, err
		}
		p, err := fixedPath(dir, d.Name, name, ca)
		if err != nil {
			return DrvHash{}, err
		}
		hashes[name] = hash.SumString(hash.SHA256,
			"fixed:out:"+ca.MethodAlgo()+":"+ca.Hash.Base16()+":"+dir.Path(p))
	}
	return DrvHash{Hashes: hashes, Kind: Regular}, nil
}

// StaticOutputHashes returns the masked modulo hashes of d's outputs
// (CppNix's staticOutputHashes).
func StaticOutputHashes(dir storepath.Dir, d *Derivation, inputHash InputHashFunc) (map[string]hash.Hash, error) {
	h, err := HashModulo(dir, d, true, inputHash)
	return h.Hashes, err
}
