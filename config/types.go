// Setting types: how each kind of value is parsed, appended, printed and rendered as JSON.

package config

import (
	"fmt"
	"math"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Type is the kind of value a setting holds. Each type mirrors one
// instantiation of CppNix's BaseSetting<T>.
type Type int

const (
	Bool           Type = iota // "true"/"yes"/"1" or "false"/"no"/"0"
	Int                        // signed 64-bit (time_t, off_t), with an optional K/M/G/T suffix
	Uint                       // unsigned 32-bit (unsigned int), with an optional K/M/G/T suffix
	Uint64                     // unsigned 64-bit (size_t, uint64_t), with an optional K/M/G/T suffix
	String                     // any text, whitespace-joined
	OptionalString             // like String, but empty means unset (JSON null)
	OptionalPath               // empty means unset; otherwise an absolute path, canonicalised
	Strings                    // whitespace-separated list, order kept, appendable
	StringSet                  // whitespace-separated set, sorted, appendable
	StringMap                  // whitespace-separated name=value pairs, appendable
	Features                   // experimental feature names, appendable
	SandboxMode                // "true", "false" or "relaxed"
	MaxJobs                    // unsigned 32-bit or "auto" (the number of CPUs)
)

var typeNames = [...]string{
	Bool: "bool", Int: "int", Uint: "uint", Uint64: "uint64", String: "string",
	OptionalString: "optional string", OptionalPath: "optional path",
	Strings: "strings", StringSet: "string set", StringMap: "string map",
	Features: "experimental features", SandboxMode: "sandbox mode", MaxJobs: "max-jobs",
}

func (t Type) String() string { return typeNames[t] }

// Appendable reports whether `extra-NAME` can add to a setting of this type.
func (t Type) Appendable() bool {
	switch t {
	case Strings, StringSet, StringMap, Features:
		return true
	}
	return false
}

// Sandbox is the value of the `sandbox` setting.
type Sandbox int

const (
	SandboxEnabled  Sandbox = iota // sandbox = true
	SandboxRelaxed                 // sandbox = relaxed
	SandboxDisabled                // sandbox = false
)

func (s Sandbox) String() string {
	return [...]string{"true", "relaxed", "false"}[s]
}

// A value holds a parsed setting value. Which field is used depends on
// the setting's Type:
//
//	Bool                      b
//	Int                       i
//	Uint, Uint64, MaxJobs     u
//	String                    s
//	OptionalString/Path       s, null
//	Strings, StringSet        list (StringSet kept sorted and unique)
//	Features                  list (kept in CppNix's enum order, unique)
//	StringMap                 m
//	SandboxMode               sandbox
type value struct {
	b       bool
	i       int64
	u       uint64
	s       string
	null    bool
	list    []string
	m       map[string]string
	sandbox Sandbox
}

// whitespace is what CppNix's tokenizeString splits on by default.
const whitespace = " \t\n\r"

// tokenize splits s on runs of whitespace, like CppNix's tokenizeString.
func tokenize(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(whitespace, r) })
}

// parse turns the text form of a setting's value into a value. c is used
// for `max-jobs = auto` and to report unknown experimental features.
func (d *Setting) parse(c *Config, str string) (value, error) {
	switch d.Type {
	case Bool:
		switch str {
		case "true", "yes", "1":
			return value{b: true}, nil
		case "false", "no", "0":
			return value{b: false}, nil
		}
		return value{}, usageErrorf("Boolean setting '%s' has invalid value '%s'", d.Name, str)
	case Int, Uint, Uint64:
		return d.parseInt(str)
	case MaxJobs:
		if str == "auto" {
			return value{u: uint64(max(1, c.host.Concurrency))}, nil
		}
		n, ok := parseInteger(str, 32, false)
		if !ok {
			return value{}, usageErrorf("configuration setting '%s' should be 'auto' or an integer", d.Name)
		}
		return value{u: uint64(n)}, nil
	case String:
		return value{s: str}, nil
	case OptionalString:
		return value{s: str, null: str == ""}, nil
	case OptionalPath:
		if str == "" {
			return value{null: true}, nil
		}
		p, err := canonPath(str)
		return value{s: p}, err
	case Strings:
		return value{list: tokenize(str)}, nil
	case StringSet:
		return value{list: sortedSet(tokenize(str))}, nil
	case StringMap:
		m := map[string]string{}
		for _, tok := range tokenize(str) {
			if k, v, ok := strings.Cut(tok, "="); ok {
				if _, dup := m[k]; !dup { // std::map::emplace keeps the first
					m[k] = v
				}
			}
		}
		return value{m: m}, nil
	case Features:
		return value{list: c.parseFeatures(str)}, nil
	case SandboxMode:
		switch str {
		case "true":
			return value{sandbox: SandboxEnabled}, nil
		case "relaxed":
			return value{sandbox: SandboxRelaxed}, nil
		case "false":
			return value{sandbox: SandboxDisabled}, nil
		}
		return value{}, usageErrorf("option '%s' has invalid value '%s'", d.Name, str)
	}
	panic("config: unknown type")
}

// parseInt implements CppNix's string2IntWithUnitPrefix for the setting's
// width, including its quirk of silently truncating an overflowing
// product (e.g. `cores = 4G` gives 0).
func (d *Setting) parseInt(str string) (value, error) {
	bad := usageErrorf("setting '%s' has invalid value '%s'", d.Name, str)
	digits, mult, _ := UnitPrefix(str)
	if mult == 0 {
		return value{}, bad
	}
	bits, signed := 64, d.Type == Int
	if d.Type == Uint {
		bits = 32
	}
	n, ok := parseInteger(digits, bits, signed)
	if !ok {
		return value{}, bad
	}
	prod := n * mult
	switch d.Type {
	case Int:
		return value{i: int64(prod)}, nil
	case Uint:
		return value{u: uint64(uint32(prod))}, nil
	}
	return value{u: prod}, nil
}

func isAlpha(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// UnitPrefix splits the unit letter of CppNix's string2IntWithUnitPrefix
// off s: K, M, G or T (either case) multiply by 2^10, 2^20, 2^30 or 2^40.
// It returns the digits, the multiplier (1 without a letter) and the
// letter, upper-cased; another final letter gives the multiplier 0.
func UnitPrefix(s string) (digits string, mult uint64, unit byte) {
	n := len(s)
	if n == 0 || !isAlpha(s[n-1]) {
		return s, 1, 0
	}
	unit = s[n-1] &^ 0x20
	switch unit {
	case 'K':
		mult = 1 << 10
	case 'M':
		mult = 1 << 20
	case 'G':
		mult = 1 << 30
	case 'T':
		mult = 1 << 40
	}
	return s[:n-1], mult, unit
}

// parseInteger is boost::lexical_cast for an integer of the given width,
// preceded by CppNix's check that unsigned numbers have no '-': an
// optional sign, then decimal digits only, in range. The result is the
// two's-complement bit pattern.
func parseInteger(s string, bits int, signed bool) (uint64, bool) {
	if !signed && strings.HasPrefix(s, "-") {
		return 0, false
	}
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, false
	}
	if !signed {
		return n, bits == 64 || n <= math.MaxUint32
	}
	if neg {
		return -n, n <= 1<<63
	}
	return n, n <= math.MaxInt64
}

func sortedSet(list []string) []string {
	slices.Sort(list)
	return slices.Compact(list)
}

// parseFeatures parses an experimental-features value, warning about
// unknown names; `flakes` implies `fetch-tree`, as in CppNix.
func (c *Config) parseFeatures(str string) []string {
	var set []string
	for _, name := range sortedSet(tokenize(str)) {
		f, ok := ParseFeature(name)
		if !ok {
			c.warnf("unknown experimental feature '%s'", name)
			continue
		}
		set = append(set, string(f))
		if f == Flakes {
			set = append(set, string(FetchTree))
		}
	}
	return sortFeatures(set)
}

// sortFeatures puts feature names in CppNix's enum order, without duplicates.
func sortFeatures(list []string) []string {
	slices.SortFunc(list, func(a, b string) int {
		return featureIndex[Feature(a)] - featureIndex[Feature(b)]
	})
	return slices.Compact(list)
}

// merge combines the old value and a newly parsed one: it replaces, or
// for `extra-NAME` appends the way CppNix's appendOrSet does.
func (d *Setting) merge(old, nv value, appending bool) value {
	if !appending {
		return nv
	}
	switch d.Type {
	case Strings:
		return value{list: append(slices.Clip(old.list), nv.list...)}
	case StringSet:
		return value{list: sortedSet(append(slices.Clip(old.list), nv.list...))}
	case Features:
		return value{list: sortFeatures(append(slices.Clip(old.list), nv.list...))}
	case StringMap:
		m := make(map[string]string, len(old.m)+len(nv.m))
		for k, v := range nv.m {
			m[k] = v
		}
		for k, v := range old.m { // std::map::insert keeps existing keys
			m[k] = v
		}
		return value{m: m}
	}
	panic("config: appending to a non-appendable setting")
}

// format renders a value as `nix config show` prints it.
func (d *Setting) format(v value) string {
	switch d.Type {
	case Bool:
		return strconv.FormatBool(v.b)
	case Int:
		return strconv.FormatInt(v.i, 10)
	case Uint, Uint64, MaxJobs:
		return strconv.FormatUint(v.u, 10)
	case String, OptionalString, OptionalPath:
		return v.s
	case Strings, StringSet:
		return strings.Join(v.list, " ")
	case Features:
		return strings.Join(sortedSet(slices.Clone(v.list)), " ")
	case StringMap:
		// CppNix folds with `l + " " + r` starting from "", hence the leading space.
		var b strings.Builder
		for _, k := range sortedKeys(v.m) {
			b.WriteString(" " + k + "=" + v.m[k])
		}
		return b.String()
	case SandboxMode:
		return v.sandbox.String()
	}
	panic("config: unknown type")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// canonPath is CppNix's canonPath without symlink resolution: the path
// must be absolute; ".", ".." and repeated or trailing separators go.
func canonPath(p string) (string, error) {
	if filepath.IsAbs(p) {
		return filepath.Clean(p), nil
	}
	if strings.HasPrefix(p, "/") { // a rooted path on Windows
		return path.Clean(p), nil
	}
	return "", fmt.Errorf("not an absolute path: '%s'", p)
}
