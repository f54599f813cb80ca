// Command-line flags derived from settings: --NAME, --no-NAME, --extra-NAME, --option.

package config

import (
	"slices"
	"strings"
)

// FlagAction is what a setting flag does.
type FlagAction int

const (
	FlagSet     FlagAction = iota // --NAME VALUE: set the value
	FlagAppend                    // --extra-NAME VALUE: append to the value
	FlagTrue                      // --NAME for a boolean (or sandbox): true
	FlagFalse                     // --no-NAME: false
	FlagRelaxed                   // --relaxed-sandbox: sandbox = relaxed
)

// Flag is a command-line flag that sets a setting.
type Flag struct {
	Name    string // without the leading "--"
	Setting *Setting
	Action  FlagAction
	// Feature is the experimental feature the flag needs; FinishFlags
	// checks it once all flags are parsed.
	Feature Feature
}

// TakesValue reports whether the flag consumes the next argument.
func (f Flag) TakesValue() bool { return f.Action == FlagSet || f.Action == FlagAppend }

// flags returns the flags of one setting in CppNix's registration order
// (convertToArg); a later flag replaces an earlier one of the same name.
// Aliases are registered with every flag, so they end up meaning the
// last one: for a boolean `--ALIAS` means `--no-NAME`, for `sandbox`
// `--relaxed-sandbox`, and for a list `--extra-NAME`. CppNix behaves so.
func (d *Setting) flags() []Flag {
	mk := func(name string, a FlagAction) []Flag {
		fs := []Flag{{Name: name, Setting: d, Action: a, Feature: d.Feature}}
		for _, alias := range d.Aliases {
			fs = append(fs, Flag{Name: alias, Setting: d, Action: a, Feature: d.Feature})
		}
		return fs
	}
	switch d.Type {
	case Bool:
		return slices.Concat(mk(d.Name, FlagTrue), mk("no-"+d.Name, FlagFalse))
	case SandboxMode:
		return slices.Concat(mk(d.Name, FlagTrue), mk("no-"+d.Name, FlagFalse), mk("relaxed-"+d.Name, FlagRelaxed))
	}
	fs := mk(d.Name, FlagSet)
	if d.Type.Appendable() {
		fs = append(fs, mk("extra-"+d.Name, FlagAppend)...)
	}
	return fs
}

// LookupFlag reports whether `--name` (name given with or without the
// dashes) is a setting flag, and what it does. The CLI consults it for long flags
// its commands do not define themselves; CppNix registers these flags
// (in a hidden category) on every command, after `--max-jobs`, which
// they replace. `-j N` is the CLI's own short form of `--max-jobs N`.
func (c *Config) LookupFlag(name string) (Flag, bool) {
	f, ok := c.flagIndex[strings.TrimPrefix(name, "--")]
	return f, ok
}

// indexFlags builds the flag table, in CppNix's order.
func (c *Config) indexFlags() {
	c.flagIndex = map[string]Flag{}
	for _, e := range c.entries {
		for _, f := range e.flags() {
			c.flagIndex[f.Name] = f
		}
	}
}

// SetFromFlag applies the setting flag `--name` (see LookupFlag); arg
// is ignored by flags that take none. Like CppNix it marks the setting
// as overridden and records the flag's experimental feature for
// FinishFlags; boolean and sandbox flags set the value even if that
// feature is disabled. Errors (invalid values, *UsageError) are fatal
// in CppNix. An unknown flag name gives a *UsageError
// "unrecognised flag '--name'".
func (c *Config) SetFromFlag(name, arg string) error {
	f, ok := c.LookupFlag(name)
	if !ok {
		return usageErrorf("unrecognised flag '--%s'", strings.TrimPrefix(name, "--"))
	}
	if f.Feature != "" && !slices.Contains(c.flagFeatures, f.Feature) {
		c.flagFeatures = append(c.flagFeatures, f.Feature)
	}
	e := c.index[f.Setting.Name]
	e.overridden = true
	switch f.Action {
	case FlagTrue:
		e.val = value{b: true, sandbox: SandboxEnabled}
	case FlagFalse:
		e.val = value{b: false, sandbox: SandboxDisabled}
	case FlagRelaxed:
		e.val = value{sandbox: SandboxRelaxed}
	default:
		return c.setEntry(e, arg, f.Action == FlagAppend)
	}
	return nil
}

// SetOption implements `--option NAME VALUE`: Set, except that an
// invalid value only warns, in CppNix's words ("warning: error: ...").
// Other errors (such as a relative path for a path setting) are returned.
func (c *Config) SetOption(name, value string) error {
	err := c.Set(name, value)
	if u, ok := err.(*UsageError); ok {
		c.warnf("error: %s", u.Msg)
		return nil
	}
	return err
}

// FinishFlags is called once the command line has been parsed, where
// CppNix calls initPlugins and checks flag features: it warns about
// unknown settings (from files, NIX_CONFIG and --option, sorted by
// name), then returns a *MissingFeatureError if a setting flag that was
// used needs a disabled experimental feature (the first in CppNix's
// feature order).
func (c *Config) FinishFlags() error {
	c.WarnUnknownSettings()
	for _, fi := range features {
		if slices.Contains(c.flagFeatures, fi.Feature) && !c.HasFeature(fi.Feature) {
			return &MissingFeatureError{Feature: fi.Feature}
		}
	}
	return nil
}
