// Package ospath maps Nix's paths to the operating system's and back.
//
// The evaluator and the store see Nix paths: an absolute path starts with
// '/', components are separated by '/', and any other byte, '\' and ':'
// included, is part of a name (CppNix's CanonPath). On Unix a Nix path is
// the operating system's path, and every function here is the identity.
//
// On Windows, a native path such as C:\Users\me\src has a volume (a drive
// letter or a UNC share) and two separators, '\' and '/'. CppNix's Windows
// port keeps its evaluator's paths Unix-style and hands them to the C
// runtime, for which /nix/store is \nix\store on the current volume (the
// volume of the working directory); it has no way to name another drive.
// nixgo keeps that meaning and completes it:
//
//	native (current volume C:)   Nix path
//	C:\Users\me\src              /Users/me/src        the current volume is left out
//	\nix\store                   /nix/store           and rooted paths stay on it
//	D:\src                       /D:/src              another drive is the first component
//	\\server\share\dir           /UNC:/server/share/dir   another UNC share
//	\\?\C:\long\path             /long/path           the \\?\ prefix is dropped
//	src\main.nix                 src/main.nix         relative paths only change separators
//
// The mapping is one to one for a given current volume: no Windows file
// name can contain ':', so a first component "C:" or "UNC:" cannot name a
// directory of the current volume. Paths on the current volume look the
// same as on Unix, so /nix/store, ./default.nix and error messages read
// the same; only the calls into the system see native paths. Nix paths
// compare bytewise: /Users/me and /users/me are different Nix paths even
// where they are the same file, as in CppNix.
package ospath
