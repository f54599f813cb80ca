// Tests of import from derivation: builtins that read a path whose context
// names a derivation's output build it first (CppNix's realiseContext). It
// builds in the Linux sandbox (nixbuild_test.go's environment).

//go:build linux

package cli

import "testing"

func TestImportFromDerivation(t *testing.T) {
	b := newBuildEnv(t)
	const (
		ok     = `derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo hi > $out" ]; }`
		nixOut = `derivation { name = "y"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo 1+1 > $out" ]; }`
		bad    = `derivation { name = "f"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo oops; exit 3" ]; }`
		okDrv  = "/nix/store/mh3rz2qzm0lrcxk22g2b1kifak7q2nj9-x.drv"
		nixDrv = "/nix/store/w51ihmvd6066jdbiiivqx0rlixkxb7y1-y.drv"
		badDrv = "/nix/store/7l96wzn4frxa8j48rjqq0wfr7n1ljfh1-f.drv"
	)
	nixEval := []string{"nix", "eval", "--extra-experimental-features", "nix-command", "--option", "sandbox-paths", hostTools, "--expr"}
	instantiate := []string{"nix-instantiate", "--option", "sandbox-paths", hostTools, "--eval", "-E"}
	// Outputs captured from CppNix 2.26 (sandboxed, a chroot store), in
	// this order: the store keeps what earlier commands built.
	tests := []struct {
		args           []string
		stdout, stderr string
		code           int
	}{
		{append(nixEval, "builtins.readFile ("+ok+")"), `"hi\n"` + "\n", "building '" + okDrv + "'...\n", 0},
		{append(instantiate, "import ("+nixOut+")"), "", `error:
       … while calling the 'import' builtin
         at «string»:1:1:
            1| import (derivation { name = "y"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo 1+1 > $out" ]; })
             | ^

       … while realising the context of path '/nix/store/lj8a9a79sjya6mfr66y3jnsbsc240ndr-y'

       error: path '` + nixDrv + `' is not valid
`, 1},
		{append(append([]string{}, instantiate[:len(instantiate)-1]...), "--read-write-mode", "-E", "import ("+nixOut+")"), "2\n", "building '" + nixDrv + "'...\n", 0},
		{append(nixEval, "builtins.readFile ("+bad+")"), "", "building '" + badDrv + `'...
error:
       … while calling the 'readFile' builtin
         at «string»:1:1:
            1| builtins.readFile (derivation { name = "f"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo oops; exit 3" ]; })
             | ^

       … while realising the context of path '/nix/store/0ia167hv41ncap3ajmzl96dic4crwfli-f'

       error: builder for '` + badDrv + `' failed with exit code 3;
       last 1 log lines:
       > oops
       For full logs, run:
         nix log ` + badDrv + `
`, 100},
		{append(append([]string{}, instantiate[:len(instantiate)-1]...), "--read-write-mode", "-E", "builtins.readFile ("+bad+")"), "", "building '" + badDrv + `'...
oops
error:
       … while calling the 'readFile' builtin
         at «string»:1:1:
            1| builtins.readFile (derivation { name = "f"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo oops; exit 3" ]; })
             | ^

       … while realising the context of path '/nix/store/0ia167hv41ncap3ajmzl96dic4crwfli-f'

       error: builder for '` + badDrv + `' failed with exit code 3
`, 100},
		{append(nixEval, `builtins.readFile (builtins.toFile "t" "hello")`), `"hello"` + "\n", "", 0},
	}
	for _, tc := range tests {
		stdout, stderr, code := b.run(tc.args...)
		if code != tc.code || stdout != tc.stdout || stderr != tc.stderr {
			t.Errorf("%q: code %d\nstdout:\n%s\nstderr:\n%s\nwant code %d\nstdout:\n%s\nstderr:\n%s",
				tc.args, code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
		}
	}
	// With allow-import-from-derivation = false nothing is built (a fresh
	// store, where the output is not valid).
	b.store += "-2"
	_, stderr, code := b.run(append(nixEval[:2:2], append([]string{"--option", "allow-import-from-derivation", "false"}, append(nixEval[2:], "builtins.readFile ("+ok+")")...)...)...)
	want := "error: cannot build '" + okDrv + "^out' during evaluation because the option 'allow-import-from-derivation' is disabled\n"
	if code != 1 || len(stderr) < len(want) || stderr[len(stderr)-len(want):] != want {
		t.Errorf("allow-import-from-derivation = false: code %d\n%s", code, stderr)
	}
}
