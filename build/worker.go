// This file is the scheduler (CppNix's Worker): one goal per derivation,
// run from a single loop; builds run in goroutines that hand their results
// back to the loop. Goals wait for the goals of their inputs, then for a
// build slot (max-jobs), then for the locks on their outputs, then build.
// Ready goals get slots in the order of CppNix's goal keys (derivation
// name, then path), so that with -j1 builds run in the order CppNix runs
// them.

package build

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/nixgo/nixgo/config"
	"github.com/nixgo/nixgo/format/derivation"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/local"
)

// worker runs goals until the requested ones are done.
type worker struct {
	ctx    context.Context
	cancel context.CancelFunc
	o      Options
	s      *local.Store
	dir    storepath.Dir
	cfg    *config.Config
	log    Logger

	goals   map[storepath.StorePath]*goal
	tops    map[*goal]bool
	events  chan func()
	ready   []*goal // waiting for a build slot
	running int     // slots taken
	pending int     // goroutines that will send an event
	maxJobs int

	keepGoing bool
	fatal     error // an error that ends the whole run (CppNix's exceptions out of work())

	doneBuilds, failedBuilds, expectedBuilds, runningBuilds uint64
	actRealise, actBuilds                                   *activity

	permanentFailure, timedOut, hashMismatch, checkMismatch bool

	drvs      map[storepath.StorePath]*derivation.Derivation
	tmpDirSeq int
}

func newWorker(ctx context.Context, o Options) (*worker, error) {
	s, err := localStore(o.Store)
	if err != nil {
		return nil, err
	}
	if o.Log == nil {
		o.Log = NopLogger{}
	}
	if o.Getenv == nil {
		o.Getenv = func(string) (string, bool) { return "", false }
	}
	ctx, cancel := context.WithCancel(ctx)
	w := &worker{
		ctx:       ctx,
		cancel:    cancel,
		o:         o,
		s:         s,
		dir:       s.Dir(),
		cfg:       o.Config,
		log:       o.Log,
		goals:     map[storepath.StorePath]*goal{},
		tops:      map[*goal]bool{},
		events:    make(chan func(), 16),
		maxJobs:   int(o.Config.Int("max-jobs")),
		keepGoing: o.Config.Bool("keep-going"),
		drvs:      map[storepath.StorePath]*derivation.Derivation{},
	}
	w.actRealise = startActivity(w.log, store.LevelError, ActRealise, "", nil, 0)
	w.actBuilds = startActivity(w.log, store.LevelError, ActBuilds, "", nil, 0)
	return w, nil
}

func (w *worker) close() {
	w.cancel()
	w.actBuilds.stop()
	w.actRealise.stop()
}

// run realises paths and returns their results in order.
func (w *worker) run(paths []DerivedPath) ([]Result, error) {
	type top struct {
		g      *goal
		opaque *Result
	}
	tops := make([]top, len(paths))
	for i, p := range paths {
		if !p.Built {
			tops[i].opaque = w.opaqueResult(p)
			continue
		}
		g := w.makeTopGoal(p.Path, p.Outputs, w.o.Mode)
		tops[i].g = g
	}
	w.loop()
	// Stop what still runs (after a failure without --keep-going) and
	// wait until every build has cleaned up.
	w.cancel()
	for w.pending > 0 {
		ev := <-w.events
		ev()
	}
	if w.fatal != nil {
		return nil, w.fatal
	}
	results := make([]Result, len(paths))
	for i, t := range tops {
		if t.opaque != nil {
			results[i] = *t.opaque
			continue
		}
		results[i] = t.g.resultFor(paths[i])
	}
	return results, nil
}

// opaqueResult realises an opaque path: it must be valid (nixgo has no
// substituters yet).
func (w *worker) opaqueResult(p DerivedPath) *Result {
	ok, err := w.s.IsValidPath(w.ctx, p.Path)
	if err == nil && ok {
		return &Result{Path: p, Status: AlreadyValid}
	}
	if err == nil {
		err = fmt.Errorf("path '%s' is required, but there is no substituter that can build it", w.dir.Path(p.Path))
	}
	return &Result{Path: p, Status: NoSubstituters, Err: err}
}

// loop runs until the top goals are done or a fatal error occurred.
func (w *worker) loop() {
	for len(w.tops) > 0 && w.fatal == nil {
		w.schedule()
		if len(w.tops) == 0 || w.fatal != nil {
			break
		}
		if w.pending == 0 {
			if len(w.ready) > 0 && w.maxJobs == 0 {
				w.fatal = fmt.Errorf("\n                    Unable to start any build;\n                    either increase '--max-jobs' or enable remote builds.\n\n                    For more information run 'man nix.conf' and search for '/machines'.\n                    ")
				break
			}
			// Nothing can happen any more: a bug.
			w.fatal = fmt.Errorf("internal error: the build scheduler is stuck")
			break
		}
		ev := <-w.events
		ev()
	}
}

// schedule gives free build slots to ready goals, in key order.
func (w *worker) schedule() {
	sort.SliceStable(w.ready, func(i, j int) bool { return w.ready[i].key < w.ready[j].key })
	for len(w.ready) > 0 && w.running < w.maxJobs && w.fatal == nil {
		g := w.ready[0]
		w.ready = w.ready[1:]
		if g.finished || !w.wanted(g) {
			continue
		}
		w.running++
		g.tryToBuild()
	}
}

// wanted tells whether anything still waits for g.
func (w *worker) wanted(g *goal) bool {
	return w.tops[g] || len(g.waiters) > 0
}

// spawn runs fn in a goroutine; its result is applied by the loop.
func (w *worker) spawn(fn func() func()) {
	w.pending++
	go func() {
		then := fn()
		w.events <- func() {
			w.pending--
			if then != nil {
				then()
			}
		}
	}()
}

// makeGoal returns the goal for drvPath, creating it, or adding outputs
// to the wanted ones of an existing goal.
func (w *worker) makeGoal(drvPath storepath.StorePath, outputs []string, mode Mode) *goal {
	return w.getGoal(drvPath, outputs, mode, false)
}

// makeTopGoal is makeGoal for a requested path: the goal is a top goal
// before it starts (it may finish at once).
func (w *worker) makeTopGoal(drvPath storepath.StorePath, outputs []string, mode Mode) *goal {
	return w.getGoal(drvPath, outputs, mode, true)
}

func (w *worker) getGoal(drvPath storepath.StorePath, outputs []string, mode Mode, top bool) *goal {
	if g, ok := w.goals[drvPath]; ok {
		if g.addWanted(outputs) {
			if top && !g.finished {
				w.tops[g] = true
			}
			return g
		}
		// Finished without the new outputs: start again.
	}
	g := newGoal(w, drvPath, outputs, mode)
	w.goals[drvPath] = g
	if top {
		w.tops[g] = true
	}
	w.expectedBuilds++
	w.updateProgress()
	g.init()
	return g
}

// updateProgress reports the counts of builds (CppNix's updateProgress).
func (w *worker) updateProgress() {
	w.actBuilds.result(ResProgress, Int(w.doneBuilds), Int(w.expectedBuilds+w.doneBuilds), Int(w.runningBuilds), Int(w.failedBuilds))
}

// failingExitStatus is CppNix's Worker::failingExitStatus.
func (w *worker) failingExitStatus() int {
	mask := 0
	if w.permanentFailure || w.timedOut || w.hashMismatch {
		mask |= 0x04
	}
	if w.timedOut {
		mask |= 0x01
	}
	if w.hashMismatch {
		mask |= 0x02
	}
	if w.checkMismatch {
		mask |= 0x08
	}
	if mask != 0 {
		return mask | 0x60
	}
	return 1
}

// logError prints an error as CppNix's logError.
func (w *worker) logError(err error) {
	w.log.Log(store.LevelError, FormatError(err))
}

// FormatError renders an error as CppNix's logError: "error: " before it,
// the other lines indented by its width, trailing spaces removed.
func FormatError(err error) string {
	s := "error: " + indentError(err.Error())
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimRight(s[:i], " ") + s[i:]
	}
	return strings.TrimRight(s, " ")
}

// indentError indents the lines after the first of a message by the
// width of "error: ", as CppNix's showErrorInfo.
func indentError(msg string) string {
	lines := strings.Split(strings.TrimRight(msg, "\n"), "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = strings.TrimRight("       "+lines[i], " \t\n\r")
	}
	return strings.Join(lines, "\n")
}

// readDerivation reads a valid .drv from the store.
func (w *worker) readDerivation(p storepath.StorePath) (*derivation.Derivation, error) {
	if d, ok := w.drvs[p]; ok {
		return d, nil
	}
	d, err := readDrv(w.s, p)
	if err != nil {
		return nil, err
	}
	w.drvs[p] = d
	return d, nil
}
