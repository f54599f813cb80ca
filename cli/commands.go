// This file lists the commands: the classic nix-* programs, chosen by the name
// nixgo is invoked under, and the subcommands of the nix command.

package cli

// legacyCommands maps program names to their entry points.
func legacyCommands() map[string]func(e *env) error {
	return map[string]func(e *env) error{
		"nix-instantiate": runInstantiate,
		"nix-build":       runNixBuild,
	}
}

// nixCommand is a subcommand of nix, such as "eval" or "store add".
type nixCommand struct {
	name    string // words after "nix", e.g. "store add"
	summary string // one line, for nix --help
	run     func(e *env, args []string) error
	// feature is the experimental feature the command needs ("nix-command"
	// for all of them, as in CppNix).
}

// nixCommands returns the subcommands of nix.
func nixCommands() []nixCommand {
	return []nixCommand{
		{name: "eval", summary: "Evaluate a Nix expression.", run: runNixEval},
	}
}
