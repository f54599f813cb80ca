// This file implements `nix log` (CppNix's CmdLog) and the build log lookup
// it shares with `nix-store --read-log`: the log of a derivation, or of the
// derivation that produced a store path, from the store's log directory.

package cli

import (
	"context"
	"fmt"

	"github.com/nixgo/nixgo/build"
	"github.com/nixgo/nixgo/build/logs"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
)

func runNixLog(e *env, args []string) error {
	var (
		ia installableArgs
		ea evalArgs
	)
	e.nixVerbosity()
	p := newArgParser(e)
	p.addEval(&ea)
	p.addInstallables(&ia, false)
	if err := p.parse(args); err != nil {
		return err
	}
	if err := e.finishNixFlags(); err != nil {
		return err
	}
	if err := ia.settle(e, false); err != nil {
		return err
	}
	_ = e.cfg.Set("readonly-mode", "true")
	ctx := context.Background()
	es, err := e.openEvalStore(ctx, true)
	if err != nil {
		return err
	}
	s := es.Store()
	defer s.Close()
	what := "."
	if len(ia.attrs) > 0 {
		what = ia.attrs[0]
	}
	paths, err := e.buildInstallables(ctx, s, es, &ia, &ea)
	if err != nil {
		return err
	}
	if len(paths) != 1 {
		return usagef("only one installable is accepted")
	}
	// CppNix looks at the derivation of a Built path, and at the path
	// itself otherwise.
	drv, ok, err := buildDerivationPath(ctx, s, paths[0].Path)
	if err != nil {
		return err
	}
	if ok {
		if text, found, err := readBuildLog(s, drv); err != nil {
			return err
		} else if found {
			e.log.printAt(lvlInfo, fmt.Sprintf("got build log for '%s' from '%s'", what, s.URI()))
			_, err := e.stdout.Write(text)
			return err
		}
	}
	return fmt.Errorf("build log of '%s' is not available", what)
}

// buildDerivationPath returns the derivation whose log tells how p was
// built: p itself if it is a derivation, else its deriver (CppNix's
// getBuildDerivationPath).
func buildDerivationPath(ctx context.Context, s store.Store, p storepath.StorePath) (storepath.StorePath, bool, error) {
	if p.IsDerivation() {
		return p, true, nil
	}
	info, err := s.QueryPathInfo(ctx, p)
	if err != nil {
		if store.IsInvalidPath(err) {
			return storepath.StorePath{}, false, nil
		}
		return storepath.StorePath{}, false, err
	}
	if info.Deriver.IsZero() {
		return storepath.StorePath{}, false, nil
	}
	return info.Deriver, true, nil
}

// readBuildLog reads the log of derivation drv from a local store.
func readBuildLog(s store.Store, drv storepath.StorePath) ([]byte, bool, error) {
	fs, ok := s.(store.LocalFS)
	if !ok {
		return nil, false, nil
	}
	return logs.Read(fs.LogDir(), drv.Base())
}

// realiseDerivedPaths builds paths for nix-store --realise and friends,
// printing what will be built first.
func (e *env) realiseDerivedPaths(ctx context.Context, s store.Store, paths []build.DerivedPath, mode build.Mode, dryRun bool, log *buildLogger) error {
	if e.cfg.Bool("print-missing") {
		if err := e.printMissingBuilds(ctx, s, paths, log, store.LevelInfo); err != nil {
			return err
		}
	}
	if dryRun {
		return nil
	}
	if err := build.Build(ctx, e.buildOptions(s, mode, log), paths); err != nil {
		return buildFailure(ctx, err)
	}
	return nil
}
