// This file holds string contexts: the store paths a string refers to.

package eval

import (
	"sort"
	"strings"
)

// Context is the set of store paths a string refers to, in CppNix's encoding:
//
//	/nix/store/…-foo          an opaque store path (source or output path)
//	=/nix/store/…-foo.drv     a derivation and its whole closure (drvPath of a derivation)
//	!out!/nix/store/…-foo.drv the output "out" of a derivation
//
// A Context is sorted as CppNix's std::set of context elements (opaque, then
// deep, then built; then by path and output) and has no duplicates. The nil
// Context is empty. Contexts are immutable once attached to a string.
type Context []string

// contextKind returns the kind rank of an encoded element: 0 opaque, 1 deep, 2 built.
func contextKind(e string) int {
	if e != "" {
		switch e[0] {
		case '=':
			return 1
		case '!':
			return 2
		}
	}
	return 0
}

// contextLess orders encoded elements as CppNix does.
func contextLess(a, b string) bool {
	ka, kb := contextKind(a), contextKind(b)
	if ka != kb {
		return ka < kb
	}
	switch ka {
	case 1:
		return a[1:] < b[1:]
	case 2:
		oa, pa := splitBuilt(a)
		ob, pb := splitBuilt(b)
		if pa != pb {
			return pa < pb
		}
		return oa < ob
	}
	return a < b
}

// splitBuilt splits "!out!/nix/store/x.drv" into ("out", "/nix/store/x.drv").
func splitBuilt(e string) (output, drv string) {
	rest := e[1:]
	i := strings.IndexByte(rest, '!')
	if i < 0 {
		return "", rest
	}
	return rest[:i], rest[i+1:]
}

// ContextBuilt encodes the output of a derivation.
func ContextBuilt(drvPath, output string) string { return "!" + output + "!" + drvPath }

// ContextDeep encodes a derivation with its closure.
func ContextDeep(drvPath string) string { return "=" + drvPath }

// NewContext makes a context from elements in any order.
func NewContext(elems ...string) Context {
	if len(elems) == 0 {
		return nil
	}
	c := append(Context(nil), elems...)
	sort.Slice(c, func(i, j int) bool { return contextLess(c[i], c[j]) })
	out := c[:1]
	for _, e := range c[1:] {
		if e != out[len(out)-1] {
			out = append(out, e)
		}
	}
	return out
}

// Union returns the union of two contexts, sharing one of them when possible.
func (c Context) Union(d Context) Context {
	switch {
	case len(d) == 0:
		return c
	case len(c) == 0:
		return d
	}
	out := make(Context, 0, len(c)+len(d))
	i, j := 0, 0
	for i < len(c) && j < len(d) {
		switch {
		case c[i] == d[j]:
			out = append(out, c[i])
			i++
			j++
		case contextLess(c[i], d[j]):
			out = append(out, c[i])
			i++
		default:
			out = append(out, d[j])
			j++
		}
	}
	out = append(out, c[i:]...)
	out = append(out, d[j:]...)
	if len(out) == len(c) {
		return c
	}
	return out
}

// Add adds one element.
func (c Context) Add(e string) Context { return c.Union(Context{e}) }
