// This file holds the fetchers: fetchurl, fetchTarball, fetchGit and
// fetchMercurial. Their arguments are checked with CppNix's messages; fetchurl
// reads file:// URLs into the store; nixgo has no network or version-control
// fetchers yet, so other fetches fail.

package builtins

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/nar"
	"github.com/nixgo/nixgo/format/ospath"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

var fetchBuiltins = []def{
	{name: "__fetchurl", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		return fetch(st, pos, args[0], "fetchurl", false, "")
	}},
	{name: "fetchTarball", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		return fetch(st, pos, args[0], "fetchTarball", true, "source")
	}},
	{name: "fetchGit", arity: 1, fn: primFetchGit},
	{name: "fetchMercurial", arity: 1, fn: primFetchMercurial},
}

// fetch is CppNix's fetch(), behind fetchurl (unpack false) and fetchTarball.
func fetch(st *eval.State, pos token.Pos, arg eval.Value, who string, unpack bool, name string) eval.Value {
	var url string
	var expected *hash.Hash
	haveURL, nameAttrPassed := false, false
	arg = st.Force(arg, pos)
	attrs, isAttrs := arg.(*eval.Attrs)
	if isAttrs {
		for _, a := range attrs.All() {
			switch n := st.Symbols.Name(a.Name); n {
			case "url":
				url = st.ForceStringNoCtx(a.Value, a.Pos, "while evaluating the url we should fetch")
				haveURL = true
			case "sha256":
				s := st.ForceStringNoCtx(a.Value, a.Pos, "while evaluating the sha256 of the content we should fetch")
				h := parseHashAllowEmpty(st, s, hash.SHA256)
				expected = &h
			case "name":
				nameAttrPassed = true
				name = st.ForceStringNoCtx(a.Value, a.Pos, "while evaluating the name of the content we should fetch")
			default:
				st.Errorf(eval.EvalError, pos, "unsupported argument '%s' to '%s'", n, who)
			}
		}
		if !haveURL {
			st.Errorf(eval.EvalError, pos, "'url' argument required")
		}
	} else {
		url = st.ForceStringNoCtx(arg, pos, "while evaluating the url we should fetch")
	}
	if who == "fetchTarball" {
		url = resolvePseudoURL(url)
	}
	checkURI(st, url)
	if name == "" {
		name = urlBaseName(url)
	}
	if err := storepath.CheckName(name); err != nil {
		resolution := "Please pass an attribute set with 'url' and 'name' attributes to '" + who + "',  so that it can create a valid store path."
		switch {
		case nameAttrPassed:
			resolution = "Please change the value for the 'name' attribute passed to '" + who + "', so that it can create a valid store path."
		case isAttrs:
			resolution = "Please add a valid 'name' attribute to the argument for '" + who + "', so that it can create a valid store path."
		}
		st.Errorf(eval.EvalError, pos, "invalid store path name when fetching URL '%s': %s. %s", url, err.Error(), resolution)
	}
	if st.PureEval && expected == nil {
		st.Errorf(eval.EvalError, pos, "in pure evaluation mode, '%s' requires a 'sha256' argument", who)
	}
	if unpack {
		st.Log("unpacking '" + url + "' into the Git cache...")
		st.PushTrace(token.NoPos, "while fetching the input '"+url+"'")
		if msg := downloadError(url); msg != "" {
			st.Errorf(eval.EvalError, token.NoPos, "Failed to open archive (Source threw exception: error: %s)", msg)
		}
		if path, ok := strings.CutPrefix(url, "file://"); ok {
			if p, ok := unpackTrivial(st, name, path); ok {
				st.PopTrace()
				if expected != nil {
					checkEmptyDirHash(st, url, *expected)
				}
				st.AllowedPaths = append(st.AllowedPaths, p)
				return eval.MkStringCtx(p, eval.Context{p})
			}
		}
		st.Errorf(eval.EvalError, token.NoPos, "unpacking tarballs is not supported by nixgo yet")
		st.PopTrace()
	}
	file := downloadFile(st, url)
	if !strings.HasPrefix(url, "file://"+file) {
		defer os.Remove(ospath.Native(file)) // a directory's listing
	}
	if expected != nil {
		data, err := os.ReadFile(ospath.Native(file))
		if err != nil {
			st.Errorf(eval.IOError, token.NoPos, "reading file '%s': %s", file, syserr.Strerror(err))
		}
		if got := hash.SumString(hash.SHA256, string(data)); got != *expected {
			st.ErrorfStatus(102, eval.EvalError, token.NoPos, "hash mismatch in file downloaded from '%s':\n  specified: %s\n  got:       %s",
				url, expected.Format(hash.Nix32, true), got.Format(hash.Nix32, true))
		}
	}
	var p string
	var err error
	if d, ok := st.Store.(Downloader); ok {
		p, err = d.AddDownload(name, ospath.Native(file))
	} else {
		p, err = st.Store.AddPath(name, ospath.Native(file), false, nil)
	}
	if err != nil {
		st.Errorf(eval.IOError, token.NoPos, "%s", err.Error())
	}
	st.AllowedPaths = append(st.AllowedPaths, p)
	return eval.MkStringCtx(p, eval.Context{p})
}

// Downloader is implemented by stores that keep what fetchurl downloads
// even when they only compute the paths of other additions: in CppNix's
// read-only mode (nix-instantiate --eval, --dry-run) ./paths are only
// hashed, but a downloaded file is written to the store, where builtins can
// then read it.
type Downloader interface {
	// AddDownload adds the regular file src to the store under name, flat
	// and hashed with SHA-256, and returns the store path.
	AddDownload(name, src string) (string, error)
}

// archiveMagics are the starts of the files libarchive recognises (its
// compression filters and archive formats); nixgo unpacks none of them yet.
var archiveMagics = []string{
	"\x1f\x8b", "\x1f\x9d", "\x1f\xa0", "BZh", "\xfd7zXZ\x00", "\x5d\x00\x00", "\x28\xb5\x2f\xfd", "\x89LZO", "\x04\x22\x4d\x18",
	"LRZI", "PK", "7z\xbc\xaf\x27\x1c", "Rar!", "MSCF", "!<arch>\n", "070707", "070701", "070702", "\xc7\x71", "\x71\xc7",
	"xar!", "#mtree", "WARC/", "\xed\xab\xee\xdb",
}

// unpackTrivial is fetchTarball of a local file libarchive reads without
// unpacking anything: an empty file is an empty archive (an empty directory),
// and a file in no format it knows fails.
func unpackTrivial(st *eval.State, name, path string) (string, bool) {
	var data []byte
	if fi, err := os.Stat(ospath.Native(path)); err == nil && fi.IsDir() {
		data = []byte(dirListing(path))
	} else if data, err = os.ReadFile(ospath.Native(path)); err != nil {
		return "", false
	}
	for _, m := range archiveMagics {
		if strings.HasPrefix(string(data), m) {
			return "", false
		}
	}
	if len(data) >= 262 && (string(data[257:262]) == "ustar" || isOldTarHeader(data)) || len(data) > 0x8000 {
		return "", false // tar, or big enough for an ISO image
	}
	if len(data) > 0 {
		st.Errorf(eval.EvalError, token.NoPos, "Failed to open archive (Unrecognized archive format)")
	}
	dir, err := os.MkdirTemp("", "nixgo-unpack")
	if err != nil {
		return "", false
	}
	defer os.Remove(dir)
	p, err := st.Store.AddPath(name, dir, true, nil)
	if err != nil {
		st.Errorf(eval.IOError, token.NoPos, "%s", err.Error())
	}
	return p, true
}

// checkEmptyDirHash compares the NAR hash of an empty directory (what an
// empty archive unpacks to) with the expected one.
func checkEmptyDirHash(st *eval.State, url string, expected hash.Hash) {
	var buf bytes.Buffer
	dir, err := os.MkdirTemp("", "nixgo-unpack")
	if err != nil {
		st.Errorf(eval.IOError, token.NoPos, "%s", err.Error())
	}
	err = nar.DumpPath(&buf, dir)
	os.Remove(dir)
	if err != nil {
		st.Errorf(eval.IOError, token.NoPos, "%s", err.Error())
	}
	if got := hash.Sum(hash.SHA256, buf.Bytes()); got != expected {
		st.ErrorfStatus(102, eval.EvalError, token.NoPos, "hash mismatch in file downloaded from '%s':\n  specified: %s\n  got:       %s",
			url, expected.Format(hash.Nix32, true), got.Format(hash.Nix32, true))
	}
}

// isOldTarHeader tells a pre-POSIX tar header by its checksum field.
func isOldTarHeader(data []byte) bool {
	var sum int64
	for i := 0; i < 512 && i < len(data); i++ {
		if i >= 148 && i < 156 {
			sum += ' '
		} else {
			sum += int64(data[i])
		}
	}
	field := strings.Trim(string(data[148:156]), " \x00")
	want, err := strconv.ParseInt(field, 8, 64)
	return len(data) >= 512 && err == nil && want == sum
}

// downloadFile returns the local file a URL names, failing as CppNix's curl
// downloads fail: nixgo only reads file:// URLs.
func downloadFile(st *eval.State, url string) string {
	if msg := downloadError(url); msg != "" {
		st.Errorf(eval.EvalError, token.NoPos, "%s", msg)
	}
	path, _ := strings.CutPrefix(url, "file://")
	if fi, err := os.Stat(ospath.Native(path)); err == nil && fi.IsDir() {
		// curl reads a directory as the list of its names.
		f, err := os.CreateTemp("", "nixgo-download")
		if err != nil {
			st.Errorf(eval.IOError, token.NoPos, "%s", err.Error())
		}
		f.WriteString(dirListing(path))
		f.Close()
		return ospath.FromNative(f.Name())
	}
	return path
}

// dirListing is what curl downloads from a file:// URL of a directory: the
// names in it not starting with a dot, one per line.
func dirListing(path string) string {
	var names []string // in the directory's own order, as readdir gives them
	if d, err := os.Open(ospath.Native(path)); err == nil {
		names, _ = d.Readdirnames(-1)
		d.Close()
	}
	var sb strings.Builder
	for _, n := range names {
		if !strings.HasPrefix(n, ".") {
			sb.WriteString(n + "\n")
		}
	}
	return sb.String()
}

// downloadError is CppNix's message for a failed download of url, or "" for
// a file:// URL of a readable file.
func downloadError(url string) string {
	if path, ok := strings.CutPrefix(url, "file://"); ok {
		if _, err := os.Stat(ospath.Native(path)); err != nil {
			return fmt.Sprintf("unable to download '%s': Could not read a file:// file (37) Couldn't open file %s", url, path)
		}
		return ""
	}
	host := url
	if _, rest, ok := strings.Cut(url, "://"); ok {
		host, _, _ = strings.Cut(rest, "/")
	}
	return fmt.Sprintf("unable to download '%s': Could not resolve hostname (6) Could not resolve host: %s", url, host)
}

// resolvePseudoURL expands channel: URLs, as CppNix's resolvePseudoUrl.
func resolvePseudoURL(url string) string {
	if c, ok := strings.CutPrefix(url, "channel:"); ok {
		return "https://nixos.org/channels/" + c + "/nixexprs.tar.xz"
	}
	return url
}

// checkURI fails in restricted mode for URIs outside allowed-uris (none are
// configured in nixgo), as CppNix's checkURI.
func checkURI(st *eval.State, uri string) {
	if !st.RestrictEval {
		return
	}
	if strings.HasPrefix(uri, "file://") {
		checkAccess(st, strings.TrimPrefix(uri, "file://"))
		return
	}
	if strings.HasPrefix(uri, "/") {
		checkAccess(st, uri)
		return
	}
	st.Errorf(eval.RestrictedPath, token.NoPos, "access to URI '%s' is forbidden in restricted mode", uri)
}

// urlBaseName is CppNix's baseNameOf applied to a URL: the last component,
// ignoring a trailing slash.
func urlBaseName(url string) string {
	s := strings.TrimSuffix(url, "/")
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// primFetchGit checks the arguments of fetchGit as CppNix's fetchTree does.
func primFetchGit(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	v := st.Force(args[0], pos)
	var url string
	if a, ok := v.(*eval.Attrs); ok {
		if at := a.Get(st.Sym("type")); at != nil {
			st.Errorf(eval.EvalError, pos, "unexpected attribute 'type'")
		}
		for _, at := range a.All() {
			name := st.Symbols.Name(at.Name)
			x := st.Force(at.Value, at.Pos)
			switch x := x.(type) {
			case *eval.String, eval.Path:
				s := st.CoerceToString(at.Pos, x, nil, "", eval.CoerceOpts{})
				if name == "url" {
					url = s
				}
			case eval.Bool:
			case eval.Int:
				if x < 0 {
					st.Errorf(eval.EvalError, pos, "negative value given for fetchTree attr %s: %d", name, int64(x))
				}
			default:
				st.Errorf(eval.TypeError, token.NoPos, "fetchTree argument '%s' is %s while a string, Boolean or integer is expected", name, eval.TypeName(x))
			}
		}
		if url == "" {
			st.Errorf(eval.EvalError, token.NoPos, "attribute 'url' is missing")
		}
	} else {
		url = st.CoerceToString(pos, v, nil, "while evaluating the first argument passed to the fetcher", eval.CoerceOpts{})
	}
	st.Errorf(eval.EvalError, token.NoPos, "fetching Git repositories ('%s') is not supported by nixgo yet", url)
	return nil
}

// primFetchMercurial checks the arguments of fetchMercurial as CppNix does.
func primFetchMercurial(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	v := st.Force(args[0], pos)
	var url string
	haveRev := false
	if a, ok := v.(*eval.Attrs); ok {
		for _, at := range a.All() {
			switch n := st.Symbols.Name(at.Name); n {
			case "url":
				url = st.CoerceToString(at.Pos, at.Value, nil, "while evaluating the `url` attribute passed to builtins.fetchMercurial", eval.CoerceOpts{})
			case "rev":
				s := st.ForceStringNoCtx(at.Value, at.Pos, "while evaluating the `rev` attribute passed to builtins.fetchMercurial")
				haveRev = isGitRev(s)
			case "name":
				st.ForceStringNoCtx(at.Value, at.Pos, "while evaluating the `name` attribute passed to builtins.fetchMercurial")
			default:
				st.Errorf(eval.EvalError, at.Pos, "unsupported argument '%s' to 'fetchMercurial'", syntax.Identifier(n))
			}
		}
		if url == "" {
			st.Errorf(eval.EvalError, pos, "'url' argument required")
		}
	} else {
		url = st.CoerceToString(pos, v, nil, "while evaluating the first argument passed to builtins.fetchMercurial", eval.CoerceOpts{})
	}
	checkURI(st, url)
	if st.PureEval && !haveRev {
		st.Errorf(eval.EvalError, token.NoPos, "in pure evaluation mode, 'fetchMercurial' requires a Mercurial revision")
	}
	st.Errorf(eval.EvalError, token.NoPos, "fetching Mercurial repositories ('%s') is not supported by nixgo yet", url)
	return nil
}

// isGitRev reports whether s is a 40-digit hexadecimal revision.
func isGitRev(s string) bool {
	if len(s) != 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
