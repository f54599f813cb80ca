// This file registers paths as valid in one transaction: their rows, their
// references, the outputs of derivations, with CppNix's checks on
// derivations and reference cycles.

package local

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nixgo/nixgo/format/derivation"
	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/store"
)

const (
	sqlRegisterValidPath = "insert into ValidPaths (path, hash, registrationTime, deriver, narSize, ultimate, sigs, ca) values (?, ?, ?, ?, ?, ?, ?, ?);"
	sqlUpdatePathInfo    = "update ValidPaths set narSize = ?, hash = ?, ultimate = ?, sigs = ?, ca = ? where path = ?;"
	sqlAddReference      = "insert or replace into Refs (referrer, reference) values (?, ?);"
	sqlAddDrvOutput      = "insert or replace into DerivationOutputs (drv, id, path) values (?, ?, ?);"
	sqlInvalidatePath    = "delete from ValidPaths where path = ?;"
)

// RegisterValidPaths registers infos as valid (CppNix's registerValidPaths).
// The paths' contents must already be in place.
func (s *Store) RegisterValidPaths(ctx context.Context, infos []*store.PathInfo) error {
	if s.cfg.ReadOnly {
		return s.readOnlyError()
	}
	if s.cfg.SyncBeforeRegistering {
		syncAll()
	}
	byPath := map[storepath.StorePath]*store.PathInfo{}
	var paths []storepath.StorePath
	for _, info := range infos {
		if info.NarHash.Algo() != hash.SHA256 {
			return fmt.Errorf("path '%s' has a NAR hash that is not SHA-256", s.dir.Path(info.Path))
		}
		if _, dup := byPath[info.Path]; !dup {
			paths = append(paths, info.Path)
		}
		byPath[info.Path] = info
	}
	return s.db.txn(ctx, func(q querier) error {
		for _, p := range paths {
			info := byPath[p]
			valid, err := s.isValid(ctx, q, p)
			if err != nil {
				return err
			}
			if valid {
				err = s.updatePathInfo(ctx, q, info)
			} else {
				err = s.addValidPath(ctx, q, info)
			}
			if err != nil {
				return err
			}
		}
		for _, p := range paths {
			referrer, err := s.validPathID(ctx, q, p)
			if err != nil {
				return err
			}
			for _, r := range byPath[p].References {
				ref, err := s.validPathID(ctx, q, r)
				if err != nil {
					return err
				}
				if _, err := q.execStmt(ctx, sqlAddReference, referrer, ref); err != nil {
					return err
				}
			}
		}
		// The outputs of derivations can only be checked once their
		// inputs are registered.
		for _, p := range paths {
			if p.IsDerivation() {
				d, err := s.readDerivation(p)
				if err != nil {
					return err
				}
				if err := s.checkDerivation(d, p); err != nil {
					return err
				}
			}
		}
		_, err := store.TopoSortFunc(s.dir, paths, func(p storepath.StorePath) ([]storepath.StorePath, error) {
			if info, ok := byPath[p]; ok {
				return info.References, nil
			}
			return nil, nil
		})
		return err
	})
}

// addValidPath inserts a path's row and, for a derivation, its outputs
// (CppNix's addValidPath).
func (s *Store) addValidPath(ctx context.Context, q querier, info *store.PathInfo) error {
	if !info.CA.IsZero() && !info.IsContentAddressed(s.dir, s.log) {
		return fmt.Errorf("cannot add path '%s' to the Nix store because it claims to be content-addressed but isn't", s.dir.Path(info.Path))
	}
	regTime := info.RegistrationTime
	if regTime == 0 {
		regTime = time.Now().Unix()
	}
	res, err := q.execStmt(ctx, sqlRegisterValidPath,
		s.dir.Path(info.Path),
		info.NarHash.Format(hash.Base16, true),
		regTime,
		s.nullPath(info.Deriver),
		nullIf(int64(info.NarSize), info.NarSize != 0),
		nullIf(1, info.Ultimate),
		nullIf(strings.Join(info.Sigs, " "), len(info.Sigs) > 0),
		nullIf(info.CA.String(), !info.CA.IsZero()))
	if err != nil {
		return err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	if !info.Path.IsDerivation() {
		return nil
	}
	d, err := s.readDerivation(info.Path)
	if err != nil {
		return err
	}
	for _, name := range d.OutputNames() {
		out, ok, err := s.outputPath(d, name)
		if err != nil {
			return err
		}
		if ok {
			if _, err := q.execStmt(ctx, sqlAddDrvOutput, id, name, s.dir.Path(out)); err != nil {
				return err
			}
		}
	}
	return nil
}

// updatePathInfo replaces the metadata of a valid path (references are
// only added).
func (s *Store) updatePathInfo(ctx context.Context, q querier, info *store.PathInfo) error {
	_, err := q.execStmt(ctx, sqlUpdatePathInfo,
		nullIf(int64(info.NarSize), info.NarSize != 0),
		info.NarHash.Format(hash.Base16, true),
		nullIf(1, info.Ultimate),
		nullIf(strings.Join(info.Sigs, " "), len(info.Sigs) > 0),
		nullIf(info.CA.String(), !info.CA.IsZero()),
		s.dir.Path(info.Path))
	return err
}

// nullIf returns v, or SQL NULL when ok is false.
func nullIf(v any, ok bool) any {
	if !ok {
		return nil
	}
	return v
}

// nullPath returns the full path, or NULL for the zero path.
func (s *Store) nullPath(p storepath.StorePath) any {
	if p.IsZero() {
		return nil
	}
	return s.dir.Path(p)
}

// readDerivation reads and parses a .drv file of the store, valid or not
// (CppNix's readInvalidDerivation).
func (s *Store) readDerivation(p storepath.StorePath) (*derivation.Derivation, error) {
	real := s.RealPath(p)
	text, err := os.ReadFile(real)
	if err != nil {
		// CppNix's readFile names the physical path.
		return nil, fmt.Errorf("opening file '%s': %s", real, syserr.Strerror(err))
	}
	name, err := p.DrvName()
	if err != nil {
		return nil, err
	}
	d, err := derivation.Parse(s.dir, string(text), name)
	if err != nil {
		return nil, fmt.Errorf("error parsing derivation '%s': %s", s.dir.Path(p), err)
	}
	return d, nil
}

// outputPath returns the statically known path of an output (CppNix's
// DerivationOutput::path): input-addressed and fixed outputs have one.
func (s *Store) outputPath(d *derivation.Derivation, name string) (storepath.StorePath, bool, error) {
	o := d.Outputs[name]
	switch o.Kind() {
	case derivation.InputAddressed, derivation.Fixed:
		return o.Path, true, nil
	}
	return storepath.StorePath{}, false, nil
}

// checkDerivation checks that a derivation's name fits its path and that
// its output paths and the environment variables naming them are the ones
// its inputs give (CppNix's Derivation::checkInvariants).
func (s *Store) checkDerivation(d *derivation.Derivation, drvPath storepath.StorePath) error {
	name, _ := drvPath.DrvName()
	if name != d.Name {
		return fmt.Errorf("Derivation '%s' has name '%s' which does not match its path", s.dir.Path(drvPath), d.Name)
	}
	if _, err := d.Type(); err != nil {
		return err
	}
	envHas := func(actual storepath.StorePath, varName string) error {
		v, ok := d.Env[varName]
		if ok {
			if p, err := s.dir.Parse(v); err == nil && p == actual {
				return nil
			} else if err != nil {
				return err
			}
		}
		return fmt.Errorf("derivation '%s' has incorrect environment variable '%s', should be '%s'",
			s.dir.Path(drvPath), varName, s.dir.Path(actual))
	}
	var modulo *derivation.DrvHash
	for _, out := range d.OutputNames() {
		o := d.Outputs[out]
		switch o.Kind() {
		case derivation.InputAddressed:
			if modulo == nil {
				h, err := derivation.HashModulo(s.dir, d, true, s.inputDrvHash)
				if err != nil {
					return err
				}
				modulo = &h
			}
			h, ok := modulo.Output(out)
			if !ok {
				return fmt.Errorf("derivation '%s' has unexpected output '%s' (local-store / hashesModulo) named '%s'",
					s.dir.Path(drvPath), s.dir.Path(o.Path), out)
			}
			want, err := s.dir.MakeOutputPath(out, h, name)
			if err != nil {
				return err
			}
			if o.Path != want {
				return fmt.Errorf("derivation '%s' has incorrect output '%s', should be '%s'",
					s.dir.Path(drvPath), s.dir.Path(o.Path), s.dir.Path(want))
			}
			if err := envHas(o.Path, out); err != nil {
				return err
			}
		case derivation.Fixed:
			if err := envHas(o.Path, out); err != nil {
				return err
			}
		}
	}
	return nil
}

// inputDrvHash returns the (unmasked) modulo hash of an input derivation,
// read from the store and memoised (CppNix's drvHashes).
func (s *Store) inputDrvHash(p storepath.StorePath) (derivation.DrvHash, error) {
	s.drvMu.Lock()
	h, ok := s.drvHashes[p]
	s.drvMu.Unlock()
	if ok {
		return h, nil
	}
	d, err := s.readDerivation(p)
	if err != nil {
		return h, err
	}
	h, err = derivation.HashModulo(s.dir, d, false, s.inputDrvHash)
	if err != nil {
		return h, err
	}
	s.drvMu.Lock()
	s.drvHashes[p] = h
	s.drvMu.Unlock()
	return h, nil
}

// invalidatePath removes a path's row (its references and derivation
// outputs go with it).
func (s *Store) invalidatePath(ctx context.Context, q querier, p storepath.StorePath) error {
	_, err := q.execStmt(ctx, sqlInvalidatePath, s.dir.Path(p))
	return err
}

func (s *Store) readOnlyError() error {
	return fmt.Errorf("cannot modify the read-only store at '%s'", s.realDir)
}
