// This file holds the --help texts of nix subcommands: a usage line, the
// summary of the command table and, for the commands that have one here,
// a description of their arguments and flags. (CppNix shows its manual
// pages, rendered from Markdown; nixgo's texts are shorter.)

package cli

import (
	"fmt"
	"strings"
)

// wantsHelp reports whether the arguments of a subcommand ask for help.
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "--help" {
			return true
		}
	}
	return false
}

// nixCommandHelp prints the help of a nix subcommand.
func nixCommandHelp(e *env, c nixCommand) error {
	h, ok := nixCommandHelps[c.name]
	if !ok {
		h = nixHelpText{usage: "[OPTIONS...] [ARGS...]"}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: nix %s %s\n\n%s\n", c.name, h.usage, c.summary)
	if h.text != "" {
		b.WriteString("\n" + h.text)
	}
	b.WriteString(`
Common options:
  --store URL               the store to use
  --option NAME VALUE       set a configuration setting
  -v, --verbose             print more messages
`)
	fmt.Fprint(e.stdout, b.String())
	return nil
}

// nixHelpText is the help of one subcommand: its arguments, and its
// flags and what it does.
type nixHelpText struct {
	usage, text string
}

const storePathsFlags = `  -r, --recursive           operate on the closure of the paths
  --all                     operate on every valid store path
  --stdin                   read the installables from standard input
`

const installablesText = `Installables are store paths (or symlinks to them, or files inside
them), and DRV^OUTPUTS for outputs of a derivation ("*" for all).
`

const lsFlagsText = `Options:
  -R, --recursive           list subdirectories recursively
  -l, --long                show file types, sizes and symlink targets
  -d, --directory           show directories rather than their contents
  --json                    print the listing as JSON
`

var nixCommandHelps = map[string]nixHelpText{
	"store add": {"[OPTIONS...] PATH", `Copy PATH to the Nix store and print the resulting store path.

Options:
  -n, --name NAME           the name of the store path (default: the base
                            name of PATH)
  --mode nar|flat|text      how to compute the content address (default nar)
  --hash-algo ALGO          md5, sha1, sha256 (default) or sha512
  --dry-run                 print the path without adding anything
`},
	"store add-file": {"[OPTIONS...] PATH", `Like nix store add --mode flat.
`},
	"store add-path": {"[OPTIONS...] PATH", `Like nix store add.
`},
	"store cat":  {"PATH", "PATH is a file inside a valid store path.\n"},
	"store ls":   {"[OPTIONS...] PATH", "PATH is inside a valid store path.\n\n" + lsFlagsText},
	"nar cat":    {"NAR PATH", "Print the file PATH (\"/a/b\") of the NAR file NAR.\n"},
	"nar ls":     {"[OPTIONS...] NAR PATH", "List PATH (\"/\" for the root) of the NAR file NAR.\n\n" + lsFlagsText},
	"nar pack":   {"PATH", "Write the NAR of the file or directory PATH to standard output.\n"},
	"store info": {"[--json]", "Print the store's URL, version and whether it trusts the user.\n"},
	"store dump-path": {"[OPTIONS...] INSTALLABLE", "Write the NAR of one store path to standard output.\n\n" + installablesText +
		"\nOptions:\n" + storePathsFlags},
	"store verify": {"[OPTIONS...] INSTALLABLES...", `Check that the contents of store paths still have their recorded hash
and that they are trusted (built locally, content-addressed or signed by
enough keys of trusted-public-keys). The exit status has bit 0 set for
corrupted paths, bit 1 for untrusted ones and bit 2 for paths that could
not be checked.

` + installablesText + `
Options:
  --no-contents             do not check the contents
  --no-trust                do not check the trust
  -s, --substituter URL     also use signatures from this store
  -n, --sigs-needed N       require N signatures by different keys
` + storePathsFlags},
	"store delete": {"[OPTIONS...] INSTALLABLES...", `Delete the store paths given, unless a garbage collector root keeps them
alive (see nix-store --query --roots and --referrers); print how many were
deleted and the space freed.

` + installablesText + `
Options:
  --ignore-liveness         delete even paths that roots keep alive (but not
                            paths other valid paths refer to)
` + storePathsFlags},
	"store gc": {"[OPTIONS...]", `Delete the store paths that no garbage collector root keeps alive: the
roots are the symlinks under <state>/gcroots and <state>/profiles, the
temporary roots of running Nix processes and the files running programs use.

Options:
  --dry-run                 only determine what would be deleted
  --max N                   stop after freeing N bytes (K, M, G, T suffixes)
`},
	"store path-from-hash-part": {"HASH-PART", "Print the valid store path with this hash part.\n"},
	"path-info": {"[OPTIONS...] INSTALLABLES...", installablesText + `
Options:
  --json                    print the metadata as JSON
  -s, --size                print the NAR size of each path
  -S, --closure-size        print the sum of the NAR sizes of each closure
  -h, --human-readable      print sizes as 5.7 MiB rather than in bytes
  --sigs                    print the signatures and content addresses
` + storePathsFlags},
	"derivation show": {"[OPTIONS...] INSTALLABLES...", `Print store derivations as JSON. A path that is not a derivation stands
for its deriver.

` + installablesText + `
Options:
  -r, --recursive           include the derivations the derivations depend on
  --stdin                   read the installables from standard input
`},
	"hash path": {"[OPTIONS...] PATHS...", `Options:
  --mode nar|flat           hash the NAR of the path (default) or the file's
                            contents
  --algo ALGO, --type ALGO  md5, sha1, sha256 (default) or sha512
  --format FORMAT           sri (default), base16, nix32 or base64
  --base16, --base32, --base64, --sri
`},
	"hash file": {"[OPTIONS...] PATHS...", `Options:
  --type ALGO               md5, sha1, sha256 (default) or sha512
  --base16, --base32, --base64, --sri
`},
	"hash convert": {"[OPTIONS...] HASHES...", `Options:
  --from FORMAT             the format the hashes must have
  --to FORMAT               sri (default), base16, nix32 or base64
  --hash-algo ALGO          the algorithm of hashes without a prefix
`},
}
