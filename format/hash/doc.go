// Package hash holds Nix's cryptographic hash values: the algorithms Nix
// knows (md5, sha1, sha256, sha512), a comparable Hash value, its textual
// forms and a streaming Hasher.
//
// A Hash prints in four encodings (Format): base16 (lower-case hex), nix32
// (Nix's base 32, see package nixbase32), base64 and SRI ("sha256-<base64>").
// Any of the first three may be prefixed with "<algo>:". The parse functions
// follow CppNix's Hash::parseAny, parseAnyPrefixed, parseSRI and
// parseNonSRIUnprefixed: an unprefixed string is decoded as base16, nix32 or
// base64 according to its length for the algorithm, and errors use CppNix's
// words, so that they can be shown to users unchanged.
//
// BLAKE3 is not supported: CppNix 2.26 rejects it ("unknown hash algorithm
// 'blake3'"); newer CppNix accepts it only with an experimental feature.
package hash
