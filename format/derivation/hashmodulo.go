// HashModulo: the derivation hash behind input-addressed output paths
// (the pure part of CppNix's hashDerivationModulo).

package derivation

import (
	"fmt"
	"slices"
	"strings"
	"sync"

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
// DrvHash). All outputs of a derivation have the same modulo hash (a
// fixed-output derivation has the single output "out"), so it is kept once,
// with the names of the outputs it is the hash of.
type DrvHash struct {
	Hash    hash.Hash
	Outputs []string // sorted
	Kind    HashKind
}

// Output returns the modulo hash of output name, and whether the derivation
// has that output.
func (h DrvHash) Output(name string) (hash.Hash, bool) {
	if _, ok := slices.BinarySearch(h.Outputs, name); !ok {
		return hash.Hash{}, false
	}
	return h.Hash, true
}

// InputHashFunc returns the modulo hash of an input derivation, computed
// with HashModulo(..., false, ...) on that derivation. Callers memoise it:
// CppNix caches one DrvHash per .drv path.
type InputHashFunc func(drvPath storepath.StorePath) (DrvHash, error)

// hashedOutput is an output of an input derivation and its modulo hash.
type hashedOutput struct {
	hash   hash.Hash
	output string
}

var pairsPool = sync.Pool{New: func() any { s := make([]hashedOutput, 0, 64); return &s }}

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
		return DrvHash{Hash: impureOutputHash, Outputs: d.OutputNames(), Kind: DeferredHash}, nil
	}
	kind := Regular
	if typ == TypeFloating {
		kind = DeferredHash
	}
	// The input derivations become (modulo hash, outputs used), sorted by
	// hash (all SHA-256: their base16 order is their byte order), the
	// outputs of inputs with the same hash merged.
	pairs := pairsPool.Get().(*[]hashedOutput)
	defer func() { clear(*pairs); pairsPool.Put(pairs) }()
	ps := (*pairs)[:0]
	drvs := sortedInputDrvs(d.InputDrvs)
	defer putPaths(drvs)
	for _, drvPath := range *drvs {
		in, err := inputHash(drvPath)
		if err != nil {
			return DrvHash{}, err
		}
		if in.Kind == DeferredHash {
			kind = DeferredHash
		}
		for _, out := range d.InputDrvs[drvPath] {
			h, ok := in.Output(out)
			if !ok {
				return DrvHash{}, fmt.Errorf("no hash for output '%s' of derivation '%s'", out, d.Name)
			}
			ps = append(ps, hashedOutput{h, out})
		}
	}
	*pairs = ps
	slices.SortFunc(ps, func(a, b hashedOutput) int {
		if c := a.hash.Compare(b.hash); c != 0 {
			return c
		}
		return strings.Compare(a.output, b.output)
	})
	outs := make([]string, 0, len(ps))
	inputs := make([]hashedInput, 0, len(ps))
	for i, p := range ps {
		if i > 0 && p.hash == ps[i-1].hash {
			if p.output != ps[i-1].output {
				last := &inputs[len(inputs)-1]
				outs = append(outs, p.output)
				last.outputs = outs[len(outs)-len(last.outputs)-1:]
			}
			continue
		}
		outs = append(outs, p.output)
		inputs = append(inputs, hashedInput{hash: p.hash, outputs: outs[len(outs)-1:]})
	}
	buf := getBuf()
	*buf = d.appendATerm((*buf)[:0], dir, maskOutputs, inputs)
	h := hash.Sum(hash.SHA256, *buf)
	putBuf(buf)
	return DrvHash{Hash: h, Outputs: d.OutputNames(), Kind: kind}, nil
}

func fixedHashes(dir storepath.Dir, d *Derivation) (DrvHash, error) {
	o := d.Outputs["out"] // Type checked there is this one output
	ca, err := o.ContentAddress()
	if err != nil {
		return DrvHash{}, err
	}
	p, err := fixedPath(dir, d.Name, "out", ca)
	if err != nil {
		return DrvHash{}, err
	}
	var buf [256]byte
	b := append(buf[:0], "fixed:out:"...)
	b = append(b, ca.MethodAlgo()...)
	b = append(b, ':')
	b = ca.Hash.AppendFormat(b, hash.Base16, false)
	b = append(b, ':')
	b = append(b, dir...)
	b = append(b, '/')
	b = append(b, p.Base()...)
	return DrvHash{Hash: hash.Sum(hash.SHA256, b), Outputs: fixedOutputs, Kind: Regular}, nil
}

// fixedOutputs are the outputs of every fixed-output derivation.
var fixedOutputs = []string{"out"}

// StaticOutputHashes returns the masked modulo hashes of d's outputs
// (CppNix's staticOutputHashes).
func StaticOutputHashes(dir storepath.Dir, d *Derivation, inputHash InputHashFunc) (map[string]hash.Hash, error) {
	h, err := HashModulo(dir, d, true, inputHash)
	if err != nil {
		return nil, err
	}
	hashes := make(map[string]hash.Hash, len(h.Outputs))
	for _, name := range h.Outputs {
		hashes[name] = h.Hash
	}
	return hashes, nil
}
