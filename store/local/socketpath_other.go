// Unix socket addresses on Unix systems other than Linux: paths are used
// as they are (one longer than sun_path fails to bind or connect).

//go:build unix && !linux

package local

func withSocketPath(path string, f func(addr string) error) error { return f(path) }
