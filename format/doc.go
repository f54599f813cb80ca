// Package format is the root of nixgo's pure format packages: the byte
// and text formats Nix shares between its evaluator, store and builder,
// each in a subpackage.
//
//	nixbase32   Nix's base-32 encoding
//	hash        hash algorithms and values, their textual forms
//	storepath   store paths, their names and how they are computed
//	nar         Nix archives: reading, writing, dumping and restoring trees
//	derivation  derivations and their ATerm (.drv) form
//	ospath      Nix paths and the operating system's (Windows volumes)
//
// These packages import only the standard library and each other, keep no
// global mutable state, and do no I/O other than what their callers ask
// for (nar.DumpPath and nar.Restore touch the file system they are given;
// ospath reads the working directory).
// They never assume a store directory: it is always a parameter. Their
// output is byte for byte CppNix's, and their tests check it against
// vectors produced by CppNix 2.26 (see each testdata/gen.*).
//
// imports_test.go enforces the import rule.
package format
