// Package stores opens the store a command works on, from a store URI and the
// settings, as CppNix's openStore: "auto" (a local store, or the per-user
// chroot store on a machine without /nix), "local" with its parameters, a
// path (a chroot store), "dummy://". It is the only package that knows every
// store implementation.
package stores

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"

	"github.com/nixgo/nixgo/config"
	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/dummy"
	"github.com/nixgo/nixgo/store/local"
)

// Options describe the surroundings of the store being opened.
type Options struct {
	// Config gives the settings (store directories, use-sqlite-wal,
	// require-sigs, experimental features...).
	Config *config.Config
	// Getenv reads the environment (NIX_STORE_DIR, NIX_STATE_DIR,
	// NIX_DATA_HOME, XDG_DATA_HOME, and the collector's test hooks
	// _NIX_TEST_GC_SYNC_1, _NIX_TEST_GC_SYNC_2, _NIX_TEST_NO_LSOF).
	Getenv func(string) (string, bool)
	// Cwd makes relative store paths absolute.
	Cwd string
	// Log receives warnings and notices.
	Log store.Logger
	// GOOS is the operating system, runtime.GOOS if empty (for tests).
	GOOS string
}

// Open opens the store named by uri (the value of the `store` setting).
func Open(ctx context.Context, uri string, opts Options) (store.Store, error) {
	ref, err := store.ParseReference(uri, opts.Cwd, opts.Log)
	if err != nil {
		return nil, err
	}
	return OpenReference(ctx, ref, opts)
}

// OpenReference opens a parsed store URI.
func OpenReference(ctx context.Context, ref store.Reference, opts Options) (store.Store, error) {
	if ref.Auto {
		var err error
		if ref, err = resolveAuto(ref, opts); err != nil {
			return nil, err
		}
	}
	switch ref.Scheme {
	case "local":
		cfg, err := LocalConfig(ref, opts)
		if err != nil {
			return nil, err
		}
		return local.Open(ctx, cfg)
	case "dummy":
		if ref.Authority != "" {
			return nil, &store.ParseError{Msg: fmt.Sprintf("`dummy` store URIs must not contain an authority part %s", ref.Authority)}
		}
		p, err := parseParams(ref.Params, storeParams, opts)
		if err != nil {
			return nil, err
		}
		dir := opts.Config.Dirs().StoreDir
		if v, ok := p["store"]; ok {
			dir = v
		}
		return dummy.New(dir), nil
	case "unix", "daemon", "ssh", "ssh-ng", "file", "http", "https", "s3", "local-overlay":
		return nil, fmt.Errorf("nixgo cannot open Nix store '%s' yet: the '%s' store type is not implemented", ref, ref.Scheme)
	}
	return nil, fmt.Errorf("don't know how to open Nix store with scheme '%s'", ref.Scheme)
}

// resolveAuto chooses the store for "auto" (CppNix's openStore on
// StoreReference::Auto): a local store if the state directory is writable,
// the daemon if its socket exists, on Linux the per-user chroot store in
// ~/.local/share/nix/root when /nix/var/nix does not exist and nothing else
// is configured, else a local store (which will fail to open).
func resolveAuto(ref store.Reference, opts Options) (store.Reference, error) {
	dirs := opts.Config.Dirs()
	stateDir := dirs.StateDir
	if v, ok := ref.Params["state"]; ok {
		stateDir = v
	}
	localRef := store.Reference{Scheme: "local", Params: ref.Params}
	if writable(stateDir) {
		return localRef, nil
	}
	if _, err := os.Stat(dirs.DaemonSocket); err == nil {
		return store.Reference{Scheme: "unix", Params: ref.Params}, nil
	}
	goos := opts.GOOS
	if goos == "" {
		goos = runtime.GOOS
	}
	_, storeSet := opts.Getenv("NIX_STORE_DIR")
	_, stateSet := opts.Getenv("NIX_STATE_DIR")
	if goos != "linux" || exists(stateDir) || len(ref.Params) > 0 || opts.Config.Host().Root || storeSet || stateSet {
		return localRef, nil
	}
	chroot := dataDir(opts) + "/root"
	if !exists(chroot) {
		if err := os.MkdirAll(chroot, 0o755); err != nil {
			return localRef, nil
		}
		store.Logf(opts.Log, store.LevelWarn, "'%s' does not exist, so Nix will use '%s' as a chroot store", stateDir, chroot)
	} else {
		store.Logf(opts.Log, store.LevelDebug, "'%s' does not exist, so Nix will use '%s' as a chroot store", stateDir, chroot)
	}
	return store.Reference{Scheme: "local", Authority: chroot, Params: ref.Params}, nil
}

// dataDir is CppNix's getDataDir: $NIX_DATA_HOME, $XDG_DATA_HOME/nix or
// ~/.local/share/nix.
func dataDir(opts Options) string {
	if d, ok := opts.Getenv("NIX_DATA_HOME"); ok {
		return d
	}
	if d, ok := opts.Getenv("XDG_DATA_HOME"); ok {
		return d + "/nix"
	}
	return opts.Config.Dirs().Home + "/.local/share/nix"
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// LocalConfig computes the configuration of the local store ref names
// (CppNix's LocalFSStoreConfig and LocalStoreConfig): a root directory (the
// authority of a path URI, or root=) puts the state, log and real store
// directories below it; store=, state=, log=, real= override each.
func LocalConfig(ref store.Reference, opts Options) (local.Config, error) {
	p, err := parseParams(ref.Params, localParams, opts)
	if err != nil {
		return local.Config{}, err
	}
	c := opts.Config
	dirs := c.Dirs()
	root, hasRoot := p["root"]
	if !hasRoot && ref.Authority != "" {
		root, hasRoot = ref.Authority, true
	}
	get := func(name, def string) string {
		if v, ok := p[name]; ok {
			return v
		}
		return def
	}
	cfg := local.Config{
		StoreDir:              get("store", dirs.StoreDir),
		StateDir:              get("state", dirs.StateDir),
		LogDir:                get("log", dirs.LogDir),
		UseWAL:                c.Bool("use-sqlite-wal"),
		FsyncMetadata:         c.Bool("fsync-metadata"),
		SyncBeforeRegistering: c.Bool("sync-before-registering"),
		AutoOptimise:          c.Bool("auto-optimise-store"),
		ReservedSize:          int64(c.Int("gc-reserved-space")),
		AllowSymlinkedStore:   c.Bool("allow-symlinked-store"),
		IgnoredACLs:           c.Strings("ignored-acls"),
		CaseHack:              c.Bool("use-case-hack"),
		CADerivations:         c.HasFeature(config.CaDerivations),
		RequireSigs:           c.Bool("require-sigs"),
		Log:                   opts.Log,
	}
	if hasRoot {
		cfg.StateDir = get("state", root+"/nix/var/nix")
		cfg.LogDir = get("log", root+"/nix/var/log/nix")
		cfg.RealStoreDir = get("real", root+"/nix/store")
	} else {
		cfg.RealStoreDir = get("real", cfg.StoreDir)
	}
	if opts.Getenv != nil {
		// CppNix's test hooks of the garbage collector.
		cfg.GCSync1, _ = opts.Getenv("_NIX_TEST_GC_SYNC_1")
		cfg.GCSync2, _ = opts.Getenv("_NIX_TEST_GC_SYNC_2")
		noLsof, _ := opts.Getenv("_NIX_TEST_NO_LSOF")
		cfg.GCNoLsof = noLsof == "1"
	}
	if v, ok := p["require-sigs"]; ok {
		cfg.RequireSigs = v == "true"
	}
	if p["read-only"] == "true" {
		if err := c.RequireFeature(config.ReadOnlyLocalStore); err != nil {
			return local.Config{}, err
		}
		cfg.ReadOnly = true
	}
	return cfg, nil
}

// paramType is the type of a store setting given as a URI parameter.
type paramType int

const (
	paramPath paramType = iota
	paramBool
	paramInt
	paramStrings
)

// storeParams are the settings of every store (CppNix's StoreConfig).
var storeParams = map[string]paramType{
	"store":                paramPath,
	"path-info-cache-size": paramInt,
	"trusted":              paramBool,
	"priority":             paramInt,
	"want-mass-query":      paramBool,
	"system-features":      paramStrings,
}

// localParams are the settings of a local store.
var localParams = func() map[string]paramType {
	m := map[string]paramType{
		"root": paramPath, "state": paramPath, "log": paramPath, "real": paramPath,
		"require-sigs": paramBool, "read-only": paramBool,
	}
	for k, v := range storeParams {
		m[k] = v
	}
	return m
}()

// parseParams checks the parameters against the settings known, in CppNix's
// words: invalid values are usage errors, unknown names warnings. Booleans
// are normalised to "true" and "false", paths cleaned.
func parseParams(params map[string]string, known map[string]paramType, opts Options) (map[string]string, error) {
	out := map[string]string{}
	var unknown []string
	for name, v := range params {
		typ, ok := known[name]
		if !ok {
			unknown = append(unknown, name)
			continue
		}
		switch typ {
		case paramBool:
			switch v {
			case "true", "yes", "1":
				v = "true"
			case "false", "no", "0":
				v = "false"
			default:
				return nil, &store.ParseError{Msg: fmt.Sprintf("Boolean setting '%s' has invalid value '%s'", name, v)}
			}
		case paramInt:
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				return nil, &store.ParseError{Msg: fmt.Sprintf("setting '%s' has invalid value '%s'", name, v)}
			}
		case paramPath:
			if v != "" {
				v = cleanPath(v)
			}
		}
		out[name] = v
	}
	slices.Sort(unknown)
	for _, name := range unknown {
		store.Logf(opts.Log, store.LevelWarn, "unknown setting '%s'", name)
	}
	return out, nil
}
