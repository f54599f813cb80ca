// This file holds the data-format builtins: toJSON, fromJSON, toXML and
// fromTOML. The conversions themselves are in the eval package (json.go,
// xml.go) and in toml.go.

package builtins

import (
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/token"
)

var formatBuiltins = []def{
	{name: "__toXML", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		var ctx eval.Context
		s := st.ToXML(args[0], true, false, pos, &ctx)
		return eval.MkStringCtx(s, ctx)
	}},
	{name: "__toJSON", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		var ctx eval.Context
		s := st.ToJSON(args[0], true, pos, &ctx, true)
		return eval.MkStringCtx(s, ctx)
	}},
	{name: "__fromJSON", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		s := st.ForceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.fromJSON")
		return st.FromJSON(s, pos)
	}},
	{name: "fromTOML", arity: 1, fn: primFromTOML},
}
