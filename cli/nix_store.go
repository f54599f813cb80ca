// This file implements the subcommands of nix store (add, add-file,
// add-path, cat, ls, dump-path, info, ping, optimise, verify,
// path-from-hash-part; gc and delete are in gc.go) and of nix nar (cat, ls, pack, dump-path), as CppNix
// 2.26.

package cli

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/nar"
	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
)

// withStore opens the store for a nix subcommand and runs f with it.
func (e *env) withStore(f func(s store.Store) error) error {
	s, err := e.openStore(contextOf(e))
	if err != nil {
		return err
	}
	defer s.Close()
	return f(s)
}

// runNixStoreAdd is nix store add (and add-file, add-path, which differ in
// the default method): add a file or tree and print its path.
func runNixStoreAdd(defaultMethod storepath.Method) func(e *env, args []string) error {
	return func(e *env, args []string) error {
		opts := store.AddOptions{Method: defaultMethod, Algo: hash.SHA256}
		var name string
		var paths []string
		dryRun := false
		p := newArgParser(e)
		p.add("name", 'n', 1, func(v []string) error { name = v[0]; return nil })
		p.add("mode", 0, 1, func(v []string) error {
			if v[0] == "text" {
				opts.Method = storepath.MethodText
				return nil
			}
			m, err := parseFileIngestionMethod(e, v[0])
			opts.Method = m
			return err
		})
		p.add("hash-algo", 0, 1, func(v []string) error {
			var err error
			opts.Algo, err = parseHashAlgoFlag(v[0])
			return err
		})
		p.add("dry-run", 0, 0, func([]string) error { dryRun = true; return nil })
		p.own = positionalArgs(&paths, 1)
		if err := p.parse(args); err != nil {
			return err
		}
		if err := e.finishNixFlags(); err != nil {
			return err
		}
		if err := requireArgs(paths, 1); err != nil {
			return err
		}
		return e.withStore(func(s store.Store) error {
			var sp storepath.StorePath
			var err error
			if dryRun {
				sp, err = computeAddPath(s.Dir(), paths[0], name, opts)
			} else {
				sp, err = addPath(e, s, paths[0], name, opts)
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, s.Dir().Path(sp))
			return nil
		})
	}
}

// computeAddPath is the path nix store add --dry-run prints.
func computeAddPath(dir storepath.Dir, arg, name string, opts store.AddOptions) (storepath.StorePath, error) {
	src, err := makeParentCanonical(arg)
	if err != nil {
		return storepath.StorePath{}, err
	}
	if name == "" {
		name = baseNameOf(arg)
	}
	if err := checkSourceExists(src); err != nil {
		return storepath.StorePath{}, err
	}
	if opts.Method == storepath.MethodText {
		b, err := readFileString(src)
		if err != nil {
			return storepath.StorePath{}, err
		}
		return store.ComputeTextPath(dir, name, b, nil)
	}
	p, _, err := store.ComputeFixedPath(dir, name, src, opts.Method, opts.Algo, nil)
	return p, sysError(err)
}

// lsFlags are the flags of nix store ls and nix nar ls.
type lsFlags struct {
	recursive, long, directory, json bool
}

func (f *lsFlags) add(p *argParser) {
	p.add("recursive", 'R', 0, func([]string) error { f.recursive = true; return nil })
	p.add("long", 'l', 0, func([]string) error { f.long = true; return nil })
	p.add("directory", 'd', 0, func([]string) error { f.directory = true; return nil })
	p.add("json", 0, 0, func([]string) error { f.json = true; return nil })
}

// list prints the listing of p (CppNix's MixLs::list).
func (f *lsFlags) list(e *env, a fsAccessor, p string) error {
	if !f.json {
		return listText(a, e.stdout, canonPath(p), f.recursive, f.long, f.directory)
	}
	if f.directory {
		return usagef("'--directory' is useless with '--json'")
	}
	obj, err := listJSON(a, canonPath(p), f.recursive)
	if err != nil {
		return err
	}
	s, err := dumpJSON(obj, -1)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, s)
	return nil
}

// catFile prints the regular file p of a (CppNix's MixCat).
func catFile(e *env, a fsAccessor, p string) error {
	st, err := a.lstat(canonPath(p))
	if err != nil {
		return err
	}
	if st.typ != nar.TypeRegular {
		return fmt.Errorf("path '%s' is not a regular file", p)
	}
	return a.readFile(canonPath(p), e.stdout)
}

// parseNixArgs parses a nix subcommand's command line with positional
// arguments into dst (exactly n of them; n < 0: any number).
func (e *env) parseNixArgs(p *argParser, args []string, dst *[]string, n int) error {
	p.own = positionalArgs(dst, n)
	if err := p.parse(args); err != nil {
		return err
	}
	if err := e.finishNixFlags(); err != nil {
		return err
	}
	if n >= 0 {
		return requireArgs(*dst, n)
	}
	return nil
}

func runNixStoreLs(e *env, args []string) error {
	var f lsFlags
	var paths []string
	p := newArgParser(e)
	f.add(p)
	if err := e.parseNixArgs(p, args, &paths, 1); err != nil {
		return err
	}
	return e.withStore(func(s store.Store) error {
		a, err := newStoreAccessor(s)
		if err != nil {
			return err
		}
		return f.list(e, a, paths[0])
	})
}

func runNixStoreCat(e *env, args []string) error {
	var paths []string
	if err := e.parseNixArgs(newArgParser(e), args, &paths, 1); err != nil {
		return err
	}
	return e.withStore(func(s store.Store) error {
		a, err := newStoreAccessor(s)
		if err != nil {
			return err
		}
		return catFile(e, a, paths[0])
	})
}

func runNixNarLs(e *env, args []string) error {
	var f lsFlags
	var paths []string
	p := newArgParser(e)
	f.add(p)
	if err := e.parseNixArgs(p, args, &paths, 2); err != nil {
		return err
	}
	a, err := newNARAccessor(paths[0])
	if err != nil {
		return err
	}
	return f.list(e, a, paths[1])
}

func runNixNarCat(e *env, args []string) error {
	var paths []string
	if err := e.parseNixArgs(newArgParser(e), args, &paths, 2); err != nil {
		return err
	}
	a, err := newNARAccessor(paths[0])
	if err != nil {
		return err
	}
	return catFile(e, a, paths[1])
}

// runNixNarPack is nix nar pack PATH (and the deprecated nix nar
// dump-path): the NAR of a file or tree on standard output.
func runNixNarPack(deprecated bool) func(e *env, args []string) error {
	return func(e *env, args []string) error {
		var paths []string
		if err := e.parseNixArgs(newArgParser(e), args, &paths, 1); err != nil {
			return err
		}
		if deprecated {
			e.log.warn("'nix nar dump-path' is a deprecated alias for 'nix nar pack'")
		}
		return dumpPathTo(e.stdout, paths[0])
	}
}

// runNixStoreDumpPath is nix store dump-path: the NAR of one store path.
func runNixStoreDumpPath(e *env, args []string) error {
	var a storePathsArgs
	p := newArgParser(e)
	a.add(p, true)
	if err := e.parseNixArgs(p, args, &a.installables, -1); err != nil {
		return err
	}
	return e.withStore(func(s store.Store) error {
		ctx := contextOf(e)
		paths, err := e.storePaths(ctx, s, &a)
		if err != nil {
			return err
		}
		if len(paths) != 1 {
			return usagef("this command requires exactly one store path")
		}
		d, ok := s.(store.NARDumper)
		if !ok {
			return &store.UnsupportedError{Op: "narFromPath", URI: s.URI()}
		}
		return d.DumpNAR(ctx, paths[0], e.stdout)
	})
}

// runNixStoreInfo is nix store info (and its deprecated alias ping).
func runNixStoreInfo(ping bool) func(e *env, args []string) error {
	return func(e *env, args []string) error {
		jsonOut := false
		var rest []string
		p := newArgParser(e)
		p.add("json", 0, 0, func([]string) error { jsonOut = true; return nil })
		if err := e.parseNixArgs(p, args, &rest, 0); err != nil {
			return err
		}
		return e.withStore(func(s store.Store) error {
			if ping {
				e.log.warn("'nix store ping' is a deprecated alias for 'nix store info'")
			}
			// A local store reports nixgo's version; every store nixgo
			// opens trusts its user (CppNix prints the TrustedFlag as a
			// number).
			_, isLocal := s.(store.LocalFS)
			if jsonOut {
				obj := jsonObject{"url": s.URI(), "trusted": 1}
				if isLocal {
					obj["version"] = Version
				}
				out, err := dumpJSON(obj, -1)
				if err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, out)
				return nil
			}
			e.log.printAt(lvlNotice, "Store URL: "+s.URI())
			if isLocal {
				e.log.printAt(lvlNotice, "Version: "+Version)
			}
			e.log.printAt(lvlNotice, "Trusted: 1")
			return nil
		})
	}
}

func runNixStoreOptimise(e *env, args []string) error {
	var rest []string
	if err := e.parseNixArgs(newArgParser(e), args, &rest, 0); err != nil {
		return err
	}
	return e.withStore(func(s store.Store) error { return optimiseStore(e, s) })
}

func runNixStorePathFromHashPart(e *env, args []string) error {
	var rest []string
	if err := e.parseNixArgs(newArgParser(e), args, &rest, 1); err != nil {
		return err
	}
	return e.withStore(func(s store.Store) error {
		r, ok := s.(store.HashPartResolver)
		if !ok {
			return &store.UnsupportedError{Op: "queryPathFromHashPart", URI: s.URI()}
		}
		p, found, err := r.QueryPathFromHashPart(contextOf(e), rest[0])
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("there is no store path corresponding to '%s'", rest[0])
		}
		fmt.Fprintln(e.stdout, s.Dir().Path(p))
		return nil
	})
}

// verifyArgs are the flags of nix store verify.
type verifyArgs struct {
	paths        storePathsArgs
	noContents   bool
	noTrust      bool
	substituters []string
	sigsNeeded   int
}

// runNixStoreVerify is nix store verify: check the contents and the trust
// of store paths. The exit status has bit 0 for corrupted paths, bit 1 for
// untrusted ones and bit 2 for paths that could not be checked.
func runNixStoreVerify(e *env, args []string) error {
	var a verifyArgs
	p := newArgParser(e)
	a.paths.add(p, true)
	p.add("no-contents", 0, 0, func([]string) error { a.noContents = true; return nil })
	p.add("no-trust", 0, 0, func([]string) error { a.noTrust = true; return nil })
	p.add("substituter", 's', 1, func(v []string) error { a.substituters = append(a.substituters, v[0]); return nil })
	p.add("sigs-needed", 'n', 1, func(v []string) error {
		n, err := strconv.Atoi(v[0])
		if err != nil {
			return usagef("flag '--sigs-needed' requires an integer argument, got '%s'", v[0])
		}
		a.sigsNeeded = n
		return nil
	})
	if err := e.parseNixArgs(p, args, &a.paths.installables, -1); err != nil {
		return err
	}
	return e.withStore(func(s store.Store) error {
		ctx := contextOf(e)
		paths, err := e.storePaths(ctx, s, &a.paths)
		if err != nil {
			return err
		}
		var subs []store.Store
		for _, u := range a.substituters {
			sub, err := e.openStoreURI(u)
			if err != nil {
				return err
			}
			defer sub.Close()
			subs = append(subs, sub)
		}
		keys := e.publicKeys()
		var corrupted, untrusted, failed int
		for _, sp := range paths {
			c, u, err := e.verifyPath(s, subs, keys, sp, &a)
			if err != nil {
				e.log.errorMsg("error: " + err.Error())
				failed++
			}
			corrupted += c
			untrusted += u
		}
		code := 0
		if corrupted > 0 {
			code |= 1
		}
		if untrusted > 0 {
			code |= 2
		}
		if failed > 0 {
			code |= 4
		}
		if code != 0 {
			return &exitError{code: code}
		}
		return nil
	})
}

// verifyPath checks one path; it returns whether the path is corrupted and
// whether it is untrusted.
func (e *env) verifyPath(s store.Store, subs []store.Store, keys map[string]ed25519.PublicKey, sp storepath.StorePath, a *verifyArgs) (int, int, error) {
	ctx := contextOf(e)
	dir := s.Dir()
	info, err := s.QueryPathInfo(ctx, sp)
	if err != nil {
		return 0, 0, err
	}
	full := dir.Path(info.Path)
	e.log.printAt(lvlInfo, fmt.Sprintf("checking '%s'...", full))
	corrupted, untrusted := 0, 0
	if !a.noContents {
		d, ok := s.(store.NARDumper)
		if !ok {
			return 0, 0, &store.UnsupportedError{Op: "narFromPath", URI: s.URI()}
		}
		h := hash.NewHasher(info.NarHash.Algo())
		if err := d.DumpNAR(ctx, info.Path, h); err != nil {
			return 0, 0, err
		}
		if got := h.Sum(); got != info.NarHash {
			corrupted = 1
			e.log.errorMsg(fmt.Sprintf("path '%s' was modified! expected hash '%s', got '%s'",
				full, info.NarHash.Format(hash.Nix32, true), got.Format(hash.Nix32, true)))
		}
	}
	if !a.noTrust && !e.trusted(s, subs, keys, info, a.sigsNeeded) {
		untrusted = 1
		e.log.errorMsg(fmt.Sprintf("path '%s' is untrusted", full))
	}
	return corrupted, untrusted, nil
}

// maxSigs is CppNix's ValidPathInfo::maxSigs: what a content-addressed
// path counts as.
const maxSigs = int(^uint(0) >> 1)

// trusted reports whether a path is built locally or content-addressed,
// or signed by enough trusted keys (here or in the substituters).
func (e *env) trusted(s store.Store, subs []store.Store, keys map[string]ed25519.PublicKey, info *store.PathInfo, sigsNeeded int) bool {
	if info.Ultimate && sigsNeeded == 0 {
		return true
	}
	needed := max(sigsNeeded, 1)
	valid := 0
	seen := map[string]bool{}
	doSigs := func(in *store.PathInfo) {
		fp, err := in.Fingerprint(s.Dir())
		for _, sig := range in.Sigs {
			if seen[sig] {
				continue
			}
			seen[sig] = true
			if err == nil && valid < maxSigs && verifySignature(keys, fp, sig) {
				valid++
			}
		}
	}
	if info.IsContentAddressed(s.Dir(), nil) {
		valid = maxSigs
	}
	doSigs(info)
	for _, sub := range subs {
		if valid >= needed {
			break
		}
		in, err := sub.QueryPathInfo(contextOf(e), info.Path)
		if err != nil {
			if !store.IsInvalidPath(err) {
				e.log.errorMsg("error: " + err.Error())
			}
			continue
		}
		if in.IsContentAddressed(s.Dir(), nil) {
			valid = maxSigs
		}
		doSigs(in)
	}
	return valid >= needed
}

// publicKeys returns the trusted-public-keys ("name:base64"), by name.
func (e *env) publicKeys() map[string]ed25519.PublicKey {
	keys := map[string]ed25519.PublicKey{}
	for _, k := range e.cfg.Strings("trusted-public-keys") {
		name, b64, ok := strings.Cut(k, ":")
		if !ok || name == "" {
			continue
		}
		if b, err := base64.StdEncoding.DecodeString(b64); err == nil && len(b) == ed25519.PublicKeySize {
			keys[name] = ed25519.PublicKey(b)
		}
	}
	return keys
}

// verifySignature checks a signature "name:base64" of fp (CppNix's
// verifyDetached).
func verifySignature(keys map[string]ed25519.PublicKey, fp, sig string) bool {
	name, b64, ok := strings.Cut(sig, ":")
	if !ok || name == "" {
		return false
	}
	key, ok := keys[name]
	if !ok {
		return false
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(b) != ed25519.SignatureSize {
		return false
	}
	return ed25519.Verify(key, []byte(fp), b)
}

// openStoreURI opens another store than the command's (--substituter).
func (e *env) openStoreURI(uri string) (store.Store, error) {
	old := e.cfg.String("store")
	if err := e.cfg.Assign("store", uri); err != nil {
		return nil, err
	}
	defer e.cfg.Assign("store", old)
	return e.openStore(contextOf(e))
}

// readFileString reads a whole file.
func readFileString(p string) (string, error) {
	b, err := os.ReadFile(ospath.Native(p))
	return string(b), sysError(err)
}
