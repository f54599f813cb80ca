// Extended attributes outside Linux: CppNix removes them only on Linux
// (macOS flags are not cleared by nixgo yet).

//go:build unix && !linux

package local

func removeXattrs(string, []string) error { return nil }
