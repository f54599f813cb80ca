// This file decides which functions can reuse their call environments: a
// function whose body only reads its environment, and never leaves it behind
// in a thunk, a closure or an inner scope, returns nothing that refers to the
// environment, so the environment can serve the next call.

package eval

// envEscapes reports whether evaluating n may keep a reference to the
// environment it is evaluated in beyond its own evaluation. It answers true
// for every node it does not know to be safe.
func envEscapes(n node) bool {
	switch n := n.(type) {
	case *constNode, *var0Node, *var1Node, *varNode, *baseVarNode, *withVarNode, *curPosNode:
		return false
	case *selectNode:
		return envEscapes(n.e) || pathEscapes(n.path) || n.def != nil && envEscapes(n.def)
	case *hasAttrNode:
		return envEscapes(n.e) || pathEscapes(n.path)
	case *ifNode:
		return envEscapes(n.cond) || envEscapes(n.then) || envEscapes(n.els)
	case *assertNode:
		return envEscapes(n.cond) || envEscapes(n.body)
	case *notNode:
		return envEscapes(n.e)
	case *binNode:
		return envEscapes(n.l) || envEscapes(n.r)
	case *primOp2Node:
		return envEscapes(n.l) || envEscapes(n.r)
	case *concatNode:
		for _, p := range n.parts {
			if envEscapes(p) {
				return true
			}
		}
		return false
	case *callNode:
		if envEscapes(n.fn) {
			return true
		}
		for _, a := range n.args {
			if !lazyIsValue(a) {
				return true
			}
		}
		return false
	case *listNode:
		for _, e := range n.elems {
			if !lazyIsValue(e) {
				return true
			}
		}
		return false
	}
	return true
}

func pathEscapes(path []attrName) bool {
	for i := range path {
		if path[i].expr != nil && envEscapes(path[i].expr) {
			return true
		}
	}
	return false
}

// lazyIsValue reports whether st.lazy(n, env) returns a value that exists
// already instead of a thunk of env: constants, the built-ins, and the
// variables of the function's own environment, which are all set before its
// body runs. (Variables of enclosing scopes could still be unset while those
// scopes are being built, and would then be delayed in a thunk of env.)
func lazyIsValue(n node) bool {
	switch n.(type) {
	case *constNode, *baseVarNode, *var0Node:
		return true
	}
	return false
}

// reusableEnv reports whether calls of the function can reuse their
// environments: its body keeps no reference to the environment, and no
// default of its formals is delayed in a thunk of it.
func (n *lambdaNode) reusableEnv() bool {
	for _, f := range n.formals {
		switch f.def.(type) {
		case nil, *constNode, *baseVarNode:
		default:
			return false
		}
	}
	return !envEscapes(n.body)
}
