// This file opens the store a command works on (the `store` setting,
// --store) and connects the store's messages to the command's logger.

package cli

import (
	"context"
	"errors"
	"os"

	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/evalstore"
	"github.com/nixgo/nixgo/store/stores"
)

// storeLogger passes a store's messages to the command's logger.
type storeLogger struct{ l *logger }

func (s storeLogger) Log(level store.Level, msg string) {
	if level == store.LevelWarn {
		s.l.warn(msg)
		return
	}
	s.l.printAt(int(level), msg)
}

// openStore opens the store named by the `store` setting, as CppNix's
// openStore(). Store URI and parameter errors are usage errors.
func (e *env) openStore(ctx context.Context) (store.Store, error) {
	s, err := stores.Open(ctx, e.cfg.String("store"), e.storeOptions())
	var pe *store.ParseError
	if errors.As(err, &pe) {
		return nil, usagef("%s", pe.Msg)
	}
	return s, err
}

// storeOptions are the options of opening a store.
func (e *env) storeOptions() stores.Options {
	cwd, _ := os.Getwd()
	return stores.Options{Config: e.cfg, Getenv: e.getenv, Cwd: cwd, Log: storeLogger{e.log}}
}

// openEvalStore opens the store for an evaluation that may write to it
// (nix-instantiate without --eval, nix eval, nix-build...): in
// readonly-mode (--dry-run) paths are only computed. Builds during the
// evaluation report to a logger of the nix command if nixCommand is set.
func (e *env) openEvalStore(ctx context.Context, nixCommand bool) (*evalStore, error) {
	s, err := e.openStore(ctx)
	if err != nil {
		return nil, err
	}
	a := evalstore.New(ctx, s)
	// CppNix's readOnlyMode is not a setting but a flag (--dry-run,
	// --readonly-mode).
	a.ReadOnly = e.readOnlyMode
	return &evalStore{Adapter: a, e: e, ctx: ctx, nixCommand: nixCommand}, nil
}

// PathsOnly reports that the store of nix-instantiate --eval writes nothing:
// derivations are hashed, not printed for the store (builtins.PathsOnly).
func (s *readOnlyStore) PathsOnly() bool { return true }
