// This file benchmarks building many trivial derivations in-process (the
// comparison with CppNix in docs/benchmarks.md comes from
// testdata/build/bench.sh, which runs both as programs).

//go:build linux

package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/nixgo/nixgo/build/sandbox"
)

// BenchmarkBuildTrivial builds 50 independent trivial derivations with -j4
// in a fresh chroot store per iteration (evaluation included).
func BenchmarkBuildTrivial(b *testing.B) {
	if err := sandbox.Supported(); err != nil {
		b.Skipf("no sandbox here: %v", err)
	}
	old, _ := os.Getwd()
	defer os.Chdir(old)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		os.WriteFile(filepath.Join(dir, "bench.nix"), []byte(fmt.Sprintf(`builtins.genList (i: derivation {
  name = "trivial-${toString i}-%d"; system = "x86_64-linux"; builder = "/bin/sh";
  args = [ "-c" "echo ${toString i} > $out" ];
}) 50`, i)), 0o644)
		os.Chdir(dir)
		env := map[string]string{"HOME": dir, "NIX_CONF_DIR": dir + "/etc", "NIX_USER_CONF_FILES": ""}
		b.StartTimer()
		var stdout, stderr bytes.Buffer
		code := MainEnv([]string{"nix-build", "bench.nix", "--store", dir + "/store", "--option", "sandbox-paths", hostTools, "-j4", "--no-out-link", "-Q"},
			nil, &stdout, &stderr, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
		b.StopTimer()
		if code != 0 {
			b.Fatal(stderr.String())
		}
		removeAllWritable(dir)
	}
}
