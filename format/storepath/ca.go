// ContentAddress and Method: how a content-addressed store object was
// hashed, in CppNix's textual forms.

package storepath

import (
	"fmt"
	"strings"

	"github.com/nixgo/nixgo/format/hash"
)

// Method is a content-addressing method: a file ingestion method (flat,
// NAR, Git) or text. The zero Method is invalid.
type Method uint8

const (
	MethodFlat Method = iota + 1 // the file's bytes ("flat")
	MethodNAR                    // the NAR serialisation ("nar", "recursive", prefix "r:")
	MethodText                   // text with references, flat ("text")
	MethodGit                    // Git tree/blob hashing ("git"; experimental feature git-hashing)
)

// String returns the method's name: "flat", "nar", "text" or "git"
// (CppNix's ContentAddressMethod::render).
func (m Method) String() string {
	switch m {
	case MethodFlat:
		return "flat"
	case MethodNAR:
		return "nar"
	case MethodText:
		return "text"
	case MethodGit:
		return "git"
	}
	return "invalid-method"
}

// ParseMethod parses a method name as String prints it (CppNix's
// ContentAddressMethod::parse). Callers must check the experimental
// feature git-hashing for MethodGit.
func ParseMethod(s string) (Method, error) {
	switch s {
	case "flat":
		return MethodFlat, nil
	case "nar":
		return MethodNAR, nil
	case "text":
		return MethodText, nil
	case "git":
		return MethodGit, nil
	}
	//lint:ignore ST1005 CppNix's wording
	return 0, fmt.Errorf("Unknown file ingestion method '%s', expect `flat`, `nar`, or `git`", s)
}

// Prefix returns the method's prefix in derivation outputs and
// fingerprints: "" (flat), "r:", "text:" or "git:" (CppNix's renderPrefix).
func (m Method) Prefix() string {
	switch m {
	case MethodNAR:
		return "r:"
	case MethodText:
		return "text:"
	case MethodGit:
		return "git:"
	}
	return ""
}

// ParseMethodPrefix removes a method prefix from s, returning MethodFlat
// when there is none (CppNix's ContentAddressMethod::parsePrefix).
func ParseMethodPrefix(s string) (Method, string) {
	for _, m := range []Method{MethodNAR, MethodGit, MethodText} {
		if rest, ok := strings.CutPrefix(s, m.Prefix()); ok {
			return m, rest
		}
	}
	return MethodFlat, s
}

// modernPrefix returns "text:" or "fixed:<prefix>".
func (m Method) modernPrefix() string {
	if m == MethodText {
		return "text:"
	}
	return "fixed:" + m.Prefix()
}

// RenderWithAlgo returns "fixed:r:sha256", "text:sha256" and the like
// (CppNix's ContentAddressMethod::renderWithAlgo).
func (m Method) RenderWithAlgo(a hash.Algo) string { return m.modernPrefix() + a.String() }

// ParseMethodWithAlgo parses what RenderWithAlgo prints.
func ParseMethodWithAlgo(s string) (Method, hash.Algo, error) {
	m, a, _, err := parseCAPrefix(s+":", s+":")
	return m, a, err
}

// ContentAddress is a content-addressing method with the content hash.
type ContentAddress struct {
	Method Method
	Hash   hash.Hash
}

// ParseContentAddress parses "text:<algo>:<hash>" or
// "fixed:[r:|git:]<algo>:<hash>" (CppNix's ContentAddress::parse). The hash
// may be base16, nix32 or base64.
func ParseContentAddress(s string) (ContentAddress, error) {
	m, a, rest, err := parseCAPrefix(s, s)
	if err != nil {
		return ContentAddress{}, err
	}
	h, err := hash.ParseNonSRIUnprefixed(rest, a)
	if err != nil {
		return ContentAddress{}, err
	}
	return ContentAddress{Method: m, Hash: h}, nil
}

// parseCAPrefix parses "<prefix>:[r:|git:]<algo>:" off s; whole is the
// input as reported in errors.
func parseCAPrefix(s, whole string) (Method, hash.Algo, string, error) {
	prefix, rest, ok := strings.Cut(s, ":")
	if !ok {
		return 0, 0, "", fmt.Errorf("not a content address because it is not in the form '<prefix>:<rest>': %s", whole)
	}
	var m Method
	switch prefix {
	case "text":
		m = MethodText
	case "fixed":
		m = MethodFlat
		if r, ok := strings.CutPrefix(rest, "r:"); ok {
			m, rest = MethodNAR, r
		} else if r, ok := strings.CutPrefix(rest, "git:"); ok {
			m, rest = MethodGit, r
		}
	default:
		return 0, 0, "", fmt.Errorf("content address prefix '%s' is unrecognized. Recogonized prefixes are 'text' or 'fixed'", prefix)
	}
	algoName, rest, ok := strings.Cut(rest, ":")
	if !ok {
		return 0, 0, "", fmt.Errorf("content address hash must be in form '<algo>:<hash>', but found: %s", whole)
	}
	a, err := hash.ParseAlgo(algoName)
	if err != nil {
		return 0, 0, "", err
	}
	return m, a, rest, nil
}

// String renders the content address as "fixed:r:sha256:<nix32>" and the
// like (CppNix's ContentAddress::render).
func (ca ContentAddress) String() string {
	return ca.Method.modernPrefix() + ca.Hash.Format(hash.Nix32, true)
}

// MethodAlgo returns the method prefix and algorithm, "r:sha256" and the
// like, as derivation outputs spell them (CppNix's printMethodAlgo).
func (ca ContentAddress) MethodAlgo() string { return ca.Method.Prefix() + ca.Hash.Algo().String() }

// IsZero reports whether ca is the zero ContentAddress.
func (ca ContentAddress) IsZero() bool { return ca.Method == 0 }

// MarshalText implements encoding.TextMarshaler.
func (ca ContentAddress) MarshalText() ([]byte, error) { return []byte(ca.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (ca *ContentAddress) UnmarshalText(b []byte) error {
	v, err := ParseContentAddress(string(b))
	if err != nil {
		return err
	}
	*ca = v
	return nil
}
