// This file tests building (nix-build, nix-store --realise, nix build, nix
// log): the package set of testdata/build against the output paths, NAR
// hashes, sizes, derivers and references CppNix 2.26 gave
// (testdata/build/lattice.expected, recorded by gen-expected.sh), the
// sandbox's isolation, a fixed-output hash mismatch, a build killed with
// SIGKILL and built again, an unprivileged user's sandbox, and CppNix's
// messages for failed builds (captured once from CppNix 2.26 with a chroot
// store). The tests need Linux with user namespaces and /bin/sh; builds run
// in temporary chroot stores, never in the machine's /nix.

//go:build linux

package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nixgo/nixgo/build/sandbox"
	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store/local"
)

// The test binary is also nixgo: subprocess tests start it with
// NIXGO_CLI_MAIN=1 and argv[0] naming the command.
func init() {
	if os.Getenv("NIXGO_CLI_MAIN") == "1" {
		os.Exit(Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
	}
}

const hostTools = "/bin /usr /lib /lib64"

// buildEnv is a directory with the test package set and a chroot store.
type buildEnv struct {
	t     *testing.T
	dir   string
	store string
}

func newBuildEnv(t *testing.T) *buildEnv {
	t.Helper()
	if err := sandbox.Supported(); err != nil {
		t.Skipf("no sandbox here: %v", err)
	}
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	dir := tempDir(t)
	entries, err := os.ReadDir("testdata/build")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata/build", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return &buildEnv{t: t, dir: dir, store: filepath.Join(dir, "store")}
}

// run runs a command in-process in the environment's directory, with its
// store.
func (b *buildEnv) run(args ...string) (string, string, int) {
	b.t.Helper()
	full := append([]string{args[0], "--store", b.store}, args[1:]...)
	var stdout, stderr bytes.Buffer
	code := runIn(b.t, b.dir, full, &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

func (b *buildEnv) write(name, text string) {
	b.t.Helper()
	if err := os.WriteFile(filepath.Join(b.dir, name), []byte(text), 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// openStore opens the environment's store.
func (b *buildEnv) openStore() *local.Store {
	b.t.Helper()
	s, err := local.Open(context.Background(), local.Config{
		StoreDir:      "/nix/store",
		RealStoreDir:  b.store + "/nix/store",
		StateDir:      b.store + "/nix/var/nix",
		LogDir:        b.store + "/nix/var/log/nix",
		UseWAL:        true,
		FsyncMetadata: true,
	})
	if err != nil {
		b.t.Fatal(err)
	}
	b.t.Cleanup(func() { s.Close() })
	return s
}

func (b *buildEnv) valid(s *local.Store, path string) bool {
	b.t.Helper()
	p, err := s.Dir().Parse(path)
	if err != nil {
		b.t.Fatal(err)
	}
	ok, err := s.IsValidPath(context.Background(), p)
	if err != nil {
		b.t.Fatal(err)
	}
	return ok
}

func TestBuildLattice(t *testing.T) {
	b := newBuildEnv(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(b.dir)))
	defer srv.Close()
	args := []string{"nix-build", "lattice.nix", "-A", "all", "-A", "fetchedFile", "-A", "fetchedHttp", "-A", "fixedTree",
		"--option", "sandbox-paths", hostTools + " " + b.dir + "/fetched.txt",
		"--argstr", "fileUrl", "file://" + b.dir + "/fetched.txt", "--argstr", "httpUrl", srv.URL + "/fetched.txt",
		"-j4", "--cores", "1", "--no-out-link", "-Q"}
	start := time.Now()
	stdout, stderr, code := b.run(args...)
	if code != 0 {
		t.Fatalf("nix-build: code %d\n%s", code, stderr)
	}
	t.Logf("built the package set in %v", time.Since(start))
	if n := strings.Count(stderr, "building '"); n != 38 {
		t.Errorf("%d builds, want 38:\n%s", n, stderr)
	}

	expected, err := os.ReadFile("testdata/build/lattice.expected")
	if err != nil {
		t.Fatal(err)
	}
	s := b.openStore()
	ctx := context.Background()
	want := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(expected)), "\n") {
		f := strings.Fields(line)
		want[f[0]] = true
		p, err := s.Dir().Parse(f[0])
		if err != nil {
			t.Fatal(err)
		}
		info, err := s.QueryPathInfo(ctx, p)
		if err != nil {
			t.Errorf("%s: %v", f[0], err)
			continue
		}
		// path, NAR hash, NAR size, deriver's name (the .drv paths of
		// fetches depend on the URL), references as a set.
		got := []string{s.Dir().Path(info.Path), info.NarHash.Format(hash.Nix32, true), fmt.Sprint(info.NarSize), "unknown-deriver"}
		if !info.Deriver.IsZero() {
			got[3] = info.Deriver.Name()
		}
		var refs []string
		for _, r := range info.References {
			refs = append(refs, s.Dir().Path(r))
		}
		sort.Strings(refs)
		got = append(got, refs...)
		wantF := append([]string(nil), f[:4]...)
		if wantF[3] != "unknown-deriver" {
			wantF[3] = wantF[3][strings.IndexByte(wantF[3], '-')+1:]
		}
		wantRefs := append([]string(nil), f[4:]...)
		sort.Strings(wantRefs)
		wantF = append(wantF, wantRefs...)
		if strings.Join(got, " ") != strings.Join(wantF, " ") {
			t.Errorf("path info differs:\n got %q\nwant %q", got, wantF)
		}
	}
	all, err := s.QueryAllValidPaths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range all {
		if !p.IsDerivation() && !want[s.Dir().Path(p)] {
			t.Errorf("unexpected valid path %s", s.Dir().Path(p))
		}
	}
	if len(strings.Fields(stdout)) != 36 {
		t.Errorf("nix-build printed %d paths, want 36", len(strings.Fields(stdout)))
	}

	// Built outputs are not built again.
	_, stderr2, code := b.run(args...)
	if code != 0 || strings.Contains(stderr2, "building") {
		t.Errorf("second nix-build: code %d\n%s", code, stderr2)
	}
}

// sandboxProbe is a derivation reporting what its builder can reach.
const sandboxProbe = `{ secret, outside, port }:
let
  probe = ''
    if cat ${secret} >/dev/null 2>&1; then echo read-secret; else echo no-secret; fi
    if [ -e ${outside} ]; then echo sees-outside; else echo no-outside; fi
    if (exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null; then echo network; else echo no-network; fi
  '';
in {
  outside = derivation { name = "outside"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; };
  probe = derivation {
    name = "probe"; system = "x86_64-linux"; builder = "/bin/bash"; PATH = "/bin:/usr/bin";
    args = [ "-c" ''
      exec > $out
      ${probe}
      touch f; if chmod u+s f 2>/dev/null; then echo setuid; else echo no-setuid; fi
      echo "uid=$(id -u) gid=$(id -g) host=$(hostname) pwd=$PWD"
      grep -E '^Cap(Eff|Prm):' /proc/self/status
      echo /: $(ls /)
      echo /dev: $(ls /dev)
      echo /etc: $(ls /etc)
      echo /nix/store: $(ls /nix/store | sed 's/^[^-]*-//')
    '' ];
  };
  # A fixed-output derivation may use the network; its output is
  # "network\n" only if it could connect.
  fod = derivation {
    name = "fod"; system = "x86_64-linux"; builder = "/bin/bash"; PATH = "/bin:/usr/bin";
    args = [ "-c" "{ ${probe} } | grep network > $out" ];
    outputHash = "sha256-N+SJIu1OAPSNOF7G1ZPZtyuOgGNNDzNheDQOkVNgLx0=";
    outputHashMode = "flat";
  };
}
`

func TestBuildSandbox(t *testing.T) {
	b := newBuildEnv(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	port := srv.URL[strings.LastIndexByte(srv.URL, ':')+1:]
	b.write("probe.nix", sandboxProbe)
	b.write("secret", "a host file outside the sandbox\n")
	outside, stderr, code := b.run("nix-build", "probe.nix", "-A", "outside", "--arg", "secret", "null", "--arg", "outside", "null", "--arg", "port", "0", "--no-out-link", "--option", "sandbox-paths", hostTools)
	if code != 0 {
		t.Fatalf("building outside: %s", stderr)
	}
	common := []string{"--argstr", "secret", b.dir + "/secret", "--argstr", "outside", strings.TrimSpace(outside), "--argstr", "port", port,
		"--option", "sandbox-paths", hostTools, "--no-out-link"}
	out, stderr, code := b.run(append([]string{"nix-build", "probe.nix", "-A", "probe"}, common...)...)
	if code != 0 {
		t.Fatalf("probe: code %d\n%s", code, stderr)
	}
	got, err := os.ReadFile(b.store + strings.TrimSpace(out))
	if err != nil {
		t.Fatal(err)
	}
	want := `no-secret
no-outside
no-network
no-setuid
uid=1000 gid=100 host=localhost pwd=/build
CapPrm:	0000000000000000
CapEff:	0000000000000000
/: bin build dev etc lib lib64 nix proc tmp usr
/dev: fd full kvm null ptmx pts random shm stderr stdin stdout tty urandom zero
/etc: group hosts passwd
/nix/store: bash-5.2-p15 probe
`
	if _, err := os.Stat("/dev/kvm"); err != nil {
		want = strings.Replace(want, " kvm", "", 1)
	}
	// The store shows the output being built and nothing else: host tools
	// come through sandbox-paths, not from the store.
	want = strings.Replace(want, "bash-5.2-p15 probe", "probe", 1)
	if string(got) != want {
		t.Errorf("probe saw:\n%s\nwant:\n%s", got, want)
	}

	// A fixed-output derivation reaches the network.
	_, stderr, code = b.run(append([]string{"nix-build", "probe.nix", "-A", "fod"}, common...)...)
	if code != 0 {
		t.Errorf("fixed-output derivation without network: code %d\n%s", code, stderr)
	}

	// A chroot store is always built in the sandbox, even with sandbox =
	// false, as CppNix does.
	b.write("probe2.nix", strings.Replace(sandboxProbe, `name = "probe";`, `name = "probe2";`, 1))
	out, stderr, code = b.run(append([]string{"nix-build", "probe2.nix", "-A", "probe", "--option", "sandbox", "false"}, common...)...)
	if code != 0 {
		t.Fatalf("probe2: code %d\n%s", code, stderr)
	}
	got, _ = os.ReadFile(b.store + strings.TrimSpace(out))
	if !strings.HasPrefix(string(got), "no-secret\nno-outside\nno-network\n") {
		t.Errorf("sandbox = false, chroot store: probe saw:\n%s", got)
	}
}

func TestBuildFixedOutputMismatch(t *testing.T) {
	b := newBuildEnv(t)
	b.write("fod.nix", `{
  sh = derivation { name = "shfod"; system = "x86_64-linux"; builder = "/bin/sh"; args = ["-c" "echo hi > $out"];
    outputHash = "sha256-AAAs0gdDX5f9CDSWfzGl3Xew1M0zuUD6kAYu+1H5cqU="; outputHashMode = "flat"; };
}
`)
	stdout, stderr, code := b.run("nix-build", "fod.nix", "-A", "sh", "--option", "sandbox-paths", hostTools)
	// Captured from CppNix 2.26.
	want := `this derivation will be built:
  /nix/store/qr9bsavbxka1m9zin709g98212lgpzva-shfod.drv
building '/nix/store/qr9bsavbxka1m9zin709g98212lgpzva-shfod.drv'...
error: hash mismatch in fixed-output derivation '/nix/store/qr9bsavbxka1m9zin709g98212lgpzva-shfod.drv':
         specified: sha256-AAAs0gdDX5f9CDSWfzGl3Xew1M0zuUD6kAYu+1H5cqU=
            got:    sha256-mOpuTyFvL7S2n/+bOkSELDhobKaF8/VdxIxdP7EQe+Q=
`
	if code != 102 || stdout != "" || stderr != want {
		t.Errorf("code %d\nstdout %q\nstderr:\n%s\nwant code 102, stderr:\n%s", code, stdout, stderr, want)
	}
	s := b.openStore()
	// The wanted path is not valid; as CppNix does, the output is
	// registered under the path of the hash it has.
	if b.valid(s, "/nix/store/wqfn01zq8l6qh9kvyk4xmqflfi781521-shfod") {
		t.Errorf("the output of the mismatching derivation is valid")
	}
	if !b.valid(s, "/nix/store/2ribicw0cksjakhljsg1qqklwnk8mjng-shfod") {
		t.Errorf("the output is not registered under its actual hash, as CppNix does")
	}
	if _, err := os.Lstat(b.store + "/nix/store/wqfn01zq8l6qh9kvyk4xmqflfi781521-shfod"); err == nil {
		t.Errorf("the wanted output path exists")
	}
}

// failingSet is a small package set with a failing build.
const failingSet = `let
  mk = name: script: deps: derivation {
    inherit name;
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" script ];
    inherit deps;
  };
  a = mk "a" "echo building a; echo a > $out" [];
  bad = mk "bad" "echo line1; echo line2 >&2; exit 3" [];
  top = mk "top" "echo $deps > $out" [ a bad ];
in { inherit a bad top; }
`

func TestBuildFailureMessages(t *testing.T) {
	b := newBuildEnv(t)
	b.write("t2.nix", failingSet)
	const (
		badDrv = "/nix/store/8mxqn8xz98sfbf4ssvd8jayjk18qkw8l-bad.drv"
		aDrv   = "/nix/store/id2qzprbjlzbj4qzn0cn4g2xlzi9f85v-a.drv"
		topDrv = "/nix/store/gns1d89xpdl8vqjlb94kl1iy014bcgd3-top.drv"
		aOut   = "/nix/store/4xkffgswdavkf67d71pnfqmdp5yzasw9-a"
	)
	nixCmd := []string{"--extra-experimental-features", "nix-command", "--option", "sandbox-paths", hostTools}
	// Outputs captured from CppNix 2.26, in this order (the store keeps
	// what earlier commands built).
	tests := []struct {
		args           []string
		stdout, stderr string
		code           int
	}{
		{[]string{"nix-build", "t2.nix", "-A", "top", "--option", "sandbox-paths", hostTools}, "", `these 3 derivations will be built:
  ` + badDrv + `
  ` + aDrv + `
  ` + topDrv + `
building '` + aDrv + `'...
building a
building '` + badDrv + `'...
line1
line2
error: builder for '` + badDrv + `' failed with exit code 3
error: 1 dependencies of derivation '` + topDrv + `' failed to build
`, 100},
		{[]string{"nix-store", "-r", badDrv, "--option", "sandbox-paths", hostTools}, "", `this derivation will be built:
  ` + badDrv + `
building '` + badDrv + `'...
line1
line2
error: builder for '` + badDrv + `' failed with exit code 3
`, 100},
		{append([]string{"nix", "build", "-f", "t2.nix", "bad"}, nixCmd...), "", `this derivation will be built:
  ` + badDrv + `
building '` + badDrv + `'...
error: builder for '` + badDrv + `' failed with exit code 3;
       last 2 log lines:
       > line1
       > line2
       For full logs, run:
         nix log ` + badDrv + `
`, 1},
		{append([]string{"nix", "build", "-f", "t2.nix", "top", "--keep-going"}, nixCmd...), "", `these 2 derivations will be built:
  ` + badDrv + `
  ` + topDrv + `
building '` + badDrv + `'...
error: builder for '` + badDrv + `' failed with exit code 3;
       last 2 log lines:
       > line1
       > line2
       For full logs, run:
         nix log ` + badDrv + `
error: 1 dependencies of derivation '` + topDrv + `' failed to build
`, 1},
		{append([]string{"nix", "build", "-L", "-f", "t2.nix", "bad"}, nixCmd...), "", `this derivation will be built:
  ` + badDrv + `
building '` + badDrv + `'...
bad> line1
bad> line2
error: builder for '` + badDrv + `' failed with exit code 3
`, 1},
		{append([]string{"nix", "log", "-f", "t2.nix", "bad"}, nixCmd...), "line1\nline2\n", "got build log for 'bad' from 'local'\n", 0},
		{[]string{"nix-store", "-l", badDrv}, "line1\nline2\n", "", 0},
		{[]string{"nix-store", "-l", aOut}, "building a\n", "", 0},
		{append([]string{"nix", "log", aOut}, nixCmd...), "building a\n", "got build log for '" + aOut + "' from 'local'\n", 0},
		{append([]string{"nix", "log", topDrv + "^out"}, nixCmd...), "", "error: build log of '" + topDrv + "^out' is not available\n", 1},
		{[]string{"nix-store", "-r", aDrv, aOut}, aOut + "\n" + aOut + "\n",
			"warning: you did not specify '--add-root'; the result might be removed by the garbage collector\n", 0},
		{append([]string{"nix", "build", "-f", "t2.nix", "a", "--json", "--print-out-paths", "--no-link"}, nixCmd...),
			`[{"drvPath":"` + aDrv + `","outputs":{"out":"` + aOut + `"}}]` + "\n" + aOut + "\n", "", 0},
		{append([]string{"nix", "build", "-f", "t2.nix", "a", "--dry-run", "--json"}, nixCmd...),
			`[{"drvPath":"` + aDrv + `","outputs":{"out":"` + aOut + `"}}]` + "\n", "", 0},
	}
	for _, tc := range tests {
		stdout, stderr, code := b.run(tc.args...)
		if code != tc.code || stdout != tc.stdout || stderr != tc.stderr {
			t.Errorf("%q: code %d\nstdout:\n%s\nstderr:\n%s\nwant code %d\nstdout:\n%s\nstderr:\n%s",
				tc.args, code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
		}
	}
	// Result links are GC roots.
	if _, stderr, code := b.run(append([]string{"nix", "build", "-f", "t2.nix", "a", "-o", "myresult"}, nixCmd...)...); code != 0 {
		t.Fatal(stderr)
	}
	target, err := os.Readlink(filepath.Join(b.dir, "myresult"))
	if err != nil || target != aOut {
		t.Errorf("result link: %q, %v", target, err)
	}
	roots, _ := os.ReadDir(b.store + "/nix/var/nix/gcroots/auto")
	found := false
	for _, r := range roots {
		if l, _ := os.Readlink(filepath.Join(b.store+"/nix/var/nix/gcroots/auto", r.Name())); l == filepath.Join(b.dir, "myresult") {
			found = true
		}
	}
	if !found {
		t.Errorf("result link not registered in gcroots/auto")
	}
}

// slowBuild writes part of its output, then waits.
const slowBuild = `derivation {
  name = "slow"; system = "x86_64-linux"; builder = "/bin/sh"; PATH = "/bin:/usr/bin";
  args = [ "-c" "mkdir $out; echo partial > $out/partial; echo started; sleep 1; echo done > $out/done" ];
}
`

// nixgoCommand returns a command running this test binary as nixgo's
// program prog.
func nixgoCommand(t *testing.T, exe, dir, prog string, args ...string) *exec.Cmd {
	cmd := exec.Command(exe, args...)
	cmd.Args[0] = prog
	cmd.Dir = dir
	// TMPDIR: a killed build leaves its build directory, which goes
	// with the test's directory.
	cmd.Env = []string{"NIXGO_CLI_MAIN=1", "HOME=" + dir, "NIX_CONF_DIR=" + dir + "/etc", "NIX_USER_CONF_FILES=", "PATH=/usr/bin:/bin", "TMPDIR=" + dir}
	return cmd
}

func TestBuildKilled(t *testing.T) {
	b := newBuildEnv(t)
	b.write("slow.nix", slowBuild)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := nixgoCommand(t, exe, b.dir, "nix-build", "slow.nix", "--store", b.store, "--option", "sandbox-paths", hostTools, "--no-out-link")
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(stderr.String(), "started") {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the build did not start:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	s := b.openStore()
	outPath := "/nix/store/574zpja4np300h31mp3x8pqjl92i751k-slow"
	entries, _ := os.ReadDir(b.store + "/nix/store")
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	t.Logf("after SIGKILL the store holds %q", names)
	if b.valid(s, outPath) {
		t.Fatalf("the output of the killed build is valid")
	}
	if _, err := os.Stat(b.store + outPath + ".lock"); err != nil {
		t.Errorf("no stale lock file: %v", err)
	}
	// The sandbox died with nixgo: nothing writes the rest of the output.
	time.Sleep(1300 * time.Millisecond)
	if _, err := os.Stat(b.store + outPath); err == nil {
		t.Logf("partial output left at %s (invalid)", outPath)
	}
	for _, n := range names {
		if strings.HasSuffix(n, ".chroot") {
			if _, err := os.Stat(b.store + "/nix/store/" + n + "/root/nix/store/574zpja4np300h31mp3x8pqjl92i751k-slow/done"); err == nil {
				t.Errorf("the builder kept running after nixgo was killed")
			}
		}
	}

	stdout, errText, code := b.run("nix-build", "slow.nix", "--option", "sandbox-paths", hostTools, "--no-out-link")
	if code != 0 || strings.TrimSpace(stdout) != outPath {
		t.Fatalf("rebuild: code %d\n%s\n%s", code, stdout, errText)
	}
	if !b.valid(s, outPath) {
		t.Errorf("the output is not valid after the rebuild")
	}
	for _, f := range []string{"partial", "done"} {
		if _, err := os.Stat(b.store + outPath + "/" + f); err != nil {
			t.Errorf("rebuilt output lacks %s", f)
		}
	}
	entries, _ = os.ReadDir(b.store + "/nix/store")
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".chroot") || e.Name() == "574zpja4np300h31mp3x8pqjl92i751k-slow.lock" {
			t.Errorf("%s left after the rebuild", e.Name())
		}
	}
}

// syncBuffer is a buffer written by a process and read by the test.
type syncBuffer struct {
	mu  chan struct{}
	buf bytes.Buffer
}

func (s *syncBuffer) lock() {
	if s.mu == nil {
		s.mu = make(chan struct{}, 1)
	}
	s.mu <- struct{}{}
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.lock()
	defer func() { <-s.mu }()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.lock()
	defer func() { <-s.mu }()
	return s.buf.String()
}

func TestBuildUnprivileged(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("runs as root, to become an unprivileged user (as an unprivileged user, the other tests cover it)")
	}
	b := newBuildEnv(t)
	const nobody = 65534
	// The test binary, where the unprivileged user can run it.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(b.dir, "nixgo")
	copyFile(t, exe, bin)
	os.Chmod(b.dir, 0o755)
	os.Chmod(filepath.Dir(b.dir), 0o755)
	b.write("small.nix", `derivation { name = "small"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo uid=$(/usr/bin/id -u) > $out" ]; }`)
	filepath.WalkDir(b.dir, func(p string, _ os.DirEntry, _ error) error { return os.Lchown(p, nobody, nobody) })
	cmd := nixgoCommand(t, bin, b.dir, "nix-build", "small.nix", "--store", b.store, "--option", "sandbox-paths", hostTools, "--no-out-link")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("unprivileged nix-build: %v\n%s", err, stderr.String())
	}
	out := b.store + strings.TrimSpace(stdout.String())
	got, err := os.ReadFile(out)
	if err != nil || string(got) != "uid=1000\n" {
		t.Errorf("output %q, %v", got, err)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(out, &st); err != nil || st.Uid != nobody {
		t.Errorf("output owned by %d, want %d", st.Uid, nobody)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

var _ = storepath.Dir("")

func TestBuildTwoProcesses(t *testing.T) {
	b := newBuildEnv(t)
	b.write("slow.nix", slowBuild)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"slow.nix", "--store", b.store, "--option", "sandbox-paths", hostTools, "--no-out-link"}
	first := nixgoCommand(t, exe, b.dir, "nix-build", args...)
	firstErr := &syncBuffer{}
	first.Stderr = firstErr
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(firstErr.String(), "started"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			first.Process.Kill()
			first.Wait()
			t.Fatalf("the first build did not start:\n%s", firstErr.String())
		}
	}
	// The second process waits for the first's lock, then finds the
	// output valid: the derivation is built once.
	stdout, stderr, code := b.run("nix-build", "slow.nix", "--option", "sandbox-paths", hostTools, "--no-out-link")
	if err := first.Wait(); err != nil {
		t.Fatalf("first nix-build: %v\n%s", err, firstErr.String())
	}
	lockMsg := "waiting for lock on '" + b.store + "/nix/store/574zpja4np300h31mp3x8pqjl92i751k-slow'...\n"
	if code != 0 || strings.TrimSpace(stdout) != "/nix/store/574zpja4np300h31mp3x8pqjl92i751k-slow" ||
		!strings.Contains(stderr, lockMsg) || strings.Contains(stderr, "building") {
		t.Errorf("second nix-build: code %d\n%s\n%s", code, stdout, stderr)
	}
}

func TestBuildLimitsAndCheck(t *testing.T) {
	b := newBuildEnv(t)
	b.write("t.nix", `{
  silent = derivation { name = "silent"; system = "x86_64-linux"; builder = "/bin/sh"; PATH = "/bin:/usr/bin"; args = [ "-c" "echo start; sleep 5; echo done > $out" ]; };
  det = derivation { name = "det"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo same > $out" ]; };
  nondet = derivation { name = "nondet"; system = "x86_64-linux"; builder = "/bin/sh"; PATH = "/bin:/usr/bin"; args = [ "-c" "date +%s%N > $out" ]; };
}
`)
	sp := []string{"--option", "sandbox-paths", hostTools, "--no-out-link"}
	const silentDrv = "/nix/store/hqy920lc7ibmzlvh7d9md7c3irb3l5ra-silent.drv"
	// Captured from CppNix 2.26.
	_, stderr, code := b.run(append([]string{"nix-build", "t.nix", "-A", "silent", "--max-silent-time", "1"}, sp...)...)
	want := "this derivation will be built:\n  " + silentDrv + "\nbuilding '" + silentDrv + "'...\nstart\n" +
		"error: building of '" + silentDrv + "^out' from .drv file timed out after 1 seconds of silence\n"
	if code != 101 || stderr != want {
		t.Errorf("max-silent-time: code %d\n%s\nwant 101\n%s", code, stderr, want)
	}
	_, stderr, code = b.run(append([]string{"nix-build", "t.nix", "-A", "silent", "--timeout", "1", "-K"}, sp...)...)
	if code != 101 || !strings.Contains(stderr, "note: keeping build directory '") ||
		!strings.HasSuffix(stderr, "error: building of '"+silentDrv+"^out' from .drv file timed out after 1 seconds\n") {
		t.Errorf("timeout: code %d\n%s", code, stderr)
	}
	if i := strings.Index(stderr, "note: keeping build directory '"); i >= 0 {
		kept := stderr[i+len("note: keeping build directory '"):]
		kept = kept[:strings.IndexByte(kept, '\'')]
		if _, err := os.Stat(kept); err != nil {
			t.Errorf("kept build directory: %v", err)
		}
		removeAllWritable(filepath.Dir(kept))
	}
	for _, a := range []string{"det", "nondet"} {
		if _, stderr, code := b.run(append([]string{"nix-build", "t.nix", "-A", a}, sp...)...); code != 0 {
			t.Fatalf("%s: %s", a, stderr)
		}
	}
	out, stderr, code := b.run(append([]string{"nix-build", "t.nix", "-A", "det", "--check"}, sp...)...)
	if code != 0 || stderr != "checking outputs of '/nix/store/gf3rc5rfma1llgpp3cm9qn1mpcw67jpa-det.drv'...\n" || out != "/nix/store/cm60l2wz6cllx049k8kxjs9zvjlaf35q-det\n" {
		t.Errorf("--check of a deterministic build: code %d\n%s%s", code, out, stderr)
	}
	_, stderr, code = b.run(append([]string{"nix-build", "t.nix", "-A", "nondet", "--check"}, sp...)...)
	want = "checking outputs of '/nix/store/ch9ajxxdz3qjmpwc01a7jf0zw0ng65l7-nondet.drv'...\n" +
		"error: derivation '/nix/store/ch9ajxxdz3qjmpwc01a7jf0zw0ng65l7-nondet.drv' may not be deterministic: output '" +
		b.store + "/nix/store/ajaw14xd9gv2z24aakb5kcddb8lj9fnn-nondet' differs\n"
	if code != 104 || stderr != want {
		t.Errorf("--check of a non-deterministic build: code %d\n%s\nwant 104\n%s", code, stderr, want)
	}
}

// removeAllWritable removes a tree whose directories may be read-only.
func removeAllWritable(p string) {
	filepath.WalkDir(p, func(q string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(q, 0o755)
		}
		return nil
	})
	os.RemoveAll(p)
}
