// This file holds coercions of values to strings and paths.

package eval

import (
	"math"
	"strconv"
	"strings"

	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

// CoerceOpts selects what coerceToString accepts, as CppNix's flags.
type CoerceOpts struct {
	// More also accepts Booleans, integers, floats, null and lists (toString).
	More bool
	// CopyToStore copies paths into the store and returns the store path.
	CopyToStore bool
	// Canonicalize returns canonical paths (without a trailing slash).
	Canonicalize bool
}

// CoerceToString converts v to a string as CppNix's coerceToString, adding the
// context of the result to *ctx.
func (st *State) CoerceToString(pos token.Pos, v Value, ctx *Context, errCtx string, o CoerceOpts) string {
	return st.coerceToString(pos, v, ctx, errCtx, o.More, o.CopyToStore, o.Canonicalize)
}

func (st *State) coerceToString(pos token.Pos, v Value, ctx *Context, errCtx string, more, copyToStore, canonicalize bool) string {
	return st.coerceToStringDepth(pos, v, ctx, errCtx, more, copyToStore, canonicalize, 0)
}

// coerceMaxDepth is the nesting of lists at which CppNix 2.26's coerceToString
// runs out of C stack (measured: 152,000 nested lists convert, 156,000 do not);
// it then exits with "stack overflow".
const coerceMaxDepth = 154000

// coerceToStringDepth is coerceToString inside depth nested lists,
// __toString results and outPath attributes.
func (st *State) coerceToStringDepth(pos token.Pos, v Value, ctx *Context, errCtx string, more, copyToStore, canonicalize bool, depth int) string {
	if depth > coerceMaxDepth {
		st.Errorf(StackOverflow, token.NoPos, "stack overflow (possible infinite recursion)")
	}
	v = st.Force(v, pos)
	switch x := v.(type) {
	case *String:
		if ctx != nil && len(x.Ctx) > 0 {
			*ctx = ctx.Union(x.Ctx)
		}
		return x.S
	case Path:
		p := string(x)
		if !canonicalize && !copyToStore {
			return p
		}
		if copyToStore {
			return st.CopyPathToStore(ctx, syntax.CanonPath(p))
		}
		return syntax.CanonPath(p)
	case *Attrs:
		if f := x.Get(st.sToString); f != nil {
			r := st.Call1(f.Value, v, pos)
			return st.coerceToStringDepth(pos, r, ctx, "while evaluating the result of the `__toString` attribute", more, copyToStore, true, depth+1)
		}
		if o := x.Get(st.sOutPath); o != nil {
			return st.coerceToStringDepth(pos, o.Value, ctx, errCtx, more, copyToStore, canonicalize, depth+1)
		}
	}
	if more {
		switch x := v.(type) {
		case Bool:
			if x {
				return "1"
			}
			return ""
		case Int:
			return strconv.FormatInt(int64(x), 10)
		case Float:
			return FormatFloatFixed(float64(x))
		case nullValue:
			return ""
		case *List:
			if len(x.Elems) == 1 { // no separator: the element's own string
				st.frames = append(st.frames, frame{kind: fMsg, pos: pos, msg: errCtx})
				s := st.coerceToStringDepth(pos, x.Elems[0], ctx, "while evaluating one element of the list", more, copyToStore, canonicalize, depth+1)
				st.frames = st.frames[:len(st.frames)-1]
				return s
			}
			var sb strings.Builder
			for i, e := range x.Elems {
				st.frames = append(st.frames, frame{kind: fMsg, pos: pos, msg: errCtx})
				s := st.coerceToStringDepth(pos, e, ctx, "while evaluating one element of the list", more, copyToStore, canonicalize, depth+1)
				st.frames = st.frames[:len(st.frames)-1]
				sb.WriteString(s)
				if i < len(x.Elems)-1 {
					if l, ok := st.Force(e, pos).(*List); !ok || len(l.Elems) != 0 {
						sb.WriteByte(' ')
					}
				}
			}
			return sb.String()
		}
	}
	st.ErrorWithTrace(TypeError, token.NoPos, pos, errCtx, "cannot coerce %s to a string: %s", TypeName(v), st.ShowValue(v))
	return ""
}

// FormatFloatFixed formats f as C++'s std::to_string(double) ("%f").
func FormatFloatFixed(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	}
	return strconv.FormatFloat(f, 'f', 6, 64)
}

// CoerceToPath converts v to an absolute path as CppNix's coerceToPath.
func (st *State) CoerceToPath(pos token.Pos, v Value, ctx *Context, errCtx string) string {
	st.frames = append(st.frames, frame{kind: fMsg, pos: pos, msg: errCtx})
	v = st.Force(v, pos)
	st.frames = st.frames[:len(st.frames)-1]
	switch x := v.(type) {
	case Path:
		return string(x)
	case *Attrs:
		if f := x.Get(st.sToString); f != nil {
			r := st.Call1(f.Value, v, pos)
			return st.CoerceToPath(pos, r, ctx, errCtx)
		}
	}
	p := st.coerceToString(pos, v, ctx, errCtx, false, false, true)
	if p == "" || p[0] != '/' {
		st.ErrorWithTrace(EvalError, token.NoPos, pos, errCtx, "string '%s' doesn't represent an absolute path", p)
	}
	return syntax.CanonPath(p)
}

// CoerceToStorePath converts v to a store path as CppNix's coerceToStorePath.
func (st *State) CoerceToStorePath(pos token.Pos, v Value, ctx *Context, errCtx string) string {
	p := st.coerceToString(pos, v, ctx, errCtx, false, false, true)
	if sp, ok := st.ParseStorePath(p); ok {
		return sp
	}
	st.ErrorWithTrace(EvalError, token.NoPos, pos, errCtx, "path '%s' is not in the Nix store", p)
	return ""
}

// ParseStorePath returns the store path that p is (a direct child of the store
// directory with a valid name), or false.
func (st *State) ParseStorePath(p string) (string, bool) {
	dir := st.StoreDir + "/"
	if !strings.HasPrefix(p, dir) {
		return "", false
	}
	base := p[len(dir):]
	if strings.IndexByte(base, '/') >= 0 || !validStorePathBase(base) {
		return "", false
	}
	return p, true
}

// validStorePathBase checks "<32 nix32 chars>-<name>".
func validStorePathBase(base string) bool {
	if len(base) < 34 || base[32] != '-' {
		return false
	}
	for i := 0; i < 32; i++ {
		c := base[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z') || c == 'e' || c == 'o' || c == 'u' || c == 't' {
			return false
		}
	}
	for _, c := range []byte(base[33:]) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("+-._?=", c) >= 0) {
			return false
		}
	}
	return !strings.HasPrefix(base[33:], ".")
}

// IsDerivation reports whether v is a set with type = "derivation".
func (st *State) IsDerivation(v Value) bool {
	a, ok := v.(*Attrs)
	if !ok {
		return false
	}
	t := a.Get(st.sType)
	if t == nil {
		return false
	}
	tv := st.Force(t.Value, t.Pos)
	s, ok := tv.(*String)
	return ok && s.S == "derivation"
}
