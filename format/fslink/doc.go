// Package fslink makes and reads symbolic links on every system nixgo runs
// on. GC roots, result links, profiles and NARs need them.
//
// On Unix they are the system's symlinks. On Windows a symlink needs a
// privilege (SeCreateSymbolicLinkPrivilege, or Developer Mode) that most
// accounts lack, and Wine reports success without making one. There a
// link is a real symlink when one can be made, and otherwise a link file:
// a regular file that holds the target and is marked with an empty
// alternate data stream named "nix.symlink" (as Git stores symlinks with
// core.symlinks = false). format/nar restores the symlinks of a NAR the
// same way, and dumps a link file back as a symlink.
//
// Wine keeps a file's streams as separate files named "FILE:STREAM" that
// stay behind when the file is renamed or removed; Rename and Remove move
// or remove them too.
package fslink
