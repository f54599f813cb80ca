// This file implements the nix-store command line: its operations are rows
// of a table (operation flag → function), its arguments are split into the
// operation, the operation's flags and its arguments as CppNix's
// main_nix_store does, and --help is made from the table.
//
// To add an operation, add a row to nixStoreOps (the functions live in
// nixstore_ops.go, nixstore_query.go, or a file of their own).

package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/nixgo/nixgo/store"
)

// nixStoreOp is an operation of nix-store, selected by one of its flags.
type nixStoreOp struct {
	// flags select the operation, the long form first ("--query", "-q").
	flags []string
	// name is CppNix's opName (the manual page is nix-store-<name>); ""
	// for operations without their own page.
	name string
	// usage and summary describe the operation in --help.
	usage, summary string
	// noStore operations run without opening a store (--dump, --restore).
	noStore bool
	// run performs the operation.
	run func(c *nixStoreCmd) error
}

// nixStoreOps returns nix-store's operations, in the order of --help.
func nixStoreOps() []nixStoreOp {
	return []nixStoreOp{
		{flags: []string{"--realise", "--realize", "-r"}, name: "realise", usage: "--realise/-r PATHS...",
			summary: "build or fetch store paths and print their outputs", run: opRealise},
		{flags: []string{"--read-log", "-l"}, name: "read-log", usage: "--read-log/-l PATHS...",
			summary: "print the build log of a derivation or of the deriver of a path", run: opReadLog},
		{flags: []string{"--add", "-A"}, name: "add", usage: "--add PATHS...",
			summary: "add files or directories to the store and print their store paths", run: opAdd},
		{flags: []string{"--add-fixed"}, name: "add-fixed", usage: "--add-fixed [--recursive] ALGO PATHS...",
			summary: "add files as the outputs of fixed-output derivations", run: opAddFixed},
		{flags: []string{"--print-fixed-path"}, usage: "--print-fixed-path [--recursive] ALGO HASH NAME",
			summary: "print the path a fixed-output derivation's output would have", run: opPrintFixedPath},
		{flags: []string{"--query", "-q"}, name: "query", usage: "--query/-q QUERY [FLAGS] PATHS...",
			summary: "query information about store paths (see below)", run: opQuery},
		{flags: []string{"--print-env"}, name: "print-env", usage: "--print-env DRV",
			summary: "print a derivation's environment as shell code", run: opPrintEnv},
		{flags: []string{"--dump"}, name: "dump", usage: "--dump PATH", noStore: true,
			summary: "write the NAR of a file or directory to standard output", run: opDump},
		{flags: []string{"--restore"}, name: "restore", usage: "--restore PATH", noStore: true,
			summary: "create a file or directory from a NAR read from standard input", run: opRestore},
		{flags: []string{"--export"}, name: "export", usage: "--export PATHS...",
			summary: "write store paths in the format of --import to standard output", run: opExport},
		{flags: []string{"--import"}, name: "import", usage: "--import",
			summary: "add the store paths of an export read from standard input", run: opImport},
		{flags: []string{"--verify"}, name: "verify", usage: "--verify [--check-contents] [--repair]",
			summary: "check the consistency of the store database and contents", run: opVerify},
		{flags: []string{"--verify-path"}, name: "verify-path", usage: "--verify-path PATHS...",
			summary: "check that the contents of store paths still have their hash", run: opVerifyPath},
		{flags: []string{"--repair-path"}, name: "repair-path", usage: "--repair-path PATHS...",
			summary: "repair corrupted or missing store paths", run: opRepairPath},
		{flags: []string{"--optimise", "--optimize"}, name: "optimise", usage: "--optimise",
			summary: "replace identical files in the store by hard links", run: opOptimise},
		{flags: []string{"--check-validity"}, usage: "--check-validity [--print-invalid] PATHS...",
			summary: "check that paths are valid", run: opCheckValidity},
		{flags: []string{"--dump-db"}, name: "dump-db", usage: "--dump-db [PATHS...]",
			summary: "print the database's registrations of paths (all of them by default)", run: opDumpDB},
		{flags: []string{"--load-db"}, name: "load-db", usage: "--load-db",
			summary: "register the paths of a --dump-db read from standard input", run: opLoadDB},
		{flags: []string{"--register-validity"}, usage: "--register-validity [--reregister] [--hash-given]",
			summary: "register paths already in the store as valid", run: opRegisterValidity},
		{flags: []string{"--gc"}, name: "gc", usage: "--gc [--print-roots | --print-live | --print-dead] [--max-freed N]",
			summary: "delete the store paths no garbage collector root keeps alive", run: opGC},
		{flags: []string{"--delete"}, name: "delete", usage: "--delete [--ignore-liveness] PATHS...",
			summary: "delete store paths, unless a root keeps them alive", run: opDelete},
		{flags: []string{"--generate-binary-cache-key"}, name: "generate-binary-cache-key",
			usage:   "--generate-binary-cache-key NAME SECRET-FILE PUBLIC-FILE",
			summary: "generate a key pair for signing store paths", run: opGenerateBinaryCacheKey},
		{flags: []string{"--init"}, usage: "--init", summary: "initialise the database (does nothing)", run: opInit},
		{flags: []string{"--version"}, usage: "--version", noStore: true,
			summary: "print the version", run: opVersion},
	}
}

// nixStoreValueFlags are operation flags followed by a value, which goes
// with them into the operation's flags (CppNix's "hack" list).
var nixStoreValueFlags = map[string]bool{"--max-freed": true, "--max-links": true, "--max-atime": true}

// nixStoreCmd is one run of nix-store: the operation's flags and arguments
// and what every operation may use.
type nixStoreCmd struct {
	e     *env
	ctx   context.Context
	store store.Store // nil for noStore operations
	out   *bufio.Writer
	// opFlags are the flags nix-store did not recognise itself, for the
	// operation; opArgs its arguments.
	opFlags, opArgs []string
	// gcRoot is the absolute path given to --add-root, or "".
	gcRoot string
	// noOutput is --no-output.
	noOutput bool
	// rootNr counts the roots made so far (CppNix's rootNr).
	rootNr int
}

func runNixStore(e *env) error {
	c := &nixStoreCmd{e: e, ctx: context.Background()}
	var op *nixStoreOp
	ops := nixStoreOps()
	byFlag := map[string]*nixStoreOp{}
	for i := range ops {
		for _, f := range ops[i].flags {
			byFlag[f] = &ops[i]
		}
	}
	showHelp, readFromStdin := false, false
	p := newArgParser(e)
	p.addLegacy()
	p.own = func(args []string, i int) (int, error) {
		old := op
		n := 1
		arg := args[i]
		switch o, isOp := byFlag[arg]; {
		case arg == "--help":
			showHelp = true
		case isOp:
			op = o
		case arg == "--add-root":
			if i+1 >= len(args) {
				return 0, usagef("'%s' requires an argument", arg)
			}
			c.gcRoot = absPath(args[i+1])
			n = 2
		case arg == "--stdin":
			readFromStdin = !isTerminal(e.stdin)
		case arg == "--indirect":
		case arg == "--no-output":
			c.noOutput = true
		case strings.HasPrefix(arg, "-"):
			c.opFlags = append(c.opFlags, arg)
			if nixStoreValueFlags[arg] {
				if i+1 >= len(args) {
					return 0, usagef("'%s' requires an argument", arg)
				}
				c.opFlags = append(c.opFlags, args[i+1])
				n = 2
			}
		default:
			c.opArgs = append(c.opArgs, arg)
		}
		if readFromStdin && (op == nil || !op.readsStdin()) {
			words, err := readWords(e.stdin)
			if err != nil {
				return 0, err
			}
			c.opArgs = append(c.opArgs, words...)
		}
		if old != nil && old != op {
			return 0, usagef("only one operation may be specified")
		}
		return n, nil
	}
	if err := p.parse(e.args); err != nil {
		return err
	}
	if err := e.cfg.FinishFlags(); err != nil {
		return err
	}
	if showHelp {
		return nixStoreHelp(e, op)
	}
	if op == nil {
		return usagef("no operation specified")
	}
	c.out = bufio.NewWriterSize(e.stdout, 64<<10)
	if !op.noStore {
		s, err := e.openStore(c.ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		c.store = s
	}
	err := op.run(c)
	if ferr := c.out.Flush(); err == nil {
		err = ferr
	}
	return err
}

// readsStdin tells the operations that read their input from standard
// input, which --stdin leaves alone.
func (op *nixStoreOp) readsStdin() bool {
	switch op.flags[0] {
	case "--import", "--restore", "--serve":
		return true
	}
	return false
}

// readWords reads whitespace-separated words (C++'s cin >> word).
func readWords(r io.Reader) ([]string, error) {
	if r == nil {
		return nil, nil
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(b)), nil
}

// println prints a line of the operation's output.
func (c *nixStoreCmd) println(s string) { c.out.WriteString(s + "\n") }

// noFlags fails with CppNix's "unknown flag" when the operation got flags.
func (c *nixStoreCmd) noFlags() error {
	if len(c.opFlags) > 0 {
		return usagef("unknown flag")
	}
	return nil
}

// unknownFlag is CppNix's error for a flag the operation does not know.
func unknownFlag(f string) error { return usagef("unknown flag '%s'", f) }

// nixStoreHelp prints the help of nix-store (CppNix shows the manual page
// of the operation, nix-store-<op>, or of nix-store).
func nixStoreHelp(e *env, op *nixStoreOp) error {
	var b strings.Builder
	b.WriteString("Usage: nix-store OPERATION [OPTIONS...] [ARGUMENTS...]\n\n")
	b.WriteString("Manipulate or query the Nix store.\n\nOperations:\n")
	for _, o := range nixStoreOps() {
		if op != nil && o.flags[0] != op.flags[0] {
			continue
		}
		fmt.Fprintf(&b, "  %s\n      %s\n", o.usage, o.summary)
	}
	if op == nil || op.flags[0] == "--query" {
		b.WriteString(nixStoreQueryHelp)
	}
	b.WriteString(`
Options:
  --store URL         the store to use
  --add-root PATH     register the result as a garbage collector root
  --option NAME VALUE set a configuration setting
  -v, --verbose       print more messages
`)
	fmt.Fprint(e.stdout, b.String())
	return nil
}

const nixStoreQueryHelp = `
Queries (--query/-q):
  --outputs               the output paths of derivations (the default)
  --requisites, -R        the closure of the paths (--include-outputs: with
                          the outputs of derivations)
  --references            the paths the paths refer to
  --referrers             the paths that refer to the paths
  --referrers-closure     the closure of the referrers
  --deriver, -d           the derivation that produced each path
  --valid-derivers        the valid derivations that produce the paths
  --binding/-b NAME       the value of variable NAME of the derivations
  --hash, --size          the NAR hash and NAR size of each path
  --tree, --graph, --graphml   the references as a tree, a Graphviz or a
                          GraphML graph
  --resolve               the store paths named by symlinks
  --roots                 the garbage collector roots that keep the paths alive
  --use-output/-u         operate on the outputs of the derivations given
`
