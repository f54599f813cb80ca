// Dir: a store directory, printing and parsing full store paths, and
// computing store paths (CppNix's StoreDirConfig).

package storepath

import (
	"path"
	"slices"
	"strings"

	"github.com/nixgo/nixgo/format/hash"
)

// Dir is a store directory such as "/nix/store": an absolute, clean path
// with forward slashes and no trailing slash.
type Dir string

// Path returns the full path of p in d (CppNix's printStorePath).
func (d Dir) Path(p StorePath) string { return string(d) + "/" + p.Base() }

// Parse parses a full store path "<dir>/<hash>-<name>" (CppNix's
// parseStorePath). The path is first made canonical: repeated slashes,
// "." and ".." are resolved lexically (never following symlinks).
func (d Dir) Parse(s string) (StorePath, error) {
	if !strings.HasPrefix(s, "/") {
		return StorePath{}, badPath("not an absolute path: '%s'", s)
	}
	p := path.Clean(s)
	if path.Dir(p) != string(d) {
		return StorePath{}, badPath("path '%s' is not in the Nix store", p)
	}
	return ParseBase(path.Base(p))
}

// IsStorePath reports whether Parse accepts s.
func (d Dir) IsStorePath(s string) bool {
	_, err := d.Parse(s)
	return err == nil
}

// IsInStore reports whether s is a path strictly inside d, lexically
// (CppNix's isInStore).
func (d Dir) IsInStore(s string) bool {
	return strings.HasPrefix(s, "/") && len(s) >= len(d)+2 &&
		strings.HasPrefix(s, string(d)) && s[len(d)] == '/'
}

// ToStorePath splits a path inside the store into its store path and the
// rest ("/bin/sh" of "/nix/store/<hash>-bash/bin/sh"; "" for the store
// path itself) (CppNix's toStorePath).
func (d Dir) ToStorePath(s string) (StorePath, string, error) {
	if !d.IsInStore(s) {
		return StorePath{}, "", badPath("path '%s' is not in the Nix store", s)
	}
	top, rest := s, ""
	if i := strings.IndexByte(s[len(d)+1:], '/'); i >= 0 {
		top, rest = s[:len(d)+1+i], s[len(d)+1+i:]
	}
	p, err := d.Parse(top)
	return p, rest, err
}

// MakeStorePath computes the store path of name for a type and an inner
// hash, from the fingerprint "<typ>:<algo>:<hex>:<dir>:<name>" (CppNix's
// makeStorePath).
func (d Dir) MakeStorePath(typ string, inner hash.Hash, name string) (StorePath, error) {
	var buf [512]byte
	return d.makeStorePath(append(buf[:0], typ...), inner, name)
}

// makeStorePath completes the fingerprint whose type is in fp and makes the
// path.
func (d Dir) makeStorePath(fp []byte, inner hash.Hash, name string) (StorePath, error) {
	fp = append(fp, ':')
	fp = inner.AppendFormat(fp, hash.Base16, true)
	fp = append(fp, ':')
	fp = append(fp, d...)
	fp = append(fp, ':')
	fp = append(fp, name...)
	return fromFingerprint(fp, name)
}

// OutputPathName returns the name of output outputName of a derivation
// called drvName: drvName for "out", else "<drvName>-<outputName>".
func OutputPathName(drvName, outputName string) string {
	if outputName == "out" {
		return drvName
	}
	return drvName + "-" + outputName
}

// MakeOutputPath computes the path of output outputName of an
// input-addressed derivation whose (masked) modulo hash is h (CppNix's
// makeOutputPath).
func (d Dir) MakeOutputPath(outputName string, h hash.Hash, drvName string) (StorePath, error) {
	return d.MakeStorePath("output:"+outputName, h, OutputPathName(drvName, outputName))
}

// References are the store paths a content-addressed object refers to:
// others, and itself when Self is set.
type References struct {
	Others []StorePath
	Self   bool
}

// IsEmpty reports whether there are no references at all.
func (r References) IsEmpty() bool { return !r.Self && len(r.Others) == 0 }

// makeType appends ":<full path>" for every reference, in order and
// without duplicates, and ":self" if asked, to typ (CppNix's makeType).
func (d Dir) makeType(b []byte, typ string, others []StorePath, self bool) []byte {
	b = append(b, typ...)
	for i, p := range others {
		if i > 0 && p == others[i-1] {
			continue
		}
		b = append(b, ':')
		b = append(b, d...)
		b = append(b, '/')
		b = append(b, p.Base()...)
	}
	if self {
		b = append(b, ":self"...)
	}
	return b
}

// sortedPaths returns paths sorted as CppNix's StorePathSet, possibly with
// adjacent duplicates (makeType skips them). It does not modify its
// argument.
func sortedPaths(paths []StorePath) []StorePath {
	if slices.IsSortedFunc(paths, func(a, b StorePath) int { return a.Compare(b) }) {
		return paths
	}
	s := slices.Clone(paths)
	slices.SortFunc(s, func(a, b StorePath) int { return a.Compare(b) })
	return s
}

// SortPaths sorts paths in CppNix's StorePathSet order (by base name) and
// removes duplicates, in place; it returns the shortened slice.
func SortPaths(paths []StorePath) []StorePath {
	slices.SortFunc(paths, func(a, b StorePath) int { return a.Compare(b) })
	return slices.Compact(paths)
}

// MakeFixedOutputPath computes the path of a content-addressed object
// ingested with method (MethodFlat, MethodNAR or MethodGit) whose content
// hash is h (CppNix's makeFixedOutputPath). A SHA-256 NAR hash gives a
// "source" path, which may have references; any other combination gives
// an "output:out" path of the hash "fixed:out:<prefix><algo>:<hex>:",
// which may not.
func (d Dir) MakeFixedOutputPath(name string, method Method, h hash.Hash, refs References) (StorePath, error) {
	switch method {
	case MethodFlat, MethodNAR, MethodGit:
	default:
		return StorePath{}, badPath("'%s' is not a file ingestion method", method)
	}
	if method == MethodGit && h.Algo() != hash.SHA1 {
		return StorePath{}, badPath("Git file ingestion must use SHA-1 hash")
	}
	if method == MethodNAR && h.Algo() == hash.SHA256 {
		var buf [512]byte
		return d.makeStorePath(d.makeType(buf[:0], "source", sortedPaths(refs.Others), refs.Self), h, name)
	}
	if !refs.IsEmpty() {
		return StorePath{}, badPath("fixed output derivation '%s' is not allowed to refer to other store paths.\n"+
			"You may need to use the 'unsafeDiscardReferences' derivation attribute, see the manual for more details.", name)
	}
	inner := hash.SumString(hash.SHA256, "fixed:out:"+method.Prefix()+h.Format(hash.Base16, true)+":")
	return d.MakeStorePath("output:out", inner, name)
}

// MakeTextPath computes the path of a text object (builtins.toFile, .drv
// files) with SHA-256 content hash h and the given references.
func (d Dir) MakeTextPath(name string, h hash.Hash, refs []StorePath) (StorePath, error) {
	if h.Algo() != hash.SHA256 {
		return StorePath{}, badPath("text hashing must use SHA-256, not '%s'", h.Algo())
	}
	var buf [512]byte
	return d.makeStorePath(d.makeType(buf[:0], "text", sortedPaths(refs), false), h, name)
}

// MakeFixedOutputPathFromCA computes the path of a content-addressed
// object from its content address and references (CppNix's
// makeFixedOutputPathFromCA).
func (d Dir) MakeFixedOutputPathFromCA(name string, ca ContentAddress, refs References) (StorePath, error) {
	if ca.Method == MethodText {
		if refs.Self {
			return StorePath{}, badPath("self-reference not allowed with text hashing")
		}
		return d.MakeTextPath(name, ca.Hash, refs.Others)
	}
	return d.MakeFixedOutputPath(name, ca.Method, ca.Hash, refs)
}
