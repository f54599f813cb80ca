// This file holds families not written yet.

package builtins

var (
	pathBuiltins   []def
	formatBuiltins []def
)
