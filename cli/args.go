// This file parses command lines the way CppNix's classic commands do: compound
// short options are expanded, flags known to every command (verbosity, --option,
// settings as --NAME) are handled first, then the command's own flags, then
// positional arguments.

package cli

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/nixgo/nixgo/config"
	"github.com/nixgo/nixgo/format/ospath"
)

// flagDef is a flag with a fixed number of values.
type flagDef struct {
	arity   int
	handler func(vals []string) error
}

// argParser parses one command line.
type argParser struct {
	e     *env
	long  map[string]*flagDef
	short map[byte]*flagDef
	// own handles the command's flags and positional arguments. It is given the
	// whole remaining command line and the index of the current argument, and
	// returns how many arguments it consumed (0: not recognised).
	own func(args []string, i int) (int, error)
}

func newArgParser(e *env) *argParser {
	p := &argParser{e: e, long: map[string]*flagDef{}, short: map[byte]*flagDef{}}
	p.addCommon()
	if e.isNix {
		// The flags of the nix command's main arguments, valid after the
		// subcommand too. CppNix parses the whole command line, then prints
		// the version.
		p.add("version", 0, 0, func([]string) error { e.showVersion = true; return nil })
		noop := func([]string) error { return nil }
		p.add("print-build-logs", 'L', 0, func([]string) error { e.printBuildLogs = true; return nil })
		p.add("offline", 0, 0, noop)
		p.add("refresh", 0, 0, noop)
	}
	return p
}

func (p *argParser) add(long string, short byte, arity int, h func(vals []string) error) {
	f := &flagDef{arity: arity, handler: h}
	if long != "" {
		p.long[long] = f
	}
	if short != 0 {
		p.short[short] = f
	}
}

// addCommon registers the flags of CppNix's MixCommonArgs.
func (p *argParser) addCommon() {
	log := p.e.log
	p.add("verbose", 'v', 0, func([]string) error {
		if log.level < lvlVomit {
			log.level++
		}
		return nil
	})
	p.add("quiet", 0, 0, func([]string) error {
		if log.level > lvlError {
			log.level--
		}
		return nil
	})
	p.add("debug", 0, 0, func([]string) error { log.level = lvlDebug; return nil })
	p.add("option", 0, 2, func(v []string) error { return p.e.cfg.SetOption(v[0], v[1]) })
	p.add("log-format", 0, 1, func(v []string) error {
		switch v[0] {
		case "raw", "raw-with-logs", "internal-json", "bar", "bar-with-logs":
			p.e.logFormat = v[0]
			p.e.log.json = v[0] == "internal-json"
			return nil
		}
		return fmt.Errorf("option 'log-format' has an invalid value '%s'", v[0])
	})
	p.add("max-jobs", 'j', 1, func(v []string) error { return p.e.cfg.SetFromFlag("max-jobs", v[0]) })
}

// addLegacy registers the flags of CppNix's LegacyArgs.
func (p *argParser) addLegacy() {
	set := func(name string) func([]string) error {
		return func([]string) error { return p.e.cfg.SetFromFlag(name, "") }
	}
	p.add("no-build-output", 'Q', 0, func([]string) error { return nil })
	p.add("keep-failed", 'K', 0, set("keep-failed"))
	p.add("keep-going", 'k', 0, set("keep-going"))
	p.add("fallback", 0, 0, set("fallback"))
	for _, name := range []string{"cores", "max-silent-time", "timeout"} {
		name := name
		p.add(name, 0, 1, func(v []string) error {
			n, err := unitPrefixInt(v[0])
			if err != nil {
				return err
			}
			return p.e.cfg.SetFromFlag(name, strconv.FormatUint(n, 10))
		})
	}
	p.add("readonly-mode", 0, 0, func([]string) error { p.e.readOnlyMode = true; return nil })
	p.add("no-gc-warning", 0, 0, func([]string) error { p.e.noGCWarning = true; return nil })
	p.add("store", 0, 1, func(v []string) error { return p.e.cfg.SetFromFlag("store", v[0]) })
}

// parse processes args.
func (p *argParser) parse(args []string) error {
	args = append([]string(nil), args...)
	dashDash := false
	for i := 0; i < len(args); {
		arg := args[i]
		if !dashDash {
			if exp := expandShortFlags(arg); exp != nil {
				args = append(args[:i], append(exp, args[i+1:]...)...)
				arg = args[i]
			}
		}
		if !dashDash && arg == "--" {
			dashDash = true
			i++
			continue
		}
		if !dashDash && strings.HasPrefix(arg, "-") {
			n, err := p.flag(args, i)
			if err != nil {
				return err
			}
			if n == 0 {
				return usagef("unrecognised flag '%s'", arg)
			}
			i += n
			continue
		}
		n, err := p.own(args, i)
		if err != nil {
			return err
		}
		if n == 0 {
			return usagef("unexpected argument '%s'", arg)
		}
		i += n
	}
	return nil
}

// expandShortFlags splits a compound short option such as -vvE or -j4 into
// its flags (and the value glued to the last one), as CppNix does; nil when
// arg is not one.
func expandShortFlags(arg string) []string {
	if len(arg) <= 2 || arg[0] != '-' || arg[1] == '-' || !isAlpha(arg[1]) {
		return nil
	}
	exp := []string{"-" + arg[1:2]}
	for j := 2; j < len(arg); j++ {
		if isAlpha(arg[j]) {
			exp = append(exp, "-"+arg[j:j+1])
		} else {
			exp = append(exp, arg[j:])
			break
		}
	}
	return exp
}

func isAlpha(c byte) bool { return c < 128 && unicode.IsLetter(rune(c)) }

// flag processes the flag at args[i] and returns how many arguments it used.
func (p *argParser) flag(args []string, i int) (int, error) {
	arg := args[i]
	var f *flagDef
	name := arg
	if strings.HasPrefix(arg, "--") {
		f = p.long[arg[2:]]
		if f == nil {
			if cf, ok := p.e.cfg.LookupFlag(arg[2:]); ok {
				return p.configFlag(args, i, cf.TakesValue())
			}
		}
	} else if len(arg) == 2 {
		f = p.short[arg[1]]
	}
	if f == nil {
		return p.own(args, i)
	}
	if i+f.arity >= len(args) {
		have := len(args) - 1 - i
		return 0, usagef("flag '%s' requires %d argument(s), but only %d were given", name, f.arity, have)
	}
	if err := f.handler(args[i+1 : i+1+f.arity]); err != nil {
		return 0, err
	}
	return 1 + f.arity, nil
}

func (p *argParser) configFlag(args []string, i int, takesValue bool) (int, error) {
	name := args[i][2:]
	if takesValue {
		if i+1 >= len(args) {
			return 0, usagef("flag '%s' requires 1 argument(s), but only 0 were given", args[i])
		}
		return 2, p.e.cfg.SetFromFlag(name, args[i+1])
	}
	return 1, p.e.cfg.SetFromFlag(name, "")
}

// evalArgs are the flags of CppNix's MixEvalArgs.
type evalArgs struct {
	autoArgs   []autoArg
	include    []string
	impure     bool
	evalStore  string
	overridden map[string]int
	lints      map[string]string // lint name → ignore, warn or fatal
}

// autoArg is one --arg, --argstr, --arg-from-file or --arg-from-stdin.
type autoArg struct {
	name  string
	kind  string // "expr", "string", "file", "stdin"
	value string
}

func (a *evalArgs) set(arg autoArg) {
	if a.overridden == nil {
		a.overridden = map[string]int{}
	}
	if i, ok := a.overridden[arg.name]; ok {
		a.autoArgs[i] = arg
		return
	}
	a.overridden[arg.name] = len(a.autoArgs)
	a.autoArgs = append(a.autoArgs, arg)
}

func (p *argParser) addEval(a *evalArgs) {
	p.add("arg", 0, 2, func(v []string) error { a.set(autoArg{v[0], "expr", v[1]}); return nil })
	p.add("argstr", 0, 2, func(v []string) error { a.set(autoArg{v[0], "string", v[1]}); return nil })
	p.add("arg-from-file", 0, 2, func(v []string) error { a.set(autoArg{v[0], "file", v[1]}); return nil })
	p.add("arg-from-stdin", 0, 1, func(v []string) error { a.set(autoArg{v[0], "stdin", ""}); return nil })
	p.add("include", 'I', 1, func(v []string) error { a.include = append(a.include, v[0]); return nil })
	p.add("impure", 0, 0, func([]string) error { a.impure = true; return p.e.cfg.Set("pure-eval", "false") })
	// nixgo has no flakes: a flake reference is parsed as CppNix does, which
	// ends in an error (the flakes feature, or no flake.nix found).
	p.add("override-flake", 0, 2, func(v []string) error {
		cwd, _ := ospath.Getwd()
		return p.e.flakeRefError(v[:1], cwd)
	})
	p.add("eval-store", 0, 1, func(v []string) error { a.evalStore = v[0]; return nil })
	// Lints of newer CppNix versions, which the upstream language suite uses
	// (CppNix 2.26 has none; issue 2 asks to follow the suite here).
	if a.lints == nil {
		a.lints = map[string]string{}
	}
	for _, name := range []string{"lint-url-literals", "lint-short-path-literals", "lint-absolute-path-literals"} {
		p.add(name, 0, 1, func(v []string) error {
			switch v[0] {
			case "ignore", "warn", "fatal":
				a.lints[name] = v[0]
				return nil
			}
			return usagef("option '%s' has invalid value '%s' (expected 'ignore', 'warn', or 'fatal')", name, v[0])
		})
	}
}

// atoi parses a decimal integer flag value.
func atoi(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, usagef("invalid integer '%s'", s)
	}
	return n, nil
}

// unitPrefixInt parses a non-negative integer with an optional binary unit
// suffix K, M, G or T, as CppNix's string2IntWithUnitPrefix (the product wraps
// around as CppNix's unsigned arithmetic does).
func unitPrefixInt(s string) (uint64, error) {
	s, mult, unit := config.UnitPrefix(s)
	if mult == 0 {
		return 0, usagef("invalid unit specifier '%c'", unit)
	}
	n, ok := parseUint64(s)
	if !ok {
		return 0, usagef("'%s' is not an integer", s)
	}
	return n * mult, nil
}

// parseUint64 parses an unsigned decimal integer as boost's lexical_cast does
// for CppNix's string2Int: an optional "+", then digits, within range.
func parseUint64(s string) (uint64, bool) {
	s = strings.TrimPrefix(s, "+")
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}
