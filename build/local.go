// This file runs one build on this machine (CppNix's LocalDerivationGoal):
// it decides whether to use the sandbox, creates the build directory,
// chooses the scratch paths of the outputs, prepares the builder's
// environment and the sandbox's root, starts the builder, collects its
// output into the log with CppNix's line handling and time limits, and on
// success registers the outputs (outputs.go).

package build

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/nixgo/nixgo/build/logs"
	"github.com/nixgo/nixgo/build/sandbox"
	"github.com/nixgo/nixgo/config"
	"github.com/nixgo/nixgo/format/derivation"
	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/store"
)

// homeDir is the builder's $HOME, which must not exist.
const homeDir = "/homeless-shelter"

// buildError is a failure of the build itself (CppNix's BuildError), as
// opposed to an error that stops everything.
type buildError struct{ msg string }

func (e *buildError) Error() string { return e.msg }

func buildErrorf(format string, args ...any) error {
	return &buildError{fmt.Sprintf(format, args...)}
}

// notDeterministic is CppNix's NotDeterministic.
type notDeterministic struct{ buildError }

// buildOutcome is what a build goroutine hands back to the loop.
type buildOutcome struct {
	status      Status
	err         error
	fatal       error
	outputs     map[string]storepath.StorePath
	start, stop int64
}

// localBuild is one build in progress.
type localBuild struct {
	g   *goal
	w   *worker
	cfg *config.Config
	drv *derivation.Derivation
	p   *parsedDrv

	useChroot         bool
	topTmpDir         string
	tmpDir            string
	tmpDirInSandbox   string
	chrootParentDir   string
	chrootRootDir     string
	scratch           map[string]storepath.StorePath
	inputRewrites     *rewriter
	redirected        map[storepath.StorePath]storepath.StorePath
	env               map[string]string
	binds             map[string]sandbox.Bind
	hashMismatch      bool
	checkMismatch     bool
	keptTmpDir        bool
	logw              *logs.Writer
	logTail           []string
	curLine           []byte
	linePos           int
	logSize           uint64
	act               *activity
	proc              *sandbox.Process
	startTime         int64
	killedBy          error
	killedStatus      Status
	inputPaths        map[storepath.StorePath]bool
	outputRewrites    map[string]string
	builderActivities map[uint64]*activity
}

func newLocalBuild(g *goal) *localBuild {
	return &localBuild{
		g:                 g,
		w:                 g.w,
		cfg:               g.w.cfg,
		drv:               g.drv,
		p:                 g.parsed,
		scratch:           map[string]storepath.StorePath{},
		inputRewrites:     newRewriter(),
		redirected:        map[storepath.StorePath]storepath.StorePath{},
		env:               map[string]string{},
		inputPaths:        g.inputPaths,
		outputRewrites:    map[string]string{},
		builderActivities: map[uint64]*activity{},
	}
}

func (b *localBuild) path(p storepath.StorePath) string { return b.w.dir.Path(p) }

func (b *localBuild) drvPathS() string { return b.path(b.g.drvPath) }

// run does the build up to the registration of its outputs (cleanup
// comes after, see goal.locked). It runs in its own goroutine and touches
// the worker only through events.
func (b *localBuild) run() (out buildOutcome) {
	if err := b.prepare(); err != nil {
		var be *buildError
		if errors.As(err, &be) {
			out.status, out.err = InputRejected, err
			b.w.events <- func() { b.w.permanentFailure = true }
		} else {
			out.status, out.fatal = MiscFailure, err
		}
		return out
	}
	out.start = b.startTime
	b.started()
	b.collect()
	st, err := b.proc.Wait()
	out.stop = time.Now().Unix()
	b.w.events <- func() {
		b.w.runningBuilds--
		b.w.updateProgress()
	}
	b.closeLog()
	if err != nil {
		out.status, out.fatal = MiscFailure, err
		return out
	}
	if b.killedBy != nil {
		out.status, out.err = b.killedStatus, b.killedBy
		return out
	}
	return b.buildDone(st, out)
}

// prepare is CppNix's tryLocalBuild and startBuilder up to the fork.
func (b *localBuild) prepare() error {
	w, g := b.w, b.g
	noChroot, err := b.p.boolAttr("__noChroot", false)
	if err != nil {
		return err
	}
	switch b.cfg.Sandbox() {
	case config.SandboxEnabled:
		if noChroot {
			return fmt.Errorf("derivation '%s' has '__noChroot' set, but that's not allowed when 'sandbox' is 'true'", b.drvPathS())
		}
		b.useChroot = true
	case config.SandboxRelaxed:
		b.useChroot = g.dtype.IsSandboxed() && !noChroot
	}
	if w.s.RealStoreDir() != string(w.dir) {
		if runtime.GOOS != "linux" {
			return errors.New("building using a diverted store is not supported on this platform")
		}
		b.useChroot = true
	}
	if runtime.GOOS != "linux" {
		// macOS sandbox profiles are not implemented: builds run
		// unsandboxed there, and on Windows.
		b.useChroot = false
	}
	if b.useChroot {
		if err := sandbox.Supported(); err != nil {
			if !b.cfg.Bool("sandbox-fallback") {
				return errors.New("this system does not support the kernel namespaces that are required for sandboxing; use '--no-sandbox' to disable sandboxing")
			}
			w.log.Log(store.LevelDebug, "auto-disabling sandboxing because the prerequisite namespaces are not available")
			b.useChroot = false
		}
	}
	if err := b.checkPlatform(); err != nil {
		return err
	}
	if err := b.createTmpDir(); err != nil {
		return err
	}
	if err := b.chooseScratchPaths(); err != nil {
		return err
	}
	if err := b.initEnv(); err != nil {
		return err
	}
	if err := b.writeStructuredAttrs(); err != nil {
		return err
	}
	if err := b.exportReferencesGraph(); err != nil {
		return err
	}
	if b.useChroot {
		if err := b.prepareChroot(); err != nil {
			return err
		}
	}
	if b.needsHashRewrite() {
		if _, err := os.Lstat(homeDir); err == nil {
			return fmt.Errorf("home directory '%s' exists; please remove it to assure purity of builds without sandboxing", homeDir)
		}
	}
	if feats, _ := b.p.requiredSystemFeatures(g.dtype); contains(feats, "recursive-nix") {
		return errors.New("the 'recursive-nix' system feature is not supported by nixgo")
	}
	w.log.Log(store.LevelChatty, fmt.Sprintf("executing builder '%s'", b.drv.Builder))
	w.log.Log(store.LevelChatty, fmt.Sprintf("using builder args '%s'", strings.Join(b.drv.Args, " ")))
	if b.cfg.Bool("keep-build-log") {
		lw, err := logs.Create(w.s.LogDir(), b.g.drvPath.Base(), b.cfg.Bool("compress-build-log"))
		if err != nil {
			return err
		}
		b.logw = lw
	}
	b.startTime = time.Now().Unix()
	cmd, err := b.command()
	if err != nil {
		return err
	}
	proc, err := sandbox.Start(cmd)
	if err != nil {
		return err
	}
	b.proc = proc
	return nil
}

// needsHashRewrite tells whether outputs that exist must be built at
// other paths (CppNix: without the Linux sandbox).
func (b *localBuild) needsHashRewrite() bool {
	return !(runtime.GOOS == "linux" && b.useChroot)
}

// checkPlatform is CppNix's canBuildLocally check.
func (b *localBuild) checkPlatform() error {
	features, err := b.p.requiredSystemFeatures(b.g.dtype)
	if err != nil {
		return err
	}
	system := b.cfg.String("system")
	ok := b.drv.Platform == system || contains(b.cfg.Strings("extra-platforms"), b.drv.Platform) || b.drv.IsBuiltin()
	have := b.cfg.Strings("system-features")
	for _, f := range features {
		if !contains(have, f) {
			ok = false
		}
	}
	if !ok {
		return fmt.Errorf("a '%s' with features {%s} is required to build '%s', but I am a '%s' with features {%s}",
			b.drv.Platform, strings.Join(features, ", "), b.drvPathS(), system, strings.Join(sortedStrings(have), ", "))
	}
	return nil
}

// createTmpDir creates the build directory (CppNix's createTempDir with a
// local counter: nix-build-<drv name>-<n>).
func (b *localBuild) createTmpDir() error {
	root, ok := b.cfg.Optional("build-dir")
	if !ok || root == "" {
		root, _ = b.w.o.Getenv("TMPDIR")
		if root == "" {
			root = os.TempDir()
			if runtime.GOOS != "windows" {
				root = "/tmp"
			}
		}
	}
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	for n := 0; ; n++ {
		p := filepath.Join(root, fmt.Sprintf("nix-build-%s-%d", b.g.drvPath.Name(), n))
		err := os.Mkdir(p, 0o700)
		if err == nil {
			b.topTmpDir = p
			break
		}
		if !os.IsExist(err) {
			return fmt.Errorf("creating directory '%s': %w", p, syserr.Unwrap(err))
		}
	}
	b.tmpDir = b.topTmpDir
	if b.useChroot {
		b.tmpDir = b.topTmpDir + "/build"
		if err := os.Mkdir(b.tmpDir, 0o700); err != nil {
			return err
		}
		b.tmpDirInSandbox = b.cfg.String("sandbox-build-dir")
	} else {
		b.tmpDirInSandbox = b.tmpDir
	}
	if runtime.GOOS == "windows" {
		b.tmpDirInSandbox = filepath.FromSlash(b.tmpDirInSandbox)
	}
	return nil
}

// chooseScratchPaths decides where each output is built.
func (b *localBuild) chooseScratchPaths() error {
	w, g := b.w, b.g
	for _, name := range b.drv.OutputNames() {
		io := g.initial[name]
		var scratch storepath.StorePath
		var err error
		switch {
		case !io.known:
			scratch, err = b.fallbackForOutput(name)
		case !b.needsHashRewrite():
			scratch = io.path
		default:
			_, statErr := os.Lstat(w.s.RealPath(io.path))
			if statErr != nil || (g.mode != Repair && !io.valid) {
				scratch = io.path
			} else {
				scratch, err = b.fallbackForPath(io.path)
			}
		}
		if err != nil {
			return err
		}
		b.scratch[name] = scratch
		b.inputRewrites.set(derivation.HashPlaceholder(name), b.path(scratch))
		if !io.known || io.path == scratch {
			continue
		}
		if err := w.s.DeletePath(w.s.RealPath(scratch)); err != nil {
			return err
		}
		b.inputRewrites.set(io.path.HashPart(), scratch.HashPart())
		b.redirected[io.path] = scratch
	}
	return nil
}

// fallbackForOutput is CppNix's makeFallbackPath(outputName).
func (b *localBuild) fallbackForOutput(name string) (storepath.StorePath, error) {
	return b.w.dir.MakeStorePath("rewrite:"+b.g.drvPath.Base()+":name:"+name, hash.Zero(hash.SHA256),
		storepath.OutputPathName(b.drv.Name, name))
}

// fallbackForPath is CppNix's makeFallbackPath(path).
func (b *localBuild) fallbackForPath(p storepath.StorePath) (storepath.StorePath, error) {
	return b.w.dir.MakeStorePath("rewrite:"+b.g.drvPath.Base()+":"+p.Base(), hash.Zero(hash.SHA256), p.Name())
}

// initEnv is CppNix's initEnv and initTmpDir.
func (b *localBuild) initEnv() error {
	env := b.env
	env["PATH"] = "/path-not-set"
	env["HOME"] = homeDir
	env["NIX_STORE"] = string(b.w.dir)
	env["NIX_BUILD_CORES"] = strconv.FormatUint(b.cfg.Uint("cores"), 10)
	if b.p.structured == nil {
		passAsFile := map[string]bool{}
		for _, n := range tokenize(b.drv.Env["passAsFile"]) {
			passAsFile[n] = true
		}
		for k, v := range b.drv.Env {
			if !passAsFile[k] {
				env[k] = v
				continue
			}
			fn := ".attr-" + hash.SumString(hash.SHA256, k).Nix32()
			if err := os.WriteFile(filepath.Join(b.tmpDir, fn), []byte(b.inputRewrites.rewrite(v)), 0o666); err != nil {
				return err
			}
			env[k+"Path"] = b.inSandbox(fn)
		}
	}
	for _, k := range []string{"NIX_BUILD_TOP", "TMPDIR", "TEMPDIR", "TMP", "TEMP", "PWD"} {
		env[k] = b.tmpDirInSandbox
	}
	if b.g.dtype.IsFixed() {
		env["NIX_OUTPUT_CHECKED"] = "1"
	}
	if !b.g.dtype.IsSandboxed() {
		impure := b.cfg.StringMap("impure-env")
		if len(impure) > 0 {
			if err := b.cfg.RequireFeature("configurable-impure-env"); err != nil {
				return err
			}
		}
		vars, _, err := b.p.stringsAttr("impureEnvVars")
		if err != nil {
			return err
		}
		for _, v := range vars {
			if val, ok := impure[v]; ok {
				env[v] = val
			} else {
				val, _ := b.w.o.Getenv(v)
				env[v] = val
			}
		}
	}
	env["NIX_LOG_FD"] = "2"
	env["TERM"] = "xterm-256color"
	return nil
}

// inSandbox returns the path of a file of the build directory as the
// builder sees it.
func (b *localBuild) inSandbox(name string) string {
	if runtime.GOOS == "windows" {
		return b.tmpDirInSandbox + `\` + name
	}
	return b.tmpDirInSandbox + "/" + name
}

// writeStructuredAttrs writes .attrs.json and .attrs.sh.
func (b *localBuild) writeStructuredAttrs() error {
	if b.p.structured == nil {
		return nil
	}
	j, err := b.p.structuredAttrsJSON(b.inputRewrites, b.referencesGraphJSON)
	if err != nil {
		return err
	}
	sh := structuredAttrsShell(j)
	if err := os.WriteFile(filepath.Join(b.tmpDir, ".attrs.sh"), []byte(b.inputRewrites.rewrite(sh)), 0o666); err != nil {
		return err
	}
	b.env["NIX_ATTRS_SH_FILE"] = b.inSandbox(".attrs.sh")
	text, err := j.dump()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(b.tmpDir, ".attrs.json"), []byte(b.inputRewrites.rewrite(text)), 0o666); err != nil {
		return err
	}
	b.env["NIX_ATTRS_JSON_FILE"] = b.inSandbox(".attrs.json")
	return nil
}

// exportedReferences is CppNix's exportReferences: the closure of paths,
// which must be inputs, plus the outputs of derivations in it.
func (b *localBuild) exportedReferences(paths []storepath.StorePath) ([]storepath.StorePath, error) {
	w := b.w
	for _, p := range paths {
		if !b.inputPaths[p] {
			return nil, buildErrorf("cannot export references of path '%s' because it is not in the input closure of the derivation", b.path(p))
		}
	}
	closure, err := store.Closure(w.ctx, w.s, paths, store.ClosureOptions{})
	if err != nil {
		return nil, err
	}
	var more []storepath.StorePath
	for _, p := range closure {
		if p.IsDerivation() {
			d, err := readDrv(w.s, p)
			if err != nil {
				return nil, err
			}
			for _, name := range d.OutputNames() {
				if op := d.Outputs[name].Path; !op.IsZero() {
					more = append(more, op)
				}
			}
		}
	}
	if len(more) > 0 {
		c2, err := store.Closure(w.ctx, w.s, more, store.ClosureOptions{})
		if err != nil {
			return nil, err
		}
		closure = append(closure, c2...)
	}
	set := map[storepath.StorePath]bool{}
	var res []storepath.StorePath
	for _, p := range closure {
		if !set[p] {
			set[p] = true
			res = append(res, p)
		}
	}
	return storepath.SortPaths(res), nil
}

var exportNameRegexp = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// exportReferencesGraph writes the files of exportReferencesGraph (without
// structured attributes).
func (b *localBuild) exportReferencesGraph() error {
	if b.p.structured != nil {
		return nil
	}
	s := b.drv.Env["exportReferencesGraph"]
	ss := tokenize(s)
	if len(ss)%2 != 0 {
		return buildErrorf("odd number of tokens in 'exportReferencesGraph': '%s'", s)
	}
	w := b.w
	for i := 0; i < len(ss); i += 2 {
		fileName, pathS := ss[i], ss[i+1]
		if !exportNameRegexp.MatchString(fileName) {
			return fmt.Errorf("invalid file name '%s' in 'exportReferencesGraph'", fileName)
		}
		if !w.dir.IsInStore(pathS) {
			return buildErrorf("'exportReferencesGraph' contains a non-store path '%s'", pathS)
		}
		p, _, err := w.dir.ToStorePath(pathS)
		if err != nil {
			return err
		}
		refs, err := b.exportedReferences([]storepath.StorePath{p})
		if err != nil {
			return err
		}
		var infos []*store.PathInfo
		for _, r := range refs {
			info, err := w.s.QueryPathInfo(w.ctx, r)
			if err != nil {
				return err
			}
			infos = append(infos, info)
		}
		f, err := os.Create(filepath.Join(b.tmpDir, fileName))
		if err != nil {
			return err
		}
		err = store.WriteRegistration(f, w.dir, infos, false, false)
		if err2 := f.Close(); err == nil {
			err = err2
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// referencesGraphJSON is CppNix's pathInfoToJSON over exportReferences, for
// structured attributes.
func (b *localBuild) referencesGraphJSON(pathsS []string) (*jsonValue, error) {
	w := b.w
	var paths []storepath.StorePath
	for _, s := range pathsS {
		p, _, err := w.dir.ToStorePath(s)
		if err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	refs, err := b.exportedReferences(paths)
	if err != nil {
		return nil, err
	}
	list := &jsonValue{kind: jArray, arr: []*jsonValue{}}
	for _, r := range refs {
		info, err := w.s.QueryPathInfo(w.ctx, r)
		if err != nil {
			return nil, err
		}
		o := &jsonValue{kind: jObject, obj: map[string]*jsonValue{}}
		o.obj["narHash"] = jsonStr(info.NarHash.Format(hash.Nix32, true))
		o.obj["narSize"] = &jsonValue{kind: jUint, u: info.NarSize}
		refsV := &jsonValue{kind: jArray, arr: []*jsonValue{}}
		for _, x := range info.References {
			refsV.arr = append(refsV.arr, jsonStr(b.path(x)))
		}
		o.obj["references"] = refsV
		if !info.CA.IsZero() {
			o.obj["ca"] = jsonStr(info.CA.String())
		}
		o.obj["path"] = jsonStr(b.path(r))
		o.obj["valid"] = &jsonValue{kind: jBool, b: true}
		closure, err := store.Closure(w.ctx, w.s, []storepath.StorePath{r}, store.ClosureOptions{})
		if err != nil {
			return nil, err
		}
		var total uint64
		for _, c := range closure {
			ci, err := w.s.QueryPathInfo(w.ctx, c)
			if err != nil {
				return nil, err
			}
			total += ci.NarSize
		}
		o.obj["closureSize"] = &jsonValue{kind: jUint, u: total}
		list.arr = append(list.arr, o)
	}
	return list, nil
}

// command returns the process to start: the builder with its rewritten
// arguments and environment, or a builtin builder.
func (b *localBuild) command() (*sandbox.Command, error) {
	var env []string
	for _, k := range sortedKeys(b.env) {
		env = append(env, b.inputRewrites.rewrite(k+"="+b.env[k]))
	}
	cmd := &sandbox.Command{Path: b.drv.Builder, Env: env, Dir: b.tmpDirInSandbox}
	if b.useChroot {
		cmd.Dir = b.tmpDirInSandbox
	}
	if b.drv.IsBuiltin() {
		req, err := b.builtinRequest()
		if err != nil {
			return nil, err
		}
		cmd.Builtin = req
	} else {
		cmd.Args = []string{baseName(b.drv.Builder)}
		for _, a := range b.drv.Args {
			cmd.Args = append(cmd.Args, b.inputRewrites.rewrite(a))
		}
	}
	if b.useChroot {
		cmd.Chroot = &sandbox.Chroot{
			Root:               b.chrootRootDir,
			StoreDir:           string(b.w.dir),
			PrivateNetwork:     b.g.dtype.IsSandboxed(),
			ShmSize:            b.cfg.String("sandbox-dev-shm-size"),
			UID:                1000,
			GID:                100,
			FilterSyscalls:     b.cfg.Bool("filter-syscalls"),
			AllowNewPrivileges: b.cfg.Bool("allow-new-privileges"),
		}
		for _, t := range sortedKeys(b.binds) {
			cmd.Chroot.Binds = append(cmd.Chroot.Binds, b.binds[t])
		}
	}
	return cmd, nil
}

// baseName is CppNix's baseNameOf.
func baseName(p string) string {
	p = strings.TrimRight(p, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// started reports the start of the build (CppNix's started()).
func (b *localBuild) started() {
	w := b.w
	msg := fmt.Sprintf("building '%s'", b.drvPathS())
	switch b.g.mode {
	case Check:
		msg = fmt.Sprintf("checking outputs of '%s'", b.drvPathS())
	case Repair:
		msg = fmt.Sprintf("repairing outputs of '%s'", b.drvPathS())
	}
	b.act = startActivity(w.log, store.LevelInfo, ActBuild, msg,
		[]Field{Str(b.drvPathS()), Str(""), Int(1), Int(1)}, w.actRealise.id)
	w.events <- func() {
		w.runningBuilds++
		w.updateProgress()
	}
}

// collect reads the builder's output until EOF, enforcing the time and
// size limits.
func (b *localBuild) collect() {
	type chunk struct {
		data []byte
		err  error
	}
	chunks := make(chan chunk, 4)
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := b.proc.Output().Read(buf)
			chunks <- chunk{append([]byte(nil), buf[:n]...), err}
			if err != nil {
				return
			}
		}
	}()
	maxSilent := time.Duration(b.cfg.Int("max-silent-time")) * time.Second
	timeout := time.Duration(b.cfg.Int("timeout")) * time.Second
	maxLog := b.cfg.Uint("max-build-log-size")
	var silentC, totalC <-chan time.Time
	var silentT *time.Timer
	if maxSilent > 0 {
		silentT = time.NewTimer(maxSilent)
		defer silentT.Stop()
		silentC = silentT.C
	}
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		totalC = t.C
	}
	kill := func(status Status, err error) {
		if b.killedBy == nil {
			b.killedBy, b.killedStatus = err, status
			b.proc.Kill()
		}
	}
	for {
		select {
		case c := <-chunks:
			if len(c.data) > 0 && b.killedBy == nil {
				b.handleOutput(c.data)
				if maxLog > 0 && b.logSize > maxLog {
					kill(LogLimitExceeded, fmt.Errorf("%s killed after writing more than %d bytes of log output", b.g.name, maxLog))
				}
				if silentT != nil {
					silentT.Reset(maxSilent)
				}
			}
			if c.err != nil {
				if len(b.curLine) > 0 {
					b.flushLine()
				}
				return
			}
		case <-silentC:
			kill(TimedOut, fmt.Errorf("%s timed out after %d seconds of silence", b.g.name, int(maxSilent/time.Second)))
		case <-totalC:
			kill(TimedOut, fmt.Errorf("%s timed out after %d seconds", b.g.name, int(timeout/time.Second)))
		case <-b.w.ctx.Done():
			kill(MiscFailure, errors.New("build was interrupted"))
		}
	}
}

// handleOutput is CppNix's handleChildOutput: lines are split at "\n",
// "\r" goes back to the start of the line; the raw data goes to the log.
func (b *localBuild) handleOutput(data []byte) {
	b.logSize += uint64(len(data))
	for _, c := range data {
		switch c {
		case '\r':
			b.linePos = 0
		case '\n':
			b.flushLine()
		default:
			if b.linePos >= len(b.curLine) {
				b.curLine = append(b.curLine, 0)
			}
			b.curLine[b.linePos] = c
			b.linePos++
		}
	}
	if b.logw != nil {
		b.logw.Write(data)
	}
}

// flushLine handles one complete line of output.
func (b *localBuild) flushLine() {
	line := string(b.curLine)
	b.curLine, b.linePos = b.curLine[:0], 0
	if b.handleJSONLogMessage(line) {
		return
	}
	b.logTail = append(b.logTail, line)
	if n := int(b.cfg.Uint("log-lines")); len(b.logTail) > n {
		b.logTail = b.logTail[len(b.logTail)-n:]
	}
	b.act.result(ResBuildLogLine, Str(line))
}

// handleJSONLogMessage handles "@nix {...}" lines from the builder
// (phases, messages); it reports whether the line was one.
func (b *localBuild) handleJSONLogMessage(line string) bool {
	if !strings.HasPrefix(line, "@nix ") {
		return false
	}
	v, err := parseJSON(line[5:])
	if err != nil {
		b.w.log.Log(store.LevelError, fmt.Sprintf("error: bad JSON log message from the derivation builder: %s", err.Error()))
		return false
	}
	action := v.get("action")
	if action == nil || action.kind != jString {
		b.w.log.Log(store.LevelWarn, "warning: Unable to handle a JSON message from the derivation builder: [json.exception.type_error.302] type must be string, but is "+typeNameOr(action))
		return false
	}
	switch action.s {
	case "setPhase":
		if ph := v.get("phase"); ph != nil && ph.kind == jString {
			b.act.result(ResSetPhase, Str(ph.s))
		}
	case "msg":
		lvl, msg := v.get("level"), v.get("msg")
		if lvl != nil && msg != nil && msg.kind == jString && (lvl.kind == jUint || lvl.kind == jInt) {
			b.w.log.Log(store.Level(lvl.u), msg.s)
		}
	}
	return true
}

func typeNameOr(v *jsonValue) string {
	if v == nil {
		return "null"
	}
	return v.typeName()
}

func (b *localBuild) closeLog() {
	if b.logw != nil {
		b.logw.Close()
		b.logw = nil
	}
}

// buildDone is CppNix's buildDone: check the status, register outputs.
func (b *localBuild) buildDone(st sandbox.Status, out buildOutcome) buildOutcome {
	w := b.w
	if !st.OK() {
		b.deleteTmpDir(false)
		b.moveOutputsOutOfChroot()
		msg := fmt.Sprintf("builder for '%s%s%s' %s", ansiMagenta, b.drvPathS(), ansiNormal, st.String())
		if !w.log.IsVerbose() && len(b.logTail) > 0 {
			msg += fmt.Sprintf(";\nlast %d log lines:\n", len(b.logTail))
			for _, l := range b.logTail {
				msg += "> " + l + "\n"
			}
			cmd := "nix-store -l"
			if w.o.NixCommand {
				cmd = "nix log"
			}
			msg += fmt.Sprintf("For full logs, run:\n  %s%s %s%s", ansiBold, cmd, b.drvPathS(), ansiNormal)
		}
		out.err = &buildError{msg}
		out.status = PermanentFailure
		if !b.g.dtype.IsSandboxed() {
			out.status = TransientFailure
		}
		return out
	}
	outputs, err := b.registerOutputs()
	if b.hashMismatch || b.checkMismatch {
		hm, cm := b.hashMismatch, b.checkMismatch
		w.events <- func() {
			w.hashMismatch = w.hashMismatch || hm
			w.checkMismatch = w.checkMismatch || cm
		}
	}
	if err != nil {
		var nd *notDeterministic
		var be *buildError
		switch {
		case errors.As(err, &nd):
			out.status, out.err = NotDeterministic, err
		case errors.As(err, &be):
			out.status, out.err = OutputRejected, err
		default:
			out.status, out.fatal = MiscFailure, err
		}
		return out
	}
	if err := b.runPostBuildHook(outputs); err != nil {
		out.status, out.fatal = MiscFailure, err
		return out
	}
	for _, p := range b.redirected {
		w.s.DeletePath(w.s.RealPath(p))
	}
	out.status, out.outputs = Built, outputs
	return out
}

// moveOutputsOutOfChroot moves the outputs of a failed sandboxed build to
// the store (invalid), for debugging, as CppNix does.
func (b *localBuild) moveOutputsOutOfChroot() {
	if !b.useChroot || b.g.mode != Normal {
		return
	}
	for _, name := range b.drv.OutputNames() {
		io := b.g.initial[name]
		if !io.known || io.valid {
			continue
		}
		real := b.w.s.RealPath(io.path)
		inChroot := b.chrootRootDir + b.path(io.path)
		if _, err := os.Lstat(inChroot); err == nil {
			os.Rename(inChroot, real)
		}
	}
}

// deleteTmpDir deletes the build directory, or with keep-failed (and
// !force) keeps it and says so.
func (b *localBuild) deleteTmpDir(force bool) {
	if b.topTmpDir == "" {
		return
	}
	if b.cfg.Bool("keep-failed") && !force && !b.drv.IsBuiltin() {
		b.w.log.Log(store.LevelError, fmt.Sprintf("note: keeping build directory '%s'", b.tmpDir))
		os.Chmod(b.topTmpDir, 0o755)
		os.Chmod(b.tmpDir, 0o755)
		b.keptTmpDir = true
	} else {
		removeTree(b.topTmpDir)
	}
	b.topTmpDir = ""
}

// cleanup runs when the build goroutine ends: the builder is killed if it
// still runs, the chroot and the build directory are removed, the
// activity ends.
func (b *localBuild) cleanup(out *buildOutcome) {
	if b.proc != nil {
		b.proc.Kill()
		b.proc.Wait()
	}
	b.closeLog()
	if b.chrootParentDir != "" {
		b.w.s.DeletePath(b.chrootParentDir)
	}
	b.deleteTmpDir(out.status.Success())
	for _, a := range b.builderActivities {
		a.stop()
	}
	b.act.stop()
}

// removeTree deletes a directory tree, making directories writable first.
func removeTree(p string) {
	filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(path, 0o700)
		}
		return nil
	})
	os.RemoveAll(p)
}
