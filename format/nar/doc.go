// Package nar reads and writes Nix archives (NAR), the serialisation of a
// file system tree that Nix hashes, copies and stores.
//
// A NAR is a sequence of strings, each an unsigned 64-bit little-endian
// length followed by the bytes and zero padding to a multiple of 8:
//
//	"nix-archive-1" node
//	node      = "(" "type" ( regular | symlink | directory ) ")"
//	regular   = "regular" [ "executable" "" ] "contents" <bytes>
//	symlink   = "symlink" "target" <target>
//	directory = "directory" { "entry" "(" "name" <name> "node" node ")" }
//
// Directory entries appear sorted by name, bytewise, each name once; names
// are never empty, ".", "..", and never contain '/' or NUL. Every tree has
// exactly one NAR, so the format doubles as a canonical form for hashing.
//
// The package is shaped like archive/tar. A Reader returns one Header per
// file system object, depth first, parents before children, with the
// contents of regular files readable from the Reader itself; a Writer takes
// headers in the same order. DumpPath writes the NAR of a file system tree,
// byte for byte as `nix-store --dump`; Restore recreates a tree from a NAR,
// as `nix-store --restore`. Contents are streamed: no file is ever held in
// memory whole.
//
// The Reader accepts only canonical archives, as CppNix's parser does,
// except that it is stricter in two ways: a regular file must have a
// "contents" field (CppNix's parser tolerates it missing), and strings
// other than file contents are limited to MaxStringLen bytes.
//
// CppNix's "case hack" (use-case-hack, on by default on macOS) is
// RestoreOptions.CaseHack and DumpOptions.CaseHack: names that differ only
// in case are stored as "name~nix~case~hack~N" and read back as "name".
// Without it, restoring such names on a case-insensitive file system fails
// with an error that names both. On Windows, which has no execute bit and
// often may not create symlinks, Restore keeps both in NTFS alternate data
// streams so that dump → restore → dump is byte for byte identical (see
// restore_windows.go).
package nar
