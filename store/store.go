// This file declares the Store interface and the optional capabilities a
// store may have, each with its contract.

package store

import (
	"context"
	"io"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
)

// Store is what every Nix store offers: a store directory and the metadata of
// its valid paths. Implementations are safe for concurrent use by several
// goroutines unless they say otherwise.
type Store interface {
	// Dir returns the store directory in which paths are named (the
	// logical one: /nix/store for a chroot store whose files are in
	// DIR/nix/store).
	Dir() storepath.Dir

	// URI returns the store's URI as CppNix's getUri prints it in
	// messages: "local", "dummy", ...
	URI() string

	// IsValidPath reports whether p is a valid path: registered, with its
	// contents complete.
	IsValidPath(ctx context.Context, p storepath.StorePath) (bool, error)

	// QueryPathInfo returns the metadata of a valid path. For a path
	// that is not valid it returns an *InvalidPathError. The caller may
	// modify the result.
	QueryPathInfo(ctx context.Context, p storepath.StorePath) (*PathInfo, error)

	// Close releases the store's resources (database, locks). Using the
	// store afterwards is an error.
	Close() error
}

// Lister is a store that can enumerate its valid paths.
type Lister interface {
	// QueryAllValidPaths returns every valid path, sorted
	// (CppNix's queryAllValidPaths).
	QueryAllValidPaths(ctx context.Context) ([]storepath.StorePath, error)
}

// ReferrersQuerier is a store that knows the reverse of the references
// relation.
type ReferrersQuerier interface {
	// QueryReferrers returns the valid paths that refer to p, sorted;
	// p itself is included when it refers to itself. A path that is not
	// valid has no referrers.
	QueryReferrers(ctx context.Context, p storepath.StorePath) ([]storepath.StorePath, error)
}

// DerivationQuerier is a store that records which derivations produce which
// outputs (the DerivationOutputs table of a local store).
type DerivationQuerier interface {
	// QueryValidDerivers returns the valid derivations that have p as an
	// output, sorted (nix-store -q --deriver uses the deriver field of
	// PathInfo instead).
	QueryValidDerivers(ctx context.Context, p storepath.StorePath) ([]storepath.StorePath, error)
	// QueryDerivationOutputs returns the outputs of a valid derivation
	// whose paths are known statically, by output name (CppNix's
	// queryStaticPartialDerivationOutputMap). A derivation that is not
	// valid gives an *InvalidPathError.
	QueryDerivationOutputs(ctx context.Context, drv storepath.StorePath) (map[string]storepath.StorePath, error)
}

// HashPartResolver is a store that can find a valid path from its hash part.
type HashPartResolver interface {
	// QueryPathFromHashPart returns the valid path whose hash part is
	// hashPart (32 nix32 characters), and false when there is none.
	QueryPathFromHashPart(ctx context.Context, hashPart string) (storepath.StorePath, bool, error)
}

// NARDumper is a store that can serialise a valid path as a NAR.
type NARDumper interface {
	// DumpNAR writes the NAR of valid path p to w (CppNix's
	// narFromPath). It returns an *InvalidPathError for a path that is
	// not valid.
	DumpNAR(ctx context.Context, p storepath.StorePath, w io.Writer) error
}

// LocalFS is a store whose objects are files on this machine, which callers
// may read directly (CppNix's LocalFSStore). Nothing may write there but the
// store itself.
type LocalFS interface {
	// RealStoreDir returns the directory where the store's files are
	// (DIR/nix/store for a chroot store; the store directory otherwise).
	RealStoreDir() string
	// StateDir returns the state directory (/nix/var/nix).
	StateDir() string
	// LogDir returns the directory of build logs (/nix/var/log/nix).
	LogDir() string
	// RealPath returns the physical path of a store path, which may be
	// followed by "/sub/path" (CppNix's toRealPath).
	RealPath(p storepath.StorePath) string
}

// Adder is a store that can add content-addressed objects.
type Adder interface {
	// AddFromDump reads a serialisation of a file system object from r
	// (a NAR, or the bytes of a single file) and adds it to the store,
	// addressed as opts says; it returns the object's path (CppNix's
	// addToStoreFromDump). It reads r to its end. If the path is already
	// valid and opts.Repair is not set, the store is not changed. The
	// object is valid when AddFromDump returns without error, and not
	// valid (nor partially present under its name) if it fails.
	AddFromDump(ctx context.Context, r io.Reader, name string, opts AddOptions) (storepath.StorePath, error)
}

// Serialisation is how the bytes given to Adder.AddFromDump encode a file
// system object.
type Serialisation uint8

const (
	// SerialNAR: the bytes are a NAR.
	SerialNAR Serialisation = iota
	// SerialFlat: the bytes are the contents of one regular,
	// non-executable file.
	SerialFlat
)

// AddOptions say how an object given to Adder.AddFromDump is addressed.
type AddOptions struct {
	// Serialisation is the encoding of the bytes read (SerialNAR by
	// default).
	Serialisation Serialisation
	// Method is the content-addressing method: storepath.MethodNAR,
	// MethodFlat or MethodText. The zero value means the method matching
	// Serialisation. With MethodText or MethodFlat and SerialNAR, the NAR
	// must hold one regular file, whose contents are hashed.
	Method storepath.Method
	// Algo is the hash algorithm of the content address (SHA-256 by
	// default). MethodText requires SHA-256.
	Algo hash.Algo
	// References are the paths the object refers to. They must be valid.
	References []storepath.StorePath
	// ScanReferences are candidates: those whose hash part occurs in the
	// NAR of the object are added to References.
	ScanReferences []storepath.StorePath
	// Repair rewrites the object even if it is already valid.
	Repair bool
}

// NARAdder is a store that can add an object whose metadata is known in
// advance, from its NAR (CppNix's addToStore(info, source); nix-store
// --import, copying between stores).
type NARAdder interface {
	// AddNAR restores the NAR read from r as info.Path and registers it
	// with info's metadata. It checks that the NAR's hash and size are
	// info.NarHash and info.NarSize (and the content address if info.CA
	// is set); on a mismatch or a malformed NAR it fails and the store is
	// unchanged. If the path is already valid and repair is false, it
	// reads and discards the NAR. References must be valid (or be
	// info.Path itself).
	AddNAR(ctx context.Context, info *PathInfo, r io.Reader, opts AddNAROptions) error
}

// AddNAROptions adjust NARAdder.AddNAR.
type AddNAROptions struct {
	// Repair rewrites the path even if it is valid.
	Repair bool
	// CheckSigs refuses paths that lack a signature by a trusted key,
	// when the store requires signatures. nixgo does not check
	// signatures yet: with CheckSigs set, a store that requires them
	// refuses every path that is not content-addressed.
	CheckSigs bool
}

// Registrar is a store that can register paths whose contents are already in
// place (nix-store --load-db, --register-validity).
type Registrar interface {
	// RegisterValidPaths registers infos as valid in one transaction,
	// replacing the metadata of paths already valid (CppNix's
	// registerValidPaths). References must be valid or among infos; a
	// cycle of references between infos is an error and registers
	// nothing.
	RegisterValidPaths(ctx context.Context, infos []*PathInfo) error
}

// Verifier is a store that can check its own consistency
// (nix-store --verify).
type Verifier interface {
	// Verify checks that every valid path exists, removing from the
	// database those that vanished and have no valid referrers, and with
	// opts.CheckContents that their contents still have their NAR hash.
	// It reports problems through opts.Log, in CppNix's words, and
	// returns whether it found any it did not fix.
	Verify(ctx context.Context, opts VerifyOptions) (errorsFound bool, err error)
}

// VerifyOptions adjust Verifier.Verify.
type VerifyOptions struct {
	CheckContents bool
	Repair        bool
	Log           Logger
}

// PathVerifier is a store that can check one path's contents
// (nix-store --verify-path).
type PathVerifier interface {
	// VerifyPath hashes the contents of valid path p and returns the
	// hash and size of its NAR, for the caller to compare with its
	// PathInfo.
	VerifyPath(ctx context.Context, p storepath.StorePath) (narHash hash.Hash, narSize uint64, err error)
}

// Optimiser is a store that can deduplicate identical files (nix-store
// --optimise, nix store optimise).
type Optimiser interface {
	// Optimise replaces identical files of valid paths by hard links to
	// one copy and reports what it saved.
	Optimise(ctx context.Context, log Logger) (OptimiseStats, error)
}

// OptimiseStats report what Optimiser.Optimise did.
type OptimiseStats struct {
	FilesLinked uint64
	BytesFreed  uint64
}

// SignatureAdder is a store that can attach signatures to valid paths.
type SignatureAdder interface {
	// AddSignatures adds sigs to the signatures of valid path p.
	AddSignatures(ctx context.Context, p storepath.StorePath, sigs []string) error
}

// GCRooter is a store with garbage collector roots (CppNix's
// IndirectRootStore and temporary roots).
type GCRooter interface {
	// AddPermRoot makes gcRoot (an absolute path outside the store) a
	// symlink to p and registers it as an indirect root, so that p lives
	// as long as the symlink (nix-instantiate --add-root). It returns
	// gcRoot canonicalised.
	AddPermRoot(ctx context.Context, p storepath.StorePath, gcRoot string) (string, error)
	// AddIndirectRoot registers path, a symlink to a store path, as a
	// root: a symlink to it in gcroots/auto.
	AddIndirectRoot(ctx context.Context, path string) error
	// AddTempRoot keeps p alive until the store is closed (or the
	// process ends), even if no root refers to it.
	AddTempRoot(ctx context.Context, p storepath.StorePath) error
}
