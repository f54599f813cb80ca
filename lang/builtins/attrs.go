// This file holds the builtins on attribute sets.

package builtins

import (
	"sort"
	"strings"

	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

var attrBuiltins = []def{
	{name: "__attrNames", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		a := st.ForceAttrs(args[0], pos, "while evaluating the argument passed to builtins.attrNames")
		names := make([]string, a.Len())
		for i, at := range a.All() {
			names[i] = st.Symbols.Name(at.Name)
		}
		sort.Strings(names)
		l := make([]eval.Value, len(names))
		for i, n := range names {
			l[i] = eval.MkString(n)
		}
		return eval.MkList(l)
	}},
	{name: "__attrValues", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		a := st.ForceAttrs(args[0], pos, "while evaluating the argument passed to builtins.attrValues")
		sorted := st.SortedAttrs(a)
		l := make([]eval.Value, len(sorted))
		for i, at := range sorted {
			l[i] = at.Value
		}
		return eval.MkList(l)
	}},
	{name: "__getAttr", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		name := st.ForceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.getAttr")
		a := st.ForceAttrs(args[1], pos, "while evaluating the second argument passed to builtins.getAttr")
		at := getAttr(st, a, name, "in the attribute set under consideration")
		return st.Force(at.Value, pos)
	}},
	{name: "__unsafeGetAttrPos", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		name := st.ForceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.unsafeGetAttrPos")
		a := st.ForceAttrs(args[1], pos, "while evaluating the second argument passed to builtins.unsafeGetAttrPos")
		at := a.Get(st.Sym(name))
		if at == nil {
			return eval.Null
		}
		// CppNix's built-in Nix files are source paths of an internal
		// accessor: <nix/derivation-internal.nix> is the file
		// "/derivation-internal.nix".
		if p := st.Files.Position(at.Pos); p.IsValid() && p.File.Kind() == token.OriginInternal {
			if rest, ok := strings.CutPrefix(p.File.Name(), "<nix/"); ok && strings.HasSuffix(rest, ">") {
				b := eval.NewAttrsBuilder(3)
				b.Add(st.Sym("column"), token.NoPos, eval.MkInt(int64(p.Column)))
				b.Add(st.Sym("file"), token.NoPos, eval.MkString("/"+strings.TrimSuffix(rest, ">")))
				b.Add(st.Sym("line"), token.NoPos, eval.MkInt(int64(p.Line)))
				return b.Finish()
			}
		}
		return st.MkPos(at.Pos)
	}},
	{name: "__hasAttr", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		name := st.ForceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.hasAttr")
		a := st.ForceAttrs(args[1], pos, "while evaluating the second argument passed to builtins.hasAttr")
		return eval.Bool(a.Get(st.Sym(name)) != nil)
	}},
	isType("__isAttrs", eval.TypeAttrs),
	{name: "removeAttrs", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		a := st.ForceAttrs(args[0], pos, "while evaluating the first argument passed to builtins.removeAttrs")
		l := st.ForceList(args[1], pos, "while evaluating the second argument passed to builtins.removeAttrs")
		remove := make(map[syntax.Symbol]bool, len(l.Elems))
		for _, e := range l.Elems {
			s := st.ForceStringNoCtx(e, pos, "while evaluating the values of the second argument passed to builtins.removeAttrs")
			remove[st.Sym(s)] = true
		}
		out := make([]eval.Attr, 0, a.Len())
		for _, at := range a.All() {
			if !remove[at.Name] {
				out = append(out, at)
			}
		}
		if len(out) == 0 && a.Len() > 0 {
			return eval.NewEmptyAttrs() // built with room for a's attributes
		}
		return eval.AttrsFromSorted(out)
	}},
	{name: "__listToAttrs", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		l := st.ForceList(args[0], pos, "while evaluating the argument passed to builtins.listToAttrs")
		b := eval.NewAttrsBuilder(len(l.Elems))
		seen := make(map[syntax.Symbol]bool, len(l.Elems))
		for _, e := range l.Elems {
			ea := st.ForceAttrs(e, pos, "while evaluating an element of the list passed to builtins.listToAttrs")
			j := getAttr(st, ea, "name", "in a {name=...; value=...;} pair")
			name := st.ForceStringNoCtx(j.Value, j.Pos, "while evaluating the `name` attribute of an element of the list passed to builtins.listToAttrs")
			sym := st.Sym(name)
			if !seen[sym] {
				seen[sym] = true
				j2 := getAttr(st, ea, "value", "in a {name=...; value=...;} pair")
				b.Add(sym, j2.Pos, j2.Value)
			}
		}
		return b.Finish()
	}},
	{name: "__intersectAttrs", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		left := st.ForceAttrs(args[0], pos, "while evaluating the first argument passed to builtins.intersectAttrs")
		right := st.ForceAttrs(args[1], pos, "while evaluating the second argument passed to builtins.intersectAttrs")
		var out []eval.Attr
		if left.Len() < right.Len() {
			for _, l := range left.All() {
				if r := right.Get(l.Name); r != nil {
					out = append(out, *r)
				}
			}
		} else {
			for _, r := range right.All() {
				if left.Get(r.Name) != nil {
					out = append(out, r)
				}
			}
		}
		if len(out) == 0 && left.Len() > 0 && right.Len() > 0 {
			return eval.NewEmptyAttrs() // built with room for the smaller set
		}
		return eval.AttrsFromSorted(out)
	}},
	{name: "__catAttrs", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		name := st.Sym(st.ForceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.catAttrs"))
		l := st.ForceList(args[1], pos, "while evaluating the second argument passed to builtins.catAttrs")
		var out []eval.Value
		for _, e := range l.Elems {
			a := st.ForceAttrs(e, pos, "while evaluating an element in the list passed as second argument to builtins.catAttrs")
			if at := a.Get(name); at != nil {
				out = append(out, at.Value)
			}
		}
		return eval.MkList(out)
	}},
	{name: "__functionArgs", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		v := st.Force(args[0], pos)
		switch f := v.(type) {
		case *eval.PrimOp, *eval.PrimOpApp:
			return eval.EmptyAttrs()
		case *eval.Lambda:
			if !f.HasFormals() {
				return eval.EmptyAttrs()
			}
			b := eval.NewAttrsBuilder(0)
			for _, fm := range f.Formals() {
				b.Add(fm.Name, fm.Pos, eval.Bool(fm.HasDefault))
			}
			return b.Finish()
		}
		st.Errorf(eval.TypeError, pos, "'functionArgs' requires a function")
		return nil
	}},
	{name: "__mapAttrs", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		a := st.ForceAttrs(args[1], pos, "while evaluating the second argument passed to builtins.mapAttrs")
		out := make([]eval.Attr, a.Len())
		for i, at := range a.All() {
			name := eval.MkString(st.Symbols.Name(at.Name))
			out[i] = eval.Attr{Name: at.Name, Value: eval.NewApp2(args[0], name, at.Value)}
		}
		return eval.AttrsFromSorted(out)
	}},
	{name: "__zipAttrsWith", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		st.ForceFunction(args[0], pos, "while evaluating the first argument passed to builtins.zipAttrsWith")
		l := st.ForceList(args[1], pos, "while evaluating the second argument passed to builtins.zipAttrsWith")
		values := map[syntax.Symbol][]eval.Value{}
		var order []syntax.Symbol
		for _, e := range l.Elems {
			a := st.ForceAttrs(e, token.NoPos, "while evaluating a value of the list passed as second argument to builtins.zipAttrsWith")
			for _, at := range a.All() {
				if _, ok := values[at.Name]; !ok {
					order = append(order, at.Name)
				}
				values[at.Name] = append(values[at.Name], at.Value)
			}
		}
		sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
		out := make([]eval.Attr, len(order))
		for i, sym := range order {
			name := eval.MkString(st.Symbols.Name(sym))
			out[i] = eval.Attr{Name: sym, Value: eval.NewApp2(args[0], name, eval.MkList(values[sym]))}
		}
		return eval.AttrsFromSorted(out)
	}},
}
