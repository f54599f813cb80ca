// Benchmarks with patterns and subjects typical of nixpkgs, with package regexp (which
// does not have the same semantics) as a yardstick.

package regex

import (
	"regexp"
	"testing"
)

var benchMatch = []struct{ name, pattern, subject string }{
	{"SplitFirstSpace", `([^ ]*) (.*)`, "configureFlags --enable-shared --disable-static"},
	{"NameChars", `[a-zA-Z0-9_.-]+`, "python3.12-setuptools-75.1.0"},
	{"DrvName", `[[:alnum:]+_?=-][[:alnum:]+._?=-]*`, "bootstrap-stage0-glibc-bootstrapFiles"},
	{"Version", `([0-9]+)\.([0-9]+)(\.([0-9]+))?(.*)`, "1.23.4-pre5"},
	{"NixFile", `.*\.nix`, "/nix/store/iqlzcyc1z7nv804n9wc5k5i0l180wnbs-source/pkgs/default.nix"},
	{"NixFileMiss", `.*\.nix`, "/nix/store/iqlzcyc1z7nv804n9wc5k5i0l180wnbs-source/pkgs/default.txt"},
	{"Mirror", `mirror://([a-z]+)/(.*)`, "mirror://gnu/m4/m4-1.4.19.tar.bz2"},
	{"MirrorMiss", `mirror://([a-z]+)/(.*)`, "https://github.com/madler/zlib/releases/download/v1.3.1/zlib-1.3.1.tar.gz"},
	{"ToInt", `[[:space:]]*0*(-?[[:digit:]]+)[[:space:]]*`, "  0042  "},
	{"Infix", `.*-unstable-.*`, "hello-unstable-2024-01-31"},
}

var benchSplit = []struct{ name, pattern, subject string }{
	{"Dot", `\.`, "1.23.4.5678.9"},
	{"Path", `/`, "/nix/store/iqlzcyc1z7nv804n9wc5k5i0l180wnbs-source/pkgs/top-level/all-packages.nix"},
	{"Numbers", `(0|[1-9][0-9]*)`, "1.02.300-rc4"},
	{"Whitespace", `[[:space:]]+|([',.!?])`, "Nix Rocks!\nThat's why I use it.\n"},
	{"Lines", "\n", "line one\nline two\nline three\nline four\n"},
}

func BenchmarkMatchFull(b *testing.B) {
	for _, bm := range benchMatch {
		re := MustCompile(bm.pattern)
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bm.subject)))
			var buf []int
			for b.Loop() {
				buf, _ = re.AppendMatchFull(buf[:0], bm.subject)
			}
		})
		std := regexp.MustCompile(`^(?:` + bm.pattern + `)$`)
		b.Run(bm.name+"/stdlib", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bm.subject)))
			for b.Loop() {
				std.FindStringSubmatchIndex(bm.subject)
			}
		})
	}
}

func BenchmarkSplitMatches(b *testing.B) {
	for _, bm := range benchSplit {
		re := MustCompile(bm.pattern)
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bm.subject)))
			for b.Loop() {
				re.ForEachMatch(bm.subject, func([]int) bool { return true })
			}
		})
		std := regexp.MustCompile(bm.pattern)
		b.Run(bm.name+"/stdlib", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bm.subject)))
			for b.Loop() {
				std.FindAllStringSubmatchIndex(bm.subject, -1)
			}
		})
	}
}

func BenchmarkCacheHit(b *testing.B) {
	var c Cache
	pattern := `[[:alnum:]+_?=-][[:alnum:]+._?=-]*`
	if _, err := c.Compile(pattern); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c.Compile(pattern)
	}
}

func BenchmarkCompile(b *testing.B) {
	for _, p := range []string{`([^ ]*) (.*)`, `^([0-9A-Fa-f]{2})[-:.]?([0-9A-Fa-f]{2})[-:.]?([0-9A-Fa-f]{2})$`} {
		b.Run(p, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Compile(p)
			}
		})
	}
}

func BenchmarkLongSubject(b *testing.B) {
	// builtins.match ".*foo.*" (readFile ...) on a 1 MB file: libstdc++ recurses per
	// character (and overflows its stack); the explicit stack here does not.
	subject := make([]byte, 1<<20)
	for i := range subject {
		subject[i] = "abcdefgh\n"[i%9]
	}
	s := string(subject) + "foo"
	re := MustCompile(`.*foo.*`)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if re.MatchFull(s) == nil {
			b.Fatal("no match")
		}
	}
}
