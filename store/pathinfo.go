// This file holds PathInfo, the metadata of a valid store path, and the
// checks that tie a content address to its path.

package store

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
)

// PathInfo is the metadata of a valid store path (CppNix's ValidPathInfo):
// one row of the ValidPaths table with its references.
type PathInfo struct {
	Path storepath.StorePath
	// Deriver is the derivation that produced the path, or zero.
	Deriver storepath.StorePath
	// NarHash is the SHA-256 hash of the path's NAR.
	NarHash hash.Hash
	// References are the paths this one refers to, sorted and unique; a
	// path may refer to itself.
	References []storepath.StorePath
	// RegistrationTime is when the path became valid, in seconds since
	// the Unix epoch; 0 when registering means now.
	RegistrationTime int64
	// NarSize is the size of the NAR in bytes, or 0 when unknown.
	NarSize uint64
	// Ultimate is set when the path was built locally (trusted without
	// signatures).
	Ultimate bool
	// Sigs are the signatures "<key name>:<base64>", sorted and unique.
	Sigs []string
	// CA is the content address, or zero for an input-addressed path.
	CA storepath.ContentAddress
}

// Clone returns a deep copy of info.
func (info *PathInfo) Clone() *PathInfo {
	c := *info
	c.References = slices.Clone(info.References)
	c.Sigs = slices.Clone(info.Sigs)
	return &c
}

// HasSelfReference reports whether the path refers to itself.
func (info *PathInfo) HasSelfReference() bool {
	_, found := slices.BinarySearchFunc(info.References, info.Path, storepath.StorePath.Compare)
	return found
}

// OtherReferences returns the references other than the path itself.
func (info *PathInfo) OtherReferences() []storepath.StorePath {
	var out []storepath.StorePath
	for _, r := range info.References {
		if r != info.Path {
			out = append(out, r)
		}
	}
	return out
}

// ContentAddressedPath computes the path info.CA and the references give
// (CppNix's ValidPathInfo::contentAddressWithReferences and
// makeFixedOutputPathFromCA). It returns false when info has no CA.
func (info *PathInfo) ContentAddressedPath(dir storepath.Dir) (storepath.StorePath, bool, error) {
	if info.CA.IsZero() {
		return storepath.StorePath{}, false, nil
	}
	refs := storepath.References{Others: info.OtherReferences(), Self: info.HasSelfReference()}
	p, err := dir.MakeFixedOutputPathFromCA(info.Path.Name(), info.CA, refs)
	return p, true, err
}

// IsContentAddressed reports whether info.CA and the references compute
// info.Path (CppNix's isContentAddressed), warning through log when they
// compute another path.
func (info *PathInfo) IsContentAddressed(dir storepath.Dir, log Logger) bool {
	p, ok, err := info.ContentAddressedPath(dir)
	if !ok || err != nil {
		return false
	}
	if p != info.Path {
		logf(log, LevelWarn, "path '%s' claims to be content-addressed but isn't", dir.Path(info.Path))
		return false
	}
	return true
}

// Fingerprint returns the string that signatures sign (CppNix's
// ValidPathInfo::fingerprint): "1;<path>;<nar hash>;<nar size>;<refs>".
func (info *PathInfo) Fingerprint(dir storepath.Dir) (string, error) {
	if info.NarSize == 0 {
		return "", fmt.Errorf("cannot calculate fingerprint of path '%s' because its size is not known", dir.Path(info.Path))
	}
	refs := make([]string, len(info.References))
	for i, r := range info.References {
		refs[i] = dir.Path(r)
	}
	return "1;" + dir.Path(info.Path) + ";" + info.NarHash.Format(hash.Nix32, true) + ";" +
		strconv.FormatUint(info.NarSize, 10) + ";" + strings.Join(refs, ","), nil
}

// SortReferences sorts and deduplicates info.References and info.Sigs, as
// the sets CppNix keeps them in.
func (info *PathInfo) SortReferences() {
	info.References = storepath.SortPaths(info.References)
	slices.Sort(info.Sigs)
	info.Sigs = slices.Compact(info.Sigs)
}
