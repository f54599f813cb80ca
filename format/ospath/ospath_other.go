// The mapping on Unix systems: Nix paths are native paths.

//go:build !windows

package ospath

import "os"

// Native returns the operating system's path for a Nix path.
func Native(p string) string { return p }

// FromNative returns the Nix path for a native path: an absolute native
// path becomes an absolute Nix path, a relative one a relative one.
func FromNative(p string) string { return p }

// Getwd returns the working directory as a Nix path.
func Getwd() (string, error) { return os.Getwd() }
