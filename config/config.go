// Config: the current value of every setting, how values are set, and typed accessors.

package config

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

// Config holds the value of every setting known on one platform, plus
// the names of unknown settings seen so far. It is not safe for
// concurrent modification; once loaded and adjusted by the CLI it is
// read-only and may be shared.
type Config struct {
	host   *Host
	dirs   Dirs
	getenv func(string) (string, bool)
	fs     FileSystem
	warn   func(string)

	entries []*entry          // sorted by name
	index   map[string]*entry // by name and by alias
	// unknown holds settings set but not known, first value wins
	// (CppNix's unknownSettings, a std::map filled with emplace).
	unknown map[string]string
	// flagFeatures are the experimental features needed by the
	// command-line flags used so far (CppNix's flagExperimentalFeatures).
	flagFeatures []Feature
	flagIndex    map[string]Flag // see LookupFlag
}

// entry is one setting's state.
type entry struct {
	*Setting
	val        value
	def        value // the default, as shown by `--json` in "defaultValue"
	overridden bool  // set from a user file, NIX_CONFIG or the command line
}

// newConfig builds a Config with every setting at its default, then
// applies the assignments CppNix makes from the environment at startup.
func newConfig(host *Host, dirs Dirs, getenv func(string) (string, bool), fs FileSystem, warn func(string)) *Config {
	c := &Config{host: host, dirs: dirs, getenv: getenv, fs: fs, warn: warn,
		index: map[string]*entry{}, unknown: map[string]string{}}
	env := &defaultsEnv{host: host, dirs: &c.dirs, getenv: getenv, fs: fs}
	for _, d := range Definitions(host.OS) {
		text := d.Default
		if d.defaultFunc != nil {
			text = d.defaultFunc(env)
		}
		v, err := d.parse(c, text)
		if err != nil {
			panic(fmt.Sprintf("config: bad default for %s: %v", d.Name, err))
		}
		e := &entry{Setting: d, val: v, def: v}
		c.entries = append(c.entries, e)
		c.index[d.Name] = e
		for _, a := range d.Aliases {
			c.index[a] = e
		}
	}
	c.indexFlags()
	c.applyEnvironment()
	return c
}

// applyEnvironment makes the assignments of CppNix's Settings and
// EvalSettings constructors: they change the value but not the default,
// and do not count as overrides.
func (c *Config) applyEnvironment() {
	if c.host.OS != "windows" && c.host.Root {
		c.assign("build-users-group", "nixbld")
	}
	v, _ := c.getenv("NIX_IGNORE_SYMLINK_STORE")
	c.assign("allow-symlinked-store", fmt.Sprint(v == "1"))
	if f := envOr(c.getenv, "NIX_SSL_CERT_FILE", envOr(c.getenv, "SSL_CERT_FILE", "")); f != "" {
		c.assign("ssl-cert-file", f)
	}
	if s, ok := c.getenv("NIX_REMOTE_SYSTEMS"); ok {
		var b []string
		for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ':' }) {
			b = append(b, "@"+p)
		}
		c.assign("builders", strings.Join(b, "\n"))
	}
	switch c.host.OS {
	case "linux":
		if c.host.SandboxShell != "" {
			c.assign("sandbox-paths", "/bin/sh="+c.host.SandboxShell)
		}
	case "darwin":
		c.assign("sandbox-paths", darwinSandboxPaths)
		c.assign("allowed-impure-host-deps", darwinImpureHostDeps)
	}
	if v, ok := c.getenv("NIX_ABORT_ON_WARN"); ok && (v == "1" || v == "yes" || v == "true") {
		c.assign("abort-on-warn", "true")
	}
}

// assign sets a value the way C++ code assigns to a setting: no
// experimental-feature check, not marked as overridden. It panics on
// unknown names or invalid values (it is for built-in values only).
func (c *Config) assign(name, text string) {
	if err := c.Assign(name, text); err != nil {
		panic("config: " + err.Error())
	}
}

func (c *Config) warnf(format string, args ...any) {
	if c.warn != nil {
		c.warn(fmt.Sprintf(format, args...))
	}
}

// Set sets a setting by name, alias, or `extra-NAME` (which appends to
// list, set, map and feature settings), as CppNix's globalConfig.set
// does for nix.conf lines, NIX_CONFIG and `nixConfig` in flakes.
//
// An unknown name is remembered and reported by FinishFlags or
// WarnUnknownSettings; Set itself does not fail for it. A setting that
// needs a disabled experimental feature is left alone with a warning. An
// invalid value gives a *UsageError (or, for a relative path, a plain
// error). A known setting is marked as overridden unless its value was
// invalid.
func (c *Config) Set(name, text string) error {
	e, appending := c.find(name)
	if e == nil {
		if _, dup := c.unknown[name]; !dup {
			c.unknown[name] = text
		}
		return nil
	}
	if err := c.setEntry(e, text, appending); err != nil {
		return err
	}
	e.overridden = true
	return nil
}

// find resolves a name, alias or `extra-` form to its entry.
func (c *Config) find(name string) (e *entry, appending bool) {
	if e := c.index[name]; e != nil {
		return e, false
	}
	if base, ok := strings.CutPrefix(name, "extra-"); ok {
		if e := c.index[base]; e != nil && e.Type.Appendable() {
			return e, true
		}
	}
	return nil, false
}

// setEntry is CppNix's BaseSetting::set: parse and store the value
// unless the setting's experimental feature is disabled.
func (c *Config) setEntry(e *entry, text string, appending bool) error {
	if e.Feature != "" && !c.HasFeature(e.Feature) {
		c.warnf("Ignoring setting '%s' because experimental feature '%s' is not enabled", e.Name, e.Feature)
		return nil
	}
	v, err := e.parse(c, text)
	if err != nil {
		return err
	}
	e.val = e.merge(e.val, v, appending)
	return nil
}

// Assign sets a setting's value the way CppNix's C++ code assigns one
// (`settings.pureEval = true`): the text is parsed, but the setting does
// not count as overridden and no experimental feature is checked. The
// `nix` CLI uses this for `pure-eval = true`.
func (c *Config) Assign(name, text string) error {
	e := c.index[name]
	if e == nil {
		return fmt.Errorf("unknown setting '%s'", name)
	}
	v, err := e.parse(c, text)
	if err == nil {
		e.val = v
	}
	return err
}

// SetDefault assigns a value unless the setting was overridden, as
// CppNix's setDefault does (used for `build-hook`, which the CLI points
// at its own executable).
func (c *Config) SetDefault(name, text string) error {
	if e := c.index[name]; e != nil && e.overridden {
		return nil
	}
	return c.Assign(name, text)
}

// Overridden reports whether a setting was set by a user file,
// NIX_CONFIG, NIX_PATH or the command line (but not by the system
// nix.conf, whose overrides are reset after loading).
func (c *Config) Overridden(name string) bool {
	e := c.index[name]
	return e != nil && e.overridden
}

// ResetOverridden forgets which settings were overridden.
func (c *Config) ResetOverridden() {
	for _, e := range c.entries {
		e.overridden = false
	}
}

// Overrides returns the text value of every overridden setting whose
// experimental feature is enabled: what a client sends to the daemon.
func (c *Config) Overrides() map[string]string {
	m := map[string]string{}
	for _, e := range c.entries {
		if e.overridden && c.enabled(e) {
			m[e.Name] = e.format(e.val)
		}
	}
	return m
}

// WarnUnknownSettings warns "unknown setting 'NAME'" for every unknown
// setting set so far, sorted by name.
func (c *Config) WarnUnknownSettings() {
	for _, name := range sortedKeys(c.unknown) {
		c.warnf("unknown setting '%s'", name)
	}
}

// UnknownSettings returns the unknown settings set so far, with the
// first value given to each.
func (c *Config) UnknownSettings() map[string]string {
	return maps.Clone(c.unknown)
}

// Lookup returns the definition of a setting by name or alias.
func (c *Config) Lookup(name string) (*Setting, bool) {
	if e := c.index[name]; e != nil {
		return e.Setting, true
	}
	return nil, false
}

// Settings returns the definitions of all settings on this platform,
// sorted by name.
func (c *Config) Settings() []*Setting {
	defs := make([]*Setting, len(c.entries))
	for i, e := range c.entries {
		defs[i] = e.Setting
	}
	return defs
}

// Host returns the machine description the defaults were computed from.
func (c *Config) Host() *Host { return c.host }

// Dirs returns Nix's directories (store, state, configuration...).
func (c *Config) Dirs() Dirs { return c.dirs }

// Value returns a setting's value as `nix config show` prints it.
func (c *Config) Value(name string) string {
	e := c.get(name)
	if e == nil {
		return ""
	}
	return e.format(e.val)
}

// HasFeature reports whether an experimental feature is enabled.
func (c *Config) HasFeature(f Feature) bool {
	return slices.Contains(c.index["experimental-features"].val.list, string(f))
}

// RequireFeature returns a *MissingFeatureError unless f is enabled.
func (c *Config) RequireFeature(f Feature) error {
	if c.HasFeature(f) {
		return nil
	}
	return &MissingFeatureError{Feature: f}
}

// EnabledFeatures returns the enabled experimental features in CppNix's order.
func (c *Config) EnabledFeatures() []Feature {
	var fs []Feature
	for _, f := range c.index["experimental-features"].val.list {
		fs = append(fs, Feature(f))
	}
	return fs
}

// enabled reports whether a setting's experimental feature (if any) is on.
func (c *Config) enabled(e *entry) bool {
	return e.Feature == "" || c.HasFeature(e.Feature)
}

// get finds a setting for a typed accessor. Settings of the table that
// do not exist on this platform yield nil (and the accessors return
// zero values); names not in the table at all are programming errors.
func (c *Config) get(name string, types ...Type) *entry {
	e := c.index[name]
	if e == nil {
		if d := lookupDefinition(name); d != nil && !d.availableOn(c.host.OS) {
			return nil
		}
		panic(fmt.Sprintf("config: unknown setting %q", name))
	}
	if len(types) > 0 && !slices.Contains(types, e.Type) {
		panic(fmt.Sprintf("config: setting %q is a %v", name, e.Type))
	}
	return e
}

// Bool returns the value of a boolean setting.
func (c *Config) Bool(name string) bool {
	if e := c.get(name, Bool); e != nil {
		return e.val.b
	}
	return false
}

// Int returns the value of an integer setting (any of Int, Uint, Uint64,
// MaxJobs); Uint64 values above math.MaxInt64 are clamped.
func (c *Config) Int(name string) int64 {
	e := c.get(name, Int, Uint, Uint64, MaxJobs)
	switch {
	case e == nil:
		return 0
	case e.Type == Int:
		return e.val.i
	case e.val.u > math.MaxInt64:
		return math.MaxInt64
	}
	return int64(e.val.u)
}

// Uint returns the value of an unsigned integer setting (Uint, Uint64
// or MaxJobs).
func (c *Config) Uint(name string) uint64 {
	if e := c.get(name, Uint, Uint64, MaxJobs); e != nil {
		return e.val.u
	}
	return 0
}

// String returns the value of a string or path setting; "" when an
// optional one is unset.
func (c *Config) String(name string) string {
	if e := c.get(name, String, OptionalString, OptionalPath); e != nil {
		return e.val.s
	}
	return ""
}

// Optional returns the value of an OptionalString or OptionalPath
// setting, and whether it is set.
func (c *Config) Optional(name string) (string, bool) {
	if e := c.get(name, OptionalString, OptionalPath); e != nil {
		return e.val.s, !e.val.null
	}
	return "", false
}

// Strings returns a copy of the value of a list, set or feature setting.
// Sets are sorted.
func (c *Config) Strings(name string) []string {
	if e := c.get(name, Strings, StringSet, Features); e != nil {
		return slices.Clone(e.val.list)
	}
	return nil
}

// StringMap returns a copy of the value of a name=value map setting.
func (c *Config) StringMap(name string) map[string]string {
	if e := c.get(name, StringMap); e != nil {
		return maps.Clone(e.val.m)
	}
	return nil
}

// Sandbox returns the value of the `sandbox` setting.
func (c *Config) Sandbox() Sandbox {
	return c.get("sandbox", SandboxMode).val.sandbox
}
