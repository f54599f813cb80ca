// Package config holds Nix settings exactly as CppNix 2.26 reads them:
// the table of settings, the nix.conf syntax, the order in which files,
// environment variables and command-line flags apply, and the output of
// `nix config show`. The CLI loads a Config once; the evaluator, the
// store and the builder read typed values from it. The package imports
// no other nixgo package.
//
// # Model
//
// Every setting has a definition (Setting: name, aliases, Type,
// default, experimental feature, platforms, documentation) in one table
// (settings.go), mirroring CppNix's Setting<T> members spread over
// libstore, libexpr, libfetchers, libflake, libmain and the nix tool.
// A Config holds, for each setting of the current platform, its value,
// its default (both shown by `--json`) and whether it was overridden,
// plus the unknown settings seen so far. Values are parsed by type:
//
//	Bool            true/yes/1, false/no/0
//	Int, Uint,      decimal with an optional sign and K/M/G/T suffix
//	Uint64          (powers of 1024), in the C++ type's range
//	MaxJobs         an unsigned integer or "auto" (the number of CPUs)
//	SandboxMode     true, false or relaxed
//	String          the rest of the line, words joined by single spaces
//	OptionalString  the same, empty meaning unset
//	OptionalPath    empty (unset) or an absolute path, canonicalised
//	Strings         whitespace-separated words, in order
//	StringSet       the same, sorted and unique
//	StringMap       whitespace-separated name=value words
//	Features        experimental feature names (flakes implies fetch-tree)
//
// Consumers read values with typed accessors, which panic on a name that
// is not in the table (a programming error) and return the zero value
// for a setting that does not exist on the current platform:
//
//	cfg.Bool("pure-eval")
//	cfg.Int("max-jobs")          // any integer type, as int64
//	cfg.Uint("max-free")         // unsigned types, as uint64
//	cfg.String("store")
//	cfg.Optional("diff-hook")    // (path, set)
//	cfg.Strings("substituters")  // lists, sets, features
//	cfg.StringMap("access-tokens")
//	cfg.Sandbox()
//	cfg.HasFeature(config.Flakes) // or cfg.HasFeature("flakes")
//	cfg.RequireFeature(config.NixCommand)
//	cfg.Dirs().StoreDir
//
// # Loading
//
// Loader.Load computes the defaults (some from the machine, described
// by a Host, and some from environment variables: NIX_REMOTE for
// `store`, NIX_SSL_CERT_FILE/SSL_CERT_FILE, NIX_REMOTE_SYSTEMS,
// NIX_IGNORE_SYMLINK_STORE, NIX_ABORT_ON_WARN) and then applies
//
//  1. $NIX_CONF_DIR/nix.conf (default /etc/nix/nix.conf), after which
//     overrides are forgotten: only the user's own settings are sent to
//     the daemon;
//  2. the user files, lowest precedence first: $NIX_USER_CONF_FILES
//     (colon-separated, the first file wins) if set, else nix.conf in
//     each of $XDG_CONFIG_DIRS (default /etc/xdg) + "/nix" and, last
//     and strongest, $NIX_CONFIG_HOME, or $XDG_CONFIG_HOME/nix, or
//     ~/.config/nix;
//  3. $NIX_CONFIG, parsed as a file named "NIX_CONFIG";
//  4. $NIX_PATH, if set, as `nix-path` (which files cannot then set).
//
// The CLI then applies command-line flags (SetFromFlag, SetOption),
// calls FinishFlags, and may adjust values the way the `nix` command
// does (Assign("pure-eval", "true"), SetDefault("build-hook", ...)).
//
// The environment and the file system are parameters of the Loader, so
// tests never see the real /etc/nix or $HOME.
//
// # File syntax
//
// Each line loses everything from the first '#', then splits on
// whitespace (space, tab, CR, LF). Empty lines are skipped; `include
// PATH` includes a file (relative to the including file's directory)
// and fails if it is missing; `!include PATH` ignores a missing file;
// everything else must be `NAME = VALUE...`. `extra-NAME = VALUE`
// appends to list, set, map and feature settings; for other settings
// it is an unknown setting. In each file, `experimental-features` lines
// (with those of the files it includes) apply before all other lines.
//
// Unknown settings, in files, NIX_CONFIG or `--option`, never fail:
// FinishFlags warns "unknown setting 'NAME'" for each, sorted. A setting
// that needs a disabled experimental feature is ignored with a warning.
// An invalid value in a file aborts with a *UsageError in CppNix's words
// (e.g. "Boolean setting 'keep-failed' has invalid value 'maybe'"); with
// `--option` it is only a warning ("warning: error: ...").
//
// # Command-line flags
//
// CppNix turns every setting into flags: `--NAME VALUE` (`--NAME` and
// `--no-NAME` for booleans, plus `--relaxed-sandbox`), `--extra-NAME
// VALUE` for appendable settings, and `--option NAME VALUE` for any
// name. LookupFlag tells the CLI whether a long flag is one of these and
// whether it takes a value; SetFromFlag applies it. Aliases behave as in
// CppNix, where each alias is registered with every flag of its setting
// and so means the last one: `--build-use-substitutes` means
// `--no-substitute`, `--build-use-sandbox` means `--relaxed-sandbox`,
// `--binary-caches X` means `--extra-substituters X`.
//
// # Output
//
// ShowText is `nix config show` (and the NIX_CONFIG CppNix passes to
// build hooks), ShowSetting is `nix config show NAME`, ShowJSON is
// `nix config show --json`, byte for byte.
//
// # Platforms
//
// Linux and macOS read the same places: /etc/nix/nix.conf,
// /etc/xdg/nix/nix.conf, ~/.config/nix/nix.conf. Platform differences
// are in the table and in Host: on Linux, `sandbox` defaults to true,
// `start-id` to 872415232 and `id-count` to 8388608, and only Linux has
// `filter-syscalls`, `allow-new-privileges`, `use-cgroups`,
// `sandbox-build-dir`, `sandbox-dev-shm-size` and `ignored-acls`; on
// macOS `sandbox` is false, `use-case-hack` true, `start-id` 56930,
// `id-count` 128, `sandbox-paths` and `allowed-impure-host-deps` hold
// Apple's system paths, and `darwin-log-sandbox-violations` exists.
//
// On Windows, CppNix uses the same compiled-in locations (NIX_CONF_DIR
// /etc/nix and store /nix/store, both relative to the current drive's
// root; the store directory is not canonicalised), the home directory
// is %USERPROFILE% (default C:\Users\Default), so user files are
// %USERPROFILE%/.config/nix/nix.conf and /etc/xdg/nix/nix.conf, and
// list variables are still split at ':'. There the user is never root
// (`build-users-group` stays empty) and `sync-before-registering`,
// `require-drop-supplementary-groups`, `trusted-users` and
// `allowed-users` do not exist.
//
// # Machine-dependent defaults
//
// `system` is the Nix system type of the running binary (NixSystem);
// `cores` is the cgroup v2 CPU quota or the number of online CPUs;
// `extra-platforms` has i686-linux on x86_64-linux (not under WSL1) and
// the x86-64 levels the CPU supports (from /proc/cpuinfo, where CppNix
// uses libcpuid); `system-features` has nixos-test, benchmark,
// big-parallel, and uid-range and kvm (if /dev/kvm is usable) on Linux,
// apple-virt on macOS; `build-users-group` is nixbld for root;
// `sandbox-paths` has /bin/sh=SHELL on Linux if nixgo was linked with a
// sandbox shell (see Host.SandboxShell).
package config
