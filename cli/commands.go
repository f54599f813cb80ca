// This file lists the commands: the classic nix-* programs, chosen by the name
// nixgo is invoked under, and the subcommands of the nix command.

package cli

import (
	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
)

// legacyCommands maps program names to their entry points.
func legacyCommands() map[string]func(e *env) error {
	return map[string]func(e *env) error{
		"nix-instantiate":     runInstantiate,
		"nix-build":           runNixBuild,
		"nix-store":           runNixStore,
		"nix-hash":            runNixHash,
		"nix-collect-garbage": runCollectGarbage,
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
		{name: "build", summary: "Build a derivation or fetch a store path.", run: runNixBuildCmd},
		{name: "log", summary: "Show the build log of the specified packages or paths, if available.", run: runNixLog},
		{name: "hash path", summary: "Print cryptographic hash of the NAR serialisation of a path.", run: runNixHashPath(storepath.MethodNAR)},
		{name: "hash file", summary: "Print cryptographic hash of a regular file.", run: runNixHashPath(storepath.MethodFlat)},
		{name: "hash convert", summary: "Convert between hash formats.", run: runNixHashConvert},
		{name: "hash to-base16", summary: "Convert a hash to base-16 representation (deprecated).", run: runNixHashTo(hash.Base16)},
		{name: "hash to-base32", summary: "Convert a hash to base-32 representation (deprecated).", run: runNixHashTo(hash.Nix32)},
		{name: "hash to-base64", summary: "Convert a hash to base-64 representation (deprecated).", run: runNixHashTo(hash.Base64)},
		{name: "hash to-sri", summary: "Convert a hash to SRI representation (deprecated).", run: runNixHashTo(hash.SRI)},
		{name: "store add", summary: "Add a file or directory to the Nix store.", run: runNixStoreAdd(storepath.MethodNAR)},
		{name: "store add-file", summary: "Deprecated. Use nix store add --mode flat instead.", run: runNixStoreAdd(storepath.MethodFlat)},
		{name: "store add-path", summary: "Deprecated alias to nix store add.", run: runNixStoreAdd(storepath.MethodNAR)},
		{name: "store cat", summary: "Print the contents of a file in the Nix store on stdout.", run: runNixStoreCat},
		{name: "store ls", summary: "Show information about a path in the Nix store.", run: runNixStoreLs},
		{name: "store dump-path", summary: "Serialise a store path to stdout in NAR format.", run: runNixStoreDumpPath},
		{name: "store info", summary: "Test whether a store can be accessed.", run: runNixStoreInfo(false)},
		{name: "store ping", summary: "Test whether a store can be accessed (deprecated alias of info).", run: runNixStoreInfo(true)},
		{name: "store delete", summary: "Delete paths from the Nix store.", run: runNixStoreDelete},
		{name: "store gc", summary: "Perform garbage collection on a Nix store.", run: runNixStoreGC},
		{name: "store optimise", summary: "Replace identical files in the store by hard links.", run: runNixStoreOptimise},
		{name: "store verify", summary: "Verify the integrity of store paths.", run: runNixStoreVerify},
		{name: "store path-from-hash-part", summary: "Get a store path from its hash part.", run: runNixStorePathFromHashPart},
		{name: "nar cat", summary: "Print the contents of a file inside a NAR file on stdout.", run: runNixNarCat},
		{name: "nar ls", summary: "Show information about a path inside a NAR file.", run: runNixNarLs},
		{name: "nar pack", summary: "Serialise a path to stdout in NAR format.", run: runNixNarPack(false)},
		{name: "nar dump-path", summary: "Serialise a path to stdout in NAR format (deprecated alias of pack).", run: runNixNarPack(true)},
		{name: "path-info", summary: "Query information about store paths.", run: runNixPathInfo},
		{name: "derivation show", summary: "Show the contents of a store derivation.", run: runNixDerivationShow},
	}
}
