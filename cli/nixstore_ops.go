// This file holds the operations of nix-store other than --query and
// garbage collection (gc.go): adding, NAR dump and restore, export and
// import, verification, optimisation, the database dump and load.

package cli

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/nar"
	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/store"
)

// opAdd is --add: add files or trees (as NARs, SHA-256) and print their
// paths.
func opAdd(c *nixStoreCmd) error {
	if err := c.noFlags(); err != nil {
		return err
	}
	for _, a := range c.opArgs {
		p, err := addPath(c.e, c.store, a, "", store.AddOptions{})
		if err != nil {
			return err
		}
		c.println(c.store.Dir().Path(p))
	}
	return nil
}

// addPath adds the file or tree arg names to s under name (by default
// the base name of arg), as CppNix's addToStore of a source path.
func addPath(e *env, s store.Store, arg, name string, opts store.AddOptions) (storepath.StorePath, error) {
	a, err := adderOf(s)
	if err != nil {
		return storepath.StorePath{}, err
	}
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
	if opts.Method == 0 || opts.Method == storepath.MethodNAR {
		p, err := store.AddPath(contextOf(e), a, name, ospath.Native(src), opts, nil)
		return p, sysError(err)
	}
	return addFileSlow(e, a, src, name, opts)
}

// addFileSlow adds a regular file hashed flat or as text the way CppNix's
// addToStoreSlow does: the store gets the file's NAR, so that an
// executable file stays executable.
func addFileSlow(e *env, a store.Adder, src, name string, opts store.AddOptions) (storepath.StorePath, error) {
	if fi, err := os.Stat(ospath.Native(src)); err != nil {
		return storepath.StorePath{}, sysError(err)
	} else if fi.IsDir() {
		return storepath.StorePath{}, fmt.Errorf("reading from file '%s': %s", src, syserr.Strerror(syscall.EISDIR))
	}
	opts.Serialisation = store.SerialNAR
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(nar.DumpPath(pw, ospath.Native(src))) }()
	p, err := a.AddFromDump(contextOf(e), pr, name, opts)
	pr.CloseWithError(io.ErrClosedPipe)
	return p, sysError(err)
}

// opAddFixed is --add-fixed [--recursive] ALGO PATHS...: add files as
// fixed-output paths hashed with ALGO, flat unless --recursive.
func opAddFixed(c *nixStoreCmd) error {
	method := storepath.MethodFlat
	for _, f := range c.opFlags {
		if f != "--recursive" {
			return unknownFlag(f)
		}
		method = storepath.MethodNAR
	}
	if len(c.opArgs) == 0 {
		return usagef("first argument must be hash algorithm")
	}
	algo, err := parseHashAlgoFlag(c.opArgs[0])
	if err != nil {
		return err
	}
	for _, a := range c.opArgs[1:] {
		p, err := addPath(c.e, c.store, a, "", store.AddOptions{Method: method, Algo: algo})
		if err != nil {
			return err
		}
		c.println(c.store.Dir().Path(p))
	}
	return nil
}

// opPrintFixedPath is --print-fixed-path [--recursive] ALGO HASH NAME.
func opPrintFixedPath(c *nixStoreCmd) error {
	method := storepath.MethodFlat
	for _, f := range c.opFlags {
		if f != "--recursive" {
			return unknownFlag(f)
		}
		method = storepath.MethodNAR
	}
	if len(c.opArgs) != 3 {
		return usagef("'--print-fixed-path' requires three arguments")
	}
	algo, err := parseHashAlgoFlag(c.opArgs[0])
	if err != nil {
		return err
	}
	h, err := hash.ParseAny(c.opArgs[1], algo)
	if err != nil {
		return err
	}
	p, err := c.store.Dir().MakeFixedOutputPath(c.opArgs[2], method, h, storepath.References{})
	if err != nil {
		return err
	}
	c.println(c.store.Dir().Path(p))
	return nil
}

// opPrintEnv is --print-env DRV: the derivation's environment as shell
// code, then its arguments.
func opPrintEnv(c *nixStoreCmd) error {
	if err := c.noFlags(); err != nil {
		return err
	}
	if len(c.opArgs) != 1 {
		return usagef("'--print-env' requires one derivation store path")
	}
	p, err := c.store.Dir().Parse(c.opArgs[0])
	if err != nil {
		return err
	}
	drv, err := derivationFromPath(c.ctx, c.store, p)
	if err != nil {
		return err
	}
	for _, k := range sortedKeys(drv.Env) {
		// CppNix prints these through logger->cout, which adds a newline.
		c.println(fmt.Sprintf("export %s; %s=%s\n", k, k, shellEscape(drv.Env[k])))
	}
	args := make([]string, len(drv.Args))
	for i, a := range drv.Args {
		args[i] = shellEscape(a)
	}
	c.println("export _args; _args='" + strings.Join(args, " ") + "'")
	return nil
}

// opDump is --dump PATH: the NAR of PATH on standard output.
func opDump(c *nixStoreCmd) error {
	if err := c.noFlags(); err != nil {
		return err
	}
	if len(c.opArgs) != 1 {
		return usagef("only one argument allowed")
	}
	return dumpPathTo(c.e.stdout, c.opArgs[0])
}

// dumpPathTo writes the NAR of the file or tree at p to w (unbuffered, so
// that large files can be copied by the kernel).
func dumpPathTo(w io.Writer, p string) error {
	if err := checkSourceExists(absPath(p)); err != nil {
		// CppNix has written the archive's magic by then.
		io.WriteString(w, "\x0d\x00\x00\x00\x00\x00\x00\x00"+nar.Magic+"\x00\x00\x00")
		return err
	}
	return sysError(nar.DumpPath(w, ospath.Native(p)))
}

// opRestore is --restore PATH: the tree of a NAR read from standard input
// is created at PATH.
func opRestore(c *nixStoreCmd) error {
	if err := c.noFlags(); err != nil {
		return err
	}
	if len(c.opArgs) != 1 {
		return usagef("only one argument allowed")
	}
	return restoreNAR(c.e.stdin, c.opArgs[0])
}

// restoreNAR restores the NAR read from r at target, all or nothing: the
// tree is built under a temporary name next to target and renamed into
// place when the whole archive has been read and found valid. (CppNix
// writes at target directly and leaves what it wrote when the archive
// turns out to be malformed.)
func restoreNAR(r io.Reader, target string) error {
	native := ospath.Native(target)
	if _, err := os.Lstat(native); err == nil {
		return fmt.Errorf("path '%s' already exists", target)
	}
	abs, err := filepath.Abs(native)
	if err != nil {
		return err
	}
	parent := filepath.Dir(abs)
	tmpDir, err := os.MkdirTemp(parent, ".nix-restore-")
	if err != nil {
		return sysError(err)
	}
	defer os.RemoveAll(tmpDir)
	tmp := filepath.Join(tmpDir, "x")
	if r == nil {
		r = strings.NewReader("")
	}
	if err := nar.Restore(tmp, r); err != nil {
		makeWritable(tmpDir)
		return err
	}
	if _, err := os.Lstat(native); err == nil {
		return fmt.Errorf("path '%s' already exists", target)
	}
	return sysError(os.Rename(tmp, native))
}

// makeWritable gives the owner write permission on the directories of a
// partly restored tree, so that it can be removed.
func makeWritable(root string) {
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
}

// opExport is --export PATHS...
func opExport(c *nixStoreCmd) error {
	for _, f := range c.opFlags {
		return unknownFlag(f)
	}
	paths, err := c.followAll(c.opArgs)
	if err != nil {
		return err
	}
	if err := c.out.Flush(); err != nil {
		return err
	}
	return store.Export(c.ctx, c.store, storepath.SortPaths(paths), c.e.stdout)
}

// opImport is --import: add the paths of an export read from standard
// input and print them.
func opImport(c *nixStoreCmd) error {
	for _, f := range c.opFlags {
		return unknownFlag(f)
	}
	if len(c.opArgs) > 0 {
		return usagef("no arguments expected")
	}
	in := c.e.stdin
	if in == nil {
		in = strings.NewReader("")
	}
	paths, err := store.Import(c.ctx, c.store, in, store.AddNAROptions{})
	if err != nil {
		return err
	}
	for _, p := range paths {
		c.println(c.store.Dir().Path(p))
	}
	return nil
}

// opVerify is --verify [--check-contents] [--repair].
func opVerify(c *nixStoreCmd) error {
	if len(c.opArgs) > 0 {
		return usagef("no arguments expected")
	}
	opts := store.VerifyOptions{Log: storeLogger{c.e.log}}
	for _, f := range c.opFlags {
		switch f {
		case "--check-contents":
			opts.CheckContents = true
		case "--repair":
			opts.Repair = true
		default:
			return unknownFlag(f)
		}
	}
	v, ok := c.store.(store.Verifier)
	if !ok {
		return nil // CppNix's default verifyStore finds nothing wrong
	}
	bad, err := v.Verify(c.ctx, opts)
	if err != nil {
		return err
	}
	if bad {
		c.e.log.warn("not all store errors were fixed")
		return &exitError{code: 1}
	}
	return nil
}

// opVerifyPath is --verify-path PATHS...: compare each path's NAR hash with
// the recorded one.
func opVerifyPath(c *nixStoreCmd) error {
	if len(c.opFlags) > 0 {
		return usagef("no flags expected")
	}
	status := 0
	for _, a := range c.opArgs {
		p, err := followLinksToStorePath(c.store.Dir(), a)
		if err != nil {
			return err
		}
		full := c.store.Dir().Path(p)
		c.e.log.printAt(lvlTalkative, fmt.Sprintf("checking path '%s'...", full))
		info, err := c.store.QueryPathInfo(c.ctx, p)
		if err != nil {
			return err
		}
		got, err := narHashOf(c, p, info.NarHash.Algo())
		if err != nil {
			return err
		}
		if got != info.NarHash {
			c.e.log.errorMsg(fmt.Sprintf("path '%s' was modified! expected hash '%s', got '%s'",
				full, info.NarHash.Format(hash.Nix32, true), got.Format(hash.Nix32, true)))
			status = 1
		}
	}
	if status != 0 {
		return &exitError{code: status}
	}
	return nil
}

// narHashOf hashes the NAR of valid path p.
func narHashOf(c *nixStoreCmd, p storepath.StorePath, algo hash.Algo) (hash.Hash, error) {
	d, ok := c.store.(store.NARDumper)
	if !ok {
		return hash.Hash{}, &store.UnsupportedError{Op: "narFromPath", URI: c.store.URI()}
	}
	h := hash.NewHasher(algo)
	if err := d.DumpNAR(c.ctx, p, h); err != nil {
		return hash.Hash{}, err
	}
	return h.Sum(), nil
}

// opRepairPath is --repair-path: nixgo has no substituters, so a path can
// be repaired only if it is intact.
func opRepairPath(c *nixStoreCmd) error {
	if len(c.opFlags) > 0 {
		return usagef("no flags expected")
	}
	for _, a := range c.opArgs {
		p, err := followLinksToStorePath(c.store.Dir(), a)
		if err != nil {
			return err
		}
		// nixgo has no substituters: CppNix's message when none has it.
		return fmt.Errorf("cannot repair path '%s'", c.store.Dir().Path(p))
	}
	return nil
}

// opOptimise is --optimise.
func opOptimise(c *nixStoreCmd) error {
	if len(c.opArgs) > 0 || len(c.opFlags) > 0 {
		return usagef("no arguments expected")
	}
	return optimiseStore(c.e, c.store)
}

// optimiseStore hard-links identical files and reports what it saved, as
// CppNix's optimiseStore.
func optimiseStore(e *env, s store.Store) error {
	o, ok := s.(store.Optimiser)
	if !ok {
		return &store.UnsupportedError{Op: "optimiseStore", URI: s.URI()}
	}
	stats, err := o.Optimise(contextOf(e), storeLogger{e.log})
	if err != nil {
		return err
	}
	e.log.printAt(lvlInfo, fmt.Sprintf("%s freed by hard-linking %d files", printMiB(stats.BytesFreed), stats.FilesLinked))
	return nil
}

// opCheckValidity is --check-validity [--print-invalid] PATHS...
func opCheckValidity(c *nixStoreCmd) error {
	printInvalid := false
	for _, f := range c.opFlags {
		if f != "--print-invalid" {
			return unknownFlag(f)
		}
		printInvalid = true
	}
	for _, a := range c.opArgs {
		p, err := followLinksToStorePath(c.store.Dir(), a)
		if err != nil {
			return err
		}
		ok, err := c.store.IsValidPath(c.ctx, p)
		if err != nil {
			return err
		}
		if !ok {
			if !printInvalid {
				return &store.InvalidPathError{Path: c.store.Dir().Path(p)}
			}
			c.println(c.store.Dir().Path(p))
		}
	}
	return nil
}

// opDumpDB is --dump-db [PATHS...]: the registrations of the paths, or of
// every valid path.
func opDumpDB(c *nixStoreCmd) error {
	if err := c.noFlags(); err != nil {
		return err
	}
	var paths []storepath.StorePath
	if len(c.opArgs) > 0 {
		var err error
		if paths, err = c.followAll(c.opArgs); err != nil {
			return err
		}
	} else {
		l, ok := c.store.(store.Lister)
		if !ok {
			return &store.UnsupportedError{Op: "queryAllValidPaths", URI: c.store.URI()}
		}
		var err error
		if paths, err = l.QueryAllValidPaths(c.ctx); err != nil {
			return err
		}
	}
	for _, p := range paths {
		info, err := c.store.QueryPathInfo(c.ctx, p)
		if err != nil {
			return err
		}
		if err := store.WriteRegistration(c.out, c.store.Dir(), []*store.PathInfo{info}, true, true); err != nil {
			return err
		}
	}
	return nil
}

// opLoadDB is --load-db: register the paths of a --dump-db read from
// standard input, replacing what the database says of them.
func opLoadDB(c *nixStoreCmd) error {
	if err := c.noFlags(); err != nil {
		return err
	}
	if len(c.opArgs) > 0 {
		return usagef("no arguments expected")
	}
	return registerValidity(c, true, true, false)
}

// opRegisterValidity is --register-validity [--reregister] [--hash-given]:
// register paths whose contents are already in the store.
func opRegisterValidity(c *nixStoreCmd) error {
	reregister, hashGiven := false, false
	for _, f := range c.opFlags {
		switch f {
		case "--reregister":
			reregister = true
		case "--hash-given":
			hashGiven = true
		default:
			return unknownFlag(f)
		}
	}
	if len(c.opArgs) > 0 {
		return usagef("no arguments expected")
	}
	return registerValidity(c, reregister, hashGiven, true)
}

// registerValidity reads registrations from standard input and registers
// the paths not yet valid (all of them with reregister), as CppNix's
// registerValidity.
func registerValidity(c *nixStoreCmd, reregister, hashGiven, canonicalise bool) error {
	in := c.e.stdin
	if in == nil {
		in = strings.NewReader("")
	}
	rr := store.NewRegistrationReader(in, c.store.Dir(), hashGiven)
	infos := map[storepath.StorePath]*store.PathInfo{}
	for {
		info, err := rr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if !reregister {
			ok, err := c.store.IsValidPath(c.ctx, info.Path)
			if err != nil {
				return err
			}
			if ok {
				continue
			}
		}
		if err := completeRegistration(c, info, hashGiven, canonicalise); err != nil {
			return err
		}
		infos[info.Path] = info
	}
	r, ok := c.store.(store.Registrar)
	if !ok {
		return errors.New("you don't have sufficient rights to use this command")
	}
	list := make([]*store.PathInfo, 0, len(infos))
	for _, p := range storepath.SortPaths(mapKeys(infos)) {
		list = append(list, infos[p])
	}
	return r.RegisterValidPaths(c.ctx, list)
}

// completeRegistration canonicalises the metadata of a path being
// registered and hashes its NAR when the registration gives no hash.
func completeRegistration(c *nixStoreCmd, info *store.PathInfo, hashGiven, canonicalise bool) error {
	if !canonicalise && hashGiven {
		return nil
	}
	fsys, ok := c.store.(store.LocalFS)
	if !ok {
		return errors.New("you don't have sufficient rights to use this command")
	}
	real := fsys.RealPath(info.Path)
	if canonicalise {
		if cs, ok := c.store.(interface{ CanonicaliseOutput(string) error }); ok {
			if err := cs.CanonicaliseOutput(real); err != nil {
				return err
			}
		}
	}
	if !hashGiven {
		h := hash.NewHasher(hash.SHA256)
		cw := &countingWriter{w: h}
		if err := nar.DumpPath(cw, real); err != nil {
			return sysError(err)
		}
		info.NarHash, info.NarSize = h.Sum(), uint64(cw.n)
	}
	return nil
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (cw *countingWriter) Write(p []byte) (int, error) {
	n, err := cw.w.Write(p)
	cw.n += int64(n)
	return n, err
}

// opGenerateBinaryCacheKey is --generate-binary-cache-key NAME SECRET
// PUBLIC: an Ed25519 key pair in CppNix's "name:base64" files.
func opGenerateBinaryCacheKey(c *nixStoreCmd) error {
	for _, f := range c.opFlags {
		return unknownFlag(f)
	}
	if len(c.opArgs) != 3 {
		return usagef("three arguments expected")
	}
	name, secretFile, publicFile := c.opArgs[0], c.opArgs[1], c.opArgs[2]
	if name == "" {
		return errors.New("secret key is corrupt")
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	enc := base64.StdEncoding.EncodeToString
	if err := os.WriteFile(ospath.Native(publicFile), []byte(name+":"+enc(pub)), 0o666); err != nil {
		return fmt.Errorf("writing to file '%s': %s", publicFile, syserr.Strerror(err))
	}
	// CppNix sets the umask to 077 before writing the secret key.
	if err := os.WriteFile(ospath.Native(secretFile), []byte(name+":"+enc(priv)), 0o600); err != nil {
		return fmt.Errorf("writing to file '%s': %s", secretFile, syserr.Strerror(err))
	}
	return nil
}

// opInit is --init, which does nothing (the database is created when the
// store is opened).
func opInit(c *nixStoreCmd) error {
	if err := c.noFlags(); err != nil {
		return err
	}
	if len(c.opArgs) > 0 {
		return usagef("no arguments expected")
	}
	return nil
}

func opVersion(c *nixStoreCmd) error {
	c.println("nix-store (Nix) " + Version)
	return nil
}

// followAll resolves arguments to store paths.
func (c *nixStoreCmd) followAll(args []string) ([]storepath.StorePath, error) {
	var ps []storepath.StorePath
	for _, a := range args {
		p, err := followLinksToStorePath(c.store.Dir(), a)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, nil
}

func mapKeys[K comparable, V any](m map[K]V) []K {
	ks := make([]K, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
