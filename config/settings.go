// The table of every setting CppNix 2.26 knows: names, aliases, types, defaults, summaries.

package config

import (
	"slices"
	"strconv"
	"strings"
)

// Setting is the definition of one setting. The table is read-only:
// values live in a Config.
type Setting struct {
	Name    string
	Aliases []string // older names, sorted; `--ALIAS` flags follow CppNix's quirks (see flags.go)
	Type    Type
	Feature Feature // experimental feature the setting needs, or ""
	// OS restricts the setting to some platforms, as CppNix's #ifdefs
	// do: "" (all), "linux", "darwin" or "!windows".
	OS string
	// Default is the default in the setting's own syntax; defaultFunc,
	// when set, computes it from the machine and the environment.
	Default     string
	defaultFunc func(e *defaultsEnv) string
	// MachineDefault marks defaults that depend on the machine, which
	// the manual does not show (CppNix's documentDefault = false).
	MachineDefault bool
	Summary        string // one line
}

// Description returns CppNix's full Markdown documentation of the setting,
// as `nix config show --json` prints it.
func (d *Setting) Description() string {
	if s, ok := descriptions()[d.Name]; ok {
		return s
	}
	return d.Summary + "\n"
}

// availableOn reports whether the setting exists on the operating system
// goos (a GOOS value).
func (d *Setting) availableOn(goos string) bool {
	switch d.OS {
	case "":
		return true
	case "!windows":
		return goos != "windows"
	}
	return d.OS == goos
}

// defaultsEnv is what the computed defaults depend on.
type defaultsEnv struct {
	host   *Host
	dirs   *Dirs
	getenv func(string) (string, bool)
	fs     FileSystem
}

// table lists every setting, sorted by name. Types follow the C++ ones:
// unsigned int → Uint; size_t, unsigned long, uint64_t → Uint64;
// time_t, off_t → Int; Path → String; PathSet → StringSet.
var table = []*Setting{
	{Name: "abort-on-warn", Type: Bool, Default: "false",
		Summary: "Make `builtins.warn` throw an error (also set by NIX_ABORT_ON_WARN=1)."},
	{Name: "accept-flake-config", Type: Bool, Default: "false", Feature: Flakes,
		Summary: "Accept Nix configuration settings from a flake without prompting."},
	{Name: "access-tokens", Type: StringMap,
		Summary: "Access tokens (`host=token`) for GitHub, GitLab and other forges."},
	{Name: "allow-dirty", Type: Bool, Default: "true",
		Summary: "Allow dirty Git/Mercurial trees."},
	{Name: "allow-dirty-locks", Type: Bool, Default: "false", Feature: Flakes,
		Summary: "Allow dirty inputs to be locked via their NAR hash."},
	{Name: "allow-import-from-derivation", Type: Bool, Default: "true",
		Summary: "Allow import from derivation."},
	{Name: "allow-new-privileges", Type: Bool, Default: "false", OS: "linux",
		Summary: "Let builders acquire new privileges through setuid programs or file capabilities."},
	{Name: "allow-symlinked-store", Type: Bool, Default: "false",
		Summary: "Do not complain if the store directory contains symlinks (also NIX_IGNORE_SYMLINK_STORE=1)."},
	{Name: "allow-unsafe-native-code-during-evaluation", Type: Bool, Default: "false",
		Summary: "Enable `builtins.importNative` and `builtins.exec`."},
	{Name: "allowed-impure-host-deps", Type: StringSet,
		Summary: "Prefixes derivations may ask access to (primarily for Darwin)."},
	{Name: "allowed-uris", Type: Strings,
		Summary: "URI prefixes accessible in restricted evaluation mode."},
	{Name: "allowed-users", Type: Strings, Default: "*", OS: "!windows",
		Summary: "Users (or @groups) allowed to connect to the Nix daemon."},
	{Name: "always-allow-substitutes", Type: Bool, Default: "false",
		Summary: "Ignore the `allowSubstitutes` derivation attribute."},
	{Name: "auto-allocate-uids", Type: Bool, Default: "false", Feature: AutoAllocateUIDs,
		Summary: "Select build UIDs automatically instead of using `build-users-group`."},
	{Name: "auto-optimise-store", Type: Bool, Default: "false",
		Summary: "Hard-link identical files in the store automatically."},
	{Name: "bash-prompt", Type: String,
		Summary: "The bash prompt (`PS1`) in `nix develop` shells."},
	{Name: "bash-prompt-prefix", Type: String,
		Summary: "Prefix prepended to `PS1` in `nix develop` shells."},
	{Name: "bash-prompt-suffix", Type: String,
		Summary: "Suffix appended to `PS1` in `nix develop` shells."},
	{Name: "build-dir", Type: OptionalString,
		Summary: "Directory in which temporary build directories are created (default: $TMPDIR)."},
	{Name: "build-hook", Type: Strings, Default: "nix __build-remote",
		Summary: "The helper program that executes remote builds."},
	{Name: "build-poll-interval", Type: Uint, Default: "5",
		Summary: "How often (in seconds) to poll for locks."},
	{Name: "build-users-group", Type: String, MachineDefault: true,
		Summary: "Unix group of the build users (`nixbld` when running as root)."},
	{Name: "builders", Type: String, MachineDefault: true,
		defaultFunc: func(e *defaultsEnv) string { return "@" + e.dirs.ConfDir + "/machines" },
		Summary:     "Remote build machines, or `@FILE` to read them from a file."},
	{Name: "builders-use-substitutes", Type: Bool, Default: "false",
		Summary: "Let remote build machines use their own substituters."},
	{Name: "commit-lock-file-summary", Aliases: []string{"commit-lockfile-summary"}, Type: String, Feature: Flakes,
		Summary: "Commit summary used when committing changed flake lock files."},
	{Name: "compress-build-log", Aliases: []string{"build-compress-log"}, Type: Bool, Default: "true",
		Summary: "Compress build logs with bzip2."},
	{Name: "connect-timeout", Type: Uint64, Default: "0",
		Summary: "Timeout in seconds for establishing connections (0: none)."},
	{Name: "cores", Aliases: []string{"build-cores"}, Type: Uint, MachineDefault: true,
		defaultFunc: func(e *defaultsEnv) string { return strconv.Itoa(e.host.defaultCores()) },
		Summary:     "Value of NIX_BUILD_CORES for builders (0: all cores)."},
	{Name: "darwin-log-sandbox-violations", Type: Bool, Default: "false", OS: "darwin",
		Summary: "Log Darwin sandbox access violations to the system log."},
	{Name: "debugger-on-trace", Type: Bool, Default: "false",
		Summary: "Enter the debugger on `builtins.trace` (with --debugger)."},
	{Name: "debugger-on-warn", Type: Bool, Default: "false",
		Summary: "Enter the debugger on `builtins.warn` (with --debugger)."},
	{Name: "diff-hook", Type: OptionalPath,
		Summary: "Program run to diff non-reproducible build results."},
	{Name: "download-attempts", Type: Uint, Default: "5",
		Summary: "How often to attempt a download before giving up."},
	{Name: "download-buffer-size", Type: Uint64, Default: "67108864",
		Summary: "Size in bytes of the download buffer."},
	{Name: "download-speed", Type: Uint, Default: "0",
		Summary: "Maximum download rate in kilobytes per second (0: unlimited)."},
	{Name: "eval-cache", Type: Bool, Default: "true",
		Summary: "Use the flake evaluation cache."},
	{Name: "eval-system", Type: String,
		Summary: "Value of `builtins.currentSystem` if non-empty (otherwise `system`)."},
	{Name: "experimental-features", Type: Features,
		Summary: "Experimental features that are enabled."},
	{Name: "extra-platforms", Type: StringSet, MachineDefault: true,
		defaultFunc: defaultExtraPlatforms,
		Summary:     "Other system types this machine can build for."},
	{Name: "fallback", Aliases: []string{"build-fallback"}, Type: Bool, Default: "false",
		Summary: "Build from source when a substitute fails."},
	{Name: "filter-syscalls", Type: Bool, Default: "true", OS: "linux",
		Summary: "Prevent dangerous system calls (setuid files, ACLs, xattrs) in builds."},
	{Name: "flake-registry", Type: String, Default: "https://channels.nixos.org/flake-registry.json", Feature: Flakes,
		Summary: "Path or URI of the global flake registry (empty: none)."},
	{Name: "fsync-metadata", Type: Bool, Default: "true",
		Summary: "Flush store metadata changes to disk synchronously."},
	{Name: "fsync-store-paths", Type: Bool, Default: "false",
		Summary: "Call fsync() on store paths before registering them."},
	{Name: "gc-reserved-space", Type: Int, Default: "8388608",
		Summary: "Disk space reserved for the garbage collector."},
	{Name: "hashed-mirrors", Type: Strings,
		Summary: "Mirrors used by `builtins.fetchurl` to find files by hash."},
	{Name: "http-connections", Aliases: []string{"binary-caches-parallel-connections"}, Type: Uint64, Default: "25",
		Summary: "Maximum parallel TCP connections for downloads (0: unlimited)."},
	{Name: "http2", Type: Bool, Default: "true",
		Summary: "Enable HTTP/2."},
	{Name: "id-count", Type: Uint,
		defaultFunc: func(e *defaultsEnv) string { return pick(e.host.OS == "linux", "8388608", "128") },
		Summary:     "Number of UIDs/GIDs for dynamic ID allocation."},
	{Name: "ignore-try", Type: Bool, Default: "false",
		Summary: "In the debugger, ignore exceptions inside `tryEval`."},
	{Name: "ignored-acls", Type: StringSet, Default: "security.selinux system.nfs4_acl security.csm", OS: "linux",
		Summary: "ACLs left alone when canonicalising store files."},
	{Name: "impersonate-linux-26", Aliases: []string{"build-impersonate-linux-26"}, Type: Bool, Default: "false",
		Summary: "Impersonate a Linux 2.6 machine on newer kernels."},
	{Name: "impure-env", Type: StringMap, Feature: ConfigurableImpureEnv,
		Summary: "Environment variables (`name=value`) passed to fixed-output derivations."},
	{Name: "keep-build-log", Aliases: []string{"build-keep-log"}, Type: Bool, Default: "true",
		Summary: "Write build logs to the log directory."},
	{Name: "keep-derivations", Aliases: []string{"gc-keep-derivations"}, Type: Bool, Default: "true",
		Summary: "Keep the derivations of live store paths during garbage collection."},
	{Name: "keep-env-derivations", Aliases: []string{"env-keep-derivations"}, Type: Bool, Default: "false",
		Summary: "Store derivations in user environments."},
	{Name: "keep-failed", Type: Bool, Default: "false",
		Summary: "Keep temporary directories of failed builds."},
	{Name: "keep-going", Type: Bool, Default: "false",
		Summary: "Keep building derivations when another build fails."},
	{Name: "keep-outputs", Aliases: []string{"gc-keep-outputs"}, Type: Bool, Default: "false",
		Summary: "Keep the outputs of live derivations during garbage collection."},
	{Name: "log-lines", Type: Uint64, Default: "25",
		Summary: "Number of log lines shown when a build fails."},
	{Name: "max-build-log-size", Aliases: []string{"build-max-log-size"}, Type: Uint64, Default: "0",
		Summary: "Maximum bytes a builder may write to its log (0: unlimited)."},
	{Name: "max-call-depth", Type: Uint, Default: "10000",
		Summary: "Maximum function call depth in evaluation."},
	{Name: "max-free", Type: Uint64, Default: "9223372036854775807",
		Summary: "Stop garbage collection triggered by `min-free` at this many free bytes."},
	{Name: "max-jobs", Aliases: []string{"build-max-jobs"}, Type: MaxJobs, Default: "1",
		Summary: "Maximum number of parallel local builds (`auto`: number of CPUs)."},
	{Name: "max-silent-time", Aliases: []string{"build-max-silent-time"}, Type: Int, Default: "0",
		Summary: "Seconds a builder may go without output (0: unlimited)."},
	{Name: "max-substitution-jobs", Aliases: []string{"substitution-max-jobs"}, Type: Uint, Default: "16",
		Summary: "Maximum number of parallel substitutions."},
	{Name: "min-free", Type: Uint64, Default: "0",
		Summary: "Collect garbage during builds when free space drops below this (0: never)."},
	{Name: "min-free-check-interval", Type: Uint64, Default: "5",
		Summary: "Seconds between free disk space checks."},
	{Name: "nar-buffer-size", Type: Uint64, Default: "33554432",
		Summary: "Maximum size of NARs kept in memory before spilling to disk."},
	{Name: "narinfo-cache-negative-ttl", Type: Uint, Default: "3600",
		Summary: "TTL in seconds of cached negative substituter lookups."},
	{Name: "narinfo-cache-positive-ttl", Type: Uint, Default: "2592000",
		Summary: "TTL in seconds of cached positive substituter lookups."},
	{Name: "netrc-file", Type: String,
		defaultFunc: func(e *defaultsEnv) string { return e.dirs.ConfDir + "/netrc" },
		Summary:     "netrc file with HTTP credentials."},
	{Name: "nix-path", Type: Strings, MachineDefault: true,
		Summary: "Search path for lookup paths (`<nixpkgs>`); overridden by NIX_PATH."},
	{Name: "nix-shell-always-looks-for-shell-nix", Type: Bool, Default: "true",
		Summary: "nix-shell looks for shell.nix in directories given as arguments."},
	{Name: "nix-shell-shebang-arguments-relative-to-script", Type: Bool, Default: "true",
		Summary: "nix-shell shebang paths are relative to the script."},
	{Name: "plugin-files", Type: Strings,
		Summary: "Plugin files to load (not supported by nixgo)."},
	{Name: "post-build-hook", Type: String,
		Summary: "Program executed after each build."},
	{Name: "pre-build-hook", Type: String,
		Summary: "Program that sets extra derivation-specific settings before a build."},
	{Name: "preallocate-contents", Type: Bool, Default: "false",
		Summary: "Preallocate files of known size when writing store objects."},
	{Name: "print-missing", Type: Bool, Default: "true",
		Summary: "Print which paths need to be built or downloaded."},
	{Name: "pure-eval", Type: Bool, Default: "false",
		Summary: "Pure evaluation mode."},
	{Name: "require-drop-supplementary-groups", Type: Bool, OS: "!windows",
		defaultFunc: func(e *defaultsEnv) string { return strconv.FormatBool(e.host.Root) },
		Summary:     "Fail if supplementary groups cannot be dropped in sandboxed builds (default: true for root)."},
	{Name: "require-sigs", Type: Bool, Default: "true",
		Summary: "Require signatures by trusted keys on non-content-addressed paths."},
	{Name: "restrict-eval", Type: Bool, Default: "false",
		Summary: "Restrict evaluation to `nix-path` and `allowed-uris`."},
	{Name: "run-diff-hook", Type: Bool, Default: "false",
		Summary: "Run `diff-hook` when a build is not reproducible."},
	{Name: "sandbox", Aliases: []string{"build-use-chroot", "build-use-sandbox"}, Type: SandboxMode,
		defaultFunc: func(e *defaultsEnv) string { return pick(e.host.OS == "linux", "true", "false") },
		Summary:     "Build in a sandbox: `true`, `false` or `relaxed` (default: true on Linux)."},
	{Name: "sandbox-build-dir", Type: String, Default: "/build", OS: "linux",
		Summary: "The build directory inside the sandbox."},
	{Name: "sandbox-dev-shm-size", Type: String, Default: "50%", OS: "linux",
		Summary: "Size of the /dev/shm tmpfs in Linux sandboxes."},
	{Name: "sandbox-fallback", Type: Bool, Default: "true",
		Summary: "Disable sandboxing when the kernel does not allow it."},
	{Name: "sandbox-paths", Aliases: []string{"build-chroot-dirs", "build-sandbox-paths"}, Type: StringSet,
		Summary: "Paths bind-mounted into the sandbox (`target=source`, `path?`)."},
	{Name: "secret-key-files", Type: Strings,
		Summary: "Files with secret keys used to sign locally built paths."},
	{Name: "show-trace", Type: Bool, Default: "false",
		Summary: "Print a stack trace on evaluation errors."},
	{Name: "ssl-cert-file", Type: String, defaultFunc: defaultSSLCertFile,
		Summary: "CA certificates file (also NIX_SSL_CERT_FILE, SSL_CERT_FILE)."},
	{Name: "stalled-download-timeout", Type: Uint64, Default: "300",
		Summary: "Seconds after which an idle download is cancelled."},
	{Name: "start-id", Type: Uint,
		defaultFunc: func(e *defaultsEnv) string { return pick(e.host.OS == "linux", "872415232", "56930") },
		Summary:     "First UID/GID for dynamic ID allocation."},
	{Name: "store", Type: String,
		defaultFunc: func(e *defaultsEnv) string { return envOr(e.getenv, "NIX_REMOTE", "auto") },
		Summary:     "URL of the Nix store to use (default: $NIX_REMOTE or `auto`)."},
	{Name: "substitute", Aliases: []string{"build-use-substitutes"}, Type: Bool, Default: "true",
		Summary: "Use binary substitutes."},
	{Name: "substituters", Aliases: []string{"binary-caches"}, Type: Strings, Default: "https://cache.nixos.org/",
		Summary: "URLs of stores used as substituters."},
	{Name: "sync-before-registering", Type: Bool, Default: "false", OS: "!windows",
		Summary: "Call sync() before registering a path as valid."},
	{Name: "system", Type: String, defaultFunc: func(e *defaultsEnv) string { return e.host.System },
		Summary: "The system type of this Nix installation."},
	{Name: "system-features", Type: StringSet, MachineDefault: true,
		defaultFunc: defaultSystemFeatures,
		Summary:     "System features this machine supports."},
	{Name: "tarball-ttl", Type: Uint, Default: "3600",
		Summary: "Seconds a downloaded tarball is considered fresh."},
	{Name: "timeout", Aliases: []string{"build-timeout"}, Type: Int, Default: "0",
		Summary: "Maximum seconds a builder may run (0: unlimited)."},
	{Name: "trace-function-calls", Type: Bool, Default: "false",
		Summary: "Trace every function call during evaluation."},
	{Name: "trace-verbose", Type: Bool, Default: "false",
		Summary: "Make `builtins.traceVerbose` trace."},
	{Name: "trust-tarballs-from-git-forges", Type: Bool, Default: "true",
		Summary: "Consider forge tarballs with a Git revision to be locked."},
	{Name: "trusted-public-keys", Aliases: []string{"binary-cache-public-keys"}, Type: Strings,
		Default: "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=",
		Summary: "Public keys trusted to sign store objects."},
	{Name: "trusted-substituters", Aliases: []string{"trusted-binary-caches"}, Type: StringSet,
		Summary: "Substituters unprivileged daemon users may enable."},
	{Name: "trusted-users", Type: Strings, Default: "root", OS: "!windows",
		Summary: "Users (or @groups) with additional rights on the Nix daemon."},
	{Name: "upgrade-nix-store-path-url", Type: String,
		Default: "https://github.com/NixOS/nixpkgs/raw/master/nixos/modules/installer/tools/nix-fallback-paths.nix",
		Summary: "URL of the latest Nix store paths, for `nix upgrade-nix`."},
	{Name: "use-case-hack", Type: Bool,
		defaultFunc: func(e *defaultsEnv) string { return strconv.FormatBool(e.host.OS == "darwin") },
		Summary:     "Work around file name case collisions (default: true on macOS)."},
	{Name: "use-cgroups", Type: Bool, Default: "false", OS: "linux",
		Summary: "Execute builds inside cgroups."},
	{Name: "use-registries", Type: Bool, Default: "true", Feature: Flakes,
		Summary: "Use flake registries to resolve flake references."},
	{Name: "use-sqlite-wal", Type: Bool,
		defaultFunc: func(e *defaultsEnv) string { return strconv.FormatBool(!e.host.WSL1) },
		Summary:     "Use SQLite's WAL mode (default: true except on WSL1)."},
	{Name: "use-xdg-base-directories", Type: Bool, Default: "false",
		Summary: "Use XDG base directories for files in $HOME."},
	{Name: "user-agent-suffix", Type: String,
		Summary: "String appended to the HTTP user agent."},
	{Name: "warn-dirty", Type: Bool, Default: "true",
		Summary: "Warn about dirty Git/Mercurial trees."},
	{Name: "warn-large-path-threshold", Type: Uint64, Default: "0",
		Summary: "Warn when copying a path larger than this many bytes to the store (0: never)."},
}

// Definitions returns the settings CppNix knows on the operating system
// goos (a GOOS value such as "linux", "darwin" or "windows"), sorted by name.
func Definitions(goos string) []*Setting {
	var defs []*Setting
	for _, d := range table {
		if d.availableOn(goos) {
			defs = append(defs, d)
		}
	}
	return defs
}

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// envOr is CppNix's getEnv(name).value_or(def): a variable set to the
// empty string counts as set.
func envOr(getenv func(string) (string, bool), name, def string) string {
	if v, ok := getenv(name); ok {
		return v
	}
	return def
}

// defaultExtraPlatforms is CppNix's getDefaultExtraPlatforms.
func defaultExtraPlatforms(e *defaultsEnv) string {
	var p []string
	if e.host.System == "x86_64-linux" && !e.host.WSL1 {
		p = append(p, "i686-linux")
	}
	switch e.host.OS {
	case "linux":
		for _, l := range e.host.X86Levels {
			p = append(p, l+"-linux")
		}
	case "darwin":
		if e.host.System == "aarch64-darwin" && e.host.Rosetta {
			p = append(p, "x86_64-darwin")
		}
	}
	return strings.Join(p, " ")
}

// defaultSystemFeatures is CppNix's getDefaultSystemFeatures.
func defaultSystemFeatures(e *defaultsEnv) string {
	f := []string{"nixos-test", "benchmark", "big-parallel"}
	if e.host.OS == "linux" {
		f = append(f, "uid-range")
		if e.host.KVM {
			f = append(f, "kvm")
		}
	}
	if e.host.OS == "darwin" && e.host.AppleVirt {
		f = append(f, "apple-virt")
	}
	return strings.Join(f, " ")
}

// sslCertFiles are the files CppNix looks for, in order, when neither
// NIX_SSL_CERT_FILE nor SSL_CERT_FILE is set.
var sslCertFiles = []string{
	"/etc/ssl/certs/ca-certificates.crt",
	"/nix/var/nix/profiles/default/etc/ssl/certs/ca-bundle.crt",
}

func defaultSSLCertFile(e *defaultsEnv) string {
	for _, f := range sslCertFiles {
		if _, err := e.fs.Lstat(f); err == nil {
			return f
		}
	}
	return ""
}

// darwinSandboxPaths and darwinImpureHostDeps are the values CppNix
// assigns on macOS ("chroot-like behavior from Apple's sandbox").
const (
	darwinSandboxPaths   = "/System/Library/Frameworks /System/Library/PrivateFrameworks /bin/sh /bin/bash /private/tmp /private/var/tmp /usr/lib"
	darwinImpureHostDeps = "/System/Library /usr/lib /dev /bin/sh"
)

// lookupDefinition finds a setting by name (not alias) in the full table.
func lookupDefinition(name string) *Setting {
	i, ok := slices.BinarySearchFunc(table, name, func(d *Setting, n string) int { return strings.Compare(d.Name, n) })
	if !ok {
		return nil
	}
	return table[i]
}
