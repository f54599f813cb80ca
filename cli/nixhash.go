// This file implements hashing commands: nix-hash, and nix hash path, file,
// convert and the deprecated to-base16/to-base32/to-base64/to-sri, as CppNix
// 2.26 (src/nix/hash.cc).

package cli

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nixgo/nixgo/config"
	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/nar"
	"github.com/nixgo/nixgo/format/nixbase32"
	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/format/syserr"
)

// hashPathArgs say how nix-hash, nix hash path and nix hash file hash their
// arguments (CppNix's CmdHashBase).
type hashPathArgs struct {
	method   storepath.Method // MethodNAR or MethodFlat
	format   hash.Format
	truncate bool
	algo     hash.Algo
	paths    []string
}

// run prints the hash of each path.
func (a *hashPathArgs) run(e *env) error {
	for _, p := range a.paths {
		h := hash.NewHasher(a.algo)
		switch a.method {
		case storepath.MethodFlat:
			// CppNix reads the file as given, following symlinks (so
			// that pipes such as <(echo hi) work).
			f, err := os.Open(ospath.Native(p))
			if err != nil {
				return fmt.Errorf("opening file '%s': %s", p, syserr.Strerror(err))
			}
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				return sysError(err)
			}
		default:
			src, err := makeParentCanonical(p)
			if err != nil {
				return err
			}
			if err := checkSourceExists(src); err != nil {
				return err
			}
			if err := nar.DumpPath(h, ospath.Native(src)); err != nil {
				return sysError(err)
			}
		}
		fmt.Fprintln(e.stdout, formatHash(h.Sum(), a.format, a.truncate))
	}
	return nil
}

// formatHash prints h in format f (SRI with its algorithm), folded to 20
// bytes with truncate when longer.
func formatHash(h hash.Hash, f hash.Format, truncate bool) string {
	if !truncate || h.Size() <= 20 {
		return h.Format(f, f == hash.SRI)
	}
	d := hash.CompressHash(h, 20)
	switch f {
	case hash.Base16:
		return hex.EncodeToString(d)
	case hash.Nix32:
		return nixbase32.EncodeToString(d)
	case hash.Base64:
		return base64.StdEncoding.EncodeToString(d)
	}
	return h.Algo().String() + "-" + base64.StdEncoding.EncodeToString(d)
}

// runNixHash is the legacy nix-hash command.
func runNixHash(e *env) error {
	var algo hash.Algo
	a := hashPathArgs{method: storepath.MethodNAR, format: hash.Base16}
	toFormat := false
	showVersion := false
	p := newArgParser(e)
	p.addLegacy()
	p.own = func(args []string, i int) (int, error) {
		switch arg := args[i]; arg {
		case "--help":
			fmt.Fprint(e.stdout, nixHashHelp)
			return 0, &exitError{code: 0}
		case "--version":
			showVersion = true
		case "--flat":
			a.method = storepath.MethodFlat
		case "--base16":
			a.format = hash.Base16
		case "--base32":
			a.format = hash.Nix32
		case "--base64":
			a.format = hash.Base64
		case "--sri":
			a.format = hash.SRI
		case "--truncate":
			a.truncate = true
		case "--type":
			if i+1 >= len(args) {
				return 0, usagef("'%s' requires an argument", arg)
			}
			var err error
			if algo, err = parseHashAlgoFlag(args[i+1]); err != nil {
				return 0, err
			}
			return 2, nil
		case "--to-base16", "--to-base32", "--to-base64", "--to-sri":
			toFormat = true
			a.format, _ = hash.ParseFormat(strings.TrimPrefix(arg, "--to-"))
		default:
			if strings.HasPrefix(arg, "-") {
				return 0, nil
			}
			a.paths = append(a.paths, arg)
		}
		return 1, nil
	}
	if err := p.parse(e.args); err != nil {
		return err
	}
	if err := e.cfg.FinishFlags(); err != nil {
		return err
	}
	if showVersion {
		// CppNix prints the version while parsing and exits.
		fmt.Fprintf(e.stdout, "nix-hash (Nix) %s\n", Version)
		return nil
	}
	if toFormat {
		return convertHashes(e, a.paths, algo, a.format)
	}
	a.algo = algo
	if a.algo == 0 {
		a.algo = hash.MD5
	}
	return a.run(e)
}

// convertHashes prints hashes in another format (nix hash to-*, nix-hash
// --to-*): each is parsed in any format, with algo when not prefixed.
func convertHashes(e *env, hashes []string, algo hash.Algo, f hash.Format) error {
	for _, s := range hashes {
		h, err := hash.ParseAny(s, algo)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, h.Format(f, f == hash.SRI))
	}
	return nil
}

// addHashFormatFlags registers --sri, --base64, --base32 and --base16.
func addHashFormatFlags(p *argParser, f *hash.Format) {
	for name, v := range map[string]hash.Format{"sri": hash.SRI, "base64": hash.Base64, "base32": hash.Nix32, "base16": hash.Base16} {
		v := v
		p.add(name, 0, 0, func([]string) error { *f = v; return nil })
	}
}

// parseHashFormatFlag parses the value of --format, --from or --to, with
// CppNix's deprecation warning for "base32".
func parseHashFormatFlag(e *env, name string) (hash.Format, error) {
	f, err := hash.ParseFormat(name)
	if err != nil {
		return 0, &usageError{err.Error()}
	}
	if hash.IsDeprecatedFormatName(name) {
		e.log.warn(`"base32" is a deprecated alias for hash format "nix32".`)
	}
	return f, nil
}

// runNixHashPath is nix hash path (NAR by default) and nix hash file
// (flat, and without --algo, --mode and --format).
func runNixHashPath(method storepath.Method) func(e *env, args []string) error {
	return func(e *env, args []string) error {
		a := hashPathArgs{method: method, format: hash.SRI, algo: hash.SHA256}
		p := newArgParser(e)
		addHashFormatFlags(p, &a.format)
		setAlgo := func(v []string) error {
			var err error
			a.algo, err = parseHashAlgoFlag(v[0])
			return err
		}
		p.add("type", 0, 1, setAlgo)
		if method == storepath.MethodNAR {
			p.add("algo", 0, 1, setAlgo)
			p.add("mode", 0, 1, func(v []string) error {
				m, err := parseFileIngestionMethod(e, v[0])
				a.method = m
				return err
			})
			p.add("format", 0, 1, func(v []string) error {
				var err error
				a.format, err = parseHashFormatFlag(e, v[0])
				return err
			})
		}
		p.own = positionalArgs(&a.paths, -1)
		if err := p.parse(args); err != nil {
			return err
		}
		if err := e.finishNixFlags(); err != nil {
			return err
		}
		return a.run(e)
	}
}

// parseFileIngestionMethod parses --mode: flat or nar (git needs an
// experimental feature nixgo does not implement).
func parseFileIngestionMethod(e *env, s string) (storepath.Method, error) {
	switch s {
	case "flat":
		return storepath.MethodFlat, nil
	case "nar":
		return storepath.MethodNAR, nil
	case "git":
		if err := e.cfg.RequireFeature(config.GitHashing); err != nil {
			return 0, err
		}
		return 0, fmt.Errorf("nixgo does not support Git hashing ('git' file ingestion method) yet")
	}
	// CppNix 2.26's message has a '%s' it forgets to fill in.
	return 0, usagef("Unknown file ingestion method '%%s', expect `flat`, `nar`, or `git`")
}

// runNixHashTo is the deprecated nix hash to-base16 and its siblings.
func runNixHashTo(f hash.Format) func(e *env, args []string) error {
	return func(e *env, args []string) error {
		var algo hash.Algo
		var hashes []string
		p := newArgParser(e)
		p.add("type", 0, 1, func(v []string) error {
			var err error
			algo, err = parseHashAlgoFlag(v[0])
			return err
		})
		p.own = positionalArgs(&hashes, -1)
		if err := p.parse(args); err != nil {
			return err
		}
		if err := e.finishNixFlags(); err != nil {
			return err
		}
		e.log.warn("The old format conversion subcommands of `nix hash` were deprecated in favor of `nix hash convert`.")
		return convertHashes(e, hashes, algo, f)
	}
}

// runNixHashConvert is nix hash convert [--from FORMAT] [--to FORMAT]
// [--hash-algo ALGO] HASHES...
func runNixHashConvert(e *env, args []string) error {
	var from hash.Format
	to := hash.SRI
	var algo hash.Algo
	var hashes []string
	p := newArgParser(e)
	p.add("from", 0, 1, func(v []string) error {
		var err error
		from, err = parseHashFormatFlag(e, v[0])
		return err
	})
	p.add("to", 0, 1, func(v []string) error {
		var err error
		to, err = parseHashFormatFlag(e, v[0])
		return err
	})
	p.add("hash-algo", 0, 1, func(v []string) error {
		var err error
		algo, err = parseHashAlgoFlag(v[0])
		return err
	})
	p.own = positionalArgs(&hashes, -1)
	if err := p.parse(args); err != nil {
		return err
	}
	if err := e.finishNixFlags(); err != nil {
		return err
	}
	for _, s := range hashes {
		var h hash.Hash
		var err error
		if from == hash.SRI {
			h, err = hash.ParseSRI(s)
		} else {
			h, err = hash.ParseAny(s, algo)
		}
		if err != nil {
			return err
		}
		if from != 0 && from != hash.SRI {
			want := s
			if from == hash.Base16 {
				want = strings.ToLower(s)
			}
			if h.Format(from, false) != want {
				return fmt.Errorf("input hash '%s' does not have the expected format for '--from %s'", s, from)
			}
		}
		fmt.Fprintln(e.stdout, h.Format(to, to == hash.SRI))
	}
	return nil
}

// positionalArgs returns an argument handler collecting the positional
// arguments into dst, at most max of them (max < 0: no limit); flags are
// left to the caller's parser. requireArgs checks the minimum afterwards.
func positionalArgs(dst *[]string, max int) func(args []string, i int) (int, error) {
	return func(args []string, i int) (int, error) {
		if strings.HasPrefix(args[i], "-") && args[i] != "-" {
			return 0, nil
		}
		if max >= 0 && len(*dst) >= max {
			return 0, usagef("unexpected argument '%s'", args[i])
		}
		*dst = append(*dst, args[i])
		return 1, nil
	}
}

const nixHashHelp = `Usage: nix-hash [OPTIONS...] PATHS...
       nix-hash [--type ALGO] --to-base16|--to-base32|--to-base64|--to-sri HASHES...

Compute the cryptographic hash of the NAR serialisation of paths (or of
their contents with --flat), or convert hashes between formats.

Options:
  --type ALGO     the hash algorithm: md5 (default), sha1, sha256 or sha512
  --flat          hash the contents of a regular file, not its NAR
  --base16        print the hash in base-16 (the default)
  --base32        print the hash in Nix's base-32
  --base64        print the hash in base-64
  --sri           print the hash in SRI format (ALGO-BASE64)
  --truncate      fold hashes longer than 160 bits to 160 bits
  --to-base16, --to-base32, --to-base64, --to-sri
                  convert the hashes given as arguments
`

// requireArgs is CppNix's error for missing positional arguments.
func requireArgs(args []string, n int) error {
	if len(args) < n {
		return usagef("more arguments are required")
	}
	return nil
}
