// Package cli implements nixgo's commands: the nix command with its subcommands and the
// classic nix-* commands, chosen by the name the binary is invoked under.
package cli

import (
	"fmt"
	"io"
)

// Main runs the program with the given arguments and standard streams and returns
// the exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "nixgo: not implemented yet")
	return 1
}
