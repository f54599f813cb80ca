// Package storepath holds Nix store paths and the rules that compute them.
//
// A StorePath is the base name of a store object, "<hash>-<name>": a
// 20-byte digest, written as 32 nix32 characters, and a name. It is a
// comparable value and does not include the store directory; a Dir (for
// example "/nix/store") turns it into a full path and back. The store
// directory is always a parameter: nothing here assumes /nix/store.
//
// Store paths are computed, never chosen. Dir.MakeStorePath implements
// CppNix's makeStorePath: the digest is the SHA-256 of the fingerprint
//
//	<type>:sha256:<inner hash in base16>:<store dir>:<name>
//
// folded to 20 bytes. The other Make functions build <type> and the inner
// hash for output paths of input-addressed derivations, fixed-output
// (content-addressed) paths with their references, and text paths such as
// those of builtins.toFile and of .drv files.
//
// ContentAddress and Method describe how a content-addressed object was
// hashed ("fixed:r:sha256:...", "text:sha256:...").
//
// One deliberate difference from CppNix: a base name whose 33rd character
// is not '-' is rejected, where CppNix ignores that character.
package storepath
