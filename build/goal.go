// This file is the life of one derivation goal (CppNix's DerivationGoal):
// load the derivation, see which wanted outputs are already valid, realise
// the inputs, take a build slot and the output locks, build, and tell the
// goals waiting for it.

package build

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/nixgo/nixgo/format/derivation"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/local"
)

// initialOutput is what is known of an output before building.
type initialOutput struct {
	wanted bool
	known  bool // the path is known before building
	path   storepath.StorePath
	valid  bool
}

// goal builds one derivation.
type goal struct {
	w       *worker
	drvPath storepath.StorePath
	wanted  map[string]bool // nil: all outputs
	mode    Mode
	key     string
	name    string

	drv     *derivation.Derivation
	parsed  *parsedDrv
	dtype   derivation.Type
	initial map[string]*initialOutput

	waitees    map[*goal]bool
	waiters    []*goal
	nrFailed   int
	inputPaths map[storepath.StorePath]bool
	builtBy    map[*goal]bool // input goals that finished

	locks   *local.OutputLocks
	actLock *activity

	finished bool
	result   Result
}

func newGoal(w *worker, drvPath storepath.StorePath, outputs []string, mode Mode) *goal {
	g := &goal{w: w, drvPath: drvPath, mode: mode, waitees: map[*goal]bool{}, builtBy: map[*goal]bool{}}
	if outputs != nil {
		g.wanted = map[string]bool{}
		for _, o := range outputs {
			g.wanted[o] = true
		}
	}
	g.key = "b$" + drvPath.Name() + "$" + w.dir.Path(drvPath)
	g.name = fmt.Sprintf("building of '%s' from .drv file", DerivedPath{Path: drvPath, Built: true, Outputs: outputs}.String(w.dir))
	return g
}

// addWanted adds outputs to the wanted ones. It returns false if the goal
// finished and the new outputs need another goal.
func (g *goal) addWanted(outputs []string) bool {
	if g.wanted == nil {
		return true
	}
	if outputs == nil {
		if g.finished && g.result.Status == AlreadyValid {
			return false
		}
		g.wanted = nil
		return true
	}
	added := false
	for _, o := range outputs {
		if !g.wanted[o] {
			g.wanted[o] = true
			added = true
		}
	}
	return !(added && g.finished && g.result.Status == AlreadyValid)
}

func (g *goal) wants(output string) bool { return g.wanted == nil || g.wanted[output] }

// init loads the derivation and decides what to do.
func (g *goal) init() {
	w := g.w
	valid, err := w.s.IsValidPath(w.ctx, g.drvPath)
	if err != nil {
		w.fatal = err
		return
	}
	if !valid {
		// CppNix tries to substitute the .drv, which fails without
		// substituters.
		w.logError(fmt.Errorf("path '%s' is required, but there is no substituter that can build it", w.dir.Path(g.drvPath)))
		g.done(MiscFailure, nil, fmt.Errorf("cannot build missing derivation '%s'", w.dir.Path(g.drvPath)))
		return
	}
	if err := w.s.AddTempRoot(w.ctx, g.drvPath); err != nil {
		w.fatal = err
		return
	}
	if g.drv, err = w.readDerivation(g.drvPath); err != nil {
		w.fatal = err
		return
	}
	if g.parsed, err = parseDrv(g.drvPath, g.drv); err != nil {
		w.fatal = err
		return
	}
	if g.dtype, err = g.drv.Type(); err != nil {
		w.fatal = err
		return
	}
	if !g.dtype.HasKnownOutputPaths() {
		if err := w.cfg.RequireFeature("ca-derivations"); err != nil {
			w.fatal = err
			return
		}
		w.fatal = fmt.Errorf("building content-addressed derivations ('%s') is not supported by nixgo yet", w.dir.Path(g.drvPath))
		return
	}
	if g.dtype.IsImpure() {
		if err := w.cfg.RequireFeature("impure-derivations"); err != nil {
			w.fatal = err
			return
		}
		w.fatal = fmt.Errorf("building impure derivations ('%s') is not supported by nixgo yet", w.dir.Path(g.drvPath))
		return
	}
	g.initial = map[string]*initialOutput{}
	for _, name := range g.drv.OutputNames() {
		out := g.drv.Outputs[name]
		io := &initialOutput{wanted: true}
		if !out.Path.IsZero() {
			io.known, io.path = true, out.Path
			if err := w.s.AddTempRoot(w.ctx, out.Path); err != nil {
				w.fatal = err
				return
			}
		}
		g.initial[name] = io
	}
	allValid, err := g.checkPathValidity()
	if err != nil {
		w.fatal = err
		return
	}
	if allValid && g.mode == Normal {
		g.done(AlreadyValid, g.validOutputs(), nil)
		return
	}
	if g.mode == Check && !allValid {
		w.fatal = fmt.Errorf("some outputs of '%s' are not valid, so checking is not possible", w.dir.Path(g.drvPath))
		return
	}
	g.gaveUpOnSubstitution()
}

// checkPathValidity refreshes which outputs are wanted and valid and
// reports whether all wanted ones are valid.
func (g *goal) checkPathValidity() (bool, error) {
	w := g.w
	left := map[string]bool{}
	for o := range g.wanted {
		left[o] = true
	}
	for _, name := range g.drv.OutputNames() {
		io := g.initial[name]
		io.wanted = g.wants(name)
		delete(left, name)
		if io.known {
			v, err := w.s.IsValidPath(w.ctx, io.path)
			if err != nil {
				return false, err
			}
			io.valid = v
		}
	}
	if len(left) > 0 {
		var q []string
		for _, o := range sortedKeys(left) {
			q = append(q, "'"+o+"'")
		}
		return false, fmt.Errorf("derivation '%s' does not have wanted outputs %s", w.dir.Path(g.drvPath), strings.Join(q, ", "))
	}
	for _, io := range g.initial {
		if io.wanted && !(io.known && io.valid) {
			return false, nil
		}
	}
	return true, nil
}

func (g *goal) validOutputs() map[string]storepath.StorePath {
	m := map[string]storepath.StorePath{}
	for name, io := range g.initial {
		if io.known && io.valid {
			m[name] = io.path
		}
	}
	return m
}

// gaveUpOnSubstitution starts the goals of the inputs.
func (g *goal) gaveUpOnSubstitution() {
	w := g.w
	inputs := make([]storepath.StorePath, 0, len(g.drv.InputDrvs))
	for p := range g.drv.InputDrvs {
		inputs = append(inputs, p)
	}
	storepath.SortPaths(inputs)
	for _, p := range inputs {
		mode := Normal
		if g.mode == Repair {
			mode = Repair
		}
		sub := w.makeGoal(p, g.drv.InputDrvs[p], mode)
		if w.fatal != nil {
			return
		}
		g.addWaitee(sub)
	}
	for _, src := range g.drv.InputSrcs {
		ok, err := w.s.IsValidPath(w.ctx, src)
		if err != nil {
			w.fatal = err
			return
		}
		if ok {
			continue
		}
		if !w.cfg.Bool("substitute") {
			w.fatal = fmt.Errorf("dependency '%s' of '%s' does not exist, and substitution is disabled", w.dir.Path(src), w.dir.Path(g.drvPath))
			return
		}
		w.logError(fmt.Errorf("path '%s' is required, but there is no substituter that can build it", w.dir.Path(src)))
		g.nrFailed++
	}
	if len(g.waitees) == 0 {
		g.inputsRealised()
	}
}

// addWaitee makes g wait for sub (unless sub is done already).
func (g *goal) addWaitee(sub *goal) {
	if sub.finished {
		g.builtBy[sub] = true
		if !sub.result.Status.Success() {
			g.nrFailed++
		}
		return
	}
	g.waitees[sub] = true
	sub.waiters = append(sub.waiters, g)
}

// waiteeDone is called when an input goal finished.
func (g *goal) waiteeDone(sub *goal, failed bool) {
	if g.finished || !g.waitees[sub] {
		return
	}
	delete(g.waitees, sub)
	g.builtBy[sub] = true
	if failed {
		g.nrFailed++
	}
	if len(g.waitees) == 0 || (failed && !g.w.keepGoing) {
		for other := range g.waitees {
			other.removeWaiter(g)
		}
		g.waitees = map[*goal]bool{}
		g.inputsRealised()
	}
}

func (g *goal) removeWaiter(x *goal) {
	for i, y := range g.waiters {
		if y == x {
			g.waiters = append(g.waiters[:i], g.waiters[i+1:]...)
			return
		}
	}
}

// inputsRealised computes the input closure and queues the build.
func (g *goal) inputsRealised() {
	w := g.w
	if g.nrFailed != 0 {
		g.done(DependencyFailed, nil, fmt.Errorf("%d dependencies of derivation '%s' failed to build", g.nrFailed, w.dir.Path(g.drvPath)))
		return
	}
	var roots []storepath.StorePath
	for p, outs := range g.drv.InputDrvs {
		m, err := g.inputOutputs(p)
		if err != nil {
			w.fatal = err
			return
		}
		for _, o := range outs {
			op, ok := m[o]
			if !ok {
				w.fatal = fmt.Errorf("derivation '%s' requires non-existent output '%s' from input derivation '%s'", w.dir.Path(g.drvPath), o, w.dir.Path(p))
				return
			}
			roots = append(roots, op)
		}
	}
	roots = append(roots, g.drv.InputSrcs...)
	closure, err := store.Closure(w.ctx, w.s, roots, store.ClosureOptions{})
	if err != nil {
		w.fatal = err
		return
	}
	g.inputPaths = map[storepath.StorePath]bool{}
	for _, p := range closure {
		g.inputPaths[p] = true
	}
	w.ready = append(w.ready, g)
}

// inputOutputs returns the output paths of an input derivation.
func (g *goal) inputOutputs(p storepath.StorePath) (map[string]storepath.StorePath, error) {
	if sub, ok := g.w.goals[p]; ok && sub.finished && sub.result.Outputs != nil {
		m := map[string]storepath.StorePath{}
		for k, v := range sub.result.Outputs {
			m[k] = v
		}
		if d, err := g.w.readDerivation(p); err == nil {
			for name, o := range d.Outputs {
				if _, ok := m[name]; !ok && !o.Path.IsZero() {
					m[name] = o.Path
				}
			}
		}
		return m, nil
	}
	return g.w.s.QueryDerivationOutputs(g.w.ctx, p)
}

// lockFiles are the paths whose locks guard the build.
func (g *goal) lockFiles() []string {
	var paths []string
	for _, name := range g.drv.OutputNames() {
		if io := g.initial[name]; io.known {
			paths = append(paths, g.w.s.RealPath(io.path))
		} else {
			paths = append(paths, g.w.s.RealPath(g.drvPath)+"."+name)
		}
	}
	return paths
}

// tryToBuild takes the output locks (waiting in a goroutine if another
// process holds them), then builds. The goal holds a build slot.
func (g *goal) tryToBuild() {
	w := g.w
	files := g.lockFiles()
	locks, err := w.s.TryLockPaths(files)
	if err != nil {
		g.releaseSlot()
		w.fatal = err
		return
	}
	if locks != nil {
		g.locked(locks)
		return
	}
	var quoted []string
	for _, f := range sortedStrings(files) {
		quoted = append(quoted, "'"+f+"'")
	}
	g.actLock = startActivity(w.log, store.LevelWarn, ActBuildWaiting,
		"waiting for lock on "+ansiMagenta+strings.Join(quoted, ", ")+ansiNormal, nil, w.actRealise.id)
	w.spawn(func() func() {
		locks, err := w.s.LockPaths(files)
		return func() {
			g.actLock.stop()
			g.actLock = nil
			if err != nil {
				g.releaseSlot()
				w.fatal = err
				return
			}
			if g.finished || !w.wanted(g) {
				locks.Unlock(false)
				g.releaseSlot()
				return
			}
			g.locked(locks)
		}
	})
}

func sortedStrings(s []string) []string {
	s = append([]string(nil), s...)
	sort.Strings(s)
	return s
}

// locked continues once the output locks are held: another process may
// have built the outputs meanwhile.
func (g *goal) locked(locks *local.OutputLocks) {
	w := g.w
	g.locks = locks
	allValid, err := g.checkPathValidity()
	if err != nil {
		g.releaseSlot()
		w.fatal = err
		return
	}
	if g.mode != Check && allValid {
		g.locks.Unlock(true)
		g.locks = nil
		g.releaseSlot()
		g.done(AlreadyValid, g.validOutputs(), nil)
		return
	}
	for _, io := range g.initial {
		if io.known && !io.valid {
			if err := w.s.DeletePath(w.s.RealPath(io.path)); err != nil {
				g.releaseSlot()
				w.fatal = err
				return
			}
		}
	}
	// The outcome goes to the loop as soon as the outputs are registered,
	// so that the slot serves the next build while this one's chroot and
	// build directory are deleted.
	b := newLocalBuild(g)
	w.pending++
	go func() {
		out := b.run()
		w.events <- func() { g.buildFinished(b, out) }
		b.cleanup(&out)
		w.events <- func() { w.pending-- }
	}()
}

func (g *goal) releaseSlot() { g.w.running-- }

// buildFinished records the outcome of the build.
func (g *goal) buildFinished(b *localBuild, out buildOutcome) {
	w := g.w
	g.releaseSlot()
	if out.fatal != nil {
		w.fatal = out.fatal
	}
	g.result.StartTime, g.result.StopTime = out.start, out.stop
	deleteLocks := out.status == Built
	g.locks.Unlock(deleteLocks)
	g.locks = nil
	g.done(out.status, out.outputs, out.err)
}

// done finishes the goal (CppNix's DerivationGoal::done and amDone).
func (g *goal) done(status Status, outputs map[string]storepath.StorePath, err error) {
	w := g.w
	if g.finished {
		return
	}
	g.finished = true
	g.result.Status = status
	g.result.Err = err
	if status.Success() {
		g.result.Outputs = outputs
		if status == Built {
			w.doneBuilds++
		}
	} else if status != DependencyFailed {
		w.failedBuilds++
	}
	switch status {
	case TimedOut:
		w.timedOut = true
	case PermanentFailure:
		w.permanentFailure = true
	}
	w.expectedBuilds--
	w.updateProgress()
	if err != nil && len(g.waiters) > 0 {
		w.logError(err)
		g.result.logged = true
	}
	waiters := g.waiters
	g.waiters = nil
	for _, x := range waiters {
		x.waiteeDone(g, !status.Success())
	}
	if w.tops[g] {
		delete(w.tops, g)
		if !status.Success() && !w.keepGoing {
			w.tops = map[*goal]bool{}
		}
	}
}

// resultFor returns the result of g for the requested path, with only the
// wanted outputs (CppNix's getBuildResult).
func (g *goal) resultFor(p DerivedPath) Result {
	r := g.result
	r.Path = p
	if !g.finished {
		r.Status = MiscFailure
		return r
	}
	if r.Outputs != nil {
		m := map[string]storepath.StorePath{}
		for k, v := range r.Outputs {
			if p.Outputs == nil || contains(p.Outputs, k) {
				m[k] = v
			}
		}
		r.Outputs = m
	}
	return r
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// readDrv reads and parses a .drv file of a local store.
func readDrv(s *local.Store, p storepath.StorePath) (*derivation.Derivation, error) {
	text, err := os.ReadFile(s.RealPath(p))
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("reading file '%s': %v", s.RealPath(p), err)
	}
	name, err := p.DrvName()
	if err != nil {
		return nil, err
	}
	return derivation.Parse(s.Dir(), string(text), name)
}

const (
	ansiNormal  = "\x1b[0m"
	ansiBold    = "\x1b[1m"
	ansiMagenta = "\x1b[35;1m"
)
