// Printing derivations as ATerm, byte for byte as CppNix's unparse.

package derivation

import (
	"slices"
	"sort"
	"sync"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
)

// ATerm returns the derivation's .drv text.
func (d *Derivation) ATerm(dir storepath.Dir) string {
	buf := getBuf()
	*buf = d.appendATerm((*buf)[:0], dir, false, nil)
	s := string(*buf)
	putBuf(buf)
	return s
}

// bufs holds scratch buffers for printing: derivations are printed three
// times each while instantiating, and nixpkgs has tens of thousands.
var bufs = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

func getBuf() *[]byte { return bufs.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) <= 4<<20 {
		bufs.Put(b)
	}
}

// appendStorePath appends a full store path as an ATerm string, without
// building the path first (store paths need no escaping).
func appendStorePath(b []byte, dir storepath.Dir, p storepath.StorePath) []byte {
	b = append(b, '"')
	b = append(b, dir...)
	b = append(b, '/')
	b = append(b, p.Base()...)
	return append(b, '"')
}

// MaskedATerm returns the .drv text with output paths, and environment
// variables named like outputs, replaced by "", as hashed to compute
// input-addressed output paths.
func (d *Derivation) MaskedATerm(dir storepath.Dir) string {
	buf := getBuf()
	*buf = d.appendATerm((*buf)[:0], dir, true, nil)
	s := string(*buf)
	putBuf(buf)
	return s
}

// AppendATerm appends the derivation's .drv text to b.
func (d *Derivation) AppendATerm(b []byte, dir storepath.Dir) []byte {
	return d.appendATerm(b, dir, false, nil)
}

// hashedInput is an input derivation replaced by its modulo hash.
type hashedInput struct {
	hash    hash.Hash // printed in base16
	outputs []string
}

// appendATerm prints the derivation. With maskOutputs, output paths and
// output-named environment variables are blank; with inputs, those replace
// the input derivations (CppNix's actualInputs).
func (d *Derivation) appendATerm(b []byte, dir storepath.Dir, maskOutputs bool, inputs []hashedInput) []byte {
	b = append(b, "Derive(["...)
	names := sortedKeys(d.Outputs)
	defer putStrings(names)
	for i, name := range *names {
		o := d.Outputs[name]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '(')
		b = appendRaw(b, name)
		b = append(b, ',')
		if k := o.Kind(); maskOutputs || (k != InputAddressed && k != Fixed) {
			b = appendRaw(b, "")
		} else {
			b = appendStorePath(b, dir, o.Path)
		}
		b = append(b, ',')
		b = appendRaw(b, o.HashAlgo)
		b = append(b, ',')
		b = appendRaw(b, o.Hash)
		b = append(b, ')')
	}
	b = append(b, "],["...)
	if inputs != nil {
		for i, in := range inputs {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, "(\""...)
			b = in.hash.AppendFormat(b, hash.Base16, false)
			b = append(b, "\","...)
			b = appendRawList(b, in.outputs)
			b = append(b, ')')
		}
	} else {
		drvs := sortedInputDrvs(d.InputDrvs)
		defer putPaths(drvs)
		for i, p := range *drvs {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '(')
			b = appendStorePath(b, dir, p)
			b = append(b, ',')
			b = appendRawList(b, sortedSet(d.InputDrvs[p]))
			b = append(b, ')')
		}
	}
	b = append(b, "],["...)
	srcs := d.InputSrcs
	if !slices.IsSortedFunc(srcs, storepath.StorePath.Compare) || hasAdjacentDupPath(srcs) {
		srcs = storepath.SortPaths(slices.Clone(srcs))
	}
	for i, p := range srcs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendStorePath(b, dir, p)
	}
	b = append(b, "],"...)
	b = appendRaw(b, d.Platform)
	b = append(b, ',')
	b = appendEscaped(b, d.Builder)
	b = append(b, ",["...)
	for i, a := range d.Args {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendEscaped(b, a)
	}
	b = append(b, "],["...)
	keys := sortedKeys(d.Env)
	defer putStrings(keys)
	for i, k := range *keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '(')
		b = appendEscaped(b, k)
		b = append(b, ',')
		if _, isOutput := d.Outputs[k]; maskOutputs && isOutput {
			b = appendEscaped(b, "")
		} else {
			b = appendEscaped(b, d.Env[k])
		}
		b = append(b, ')')
	}
	return append(b, "])"...)
}

// Scratch slices for sorting map keys while printing: a derivation is
// printed three times while instantiating, and sorting its keys was a good
// part of the allocations of a nixpkgs evaluation.
var (
	stringsPool = sync.Pool{New: func() any { s := make([]string, 0, 64); return &s }}
	pathsPool   = sync.Pool{New: func() any { s := make([]storepath.StorePath, 0, 64); return &s }}
)

// sortedKeys returns the keys of m sorted, in a scratch slice to give back
// with putStrings.
func sortedKeys[V any](m map[string]V) *[]string {
	p := stringsPool.Get().(*[]string)
	s := (*p)[:0]
	for k := range m {
		s = append(s, k)
	}
	slices.Sort(s)
	*p = s
	return p
}

func putStrings(p *[]string) {
	clear(*p)
	stringsPool.Put(p)
}

// sortedInputDrvs returns the input derivations sorted, in a scratch slice
// to give back with putPaths.
func sortedInputDrvs(m map[storepath.StorePath][]string) *[]storepath.StorePath {
	p := pathsPool.Get().(*[]storepath.StorePath)
	s := (*p)[:0]
	for k := range m {
		s = append(s, k)
	}
	slices.SortFunc(s, storepath.StorePath.Compare)
	*p = s
	return p
}

func putPaths(p *[]storepath.StorePath) {
	clear(*p)
	pathsPool.Put(p)
}

func hasAdjacentDupPath(s []storepath.StorePath) bool {
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1] {
			return true
		}
	}
	return false
}

// sortedSet returns s sorted without duplicates, copying only if needed.
func sortedSet(s []string) []string {
	if sort.StringsAreSorted(s) && !hasAdjacentDup(s) {
		return s
	}
	return slices.Compact(slices.Sorted(slices.Values(s)))
}

func hasAdjacentDup(s []string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1] {
			return true
		}
	}
	return false
}

// appendRaw appends s in quotes without escaping (CppNix's
// printUnquotedString, used for paths, names and hashes).
func appendRaw(b []byte, s string) []byte {
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendRawList(b []byte, list []string) []byte {
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRaw(b, s)
	}
	return append(b, ']')
}

// appendEscaped appends s in quotes, escaping '"', '\\', newline,
// carriage return and tab (CppNix's printString).
func appendEscaped(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '"':
			esc = `\"`
		case '\\':
			esc = `\\`
		case '\n':
			esc = `\n`
		case '\r':
			esc = `\r`
		case '\t':
			esc = `\t`
		default:
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, esc...)
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
