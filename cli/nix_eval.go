// This file implements `nix eval`: evaluate an expression or an attribute of a
// file and print the value, as JSON, or raw.

package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

// installableArgs are the flags that say what a nix command operates on.
type installableArgs struct {
	expr  *string // --expr
	file  *string // --file / -f
	attrs []string
	// outputsSpec parses ATTRPATH^OUTPUTS and "." (the whole value), as
	// the installables of nix eval (whose outputs change nothing).
	outputsSpec bool
}

// addInstallables adds --expr, --file and the positional installables to
// p: any number with many (nix build), else one (nix eval, nix log).
func (p *argParser) addInstallables(ia *installableArgs, many bool) {
	p.add("expr", 0, 1, func(v []string) error { ia.expr = &v[0]; return nil })
	p.add("file", 'f', 1, func(v []string) error { ia.file = &v[0]; return nil })
	p.own = func(args []string, i int) (int, error) {
		if args[i] != "" && args[i][0] == '-' {
			return 0, nil
		}
		if !many && len(ia.attrs) > 0 {
			return 0, usagef("unexpected argument '%s'", args[i])
		}
		ia.attrs = append(ia.attrs, args[i])
		return 1, nil
	}
}

// settle checks the installable flags once parsed (with exclusive, that
// --file and --expr are not both given) and applies CppNix's "backward
// compatibility hack": --file evaluates impurely.
func (ia *installableArgs) settle(e *env, exclusive bool) error {
	if exclusive && ia.file != nil && ia.expr != nil {
		return usagef("'--file' and '--expr' are exclusive")
	}
	if ia.file != nil {
		return e.cfg.Assign("pure-eval", "false")
	}
	return nil
}

func runNixEval(e *env, args []string) error {
	var (
		ia      = installableArgs{outputsSpec: true}
		ea      evalArgs
		jsonOut bool
		raw     bool
		apply   *string
		writeTo *string
	)
	p := newArgParser(e)
	p.addEval(&ea)
	p.addInstallables(&ia, false)
	p.add("json", 0, 0, func([]string) error { jsonOut = true; return nil })
	p.add("raw", 0, 0, func([]string) error { raw = true; return nil })
	p.add("apply", 0, 1, func(v []string) error { apply = &v[0]; return nil })
	p.add("write-to", 0, 1, func(v []string) error { writeTo = &v[0]; return nil })
	p.add("read-only", 0, 0, func([]string) error { e.readOnlyMode = true; return nil })
	// Flags of CppNix's nix eval that change nothing here: the debugger, build
	// logs, and the flake and lock file options, with CppNix's deprecation
	// warnings.
	noop := func([]string) error { return nil }
	warn := func(msg string) func([]string) error {
		return func([]string) error { e.log.warn(msg); return nil }
	}
	p.add("debugger", 0, 0, noop)
	p.add("print-build-logs", 'L', 0, noop)
	p.add("offline", 0, 0, noop)
	p.add("refresh", 0, 0, noop)
	p.add("repair", 0, 0, noop)
	p.add("commit-lock-file", 0, 0, noop)
	p.add("no-update-lock-file", 0, 0, noop)
	p.add("no-write-lock-file", 0, 0, noop)
	p.add("output-lock-file", 0, 1, noop)
	p.add("inputs-from", 0, 1, func(v []string) error {
		cwd, _ := ospath.Getwd()
		return e.flakeRefError(v, cwd)
	})
	p.add("reference-lock-file", 0, 1, noop)
	p.add("recreate-lock-file", 0, 0, warn("'--recreate-lock-file' is deprecated and will be removed in a future version; use 'nix flake update' instead."))
	p.add("update-input", 0, 1, warn("'--update-input' is a deprecated alias for 'flake update' and will be removed in a future version."))
	p.add("no-registries", 0, 0, warn("'--no-registries' is deprecated; use '--no-use-registries'"))
	p.add("override-input", 0, 2, func([]string) error {
		return fmt.Errorf("experimental Nix feature 'flakes' is disabled; add '--extra-experimental-features flakes' to enable it")
	})
	if err := p.parse(args); err != nil {
		return err
	}
	if err := e.finishNixFlags(); err != nil {
		return err
	}
	if err := ia.settle(e, true); err != nil {
		return err
	}
	if raw && jsonOut {
		return usagef("--raw and --json are mutually exclusive")
	}
	// As CppNix, nix eval works on the configured store: toFile, paths
	// and derivations are written to it (only their paths are computed
	// with --read-only), and what it holds can be read back.
	// Where no store was chosen and the default one cannot be opened (a
	// daemon, which nixgo does not speak yet, or no writable /nix), paths
	// are only computed, so that evaluation still works.
	evalStore := e.nixEvalStore()
	if !e.dummyStoreURI() {
		es, err := e.openEvalStore(context.Background(), true)
		switch {
		case err == nil:
			defer es.Close()
			evalStore = es
		case e.cfg.String("store") != "auto":
			return err
		default:
			e.log.printAt(lvlDebug, "cannot open the store ("+err.Error()+"); store paths are only computed")
		}
	}
	st, err := e.newEvalState(evalSetup{args: &ea, store: evalStore})
	if err != nil {
		return err
	}
	// As CppNix, the expression or file is evaluated before the automatic
	// arguments are read.
	v, pos, err := e.installableValue(st, &ia, func() (*eval.Attrs, error) { return e.autoArgs(st, &ea) })
	if err != nil {
		return err
	}
	var applyFn eval.Value
	if apply != nil {
		cwd, _ := ospath.Getwd()
		if applyFn, err = st.ParseThunk(*apply, cwd); err != nil {
			return e.evalError(st, err)
		}
	}
	var out []byte
	var fsErr error
	err = st.Eval(func() {
		if applyFn != nil {
			v = st.Call1(applyFn, v, token.NoPos)
		}
		switch {
		case writeTo != nil:
			fsErr = writeValueTo(st, v, pos, *writeTo)
		case raw:
			out = []byte(st.CoerceToString(token.NoPos, v, nil, "while generating the eval command output",
				eval.CoerceOpts{CopyToStore: true, Canonicalize: true}))
		case jsonOut:
			var ctx eval.Context
			out = []byte(st.ToJSON(v, true, pos, &ctx, false) + "\n")
		default:
			out = []byte(st.PrintValue(v, eval.PrintOptions{Force: true, DerivationPaths: true, TrackRepeated: true, FreshTop: true}) + "\n")
		}
	})
	if err != nil {
		var ee *eval.Error
		if jsonOut && errors.As(err, &ee) && len(ee.Traces) == 0 && strings.HasPrefix(ee.Msg, "JSON serialization error: ") {
			// nix eval prints the JSON with the library's own exception,
			// which is no evaluation error (builtins.toJSON's are, with
			// their traces).
			return errors.New(strings.TrimPrefix(ee.Msg, "JSON serialization error: "))
		}
		return e.evalError(st, err)
	}
	if fsErr != nil {
		return fsErr
	}
	_, werr := e.stdout.Write(out)
	return werr
}

// installableValue evaluates what --expr, --file and the attribute paths name.
// getAutoArgs gives the automatic arguments once the root value is known.
func (e *env) installableValue(st *eval.State, ia *installableArgs, getAutoArgs func() (*eval.Attrs, error)) (eval.Value, token.Pos, error) {
	cwd, _ := ospath.Getwd()
	var root eval.Value
	switch {
	case ia.expr != nil:
		prog, err := st.Parse(token.OriginString, "", []byte(*ia.expr), cwd)
		if err != nil {
			return nil, 0, e.evalError(st, err)
		}
		if err := st.Eval(func() { root = st.EvalProgram(prog) }); err != nil {
			return nil, 0, e.evalError(st, err)
		}
	case ia.file != nil:
		path := *ia.file
		if path == "-" {
			src, err := readAll(e.stdin)
			if err != nil {
				return nil, 0, err
			}
			prog, err := st.Parse(token.OriginStdin, "", src, cwd)
			if err != nil {
				return nil, 0, e.evalError(st, err)
			}
			if err := st.Eval(func() { root = st.EvalProgram(prog) }); err != nil {
				return nil, 0, e.evalError(st, err)
			}
		} else {
			var v eval.Value
			if err := st.Eval(func() { v = st.EvalFile(e.lookupFileArg(st, path)) }); err != nil {
				return nil, 0, e.evalError(st, err)
			}
			root = v
		}
	default:
		return nil, 0, e.flakeRefError(ia.attrs, cwd)
	}
	if len(ia.attrs) == 0 {
		ia.attrs = []string{""}
	}
	if ia.outputsSpec {
		attr := ia.attrs[0]
		if i := strings.LastIndexByte(attr, '^'); i >= 0 {
			if !validOutputsSpec(attr[i+1:]) {
				return nil, 0, fmt.Errorf("invalid extended outputs specifier '%s'", attr)
			}
			attr = attr[:i]
		}
		if attr == "." {
			attr = ""
		}
		ia.attrs = []string{attr}
	}
	autoArgs, err := getAutoArgs()
	if err != nil {
		return nil, 0, err
	}
	var v eval.Value
	var pos token.Pos
	err = st.Eval(func() {
		// As CppNix's InstallableAttrPath, the value is not called with the
		// automatic arguments (only functions met along the path are).
		v, pos = st.FindAlongAttrPath(ia.attrs[0], autoArgs, root)
		v = st.Force(v, pos)
	})
	if err != nil {
		return nil, 0, e.evalError(st, err)
	}
	return v, pos, nil
}

// writeValueTo writes a string, or a set of them recursively, to files. An
// error creating a directory is not an evaluation error (CppNix's
// std::filesystem exception): it is returned, without a trace.
func writeValueTo(st *eval.State, v eval.Value, pos token.Pos, path string) error {
	if _, err := os.Lstat(path); err == nil {
		st.Errorf(eval.EvalError, token.NoPos, "path '%s' already exists", path)
	}
	var rec func(v eval.Value, pos token.Pos, path string) error
	rec = func(v eval.Value, pos token.Pos, path string) error {
		v = st.Force(v, pos)
		switch x := v.(type) {
		case *eval.String:
			if err := os.WriteFile(path, []byte(x.S), 0o666); err != nil {
				st.Errorf(eval.IOError, token.NoPos, "opening file '%s': %s", path, syserr.Strerror(err))
			}
		case *eval.Attrs:
			if err := os.Mkdir(path, 0o777); err != nil && !os.IsExist(err) {
				return fmt.Errorf("filesystem error: cannot create directory: %s [%s]", syserr.Strerror(err), path)
			}
			for _, a := range x.All() {
				name := st.Symbols.Name(a.Name)
				st.PushTrace(a.Pos, "while evaluating the attribute '"+name+"'")
				if name == "." || name == ".." {
					st.Errorf(eval.EvalError, token.NoPos, "invalid file name '%s'", name)
				}
				err := rec(a.Value, a.Pos, path+"/"+name)
				st.PopTrace()
				if err != nil {
					return err
				}
			}
		default:
			st.Errorf(eval.TypeError, token.NoPos, "value at '%s' is not a string or an attribute set", st.Files.Position(pos))
		}
		return nil
	}
	return rec(v, pos, path)
}

var (
	// flakeIDRef is CppNix's abbreviated flake:ID[/REF-OR-REV][#FRAGMENT].
	flakeIDRef = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9_-]*(?:/(?:[0-9a-fA-F]{40}|[a-zA-Z0-9@][a-zA-Z0-9_./@+-]*(?:/[0-9a-fA-F]{40})?))?)(?:#.*)?$`)
	urlRef     = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
	flakeRefRe = regexp.MustCompile(`^[a-zA-Z0-9@][a-zA-Z0-9_./@+-]*$`)
	flakeRevRe = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)
)

// checkFlakeID checks the path of an indirect flake reference as CppNix's
// indirect input scheme does before anything needs the flakes feature.
func checkFlakeID(path string) error {
	var parts []string
	for _, p := range strings.Split(path, "/") {
		if p != "" {
			parts = append(parts, p)
		}
	}
	url := "flake://" + path
	switch len(parts) {
	case 1:
	case 2:
		if !flakeRevRe.MatchString(parts[1]) && !flakeRefRe.MatchString(parts[1]) {
			return fmt.Errorf("in flake URL '%s', '%s' is not a commit hash or branch/tag name", url, parts[1])
		}
	case 3:
		if !flakeRefRe.MatchString(parts[1]) {
			return fmt.Errorf("in flake URL '%s', '%s' is not a branch/tag name", url, parts[1])
		}
		if !flakeRevRe.MatchString(parts[2]) {
			return fmt.Errorf("in flake URL '%s', '%s' is not a commit hash", url, parts[2])
		}
	default:
		return fmt.Errorf("GitHub URL '%s' is invalid", url)
	}
	return nil
}

// flakeRefError is what CppNix says of an installable that is a flake reference
// (nixgo has no flakes): flake identifiers and URLs need the flakes feature; a
// path must exist and lie in a flake, which is searched for upwards.
func (e *env) flakeRefError(installables []string, cwd string) error {
	ref := "."
	if len(installables) > 0 {
		ref = installables[0]
	}
	disabled := fmt.Errorf("experimental Nix feature 'flakes' is disabled; add '--extra-experimental-features flakes' to enable it")
	if m := flakeIDRef.FindStringSubmatch(ref); m != nil {
		if err := checkFlakeID(m[1]); err != nil {
			return err
		}
		return disabled
	}
	if urlRef.MatchString(ref) {
		return disabled
	}
	path, _, _ := strings.Cut(ref, "#")
	path, _, _ = strings.Cut(path, "?")
	if !strings.HasPrefix(path, "/") {
		path = cwd + "/" + path
	}
	path = syntax.CanonPath(path)
	fi, err := os.Lstat(ospath.Native(path))
	if err != nil {
		return fmt.Errorf("getting status of '%s': %s", path, syserr.Strerror(err))
	}
	if !fi.IsDir() {
		if filepath.Base(path) != "flake.nix" {
			return fmt.Errorf("path '%s' is not a flake (because it's not a directory)", path)
		}
		e.log.warn(fmt.Sprintf("Path '%s' should point at the directory containing the 'flake.nix' file, not the file itself. Pretending that you meant '%s'", path, filepath.Dir(path)))
		path = filepath.Dir(path)
	}
	if !fileExists(path + "/flake.nix") {
		e.log.printAt(lvlNotice, fmt.Sprintf("path '%s' does not contain a 'flake.nix', searching up", path))
		for ; ; path = filepath.Dir(path) {
			if path == "/" {
				return fmt.Errorf("could not find a flake.nix file")
			}
			if fileExists(path + "/flake.nix") {
				break
			}
			if fileExists(path + "/.git") {
				return fmt.Errorf("path '%s' is not part of a flake (neither it nor its parent directories contain a 'flake.nix' file)", path)
			}
		}
	}
	return disabled
}

func fileExists(p string) bool {
	_, err := os.Lstat(ospath.Native(p))
	return err == nil
}
