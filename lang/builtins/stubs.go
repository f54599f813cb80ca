// This file holds families not written yet.

package builtins

var (
)
