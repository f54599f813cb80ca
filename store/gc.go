// This file declares garbage collection: the roots a collector finds, what
// it is asked to do and what it reports (CppNix's gc-store.hh).

package store

import (
	"context"
	"sort"

	"github.com/nixgo/nixgo/format/storepath"
)

// GCAction says what GarbageCollector.CollectGarbage does (CppNix's
// GCOptions::GCAction).
type GCAction int

const (
	// GCDeleteDead deletes every path that no root keeps alive
	// (nix-store --gc, nix store gc, nix-collect-garbage).
	GCDeleteDead GCAction = iota
	// GCReturnLive deletes nothing and reports the live paths
	// (nix-store --gc --print-live).
	GCReturnLive
	// GCReturnDead deletes nothing and reports the dead paths
	// (nix-store --gc --print-dead, nix store gc --dry-run).
	GCReturnDead
	// GCDeleteSpecific deletes PathsToDelete, insofar as they are dead
	// (nix-store --delete, nix store delete).
	GCDeleteSpecific
)

// GCOptions adjust a collection.
type GCOptions struct {
	Action GCAction
	// IgnoreLiveness ignores the roots (but paths still referred to by
	// other valid paths are kept): nix-store --delete --ignore-liveness.
	IgnoreLiveness bool
	// PathsToDelete are the paths GCDeleteSpecific deletes.
	PathsToDelete []storepath.StorePath
	// LimitFreed stops the collection once more than MaxFreed bytes
	// have been freed (--max-freed, --max); without it there is no limit.
	// With LimitFreed and MaxFreed 0, nothing is even looked at.
	LimitFreed bool
	MaxFreed   uint64
	// KeepOutputs keeps the outputs of live derivations, KeepDerivations
	// the derivations of live outputs (the keep-outputs and
	// keep-derivations settings; CppNix's defaults are false and true).
	KeepOutputs, KeepDerivations bool
	// Log receives progress in CppNix's words (may be nil).
	Log Logger
}

// GCResults is what a collection reports.
type GCResults struct {
	// Paths are, sorted, the paths deleted (GCDeleteDead,
	// GCDeleteSpecific), or the live or dead paths (GCReturnLive,
	// GCReturnDead); full paths, some of which (lock files, temporary
	// directories) are not store paths.
	Paths []string
	// BytesFreed is what the deletions freed.
	BytesFreed uint64
}

// Roots maps the store paths that roots keep alive to the roots: the
// symlinks or files outside the store, "{temp:PID}" for the temporary roots
// of a running process, /proc entries and "{lsof}" for paths running
// programs use, or CensoredRoot where those are hidden. Each list is sorted
// and free of duplicates.
type Roots map[storepath.StorePath][]string

// CensoredRoot replaces the roots of running processes in censored Roots.
const CensoredRoot = "{censored}"

// RootLink is one root and the path it keeps alive.
type RootLink struct {
	Link   string
	Target storepath.StorePath
}

// Links returns every (link, store path) pair, sorted by link, then path
// (nix-store --gc --print-roots).
func (r Roots) Links() []RootLink {
	var out []RootLink
	for p, links := range r {
		for _, l := range links {
			out = append(out, RootLink{l, p})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Link != out[j].Link {
			return out[i].Link < out[j].Link
		}
		return out[i].Target.Compare(out[j].Target) < 0
	})
	return out
}

// GarbageCollector is a store that can find its roots and delete what they
// do not keep alive (CppNix's GcStore).
type GarbageCollector interface {
	// FindRoots returns the roots: permanent, temporary and those of
	// running processes. With censor, the roots of running processes
	// and temporary roots are replaced by CensoredRoot (what CppNix's
	// daemon shows untrusted users).
	FindRoots(ctx context.Context, censor bool) (Roots, error)
	// CollectGarbage performs a collection. The results are valid, as
	// far as the collection went, even when it fails: a command prints
	// how much it freed either way, as CppNix does.
	CollectGarbage(ctx context.Context, opts GCOptions) (GCResults, error)
}
