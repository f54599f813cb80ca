// This file parses store URIs ("local", "local?root=DIR", "/some/dir",
// "dummy://", "auto") as CppNix's StoreReference::parse does.

package store

import (
	"fmt"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
)

// Reference is a parsed store URI (CppNix's StoreReference).
type Reference struct {
	// Auto is set for "auto" and "": the store is chosen at open time
	// (a local store if the state directory is writable, the daemon if
	// its socket exists, else a per-user chroot store).
	Auto bool
	// Scheme is "local", "dummy", "unix" (for "daemon"), "file",
	// "https" and so on.
	Scheme string
	// Authority is what follows "scheme://" up to the query; for a
	// local store given as a path, the absolute path, which becomes the
	// root of a chroot store.
	Authority string
	// Params are the query parameters (store settings such as root,
	// state, store, real, log, read-only).
	Params map[string]string
}

// ParseError reports a store URI that cannot be parsed. CppNix reports it
// as a usage error.
type ParseError struct{ Msg string }

func (e *ParseError) Error() string { return e.Msg }

// ParseReference parses a store URI. Relative paths are made absolute
// against cwd. Query parameters without '=' are ignored with a warning
// through log, as CppNix does.
func ParseReference(uri, cwd string, log Logger) (Reference, error) {
	if isWindowsPath(uri) {
		// nixgo's addition: a Windows path ("C:\\nix", "C:/nix") is a
		// chroot store, as a path with '/' is everywhere.
		base, query, _ := strings.Cut(uri, "?")
		params, err := decodeQuery(query, log)
		if err != nil {
			return Reference{}, err
		}
		return Reference{Scheme: "local", Authority: filepath.ToSlash(filepath.Clean(base)), Params: params}, nil
	}
	if m := uriRegexp.FindStringSubmatch(uri); m != nil {
		return parseURL(uri, m, log)
	}
	base, query, _ := strings.Cut(uri, "?")
	params := map[string]string{}
	if strings.Contains(uri, "?") {
		var err error
		if params, err = decodeQuery(query, log); err != nil {
			return Reference{}, err
		}
	}
	switch {
	case base == "" || base == "auto":
		return Reference{Auto: true, Params: params}, nil
	case base == "daemon":
		return Reference{Scheme: "unix", Params: params}, nil
	case base == "local":
		return Reference{Scheme: "local", Params: params}, nil
	case !strings.Contains(base, "://") && strings.Contains(base, "/"):
		return Reference{Scheme: "local", Authority: absPath(base, cwd), Params: params}, nil
	}
	return Reference{}, &ParseError{fmt.Sprintf("Cannot parse Nix store '%s'", uri)}
}

// String renders the reference as CppNix's StoreReference::render.
func (r Reference) String() string {
	s := "auto"
	if !r.Auto {
		s = r.Scheme + "://" + r.Authority
	}
	if len(r.Params) > 0 {
		names := make([]string, 0, len(r.Params))
		for k := range r.Params {
			names = append(names, k)
		}
		sort.Strings(names)
		var parts []string
		for _, k := range names {
			parts = append(parts, percentEncode(k, ":@/?")+"="+percentEncode(r.Params[k], ":@/?"))
		}
		s += "?" + strings.Join(parts, "&")
	}
	return s
}

// parseURL finishes parsing a URI that matched uriRegexp (CppNix's
// parseURL).
func parseURL(uri string, m []string, log Logger) (Reference, error) {
	// Only one of the two path groups can match.
	scheme, authority, path, query := m[2], m[3], m[4]+m[5], m[6]
	isFile := scheme == "file" || strings.HasSuffix(scheme, "+file")
	if isFile && authority != "" {
		return Reference{}, &ParseError{fmt.Sprintf("file:// URL '%s' has unexpected authority '%s'", uri, authority)}
	}
	if isFile && path == "" {
		path = "/"
	}
	p, err := percentDecode(path)
	if err != nil {
		return Reference{}, err
	}
	params, err := decodeQuery(query, log)
	if err != nil {
		return Reference{}, err
	}
	return Reference{Scheme: scheme, Authority: authority + p, Params: params}, nil
}

// The URL grammar of CppNix's url-parts.hh.
var uriRegexp = func() *regexp.Regexp {
	const (
		pct       = `(?:%[0-9a-fA-F][0-9a-fA-F])`
		scheme    = `(?:[a-z][a-z0-9+.-]*)`
		ipv6Seg   = `[0-9a-fA-F:]+(?:%\w+)?`
		ipv6      = `(?:\[` + ipv6Seg + `\]|` + ipv6Seg + `)`
		unres     = `(?:[a-zA-Z0-9\-._~])`
		subdelims = `(?:[!$&'"()*+,;=])`
		hostname  = `(?:(?:` + unres + `|` + pct + `|` + subdelims + `)*)`
		host      = `(?:` + ipv6 + `|` + hostname + `)`
		user      = `(?:(?:` + unres + `|` + pct + `|` + subdelims + `|:)*)`
		authority = `(?:` + user + `@)?` + host + `(?::[0-9]+)?`
		pchar     = `(?:` + unres + `|` + pct + `|` + subdelims + `|[:@])`
		query     = `(?:` + pchar + `|[/? "])*`
		fragment  = `(?:` + pchar + `|[/? "^])*`
		segment   = `(?:` + pchar + `*)`
		absPath   = `(?:(?:/` + segment + `)*/?)`
		path      = `(?:` + segment + `(?:/` + segment + `)*/?)`
	)
	return regexp.MustCompile(`^((` + scheme + `):(?:(?://(` + authority + `)(` + absPath + `))|(/?` + path + `)))` +
		`(?:\?(` + query + `))?(?:#(` + fragment + `))?$`)
}()

// decodeQuery splits "a=b&c=d" into parameters; the first of repeated
// names wins (CppNix's decodeQuery).
func decodeQuery(q string, log Logger) (map[string]string, error) {
	params := map[string]string{}
	for _, s := range strings.Split(q, "&") {
		if s == "" {
			continue
		}
		name, value, ok := strings.Cut(s, "=")
		if !ok {
			logf(log, LevelWarn, "dubious URI query '%s' is missing equal sign '%s', ignoring", s, "=")
			continue
		}
		v, err := percentDecode(value)
		if err != nil {
			return nil, err
		}
		if _, dup := params[name]; !dup {
			params[name] = v
		}
	}
	return params, nil
}

// percentDecode decodes %XX escapes (CppNix's percentDecode).
func percentDecode(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '%' {
			b.WriteByte(s[i])
			i++
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) {
			return "", &ParseError{fmt.Sprintf("invalid URI parameter '%s'", s)}
		}
		n := unhex(s[i+1])
		if isHex(s[i+2]) {
			n = n*16 + unhex(s[i+2])
		}
		b.WriteByte(n)
		i += 3
	}
	return b.String(), nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// percentEncode escapes everything but unreserved characters and keep.
func percentEncode(s, keep string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~"+keep, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// isWindowsPath reports whether s starts with a drive letter, on Windows.
func isWindowsPath(s string) bool {
	return runtime.GOOS == "windows" && len(s) >= 3 && s[1] == ':' && (s[2] == '\\' || s[2] == '/') &&
		('a' <= s[0] && s[0] <= 'z' || 'A' <= s[0] && s[0] <= 'Z')
}

// absPath makes p absolute against cwd and cleans it, as CppNix's absPath
// (lexically, without following symlinks).
func absPath(p, cwd string) string {
	if !filepath.IsAbs(p) && !strings.HasPrefix(p, "/") {
		p = cwd + "/" + p
	}
	return canonPath(p)
}

// canonPath removes ".", ".." and repeated slashes lexically (CppNix's
// canonPath without symlink resolution).
func canonPath(p string) string {
	if p == "" {
		return "/"
	}
	c := filepath.ToSlash(filepath.Clean(filepath.FromSlash(p)))
	return c
}
