// This file starts builders on Linux: directly, in a new session, or in the
// namespace sandbox through the helper (child_linux.go), and checks whether
// the kernel allows the sandbox.

package sandbox

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

var errEOF = io.EOF

func isEIO(err error) bool { return errors.Is(err, syscall.EIO) }

// helperArg0 is argv[0] of the sandbox helper.
const helperArg0 = "nixgo-sandbox"

// probeArg0 is argv[0] of the process that checks the namespaces.
const probeArg0 = "nixgo-sandbox-probe"

// Start starts cmd.
func Start(cmd *Command) (*Process, error) {
	master, slave, err := openPty()
	if err != nil {
		return nil, err
	}
	defer slave.Close()
	var p *Process
	if cmd.Chroot != nil {
		p, err = startSandboxed(cmd, slave)
	} else {
		p, err = startPlain(cmd, slave)
	}
	if err != nil {
		master.Close()
		return nil, err
	}
	p.out = ptyReader{master}
	return p, nil
}

// startPlain runs the builder without a sandbox, in a new session (so in a
// new process group, without controlling terminal), stdin /dev/null.
func startPlain(cmd *Command, out *os.File) (*Process, error) {
	path, args := cmd.Path, cmd.Args
	var stdin io.Reader
	if cmd.Builtin != "" {
		self, err := selfExecutable()
		if err != nil {
			return nil, err
		}
		path, args = builtinCommand(self)
		stdin = strings.NewReader(cmd.Builtin)
	}
	c := &exec.Cmd{
		Path:   path,
		Args:   args,
		Env:    cmd.Env,
		Stdin:  stdin,
		Dir:    cmd.Dir,
		Stdout: out,
		Stderr: out,
		SysProcAttr: &syscall.SysProcAttr{
			Setsid:    true,
			Pdeathsig: syscall.SIGKILL,
		},
	}
	if err := c.Start(); err != nil {
		// As in CppNix, where the forked child fails to exec, the
		// message goes to the log and the builder fails.
		io.WriteString(out, execFailure(cmd.Path, err))
		return failedProcess(), nil
	}
	var once sync.Once
	return &Process{
		wait: func() (Status, error) {
			err := c.Wait()
			return statusOf(c.ProcessState, err)
		},
		kill: func() {
			once.Do(func() { syscall.Kill(-c.Process.Pid, syscall.SIGKILL) })
		},
	}, nil
}

// execFailure is what CppNix's child writes when execve fails (the
// message of its SysError, without newline).
func execFailure(path string, err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Sprintf("executing '\x1b[35;1m%s\x1b[0m': %s", path, errnoString(err))
}

// failedProcess is a builder that could not be started: it exited with 1.
func failedProcess() *Process {
	return &Process{
		wait: func() (Status, error) { return Status{Exited: true, Code: 1}, nil },
		kill: func() {},
	}
}

func errnoString(err error) string {
	var en syscall.Errno
	if errors.As(err, &en) {
		s := en.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return err.Error()
}

func statusOf(ps *os.ProcessState, err error) (Status, error) {
	if ps == nil {
		return Status{}, err
	}
	ws, ok := ps.Sys().(syscall.WaitStatus)
	if !ok {
		return Status{Exited: true, Code: ps.ExitCode()}, nil
	}
	return waitStatus(ws), nil
}

func waitStatus(ws syscall.WaitStatus) Status {
	switch {
	case ws.Exited():
		return Status{Exited: true, Code: ws.ExitStatus()}
	case ws.Signaled():
		return Status{Signal: int(ws.Signal())}
	}
	return Status{}
}

// helperSpec is what the parent sends the helper.
type helperSpec struct {
	Chroot  Chroot
	Path    string
	Args    []string
	Env     []string
	Dir     string
	Builtin string
}

// startSandboxed starts the helper in new namespaces and sends it the
// command; it returns once the builder runs or the setup failed.
func startSandboxed(cmd *Command, out *os.File) (*Process, error) {
	self, err := selfExecutable()
	if err != nil {
		return nil, err
	}
	specR, specW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	repR, repW, err := os.Pipe()
	if err != nil {
		specR.Close()
		specW.Close()
		return nil, err
	}
	flags := uintptr(syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWPID |
		syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC)
	if cmd.Chroot.PrivateNetwork {
		flags |= syscall.CLONE_NEWNET
	}
	c := &exec.Cmd{
		Path: self,
		Args: []string{helperArg0},
		// The helper is short-lived and single-minded: one processor
		// and no garbage collection make it start faster.
		Env:        []string{"GOMAXPROCS=1", "GOGC=off"},
		Stdout:     out,
		Stderr:     out,
		ExtraFiles: []*os.File{specR, repW},
		SysProcAttr: &syscall.SysProcAttr{
			Setsid:                     true,
			Pdeathsig:                  syscall.SIGKILL,
			Cloneflags:                 flags,
			UidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
			GidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
			GidMappingsEnableSetgroups: false,
		},
	}
	err = c.Start()
	specR.Close()
	repW.Close()
	if err != nil {
		specW.Close()
		repR.Close()
		return nil, fmt.Errorf("unable to start build process: %w", err)
	}
	spec := helperSpec{Chroot: *cmd.Chroot, Path: cmd.Path, Args: cmd.Args, Env: cmd.Env, Dir: cmd.Dir, Builtin: cmd.Builtin}
	go func() {
		json.NewEncoder(specW).Encode(&spec)
		specW.Close()
	}()
	var once sync.Once
	kill := func() { once.Do(func() { c.Process.Kill() }) }
	rep := bufio.NewReader(repR)
	line, err := rep.ReadString('\n')
	if line == "ok\n" {
		return &Process{
			wait: func() (Status, error) { return waitHelper(c, rep, repR) },
			kill: kill,
		}, nil
	}
	kill()
	c.Wait()
	repR.Close()
	if strings.HasPrefix(line, "error ") {
		// CppNix's trace for errors of the sandbox's setup.
		return nil, errors.New("\n\u2026 while setting up the build environment\n\nerror: " + strings.TrimSuffix(line[len("error "):], "\n"))
	}
	st, _ := statusOf(c.ProcessState, nil)
	return nil, fmt.Errorf("while setting up the build environment: helper %s (%v)", st, err)
}

// waitHelper waits for the helper and returns the builder's status, which
// the helper reports before exiting.
func waitHelper(c *exec.Cmd, rep *bufio.Reader, repR *os.File) (Status, error) {
	line, _ := rep.ReadString('\n')
	repR.Close()
	c.Wait()
	if strings.HasPrefix(line, "exit ") {
		n, err := strconv.Atoi(strings.TrimSpace(line[len("exit "):]))
		if err == nil {
			return waitStatus(syscall.WaitStatus(n)), nil
		}
	}
	// The helper was killed (timeout, interrupt): so was the builder.
	st, _ := statusOf(c.ProcessState, nil)
	if st.OK() {
		st = Status{Signal: int(syscall.SIGKILL)}
	}
	return st, nil
}

var (
	probeOnce sync.Once
	probeErr  error
)

// Supported reports whether the kernel allows the sandbox: user, mount and
// PID namespaces in which /proc can be mounted (CppNix's
// userNamespacesSupported and mountAndPidNamespacesSupported).
func Supported() error {
	probeOnce.Do(func() { probeErr = probe() })
	return probeErr
}

func probe() error {
	if _, err := os.Stat("/proc/self/ns/user"); err != nil {
		return errors.New("'/proc/self/ns/user' does not exist; your kernel was likely built without CONFIG_USER_NS=y")
	}
	if b, err := os.ReadFile("/proc/sys/user/max_user_namespaces"); err != nil || strings.TrimSpace(string(b)) == "0" {
		return errors.New("user namespaces appear to be disabled; check '/proc/sys/user/max_user_namespaces'")
	}
	if b, err := os.ReadFile("/proc/sys/kernel/unprivileged_userns_clone"); err == nil && strings.TrimSpace(string(b)) == "0" && os.Getuid() != 0 {
		return errors.New("user namespaces appear to be disabled; check '/proc/sys/kernel/unprivileged_userns_clone'")
	}
	self, err := selfExecutable()
	if err != nil {
		return err
	}
	c := &exec.Cmd{
		Path: self,
		Args: []string{probeArg0},
		Env:  []string{},
		SysProcAttr: &syscall.SysProcAttr{
			Pdeathsig:                  syscall.SIGKILL,
			Cloneflags:                 syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWPID,
			UidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
			GidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
			GidMappingsEnableSetgroups: false,
		},
	}
	out, err := c.CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("user, mount and PID namespaces do not work on this system: %s", msg)
	}
	return nil
}

// probeChild runs in the probe process: it remounts /proc as the helper
// will.
func probeChild() {
	if err := unix.Mount("", "/", "", unix.MS_PRIVATE|unix.MS_REC, ""); err != nil {
		fmt.Fprintf(os.Stderr, "cannot make '/' private: %v\n", err)
		os.Exit(1)
	}
	if err := unix.Mount("none", "/proc", "proc", 0, ""); err != nil {
		fmt.Fprintf(os.Stderr, "cannot mount /proc: %v\n", err)
		os.Exit(2)
	}
	os.Exit(0)
}
