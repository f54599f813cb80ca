// Derivation and Output types, output kinds and the derivation type.

package derivation

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
)

// Derivation is a parsed .drv file (CppNix's Derivation, without the
// dynamic-derivation extension of inputDrvs).
type Derivation struct {
	// Name is the derivation's name: the .drv file's name without
	// ".drv". It is not part of the ATerm; fixed output paths use it.
	Name string
	// Outputs maps output names to outputs.
	Outputs map[string]Output
	// InputDrvs maps input derivations to the names of the outputs
	// used, sorted and unique.
	InputDrvs map[storepath.StorePath][]string
	// InputSrcs are the input sources, sorted by storepath.SortPaths.
	InputSrcs []storepath.StorePath
	Platform  string
	Builder   string
	Args      []string
	Env       map[string]string
}

// Output is one output of a derivation, in the three fields of its ATerm
// form. Which fields are set tells its kind (see Kind):
//
//	kind             Path         HashAlgo        Hash
//	input-addressed  the path     ""              ""
//	deferred         zero         ""              ""
//	fixed            the path     "r:sha256" ...  base16 digest
//	floating         zero         "r:sha256" ...  ""
//	impure           zero         "r:sha256" ...  "impure"
//
// HashAlgo is the content-addressing method's prefix ("", "r:", "text:",
// "git:") followed by the algorithm. The Path of a fixed output is always
// the one computed from its content address (FixedOutput, Parse).
type Output struct {
	Path     storepath.StorePath
	HashAlgo string
	Hash     string
}

// OutputKind is the kind of an output (CppNix's DerivationOutput variants).
type OutputKind uint8

const (
	InputAddressed OutputKind = iota + 1 // path known from the derivation's inputs
	Deferred                             // input-addressed, path not yet known (depends on floating outputs)
	Fixed                                // content-addressed with a known hash ("fixed-output")
	Floating                             // content-addressed, hash known after the build (ca-derivations)
	Impure                               // content-addressed, never cached (impure-derivations)
)

func (k OutputKind) String() string {
	switch k {
	case InputAddressed:
		return "input-addressed"
	case Deferred:
		return "deferred"
	case Fixed:
		return "fixed"
	case Floating:
		return "floating"
	case Impure:
		return "impure"
	}
	return "invalid-kind"
}

// Kind returns the output's kind.
func (o Output) Kind() OutputKind {
	switch {
	case o.HashAlgo == "" && o.Path.IsZero():
		return Deferred
	case o.HashAlgo == "":
		return InputAddressed
	case o.Hash == "impure":
		return Impure
	case o.Hash != "":
		return Fixed
	}
	return Floating
}

// MethodAlgo returns the content-addressing method and hash algorithm of
// a content-addressed output.
func (o Output) MethodAlgo() (storepath.Method, hash.Algo, error) {
	if o.HashAlgo == "" {
		return 0, 0, errors.New("output is not content-addressed")
	}
	m, rest := storepath.ParseMethodPrefix(o.HashAlgo)
	a, err := hash.ParseAlgo(rest)
	return m, a, err
}

// ContentAddress returns the content address of a fixed output.
func (o Output) ContentAddress() (storepath.ContentAddress, error) {
	if o.Kind() != Fixed {
		return storepath.ContentAddress{}, fmt.Errorf("%s output has no content address", o.Kind())
	}
	m, a, err := o.MethodAlgo()
	if err != nil {
		return storepath.ContentAddress{}, err
	}
	h, err := hash.ParseNonSRIUnprefixed(o.Hash, a)
	return storepath.ContentAddress{Method: m, Hash: h}, err
}

// InputAddressedOutput returns an input-addressed output at path.
func InputAddressedOutput(path storepath.StorePath) Output { return Output{Path: path} }

// FixedOutput returns a fixed output with content address ca, computing
// its path for output outputName of derivation drvName.
func FixedOutput(dir storepath.Dir, drvName, outputName string, ca storepath.ContentAddress) (Output, error) {
	p, err := fixedPath(dir, drvName, outputName, ca)
	if err != nil {
		return Output{}, err
	}
	return Output{Path: p, HashAlgo: ca.MethodAlgo(), Hash: ca.Hash.Base16()}, nil
}

func fixedPath(dir storepath.Dir, drvName, outputName string, ca storepath.ContentAddress) (storepath.StorePath, error) {
	return dir.MakeFixedOutputPathFromCA(storepath.OutputPathName(drvName, outputName), ca, storepath.References{})
}

// FloatingOutput returns a floating content-addressed output.
func FloatingOutput(m storepath.Method, a hash.Algo) Output {
	return Output{HashAlgo: m.Prefix() + a.String()}
}

// ImpureOutput returns an impure output.
func ImpureOutput(m storepath.Method, a hash.Algo) Output {
	return Output{HashAlgo: m.Prefix() + a.String(), Hash: "impure"}
}

// Type classifies a whole derivation by the kinds of its outputs (CppNix's
// DerivationType).
type Type uint8

const (
	TypeInputAddressed         Type = iota + 1 // all outputs input-addressed
	TypeDeferredInputAddressed                 // all outputs deferred
	TypeFixed                                  // one fixed output, "out"
	TypeFloating                               // all outputs floating, one algorithm
	TypeImpure                                 // all outputs impure
)

// IsFixed reports whether t is a fixed-output derivation.
func (t Type) IsFixed() bool { return t == TypeFixed }

// IsImpure reports whether t is an impure derivation.
func (t Type) IsImpure() bool { return t == TypeImpure }

// IsCA reports whether t's outputs are content-addressed.
func (t Type) IsCA() bool { return t == TypeFixed || t == TypeFloating || t == TypeImpure }

// HasKnownOutputPaths reports whether the output paths are known before
// building.
func (t Type) HasKnownOutputPaths() bool { return t == TypeInputAddressed || t == TypeFixed }

// IsSandboxed reports whether builds of t run in the sandbox (fixed and
// impure derivations may use the network).
func (t Type) IsSandboxed() bool {
	return t == TypeInputAddressed || t == TypeDeferredInputAddressed || t == TypeFloating
}

// Type returns the derivation's type, or CppNix's error when its outputs
// do not fit one.
func (d *Derivation) Type() (Type, error) {
	var count [Impure + 1]int
	var fixedName, floatingAlgo string
	kinds := 0
	for name, o := range d.Outputs {
		k := o.Kind()
		if count[k] == 0 {
			kinds++
		}
		count[k]++
		switch k {
		case Fixed:
			fixedName = name
		case Floating:
			_, a, err := o.MethodAlgo()
			if err != nil {
				return 0, err
			}
			if floatingAlgo == "" {
				floatingAlgo = a.String()
			} else if floatingAlgo != a.String() {
				return 0, errors.New("all floating outputs must use the same hash algorithm")
			}
		}
	}
	switch {
	case kinds == 0:
		return 0, errors.New("must have at least one output")
	case kinds > 1:
		return 0, errors.New("can't mix derivation output types")
	case count[InputAddressed] > 0:
		return TypeInputAddressed, nil
	case count[Fixed] > 1:
		return 0, errors.New("only one fixed output is allowed for now")
	case count[Fixed] == 1:
		if fixedName != "out" {
			return 0, errors.New(`single fixed output must be named "out"`)
		}
		return TypeFixed, nil
	case count[Floating] > 0:
		return TypeFloating, nil
	case count[Deferred] > 0:
		return TypeDeferredInputAddressed, nil
	}
	return TypeImpure, nil
}

// IsBuiltin reports whether the builder is built into Nix ("builtin:...").
func (d *Derivation) IsBuiltin() bool { return len(d.Builder) >= 8 && d.Builder[:8] == "builtin:" }

// ExperimentalFeatures returns the experimental features CppNix requires
// to read this derivation: "ca-derivations" for floating outputs,
// "impure-derivations" for impure ones, "dynamic-derivations" for text
// hashing and "git-hashing" for Git hashing. The list is sorted.
func (d *Derivation) ExperimentalFeatures() []string {
	set := map[string]bool{}
	for _, o := range d.Outputs {
		switch o.Kind() {
		case Floating:
			set["ca-derivations"] = true
		case Impure:
			set["impure-derivations"] = true
		}
		if m, _ := storepath.ParseMethodPrefix(o.HashAlgo); m == storepath.MethodText {
			set["dynamic-derivations"] = true
		} else if m == storepath.MethodGit {
			set["git-hashing"] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// OutputNames returns the output names, sorted.
func (d *Derivation) OutputNames() []string { return slices.Sorted(maps.Keys(d.Outputs)) }

// References returns the store paths the .drv file refers to: its input
// sources and input derivations, sorted.
func (d *Derivation) References() []storepath.StorePath {
	refs := slices.Clone(d.InputSrcs)
	for p := range d.InputDrvs {
		refs = append(refs, p)
	}
	return storepath.SortPaths(refs)
}

// Path computes the store path of the .drv file holding this derivation
// (CppNix's writeDerivation in read-only mode): a text path of the ATerm
// named "<Name>.drv".
func (d *Derivation) Path(dir storepath.Dir) (storepath.StorePath, error) {
	buf := getBuf()
	*buf = d.appendATerm((*buf)[:0], dir, false, nil)
	h := hash.Sum(hash.SHA256, *buf)
	putBuf(buf)
	return dir.MakeTextPath(d.Name+storepath.DrvExtension, h, d.References())
}
