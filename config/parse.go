// The nix.conf syntax: lines of `name = value`, comments, `include` and `!include`.

package config

import (
	"fmt"
	"path/filepath"
	"strings"
)

// A line is one `name = value` assignment read from a configuration file.
type line struct {
	name, value string
}

// maxIncludeDepth stops include cycles (CppNix would overflow its stack).
const maxIncludeDepth = 64

// ApplyConfig applies configuration text, as read from the file path
// (used in error messages and to resolve relative includes), the way
// CppNix's applyConfig does: the file and its includes are parsed first;
// then `experimental-features` and `extra-experimental-features` lines
// are applied, then all others in order, skipping `nix-path` and
// `extra-nix-path` when $NIX_PATH is set.
func (c *Config) ApplyConfig(text, path string) error {
	var lines []line
	if err := c.parseConfig(text, path, &lines, 0); err != nil {
		return err
	}
	isFeatures := func(n string) bool { return n == "experimental-features" || n == "extra-experimental-features" }
	for _, l := range lines {
		if isFeatures(l.name) {
			if err := c.Set(l.name, l.value); err != nil {
				return err
			}
		}
	}
	_, nixPathSet := c.getenv("NIX_PATH")
	for _, l := range lines {
		if isFeatures(l.name) || nixPathSet && (l.name == "nix-path" || l.name == "extra-nix-path") {
			continue
		}
		if err := c.Set(l.name, l.value); err != nil {
			return err
		}
	}
	return nil
}

// parseConfig is CppNix's parseConfigFiles: it appends the assignments
// of text, and of the files it includes, to lines.
//
// Each line loses everything from the first '#'; the rest is split on
// whitespace. `include PATH` and `!include PATH` read PATH (relative to
// the including file's directory), the latter ignoring a missing file;
// anything else must be `NAME = [VALUE...]`, the value's words joined by
// single spaces.
func (c *Config) parseConfig(text, path string, lines *[]line, depth int) error {
	for _, raw := range strings.Split(text, "\n") {
		ln, _, _ := strings.Cut(raw, "#")
		tokens := tokenize(ln)
		if len(tokens) == 0 {
			continue
		}
		syntaxErr := usageErrorf("syntax error in configuration line '%s' in '%s'", ln, path)
		if len(tokens) < 2 {
			return syntaxErr
		}
		if tokens[0] == "include" || tokens[0] == "!include" {
			if len(tokens) != 2 {
				return syntaxErr
			}
			if err := c.include(tokens[1], path, tokens[0] == "!include", lines, depth); err != nil {
				return err
			}
			continue
		}
		if tokens[1] != "=" {
			return syntaxErr
		}
		*lines = append(*lines, line{tokens[0], strings.Join(tokens[2:], " ")})
	}
	return nil
}

// include handles `include file` in the configuration file from.
func (c *Config) include(file, from string, ignoreMissing bool, lines *[]line, depth int) error {
	p := file
	if !isAbs(p) {
		p = dirOf(from) + "/" + p
	}
	p, err := canonPath(p)
	if err != nil {
		return err
	}
	if _, err := c.fs.Lstat(p); err != nil {
		if ignoreMissing {
			return nil
		}
		return fmt.Errorf("file '%s' included from '%s' not found", p, from)
	}
	b, err := c.fs.ReadFile(p)
	if err != nil {
		return nil // CppNix ignores files it cannot read
	}
	if depth >= maxIncludeDepth {
		return fmt.Errorf("too many nested includes in '%s'", from)
	}
	return c.parseConfig(string(b), p, lines, depth+1)
}

// isAbs is CppNix's isAbsolute.
func isAbs(p string) bool {
	_, err := canonPath(p)
	return err == nil
}

// dirOf is CppNix's dirOf: "." for a name without a separator.
func dirOf(p string) string {
	i := strings.LastIndexAny(p, "/"+string(filepath.Separator))
	switch {
	case i < 0:
		return "."
	case i == 0:
		return "/"
	}
	return p[:i]
}
