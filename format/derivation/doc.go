// Package derivation holds Nix derivations and their ATerm serialisation,
// the text of .drv files.
//
// A Derivation is what builtins.derivation produces and a builder
// consumes: outputs, input derivations (with the outputs used from each),
// input sources, platform, builder, arguments and environment. ATerm
// prints it byte for byte as CppNix's Derivation::unparse, the form 2.26
// writes (`Derive(...)`; the `DrvWithVersion` form of the experimental
// dynamic derivations is not supported), and Parse reads it back as
// CppNix's parseDerivation does, with its error messages.
//
// HashModulo is the pure part of CppNix's hashDerivationModulo: the hash
// that names the outputs of input-addressed derivations. It hashes the
// derivation's ATerm with every input derivation replaced by its own modulo
// hash, so that fixed-output derivations anywhere below contribute only
// their expected content, not how they fetch it. Looking up the input
// derivations (and memoising their hashes) is the caller's business.
//
// Parse accepts output kinds that CppNix allows only with experimental
// features (content-addressed floating and impure outputs, text and Git
// hashing); ExperimentalFeatures lists those a derivation needs, for the
// caller to check against its settings.
package derivation
