// Tests of the Windows mapping (pure, so they run everywhere) and of the
// functions of the running system.

package ospath

import (
	"runtime"
	"testing"
)

func TestWindowsFromNative(t *testing.T) {
	for _, c := range []struct{ native, current, want string }{
		{`C:\Users\me\src`, "C:", "/Users/me/src"},
		{`c:\Users\me`, "C:", "/Users/me"},
		{`C:/Users/me`, "c:", "/Users/me"},
		{`C:\`, "C:", "/"},
		{`C:`, "C:", "/"},
		{`\nix\store`, "C:", "/nix/store"},
		{`D:\src\x.nix`, "C:", "/D:/src/x.nix"},
		{`d:\src`, "C:", "/D:/src"},
		{`D:\`, "C:", "/D:"},
		{`\\server\share\dir\f`, "C:", "/UNC:/server/share/dir/f"},
		{`\\server\share`, "C:", "/UNC:/server/share"},
		{`\\server\share\dir`, `\\SERVER\share`, "/dir"},
		{`\\?\C:\long\path`, "C:", "/long/path"},
		{`\\?\D:\long`, "C:", "/D:/long"},
		{`\\?\UNC\server\share\x`, "C:", "/UNC:/server/share/x"},
		{`src\main.nix`, "C:", "src/main.nix"},
		{`..\up`, "C:", "../up"},
		{`/already/nix`, "C:", "/already/nix"},
		{`Z:\tmp\x`, "Z:", "/tmp/x"},
		{`C:\x`, "", "/C:/x"},
	} {
		if got := windowsFromNative(c.native, c.current); got != c.want {
			t.Errorf("windowsFromNative(%q, %q) = %q, want %q", c.native, c.current, got, c.want)
		}
	}
}

func TestWindowsNative(t *testing.T) {
	for _, c := range []struct{ nix, want string }{
		{"/Users/me/src", `\Users\me\src`},
		{"/nix/store", `\nix\store`},
		{"/", `\`},
		{"/D:/src/x.nix", `D:\src\x.nix`},
		{"/d:/src", `D:\src`},
		{"/D:", `D:\`},
		{"/UNC:/server/share/dir", `\\server\share\dir`},
		{"src/main.nix", `src\main.nix`},
		{"/C:x/y", `\C:x\y`}, // not a drive: an ordinary (invalid) name
	} {
		if got := windowsNative(c.nix); got != c.want {
			t.Errorf("windowsNative(%q) = %q, want %q", c.nix, got, c.want)
		}
	}
}

// TestWindowsRoundTrip checks that Native and FromNative are inverse for
// the canonical forms.
func TestWindowsRoundTrip(t *testing.T) {
	for _, p := range []string{"/Users/me", "/D:/src", "/UNC:/s/sh/d", "/", "/D:", "rel/x"} {
		for _, cur := range []string{"C:", `\\s\other`} {
			if got := windowsFromNative(windowsNative(p), cur); got != p {
				t.Errorf("round trip of %q with current %q gives %q", p, cur, got)
			}
		}
	}
}

func TestWindowsVolume(t *testing.T) {
	for p, want := range map[string]string{
		`C:\x`: "C:", `c:`: "c:", `\\srv\sh\x`: `\\srv\sh`, `//srv/sh`: "//srv/sh",
		`\\srv`: "", `\x`: "", `x`: "", `\\\x`: "", `1:\x`: "",
	} {
		if got := windowsVolume(p); got != want {
			t.Errorf("windowsVolume(%q) = %q, want %q", p, got, want)
		}
	}
}

// TestGetwd checks that the working directory maps to an absolute Nix
// path that Native turns back into the same directory.
func TestGetwd(t *testing.T) {
	wd, err := Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if wd == "" || wd[0] != '/' {
		t.Fatalf("Getwd() = %q, want an absolute Nix path", wd)
	}
	if runtime.GOOS != "windows" {
		return
	}
	if got := FromNative(Native(wd)); got != wd {
		t.Errorf("FromNative(Native(%q)) = %q", wd, got)
	}
}
