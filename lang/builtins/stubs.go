// This file holds families not written yet.

package builtins

import (
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/token"
)

var (
	derivationBuiltins = []def{
		{name: "derivationStrict", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
			st.Errorf(eval.EvalError, pos, "derivationStrict is not implemented yet")
			return nil
		}},
	}
	pathBuiltins    []def
	contextBuiltins []def
	formatBuiltins  []def
)
