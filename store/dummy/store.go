// This file makes the dummy store a store.Store (CppNix's dummy://): it has
// no valid paths and refuses to add any; evaluation uses AddPath and AddText
// (dummy.go) to compute paths instead.

package dummy

import (
	"context"

	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
)

var _ store.Store = (*Store)(nil)

// Dir returns the store directory.
func (s *Store) Dir() storepath.Dir { return s.dir }

// URI returns "dummy", as CppNix's DummyStore::getUri.
func (s *Store) URI() string { return "dummy" }

// IsValidPath reports false: the dummy store keeps nothing.
func (s *Store) IsValidPath(context.Context, storepath.StorePath) (bool, error) { return false, nil }

// QueryPathInfo reports every path as not valid.
func (s *Store) QueryPathInfo(_ context.Context, p storepath.StorePath) (*store.PathInfo, error) {
	return nil, &store.InvalidPathError{Path: s.dir.Path(p)}
}

// Close does nothing.
func (s *Store) Close() error { return nil }
