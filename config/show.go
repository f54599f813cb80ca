// `nix config show`: the key = value text, a single value, and the JSON form.

package config

import (
	"fmt"
	"strconv"
	"strings"
)

// ShowText returns the settings as `nix config show` prints them (and as
// CppNix passes them to build hooks in NIX_CONFIG): one `name = value`
// line per setting, sorted by name, leaving out settings whose
// experimental feature is disabled. The CLI prints it followed by one
// more newline, as CppNix's logger->cout does.
func (c *Config) ShowText() string {
	var b strings.Builder
	for _, e := range c.entries {
		if c.enabled(e) {
			fmt.Fprintf(&b, "%s = %s\n", e.Name, e.format(e.val))
		}
	}
	return b.String()
}

// ShowSetting returns one setting's value as `nix config show NAME`
// prints it (without the final newline). Aliases and settings whose
// experimental feature is disabled are not found, as in CppNix.
func (c *Config) ShowSetting(name string) (string, error) {
	e := c.index[name]
	if e == nil || e.Name != name || !c.enabled(e) {
		return "", fmt.Errorf("could not find setting '%s'", name)
	}
	return e.format(e.val), nil
}

// ShowJSON returns `nix config show --json`: one compact JSON object
// (keys sorted, like nlohmann::json's dump()) mapping every setting,
// including those of disabled experimental features, to its aliases,
// defaultValue, description, documentDefault, experimentalFeature and
// value.
func (c *Config) ShowJSON() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, e := range c.entries {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(&b, e.Name)
		b.WriteString(`:{"aliases":[`)
		for j, a := range e.Aliases {
			if j > 0 {
				b.WriteByte(',')
			}
			writeJSONString(&b, a)
		}
		b.WriteString(`],"defaultValue":`)
		e.writeJSON(&b, e.def)
		b.WriteString(`,"description":`)
		writeJSONString(&b, e.Description())
		fmt.Fprintf(&b, `,"documentDefault":%t,"experimentalFeature":`, !e.MachineDefault)
		if e.Feature == "" {
			b.WriteString("null")
		} else {
			writeJSONString(&b, string(e.Feature))
		}
		b.WriteString(`,"value":`)
		e.writeJSON(&b, e.val)
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return b.String()
}

// writeJSON renders a value with the JSON types CppNix uses.
func (d *Setting) writeJSON(b *strings.Builder, v value) {
	switch d.Type {
	case Bool:
		b.WriteString(strconv.FormatBool(v.b))
	case Int:
		b.WriteString(strconv.FormatInt(v.i, 10))
	case Uint, Uint64, MaxJobs:
		b.WriteString(strconv.FormatUint(v.u, 10))
	case String:
		writeJSONString(b, v.s)
	case OptionalString, OptionalPath:
		if v.null {
			b.WriteString("null")
		} else {
			writeJSONString(b, v.s)
		}
	case Strings, StringSet, Features:
		b.WriteByte('[')
		for i, s := range v.list {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, s)
		}
		b.WriteByte(']')
	case StringMap:
		b.WriteByte('{')
		for i, k := range sortedKeys(v.m) {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			writeJSONString(b, v.m[k])
		}
		b.WriteByte('}')
	case SandboxMode:
		switch v.sandbox {
		case SandboxEnabled:
			b.WriteString("true")
		case SandboxDisabled:
			b.WriteString("false")
		default:
			b.WriteString(`"relaxed"`)
		}
	}
}

// writeJSONString quotes s the way nlohmann::json does: UTF-8 is kept
// as is; '"', '\\' and control characters are escaped, the latter with
// short forms where JSON has them and lower-case \u00xx otherwise.
func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if ch < 0x20 {
				fmt.Fprintf(b, `\u%04x`, ch)
			} else {
				b.WriteByte(ch)
			}
		}
	}
	b.WriteByte('"')
}
