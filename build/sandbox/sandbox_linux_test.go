// This file tests the Linux sandbox directly: what a builder sees (uid,
// PID namespace, host name, mounts, no network), its status, a builder
// that cannot be executed, a killed build, and the statuses' wording.

package sandbox

import (
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// chroot prepares a minimal sandbox root with the host's tools.
func chroot(t *testing.T) *Chroot {
	t.Helper()
	if err := Supported(); err != nil {
		t.Skipf("no sandbox here: %v", err)
	}
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	root := t.TempDir() + "/root"
	for _, d := range []string{"/nix/store", "/etc", "/dev/shm", "/dev/pts"} {
		if err := os.MkdirAll(root+d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var binds []Bind
	for _, d := range []string{"/bin", "/dev/null", "/lib", "/lib64", "/usr"} {
		binds = append(binds, Bind{Target: d, Source: d, Optional: d == "/lib64"})
	}
	binds = append(binds, Bind{Target: "/build", Source: t.TempDir()})
	return &Chroot{Root: root, StoreDir: "/nix/store", Binds: binds, PrivateNetwork: true,
		ShmSize: "50%", UID: 1000, GID: 100, FilterSyscalls: true}
}

func run(t *testing.T, c *Command) (string, Status) {
	t.Helper()
	p, err := Start(c)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(p.Output())
	st, err := p.Wait()
	if err != nil {
		t.Fatal(err)
	}
	return string(out), st
}

func TestSandbox(t *testing.T) {
	c := &Command{Path: "/bin/sh", Args: []string{"sh", "-c", `echo "$(id -u) $(id -g) $(hostname) $PWD"; ls -1 /; cat /proc/self/uid_map | tr -s ' '; exit 3`},
		Env: []string{"PATH=/bin:/usr/bin"}, Dir: "/build", Chroot: chroot(t)}
	out, st := run(t, c)
	want := "1000 100 localhost /build\nbin\nbuild\ndev\netc\nlib\nlib64\nnix\nproc\nusr\n 1000 0 1\n"
	if _, err := os.Stat("/lib64"); err != nil {
		want = strings.Replace(want, "lib64\n", "", 1)
	}
	if out != want || st.String() != "failed with exit code 3" {
		t.Errorf("got %q, %s\nwant %q", out, st, want)
	}
}

func TestSandboxExecFailure(t *testing.T) {
	c := &Command{Path: "/nonexistent", Args: []string{"nonexistent"}, Dir: "/build", Chroot: chroot(t)}
	out, st := run(t, c)
	if out != "executing '\x1b[35;1m/nonexistent\x1b[0m': No such file or directory" || st.String() != "failed with exit code 1" {
		t.Errorf("got %q, %s", out, st)
	}
	// Without a sandbox, the same.
	out, st = run(t, &Command{Path: "/nonexistent", Args: []string{"nonexistent"}, Dir: "/"})
	if out != "executing '\x1b[35;1m/nonexistent\x1b[0m': No such file or directory" || !st.Exited || st.Code != 1 {
		t.Errorf("unsandboxed: got %q, %s", out, st)
	}
}

func TestSandboxKill(t *testing.T) {
	c := &Command{Path: "/bin/sh", Args: []string{"sh", "-c", "echo started; sleep 30 & sleep 30"},
		Env: []string{"PATH=/bin:/usr/bin"}, Dir: "/build", Chroot: chroot(t)}
	p, err := Start(c)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	io.ReadFull(p.Output(), buf)
	start := time.Now()
	p.Kill()
	io.ReadAll(p.Output()) // EOF once every process of the sandbox is gone
	st, _ := p.Wait()
	if st.Exited || st.Signal != int(syscall.SIGKILL) || time.Since(start) > 10*time.Second {
		t.Errorf("status %s after %v", st, time.Since(start))
	}
}

func TestStatusString(t *testing.T) {
	for st, want := range map[Status]string{
		{Exited: true}:          "succeeded",
		{Exited: true, Code: 2}: "failed with exit code 2",
		{Signal: 9}:             "failed due to signal 9 (Killed)",
		{}:                      "died abnormally",
	} {
		if got := st.String(); got != want {
			t.Errorf("%+v: %q, want %q", st, got, want)
		}
	}
}

func TestSeccompProgram(t *testing.T) {
	for arch, sets := range seccompSets {
		prog := seccompProgram(sets)
		if len(prog) > 255 {
			t.Errorf("%s: %d instructions", arch, len(prog))
		}
		for i, ins := range prog {
			if ins.Code&0x07 != 0x05 { // not a jump
				continue
			}
			if int(ins.Jt)+i+1 >= len(prog) || int(ins.Jf)+i+1 >= len(prog) {
				t.Errorf("%s: instruction %d jumps out of the program", arch, i)
			}
		}
		if last := prog[len(prog)-1]; last.Code != bpfRet || last.K != retAllow {
			t.Errorf("%s: the program does not end with ALLOW", arch)
		}
	}
}
