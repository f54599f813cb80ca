// The mapping on Windows (see the package comment).

package ospath

import "os"

// Native returns the operating system's path for a Nix path.
func Native(p string) string { return windowsNative(p) }

// FromNative returns the Nix path for a native path: an absolute native
// path becomes an absolute Nix path, a relative one a relative one.
func FromNative(p string) string { return windowsFromNative(p, currentVolume()) }

// Getwd returns the working directory as a Nix path.
func Getwd() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return windowsFromNative(wd, windowsVolume(wd)), nil
}

// currentVolume is the volume of the working directory, which Windows
// uses for rooted paths. It is read on each call: tests change directory.
func currentVolume() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	return windowsVolume(wd)
}
