// This file dispatches the nix command to its subcommands, with CppNix's
// messages for unknown commands and the nix-command feature check.

package cli

import (
	"fmt"

	"github.com/nixgo/nixgo/lang/eval"
	"sort"
	"strings"
)

// runNix runs `nix ARGS...`: flags before the subcommand (settings, verbosity,
// --version, --help) apply first, then the longest subcommand name that matches
// the leading words runs with the remaining arguments.
func runNix(e *env) error {
	args := e.args
	e.isNix = true
	// The nix command evaluates in pure mode unless --impure is given: set
	// before any flag (CppNix's main), so that flags before the subcommand
	// (--no-pure-eval) count, and configuration files do not.
	if err := e.cfg.Assign("pure-eval", "true"); err != nil {
		return err
	}

	p := newArgParser(e)
	p.own = func([]string, int) (int, error) { return 0, nil } // no flags of its own
	cmds := nixCommands()
	var words []string
	for i := 0; i < len(args); {
		a := args[i]
		if len(words) == 0 {
			// Compound short options (-vv) before the subcommand; its own
			// parser expands the rest.
			if exp := expandShortFlags(a); exp != nil {
				args = append(append(append([]string(nil), args[:i]...), exp...), args[i+1:]...)
				a = args[i]
			}
		}
		switch {
		case a == "--help" && len(words) == 0:
			return nixHelp(e)
		case strings.HasPrefix(a, "-") && len(words) == 0:
			n, err := p.flag(args, i)
			if err != nil {
				return err
			}
			if n == 0 {
				return usagef("unrecognised flag '%s'", a)
			}
			i += n
			continue
		}
		words = append(words, a)
		i++
		for _, c := range cmds {
			if c.name == strings.Join(words, " ") {
				if wantsHelp(args[i:]) {
					return nixCommandHelp(e, c)
				}
				return c.run(e, args[i:])
			}
		}
		if !isCommandPrefix(cmds, words) {
			break
		}
	}
	if len(words) == 0 {
		if e.showVersion {
			fmt.Fprintf(e.stdout, "nix (Nix) %s\n", Version)
			return nil
		}
		return usagef("no subcommand specified")
	}
	if len(words) <= 2 && isCommandPrefix(cmds, words[:1]) {
		return e.commandGroupError(cmds, words)
	}
	err := &usageError{msg: fmt.Sprintf("'%s' is not a recognised command", strings.Join(words, " "))}
	if len(words) == 1 {
		if sugg := eval.Suggest(cppNixCommands, words[0]); sugg != "" {
			err.msg += "\n       " + sugg
		}
	}
	return err
}

// cppNixCommands are CppNix 2.26's top-level commands, among which it suggests
// names for a mistyped one (nixgo implements few of them).
var cppNixCommands = []string{
	"build", "bundle", "config", "copy", "daemon", "derivation", "develop", "edit", "env",
	"eval", "flake", "fmt", "hash", "help", "help-stores", "key", "log", "nar", "path-info",
	"print-dev-env", "profile", "realisation", "registry", "repl", "run", "search", "store",
	"upgrade-nix", "why-depends",
}

func isCommandPrefix(cmds []nixCommand, words []string) bool {
	p := strings.Join(words, " ") + " "
	for _, c := range cmds {
		if strings.HasPrefix(c.name, p) {
			return true
		}
	}
	return false
}

// finishNixFlags ends the flag parsing of a nix subcommand: unknown settings are
// reported, and the nix-command feature is required, as in CppNix (where the
// feature may be enabled by a flag anywhere on the command line).
func (e *env) finishNixFlags() error {
	if err := e.cfg.FinishFlags(); err != nil {
		return err
	}
	if e.showVersion {
		// --version anywhere on the command line, before the feature check.
		fmt.Fprintf(e.stdout, "nix (Nix) %s\n", Version)
		return &exitError{code: 0}
	}
	return e.requireNixCommand()
}

// requireNixCommand checks the nix-command experimental feature, as CppNix.
func (e *env) requireNixCommand() error {
	if e.cfg.HasFeature("nix-command") {
		return nil
	}
	return fmt.Errorf("experimental Nix feature 'nix-command' is disabled; add '--extra-experimental-features nix-command' to enable it")
}

func nixHelp(e *env) error {
	fmt.Fprintln(e.stdout, "Usage: nix [OPTIONS...] COMMAND [ARGS...]")
	fmt.Fprintln(e.stdout)
	fmt.Fprintln(e.stdout, "Commands:")
	cmds := nixCommands()
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	for _, c := range cmds {
		fmt.Fprintf(e.stdout, "  %-20s %s\n", c.name, c.summary)
	}
	return nil
}

// commandGroupError is CppNix's error for a command group ("nix store")
// without a known subcommand: the list of its subcommands, or the unknown
// word with suggestions.
func (e *env) commandGroupError(cmds []nixCommand, words []string) error {
	if err := e.requireNixCommand(); err != nil {
		return err
	}
	var subs []string
	for _, c := range cmds {
		if rest, ok := strings.CutPrefix(c.name, words[0]+" "); ok {
			subs = append(subs, rest)
		}
	}
	if len(words) == 2 {
		err := &usageError{msg: fmt.Sprintf("'%s' is not a recognised command", words[1])}
		if sugg := eval.Suggest(subs, words[1]); sugg != "" {
			err.msg += "\n       " + sugg
		}
		return err
	}
	// CppNix renders "`nix X` requires a sub-command. Available
	// sub-commands:" and a list as Markdown for a 60-column terminal;
	// the error printer indents continuation lines by 7.
	sort.Slice(subs, func(i, j int) bool { return subs[i]+"`" < subs[j]+"`" })
	msg := wrapWords(fmt.Sprintf("nix %s requires a sub-command. Available sub-commands:", words[0]), 60)
	msg = strings.ReplaceAll(msg, "\n", "\n       ") + "\n"
	for _, s := range subs {
		msg += "\n         · " + s
	}
	return &usageError{msg: msg}
}

// wrapWords breaks s into lines of at most width bytes at spaces.
func wrapWords(s string, width int) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(s) {
		if i > 0 && n+1+len(w) > width {
			b.WriteByte('\n')
			n = 0
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
