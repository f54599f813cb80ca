// Command nixgo is the Nix package manager. Run as "nixgo" or "nix" it is the nix
// command; run through a link named nix-instantiate, nix-build, nix-store, ... it
// behaves as that command.
package main

import (
	"os"

	"github.com/nixgo/nixgo/cli"
)

func main() {
	tuneGC()
	stop := startProfiling()
	code := cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
