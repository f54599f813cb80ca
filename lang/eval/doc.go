// Package eval is the Nix language evaluator: values, environments, thunks,
// function application, equality, coercion, string contexts, error traces and
// the printing of values. It evaluates trees from package syntax after lowering
// them to its own nodes (compile.go), where every variable is resolved to a slot.
//
// # Values
//
// A Value is one of these Go types:
//
//	Nix type   Go type       notes
//	int        Int           int64; MkInt shares the boxes of small integers
//	float      Float         float64
//	bool       Bool
//	null       Null          the only value of an unexported type
//	string     *String       bytes S and context Ctx (the store paths it refers to)
//	path       Path          absolute and canonical
//	set        *Attrs        attributes sorted by symbol, binary search
//	list       *List         a slice of (possibly unevaluated) values
//	function   *Lambda       a lambda node and the environment it closes over
//	           *PrimOp       a built-in function
//	           *PrimOpApp    a built-in function applied to too few arguments
//	(delayed)  *Thunk        an expression not evaluated yet, or its result
//
// Containers hold values that may still be thunks; Force returns a value in weak
// head normal form. A thunk is pending, running (a black hole: forcing it again
// is "infinite recursion encountered"), or done; evaluation replaces the thunk's
// contents with its result, and slots that held it are updated too, so later
// reads skip the indirection. A failed evaluation leaves the thunk pending, as
// CppNix does, so that forcing it again raises the error again.
//
// # Environments and names
//
// An Env is one scope's values (a let, a rec set, a function's arguments, a
// with) and the enclosing Env. The compiler resolves each variable to (levels
// up, slot) before evaluation, so evaluation never searches by name, except for
// variables bound only by with, which are looked up in the with's set at run
// time, falling back to enclosing withs. The base environment holds builtins,
// true, false, null, map, import, ...; references to it read its slots directly.
//
// # Errors
//
// Errors unwind with a panic carrying *Error and are recovered at one boundary,
// State.Eval (and State.Catch for builtins.tryEval and friends). Traces ("… while
// evaluating …") come from a shadow stack of frames that code pushes and pops
// around risky work; see errors.go.
//
// # Outside world
//
// The evaluator reads source files itself but reaches the store only through
// the Store interface, so that nix-instantiate --eval can use a store that only
// computes paths, and the real store is plugged in by the commands.
package eval
