// This file holds the store of evaluations that write to a real store, which
// builds what a builtin reads from a derivation's output (import from
// derivation), as CppNix's EvalState::realiseContext.

package cli

import (
	"context"
	"fmt"

	"github.com/nixgo/nixgo/build"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/lang/builtins"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/evalstore"
)

// evalStore is the evaluator's store on top of a real store: an
// evalstore.Adapter that also realises the contexts of paths builtins read.
type evalStore struct {
	*evalstore.Adapter
	e   *env
	ctx context.Context
	// log receives the messages of builds during evaluation: the command's
	// logger (useLogger), or one made when the first build starts.
	log    *buildLogger
	ownLog bool
	// nixCommand selects the logger of the nix command (a status line)
	// over the legacy commands' raw one.
	nixCommand bool
}

// useLogger makes builds during evaluation report to the command's logger.
func (s *evalStore) useLogger(l *buildLogger) { s.log = l }

// logger returns the logger for builds, making one if the command gave none.
func (s *evalStore) logger() *buildLogger {
	if s.log == nil {
		if s.nixCommand {
			s.log = s.e.nixLogger(buildLogFlags{})
		} else {
			s.log = s.e.legacyLogger(buildLogFlags{})
		}
		s.ownLog = true
	}
	return s.log
}

// Close stops a logger the store made and closes the store.
func (s *evalStore) Close() error {
	if s.ownLog {
		s.log.stop()
	}
	return s.Store().Close()
}

// Realise makes sure the store paths of ctx are valid and builds the
// derivation outputs it names, in CppNix's order: plain paths, whole
// derivations, then outputs (whose .drv files must be valid). It returns
// the closures of the outputs, which the evaluation may then read.
func (s *evalStore) Realise(ctx eval.Context) ([]string, error) {
	dir := storepath.Dir(s.StoreDir())
	opaque, deep, built := splitContext(ctx)
	for _, l := range [][]string{opaque, deep} {
		for _, p := range l {
			if !s.IsValidPath(p) {
				return nil, &builtins.InvalidPathError{Path: p}
			}
		}
	}
	outputs := make([]build.DerivedPath, 0, len(built))
	for _, b := range built {
		if !s.IsValidPath(b.drv) {
			return nil, &builtins.InvalidPathError{Path: b.drv}
		}
		p, err := dir.Parse(b.drv)
		if err != nil {
			return nil, err
		}
		outputs = append(outputs, build.DerivedPath{Path: p, Built: true, Outputs: []string{b.output}})
	}
	if len(outputs) == 0 {
		return nil, nil
	}
	if !s.e.cfg.Bool("allow-import-from-derivation") {
		return nil, fmt.Errorf("cannot build '%s' during evaluation because the option 'allow-import-from-derivation' is disabled", outputs[0].String(dir))
	}
	st := s.Store()
	if err := build.Build(s.ctx, s.e.buildOptions(st, build.Normal, s.logger()), outputs); err != nil {
		return nil, err
	}
	var outPaths []storepath.StorePath
	for _, o := range outputs {
		outs, err := drvOutputPaths(s.ctx, st, o.Path)
		if err != nil {
			return nil, err
		}
		if p, ok := outs[o.Outputs[0]]; ok {
			outPaths = append(outPaths, p)
		}
	}
	closure, err := store.Closure(s.ctx, st, outPaths, store.ClosureOptions{})
	if err != nil {
		return nil, err
	}
	paths := make([]string, len(closure))
	for i, p := range closure {
		paths[i] = dir.Path(p)
	}
	return paths, nil
}
