// The Windows mapping as pure functions, so that every system can test it.

package ospath

import "strings"

// windowsNative is Native on Windows: the first component "X:" names a
// drive and "UNC:" a share (/UNC:/server/share/...); any other absolute
// Nix path is rooted on the current volume. Separators become '\':
// Windows itself takes '/' too, but Wine reads a path that starts with '/'
// as a Unix path.
func windowsNative(p string) string {
	if !strings.HasPrefix(p, "/") {
		return toBackslash(p)
	}
	first, rest, _ := strings.Cut(p[1:], "/")
	switch {
	case isDrive(first):
		return strings.ToUpper(first) + `\` + toBackslash(rest)
	case first == "UNC:":
		return `\\` + toBackslash(rest)
	}
	return toBackslash(p)
}

func toBackslash(p string) string { return strings.ReplaceAll(p, "/", `\`) }

// windowsFromNative is FromNative on Windows, with the current volume as
// a parameter ("C:" or `\\server\share`; "" for none).
func windowsFromNative(p, current string) string {
	p = stripExtended(p)
	vol := windowsVolume(p)
	rest := strings.ReplaceAll(p[len(vol):], `\`, "/")
	switch {
	case vol == "":
		return rest
	case strings.EqualFold(vol, current):
		if rest == "" {
			return "/"
		}
		return rest
	case isDrive(vol):
		return "/" + strings.ToUpper(vol) + slashPrefixed(rest)
	}
	return "/UNC:/" + strings.ReplaceAll(vol[2:], `\`, "/") + slashPrefixed(rest)
}

// windowsVolume returns the volume at the start of a native Windows path:
// a drive ("C:"), a UNC share (`\\server\share`, either separator), or "".
func windowsVolume(p string) string {
	if len(p) >= 2 && p[1] == ':' && isLetter(p[0]) {
		return p[:2]
	}
	if len(p) < 3 || !isSep(p[0]) || !isSep(p[1]) || isSep(p[2]) {
		return ""
	}
	// \\server\share: the end of the second component after the slashes.
	n, comps := 2, 0
	for n < len(p) {
		if isSep(p[n]) {
			comps++
			if comps == 2 {
				break
			}
		}
		n++
	}
	if comps == 0 {
		return "" // \\server alone is not a volume
	}
	return p[:n]
}

// stripExtended removes the \\?\ (or \??\) prefix of an extended-length
// path: \\?\C:\x is C:\x and \\?\UNC\server\share is \\server\share.
func stripExtended(p string) string {
	if len(p) < 4 || !(p[:4] == `\\?\` || p[:4] == `\??\`) {
		return p
	}
	p = p[4:]
	if len(p) >= 4 && strings.EqualFold(p[:4], `UNC\`) {
		return `\\` + p[4:]
	}
	return p
}

func slashPrefixed(rest string) string {
	if rest == "" || rest == "/" {
		return ""
	}
	if rest[0] != '/' {
		return "/" + rest
	}
	return rest
}

func isDrive(s string) bool { return len(s) == 2 && s[1] == ':' && isLetter(s[0]) }

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isSep(c byte) bool { return c == '/' || c == '\\' }
