// Loading: where CppNix looks for configuration, in which order, and the Loader that does it.

package config

import (
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"
)

// FileSystem is the file access the loader needs. OSFileSystem is the
// real one; RootedFileSystem serves tests and chroots.
type FileSystem interface {
	ReadFile(name string) ([]byte, error)
	Stat(name string) (fs.FileInfo, error)  // follows symlinks
	Lstat(name string) (fs.FileInfo, error) // does not
}

// OSFileSystem returns the machine's file system.
func OSFileSystem() FileSystem { return osFS{} }

type osFS struct{}

func (osFS) ReadFile(name string) ([]byte, error)   { return os.ReadFile(name) }
func (osFS) Stat(name string) (fs.FileInfo, error)  { return os.Stat(name) }
func (osFS) Lstat(name string) (fs.FileInfo, error) { return os.Lstat(name) }

// RootedFileSystem returns a file system in which every path is looked
// up under the directory root, as if root were "/".
func RootedFileSystem(root string) FileSystem { return rootedFS(root) }

type rootedFS string

func (r rootedFS) path(name string) string { return filepath.Join(string(r), filepath.FromSlash(name)) }

func (r rootedFS) ReadFile(name string) ([]byte, error)   { return os.ReadFile(r.path(name)) }
func (r rootedFS) Stat(name string) (fs.FileInfo, error)  { return os.Stat(r.path(name)) }
func (r rootedFS) Lstat(name string) (fs.FileInfo, error) { return os.Lstat(r.path(name)) }

// Dirs are Nix's directories, as CppNix's Settings computes them from
// the environment at startup.
type Dirs struct {
	StoreDir     string // $NIX_STORE_DIR, else $NIX_STORE, else /nix/store
	StateDir     string // $NIX_STATE_DIR, else /nix/var/nix
	LogDir       string // $NIX_LOG_DIR, else /nix/var/log/nix
	ConfDir      string // $NIX_CONF_DIR, else /etc/nix
	DaemonSocket string // $NIX_DAEMON_SOCKET_PATH, else StateDir/daemon-socket/socket
	// UserConfFiles are the user configuration files, highest
	// precedence first (they are applied last to first).
	UserConfFiles []string
	Home          string // the user's home directory
}

// Loader loads the configuration the way CppNix does at startup. The
// zero Loader uses the process environment, the real file system and
// the running machine, and prints warnings to standard error.
type Loader struct {
	// Getenv looks up an environment variable (default os.LookupEnv).
	Getenv func(key string) (string, bool)
	// FS is where files are read from (default OSFileSystem()).
	FS FileSystem
	// Host describes the machine (default DetectHost()).
	Host *Host
	// Warn receives warnings without the "warning: " prefix (default:
	// print "warning: MSG" to standard error). It is kept by the Config.
	Warn func(msg string)
}

// Load computes the defaults and applies, in CppNix's order:
//
//  1. $NIX_CONF_DIR/nix.conf (default /etc/nix/nix.conf), or when there is
//     none builtinSystemConf; afterwards nothing counts as overridden;
//  2. the user files (Dirs.UserConfFiles) from lowest to highest
//     precedence;
//  3. $NIX_CONFIG, as the text of a file named "NIX_CONFIG";
//  4. $NIX_PATH, if set, as `nix-path` (CppNix does this in initGC, for
//     every program).
//
// Missing or unreadable files are skipped. A syntax error, an invalid
// value or a missing `include` aborts loading with the error CppNix
// prints. Unknown settings are remembered: the CLI reports them through
// FinishFlags once the command line has been parsed.
func (l *Loader) Load() (*Config, error) {
	getenv, fsys, host, warn := l.Getenv, l.FS, l.Host, l.Warn
	if getenv == nil {
		getenv = os.LookupEnv
	}
	if fsys == nil {
		fsys = OSFileSystem()
	}
	if host == nil {
		host = DetectHost()
	}
	if warn == nil {
		warn = func(msg string) { os.Stderr.WriteString("warning: " + msg + "\n") }
	}
	dirs, err := computeDirs(getenv, host.OS)
	if err != nil {
		return nil, err
	}
	c := newConfig(host, dirs, getenv, fsys, warn)
	if _, err := fsys.ReadFile(dirs.ConfDir + "/nix.conf"); err != nil {
		// No system configuration: nixgo behaves as if it held
		// builtinSystemConf, as Nix installations are set up.
		if err := c.ApplyConfig(builtinSystemConf, dirs.ConfDir+"/nix.conf"); err != nil {
			return nil, err
		}
	} else if err := c.applyFile(dirs.ConfDir + "/nix.conf"); err != nil {
		return nil, err
	}
	// Only the user's own configuration counts as overrides (these are
	// what a client sends to the daemon).
	c.ResetOverridden()
	for i := len(dirs.UserConfFiles) - 1; i >= 0; i-- {
		if err := c.applyFile(dirs.UserConfFiles[i]); err != nil {
			return nil, err
		}
	}
	if text, ok := getenv("NIX_CONFIG"); ok {
		if err := c.ApplyConfig(text, "NIX_CONFIG"); err != nil {
			return nil, err
		}
	}
	if np, ok := getenv("NIX_PATH"); ok {
		if err := c.Set("nix-path", strings.Join(ParseNixPath(np), " ")); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// builtinSystemConf stands for the system nix.conf when there is none. It
// enables the nix command, as Nix installers and the reference installation
// configure it, so that `nix eval ...` works out of the box; the defaults
// themselves (nix config show) stay CppNix's, and a system nix.conf, even an
// empty one, replaces it.
const builtinSystemConf = "experimental-features = nix-command\n"

// applyFile applies a configuration file if it can be read.
func (c *Config) applyFile(path string) error {
	b, err := c.fs.ReadFile(path)
	if err != nil {
		return nil
	}
	return c.ApplyConfig(string(b), path)
}

// computeDirs is the directory part of CppNix's Settings constructor.
func computeDirs(getenv func(string) (string, bool), goos string) (Dirs, error) {
	nonEmpty := func(name, def string) string {
		if v, ok := getenv(name); ok && v != "" {
			return v
		}
		return def
	}
	var d Dirs
	var err error
	canon := func(p string) string {
		c, e := canonPath(p)
		if e != nil && err == nil {
			err = e
		}
		return c
	}
	d.StoreDir = nonEmpty("NIX_STORE_DIR", nonEmpty("NIX_STORE", "/nix/store"))
	if goos != "windows" { // CppNix does not canonicalise it on Windows
		d.StoreDir = canon(d.StoreDir)
	}
	d.LogDir = canon(nonEmpty("NIX_LOG_DIR", "/nix/var/log/nix"))
	d.StateDir = canon(nonEmpty("NIX_STATE_DIR", "/nix/var/nix"))
	d.ConfDir = canon(nonEmpty("NIX_CONF_DIR", "/etc/nix"))
	d.DaemonSocket = canon(nonEmpty("NIX_DAEMON_SOCKET_PATH", d.StateDir+"/daemon-socket/socket"))
	d.Home = homeDir(getenv, goos)
	d.UserConfFiles = userConfFiles(getenv, d.Home)
	return d, err
}

// homeDir is CppNix's getHome: $HOME (on Windows %USERPROFILE%, else
// C:\Users\Default), falling back to the password database. Unlike
// CppNix it does not check that $HOME belongs to the current user.
func homeDir(getenv func(string) (string, bool), goos string) string {
	if goos == "windows" {
		h, ok := getenv("USERPROFILE")
		if !ok {
			h = `C:\Users\Default`
		}
		return filepath.Clean(h)
	}
	if h, ok := getenv("HOME"); ok {
		return h
	}
	if u, err := user.Current(); err == nil {
		return u.HomeDir
	}
	return ""
}

// splitColons is tokenizeString(s, ":"): empty elements are dropped.
func splitColons(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ':' })
}

// userConfFiles is CppNix's getUserConfigFiles: $NIX_USER_CONF_FILES if
// set, else nix.conf in each of getConfigDirs: $NIX_CONFIG_HOME (or
// $XDG_CONFIG_HOME/nix, or ~/.config/nix), then each of
// $XDG_CONFIG_DIRS (default /etc/xdg) followed by /nix.
func userConfFiles(getenv func(string) (string, bool), home string) []string {
	if s, ok := getenv("NIX_USER_CONF_FILES"); ok {
		return splitColons(s)
	}
	var dirs []string
	if d, ok := getenv("NIX_CONFIG_HOME"); ok {
		dirs = append(dirs, d)
	} else if d, ok := getenv("XDG_CONFIG_HOME"); ok {
		dirs = append(dirs, d+"/nix")
	} else {
		dirs = append(dirs, home+"/.config/nix")
	}
	for _, d := range splitColons(envOr(getenv, "XDG_CONFIG_DIRS", "/etc/xdg")) {
		dirs = append(dirs, d+"/nix")
	}
	files := make([]string, len(dirs))
	for i, d := range dirs {
		files[i] = d + "/nix.conf"
	}
	return files
}
