// This file selects values along attribute paths given on the command line (-A).

package eval

import (
	"strconv"

	"github.com/nixgo/nixgo/lang/token"
)

// ParseAttrPath splits a selection path such as a.b."c.d".0 into its names, as
// CppNix's parseAttrPath.
func ParseAttrPath(s string) ([]string, error) {
	var res []string
	var cur []byte
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '.':
			res = append(res, string(cur))
			cur = cur[:0]
		case '"':
			i++
			for {
				if i == len(s) {
					return nil, &Error{Kind: ParseError, Msg: "missing closing quote in selection path '" + s + "'"}
				}
				if s[i] == '"' {
					break
				}
				cur = append(cur, s[i])
				i++
			}
		default:
			cur = append(cur, s[i])
		}
	}
	if len(cur) > 0 {
		res = append(res, string(cur))
	}
	return res, nil
}

// FindAlongAttrPath selects path in v, calling functions with autoArgs along the
// way, as CppNix's findAlongAttrPath. Errors are raised as evaluation errors.
func (st *State) FindAlongAttrPath(path string, autoArgs *Attrs, v Value) (Value, token.Pos) {
	names, err := ParseAttrPath(path)
	if err != nil {
		st.throw(err.(*Error))
	}
	pos := token.NoPos
	for _, name := range names {
		idx, isIndex := parseIndex(name)
		v = st.AutoCall(autoArgs, v)
		v = st.Force(v, token.NoPos)
		if !isIndex {
			a, ok := v.(*Attrs)
			if !ok {
				st.Errorf(TypeError, token.NoPos, "the expression selected by the selection path '%s' should be a set but is %s", path, TypeName(v))
			}
			if name == "" {
				st.Errorf(EvalError, token.NoPos, "empty attribute name in selection path '%s'", path)
			}
			at := a.Get(st.Sym(name))
			if at == nil {
				names := make([]string, 0, a.Len())
				for _, x := range a.flat() {
					names = append(names, st.Symbols.Name(x.Name))
				}
				st.throw(&Error{Kind: EvalError, Msg: "attribute '" + name + "' in selection path '" + path + "' not found",
					Suggestions: bestMatches(names, name)})
			}
			v, pos = at.Value, at.Pos
		} else {
			l, ok := v.(*List)
			if !ok {
				st.Errorf(TypeError, token.NoPos, "the expression selected by the selection path '%s' should be a list but is %s", path, TypeName(v))
			}
			if idx >= len(l.Elems) {
				st.Errorf(EvalError, token.NoPos, "list index %d in selection path '%s' is out of range", idx, path)
			}
			v, pos = l.Elems[idx], token.NoPos
		}
	}
	return v, pos
}

// parseIndex parses an unsigned 32-bit list index as CppNix's string2Int<unsigned>
// (boost's lexical_cast, which takes a leading "+").
func parseIndex(s string) (int, bool) {
	if len(s) > 1 && s[0] == '+' && s[1] != '+' && s[1] != '-' {
		s = s[1:]
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, false
	}
	return int(n), true
}
