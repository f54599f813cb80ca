// This file tests nix-instantiate without --eval: which derivations are
// found, how they are printed, --add-root, and what is written to the store.
// Expected outputs were captured once from CppNix 2.26 with --store DIR.

package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nixgo/nixgo/format/ospath"
)

const instantiateTestNix = `let d = name: outs: derivation { inherit name; system = "x"; builder = "/bin/sh"; outputs = outs; };
in { a = d "a" ["out"]; b = d "b" ["dev" "out"]; c = { recurseForDerivations = true; x = d "x" ["out"]; y = 1; }; e = { z = d "z" ["out"]; }; "1bad" = d "bad" ["out"]; l = [ (d "l1" ["out"]) ]; f = { n ? 1 }: d "f" ["out"]; src = builtins.toFile "s" "${./t.nix}"; }
`

const gcWarning = "warning: you did not specify '--add-root'; the result might be removed by the garbage collector\n"

func TestInstantiate(t *testing.T) {
	tests := []struct {
		args           []string
		stdout, stderr string
		code           int
		store          []string // the store's entries afterwards (nil: not checked)
	}{
		{[]string{"t.nix"}, "/nix/store/7jyz79mr66rv2mq91p5ia8n1r9hf28xi-a.drv\n/nix/store/m644wsiq7mjh9rsxm3yw1f0x8qfvjg00-b.drv!dev\n/nix/store/0waxgy4snnwqa81c26ax6q3scmvgpz5q-x.drv\n", gcWarning, 0,
			[]string{".links", "0waxgy4snnwqa81c26ax6q3scmvgpz5q-x.drv", "7jyz79mr66rv2mq91p5ia8n1r9hf28xi-a.drv", "alc61sb5k7c92wwa3wfakyr71vf11ip1-t.nix", "m644wsiq7mjh9rsxm3yw1f0x8qfvjg00-b.drv", "sf5nyf9h97ihgfwsx46m7h7diysbs90j-s"}},
		{[]string{"t.nix", "-A", "b.dev"}, "/nix/store/m644wsiq7mjh9rsxm3yw1f0x8qfvjg00-b.drv!dev\n", gcWarning, 0, nil},
		{[]string{"t.nix", "-A", "l"}, "/nix/store/v3la4vz34f0028jw488ir0m9jn9na3bq-l1.drv\n", gcWarning, 0, nil},
		{[]string{"t.nix", "-A", "f", "--arg", "n", "2"}, "/nix/store/51nxnphwd9drb44w6p73lv0wsa5hwwrv-f.drv\n", gcWarning, 0, nil},
		{[]string{"t.nix", "-A", "c.y"}, "", "error: expression does not evaluate to a derivation (or a set or list of those)\n", 1, nil},
		{[]string{"-E", "1"}, "", "error: expression does not evaluate to a derivation (or a set or list of those)\n", 1, nil},
		{[]string{"t.nix", "--add-root", "ROOT/r"}, "ROOT/r\nROOT/r-2!dev\nROOT/r-3\n", "", 0, nil},
		{[]string{"t.nix", "-A", "a", "--add-root", "rr", "--indirect"}, "ROOT/rr\n", "", 0, nil},
		{[]string{"--store", "dummy://", "t.nix", "-A", "a"}, "", "error:\n       … while calling the 'derivationStrict' builtin\n         at <nix/derivation-internal.nix>:37:12:\n           36|\n           37|   strict = derivationStrict drvAttrs;\n             |            ^\n           38|\n\n       … while evaluating derivation 'a'\n         whose name attribute is located at ROOT/t.nix:1:42\n\n       error: operation 'addToStore' is not supported by store 'dummy'\n", 1, nil},
		{[]string{"--store", "bogus", "t.nix"}, "", "error: Cannot parse Nix store 'bogus'\nTry 'nix-instantiate --help' for more information.\n", 1, nil},
	}
	symlinks := canSymlink(t)
	for _, tc := range tests {
		if strings.Contains(strings.Join(tc.args, " "), "--add-root") && !symlinks {
			t.Logf("%q: skipped: GC roots are symlinks, which cannot be made here", tc.args)
			continue
		}
		dir := tempDir(t)
		if err := os.WriteFile(filepath.Join(dir, "t.nix"), []byte(instantiateTestNix), 0o644); err != nil {
			t.Fatal(err)
		}
		storeDir := filepath.Join(dir, "store")
		args := append([]string{"nix-instantiate", "--store", storeDir}, tc.args...)
		for i := range args {
			args[i] = strings.ReplaceAll(args[i], "ROOT", dir)
		}
		var stdout, stderr bytes.Buffer
		code := runIn(t, dir, args, &stdout, &stderr)
		nixDir := nixPathIn(dir)
		want := func(s string) string { return strings.ReplaceAll(s, "ROOT", nixDir) }
		if code != tc.code || stdout.String() != want(tc.stdout) || stderr.String() != want(tc.stderr) {
			t.Errorf("%q: code %d\nstdout:\n%s\nstderr:\n%s\nwant code %d\nstdout:\n%s\nstderr:\n%s", tc.args, code, &stdout, &stderr, tc.code, want(tc.stdout), want(tc.stderr))
		}
		if tc.store != nil {
			entries, _ := os.ReadDir(filepath.Join(storeDir, "nix/store"))
			var names []string
			for _, e := range entries {
				// Windows keeps lock files (see store/local).
				if runtime.GOOS != "windows" || !strings.HasSuffix(e.Name(), ".lock") {
					names = append(names, e.Name())
				}
			}
			if strings.Join(names, " ") != strings.Join(tc.store, " ") {
				t.Errorf("%q: store holds %q, want %q", tc.args, names, tc.store)
			}
		}
	}
}

// tempDir is t.TempDir, except on Windows, where Wine's os.RemoveAll fails
// ("Invalid function"): there the directory is removed as far as possible.
func tempDir(t *testing.T) string {
	if runtime.GOOS != "windows" {
		d := t.TempDir()
		t.Cleanup(func() { // store objects are read-only
			filepath.WalkDir(d, func(p string, e os.DirEntry, err error) error {
				if err == nil && e.IsDir() {
					os.Chmod(p, 0o755)
				}
				return nil
			})
		})
		return d
	}
	d, err := os.MkdirTemp("", "nixgo-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		var all []string
		filepath.WalkDir(d, func(p string, _ os.DirEntry, _ error) error { all = append(all, p); return nil })
		for i := len(all) - 1; i >= 0; i-- {
			os.Remove(all[i])
		}
	})
	return d
}

// nixPathIn returns dir as a Nix path, as the command run in dir sees it
// (on Windows, the current volume is left out).
func nixPathIn(dir string) string {
	old, _ := os.Getwd()
	os.Chdir(dir)
	defer os.Chdir(old)
	return ospath.FromNative(dir)
}

// canSymlink reports whether symlinks can be made (Windows needs a
// privilege; Wine makes none).
func canSymlink(t *testing.T) bool {
	d := tempDir(t)
	if os.Symlink("target", filepath.Join(d, "l")) != nil {
		return false
	}
	_, err := os.Readlink(filepath.Join(d, "l"))
	return err == nil
}

// runIn runs a command in-process in directory dir with an empty
// configuration.
func runIn(t *testing.T, dir string, args []string, stdout, stderr *bytes.Buffer) int {
	t.Helper()
	old, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(old)
	env := map[string]string{"HOME": dir, "NIX_CONF_DIR": dir + "/etc", "NIX_USER_CONF_FILES": ""}
	return MainEnv(args, nil, stdout, stderr, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
}
