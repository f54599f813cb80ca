// NIX_PATH: parsing the variable and the default search path.

package config

import "strings"

// ParseNixPath splits a $NIX_PATH value at colons, except colons that
// belong to a URL (`prefix=https://...`, `channel:...`, `flake:...`),
// as CppNix's EvalSettings::parseNixPath does.
func ParseNixPath(s string) []string {
	var res []string
	p := 0
	for p < len(s) {
		start, start2 := p, p
		for p < len(s) && s[p] != ':' {
			if s[p] == '=' {
				start2 = p + 1
			}
			p++
		}
		if p == len(s) {
			if p != start {
				res = append(res, s[start:p])
			}
			break
		}
		prefix := s[start2:]
		if isPseudoURL(prefix) || strings.HasPrefix(prefix, "flake:") {
			p++
			for p < len(s) && s[p] != ':' {
				p++
			}
		}
		res = append(res, s[start:p])
		if p == len(s) {
			break
		}
		p++
	}
	return res
}

// isPseudoURL is CppNix's EvalSettings::isPseudoUrl.
func isPseudoURL(s string) bool {
	if strings.HasPrefix(s, "channel:") {
		return true
	}
	scheme, _, ok := strings.Cut(s, "://")
	if !ok {
		return false
	}
	switch scheme {
	case "http", "https", "file", "channel", "git", "s3", "ssh":
		return true
	}
	return false
}

// DefaultNixPath is CppNix's EvalSettings::getDefaultNixPath, which the
// evaluator appends to `nix-path` unless evaluation is restricted or
// pure: those of the following that exist:
//
//	~/.nix-defexpr/channels (with use-xdg-base-directories: $XDG_STATE_HOME/nix/defexpr/channels)
//	nixpkgs=$NIX_STATE_DIR/profiles/per-user/root/channels/nixpkgs
//	$NIX_STATE_DIR/profiles/per-user/root/channels
func (c *Config) DefaultNixPath() []string {
	var res []string
	add := func(p, prefix string) {
		if _, err := c.fs.Stat(p); err != nil {
			return
		}
		if prefix != "" {
			p = prefix + "=" + p
		}
		res = append(res, p)
	}
	rootChannels := c.dirs.StateDir + "/profiles/per-user/root/channels"
	add(c.nixDefExpr()+"/channels", "")
	add(rootChannels+"/nixpkgs", "nixpkgs")
	add(rootChannels, "")
	return res
}

// nixDefExpr is CppNix's getNixDefExpr.
func (c *Config) nixDefExpr() string {
	if c.Bool("use-xdg-base-directories") {
		return c.stateHome() + "/defexpr"
	}
	return c.dirs.Home + "/.nix-defexpr"
}

// stateHome is CppNix's getStateDir: $NIX_STATE_HOME, else
// $XDG_STATE_HOME/nix, else ~/.local/state/nix.
func (c *Config) stateHome() string {
	if d, ok := c.getenv("NIX_STATE_HOME"); ok {
		return d
	}
	if d, ok := c.getenv("XDG_STATE_HOME"); ok {
		return d + "/nix"
	}
	return c.dirs.Home + "/.local/state/nix"
}
