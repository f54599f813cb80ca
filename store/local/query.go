// This file answers queries from the database: validity, path info,
// references, referrers, derivers, derivation outputs, hash parts.

package local

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
)

const (
	sqlQueryPathInfo     = "select id, hash, registrationTime, deriver, narSize, ultimate, sigs, ca from ValidPaths where path = ?;"
	sqlQueryReferences   = "select path from Refs join ValidPaths on reference = id where referrer = ?;"
	sqlQueryReferrers    = "select path from Refs join ValidPaths on referrer = id where reference = (select id from ValidPaths where path = ?);"
	sqlQueryValidPaths   = "select path from ValidPaths"
	sqlQueryDerivers     = "select v.id, v.path from DerivationOutputs d join ValidPaths v on d.drv = v.id where d.path = ?;"
	sqlQueryDrvOutputs   = "select id, path from DerivationOutputs where drv = ?;"
	sqlQueryFromHashPart = "select path from ValidPaths where path >= ? limit 1;"
)

// IsValidPath reports whether p is registered as valid.
func (s *Store) IsValidPath(ctx context.Context, p storepath.StorePath) (bool, error) {
	var ok bool
	err := s.db.read(ctx, func(q querier) error {
		var err error
		ok, err = s.isValid(ctx, q, p)
		return err
	})
	return ok, err
}

func (s *Store) isValid(ctx context.Context, q querier, p storepath.StorePath) (bool, error) {
	var id int64
	err := q.queryRow(ctx, "select id from ValidPaths where path = ?;", s.dir.Path(p)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// validPathID returns the database id of a valid path, or an
// *store.InvalidPathError.
func (s *Store) validPathID(ctx context.Context, q querier, p storepath.StorePath) (int64, error) {
	var id int64
	err := q.queryRow(ctx, "select id from ValidPaths where path = ?;", s.dir.Path(p)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, &store.InvalidPathError{Path: s.dir.Path(p)}
	}
	return id, err
}

// QueryPathInfo returns the metadata of a valid path.
func (s *Store) QueryPathInfo(ctx context.Context, p storepath.StorePath) (*store.PathInfo, error) {
	var info *store.PathInfo
	err := s.db.read(ctx, func(q querier) error {
		var err error
		info, _, err = s.queryPathInfo(ctx, q, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	if info == nil {
		return nil, &store.InvalidPathError{Path: s.dir.Path(p)}
	}
	return info, nil
}

// queryPathInfo reads a path's row and references; nil if it is not valid.
func (s *Store) queryPathInfo(ctx context.Context, q querier, p storepath.StorePath) (*store.PathInfo, int64, error) {
	var (
		id                int64
		hashS             string
		regTime           int64
		deriver, sigs, ca sql.NullString
		narSize           sql.NullInt64
		ultimate          sql.NullInt64
	)
	err := q.queryRow(ctx, sqlQueryPathInfo, s.dir.Path(p)).Scan(&id, &hashS, &regTime, &deriver, &narSize, &ultimate, &sigs, &ca)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	info := &store.PathInfo{Path: p, RegistrationTime: regTime, NarSize: uint64(narSize.Int64), Ultimate: ultimate.Int64 == 1}
	if info.NarHash, err = hash.ParseAnyPrefixed(hashS); err != nil {
		return nil, 0, fmt.Errorf("invalid-path entry for '%s': %s", s.dir.Path(p), err)
	}
	if deriver.Valid {
		if info.Deriver, err = s.dir.Parse(deriver.String); err != nil {
			return nil, 0, err
		}
	}
	if sigs.Valid {
		info.Sigs = strings.Fields(sigs.String)
	}
	if ca.Valid && ca.String != "" {
		// As CppNix's ContentAddress::parseOpt: an unparsable value
		// is an error.
		if info.CA, err = storepath.ParseContentAddress(ca.String); err != nil {
			return nil, 0, err
		}
	}
	if info.References, err = s.queryPaths(ctx, q, sqlQueryReferences, id); err != nil {
		return nil, 0, err
	}
	info.SortReferences()
	return info, id, nil
}

// queryPaths runs a query returning full store paths and parses them.
func (s *Store) queryPaths(ctx context.Context, q querier, sqlText string, args ...any) ([]storepath.StorePath, error) {
	rows, err := q.query(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []storepath.StorePath
	for rows.Next() {
		var ps string
		if err := rows.Scan(&ps); err != nil {
			return nil, err
		}
		p, err := s.dir.Parse(ps)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return storepath.SortPaths(out), nil
}

// QueryAllValidPaths returns every valid path, sorted.
func (s *Store) QueryAllValidPaths(ctx context.Context) ([]storepath.StorePath, error) {
	var out []storepath.StorePath
	err := s.db.read(ctx, func(q querier) error {
		var err error
		out, err = s.queryPaths(ctx, q, sqlQueryValidPaths)
		return err
	})
	return out, err
}

// QueryReferrers returns the valid paths that refer to p.
func (s *Store) QueryReferrers(ctx context.Context, p storepath.StorePath) ([]storepath.StorePath, error) {
	var out []storepath.StorePath
	err := s.db.read(ctx, func(q querier) error {
		var err error
		out, err = s.queryPaths(ctx, q, sqlQueryReferrers, s.dir.Path(p))
		return err
	})
	return out, err
}

// QueryValidDerivers returns the valid derivations that have p as output.
func (s *Store) QueryValidDerivers(ctx context.Context, p storepath.StorePath) ([]storepath.StorePath, error) {
	var out []storepath.StorePath
	err := s.db.read(ctx, func(q querier) error {
		rows, err := q.query(ctx, sqlQueryDerivers, s.dir.Path(p))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var ps string
			if err := rows.Scan(&id, &ps); err != nil {
				return err
			}
			d, err := s.dir.Parse(ps)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	return storepath.SortPaths(out), err
}

// QueryDerivationOutputs returns the statically known outputs of a valid
// derivation.
func (s *Store) QueryDerivationOutputs(ctx context.Context, drv storepath.StorePath) (map[string]storepath.StorePath, error) {
	out := map[string]storepath.StorePath{}
	err := s.db.read(ctx, func(q querier) error {
		id, err := s.validPathID(ctx, q, drv)
		if err != nil {
			return err
		}
		rows, err := q.query(ctx, sqlQueryDrvOutputs, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name, ps string
			if err := rows.Scan(&name, &ps); err != nil {
				return err
			}
			p, err := s.dir.Parse(ps)
			if err != nil {
				return err
			}
			out[name] = p
		}
		return rows.Err()
	})
	return out, err
}

// QueryPathFromHashPart returns the valid path with the given hash part.
func (s *Store) QueryPathFromHashPart(ctx context.Context, hashPart string) (storepath.StorePath, bool, error) {
	if len(hashPart) != storepath.HashLen {
		return storepath.StorePath{}, false, errors.New("invalid hash part")
	}
	prefix := string(s.dir) + "/" + hashPart
	var res storepath.StorePath
	found := false
	err := s.db.read(ctx, func(q querier) error {
		var ps string
		err := q.queryRow(ctx, sqlQueryFromHashPart, prefix).Scan(&ps)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if strings.HasPrefix(ps, prefix) {
			res, err = s.dir.Parse(ps)
			found = err == nil
			return err
		}
		return nil
	})
	return res, found, err
}
