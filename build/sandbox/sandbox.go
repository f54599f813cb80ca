// Package sandbox starts builder processes for package build, with the
// isolation each operating system allows, and reports how they ended.
//
// A Command is one builder: a program, its arguments and environment, its
// working directory, and on Linux optionally a Chroot describing the sandbox
// (the directories bind-mounted into a private root, whether the network is
// private). Start returns a Process whose Output is everything the builder
// writes to its standard output and error, in order (CppNix gives builders a
// pseudo-terminal; nixgo does the same on Linux and uses a pipe elsewhere),
// and whose Wait gives the exit status.
//
// # Linux
//
// Go cannot run code between fork and exec, where CppNix sets up the
// sandbox, so the sandbox is set up by a helper: this same executable,
// started again (through /proc/self/exe) with argv[0] "nixgo-sandbox" in new
// user, mount, PID, UTS, IPC and (unless the network is shared) network
// namespaces, its user namespace mapping root to the calling user. An init
// function of this package recognises the helper before main runs. The
// helper brings up the loopback interface, sets the host name, bind-mounts
// the closure and the sandbox paths into the private root, mounts /proc,
// /dev/shm and /dev/pts, pivots into the root, and starts the builder in a
// nested user namespace where it is uid 1000 (gid 100) without capabilities,
// as CppNix's builders. The helper stays as PID 1 of the build's PID
// namespace (the builder is PID 2, where CppNix's is PID 1): it reaps
// orphans and, when the builder exits, reports its status through a pipe and
// exits, which kills whatever the builder left running. Killing the helper
// (as a timeout or an interrupt does, or the death of the nixgo process that
// started it) kills the whole build.
//
// Unsandboxed builds (sandbox = false, or macOS) run the builder directly in
// a new session and process group; Kill kills the group.
//
// # Windows
//
// The builder is created suspended with CreateProcess, assigned to a Job
// Object that kills every process of the job when its last handle closes,
// then resumed: the whole process tree dies with the build. There is no
// sandbox yet; the output is a pipe.
//
// # Builtin builders
//
// Builders such as builtin:fetchurl are Go code of package build. They run
// in a process of their own like other builders (inside the sandbox on
// Linux, as CppNix runs them in its forked child): this executable started
// again with argv[0] BuiltinArg0 and the request in the environment variable
// BuiltinEnv. Package build recognises that process in an init function.
package sandbox

import (
	"fmt"
	"io"
	"os"
	"runtime"
)

// BuiltinArg0 is argv[0] of a process that runs a builtin builder.
const BuiltinArg0 = "nixgo-builtin"

// Command describes one builder process.
type Command struct {
	// Path is the program to run; Args its arguments, Args[0] being the
	// name it is given (CppNix passes the base name of the builder).
	Path string
	Args []string
	// Env holds "NAME=value" entries.
	Env []string
	// Dir is the working directory, as the builder sees it.
	Dir string
	// Builtin, when not empty, runs a builtin builder of this executable
	// with this request instead of Path.
	Builtin string
	// Chroot, when set, runs the builder in a Linux sandbox.
	Chroot *Chroot
}

// Chroot describes a Linux sandbox: a private root directory holding only
// what is bind-mounted into it.
type Chroot struct {
	// Root is the root directory on the host, already created and
	// holding the files the caller wrote (etc/passwd...).
	Root string
	// StoreDir is the store directory inside the sandbox (/nix/store),
	// already created below Root.
	StoreDir string
	// Binds maps paths inside the sandbox to host paths, mounted in
	// order of the inside paths.
	Binds []Bind
	// PrivateNetwork gives the builder a network namespace with only a
	// loopback interface.
	PrivateNetwork bool
	// ShmSize is the size of the tmpfs on /dev/shm ("50%").
	ShmSize string
	// UID and GID are the builder's user and group inside.
	UID, GID int
	// FilterSyscalls installs the seccomp filter (filter-syscalls);
	// AllowNewPrivileges leaves no_new_privs unset (allow-new-privileges).
	FilterSyscalls, AllowNewPrivileges bool
}

// Bind is one bind mount: Source on the host appears at Target inside.
// A missing Source is an error unless Optional.
type Bind struct {
	Target, Source string
	Optional       bool
}

// Status is how a builder ended.
type Status struct {
	Exited bool // exited with Code; otherwise killed by Signal
	Code   int
	Signal int
}

// OK reports a successful exit.
func (s Status) OK() bool { return s.Exited && s.Code == 0 }

// String describes the status as CppNix's statusToString.
func (s Status) String() string {
	switch {
	case s.Exited && s.Code == 0:
		return "succeeded"
	case s.Exited && runtime.GOOS == "windows":
		return fmt.Sprintf("with exit code %d", s.Code)
	case s.Exited:
		return fmt.Sprintf("failed with exit code %d", s.Code)
	case s.Signal != 0:
		return fmt.Sprintf("failed due to signal %d (%s)", s.Signal, signalName(s.Signal))
	}
	return "died abnormally"
}

// Process is a started builder.
type Process struct {
	out    io.ReadCloser
	wait   func() (Status, error)
	kill   func()
	waited bool
	status Status
	err    error
}

// Output returns the builder's output: its standard output and error, in
// order. It reaches EOF when the builder and every process that inherited
// its output have exited.
func (p *Process) Output() io.Reader { return p.out }

// Wait waits for the builder to exit and returns its status.
func (p *Process) Wait() (Status, error) {
	if !p.waited {
		p.status, p.err = p.wait()
		p.waited = true
		p.out.Close()
	}
	return p.status, p.err
}

// Kill kills the builder and everything it started.
func (p *Process) Kill() { p.kill() }

// signalNames are strsignal's descriptions (glibc).
var signalNames = map[int]string{
	1: "Hangup", 2: "Interrupt", 3: "Quit", 4: "Illegal instruction", 5: "Trace/breakpoint trap",
	6: "Aborted", 7: "Bus error", 8: "Floating point exception", 9: "Killed", 10: "User defined signal 1",
	11: "Segmentation fault", 12: "User defined signal 2", 13: "Broken pipe", 14: "Alarm clock",
	15: "Terminated", 16: "Stack fault", 17: "Child exited", 18: "Continued", 19: "Stopped (signal)",
	20: "Stopped", 21: "Stopped (tty input)", 22: "Stopped (tty output)", 23: "Urgent I/O condition",
	24: "CPU time limit exceeded", 25: "File size limit exceeded", 26: "Virtual timer expired",
	27: "Profiling timer expired", 28: "Window changed", 29: "I/O possible", 30: "Power failure",
	31: "Bad system call",
}

func signalName(sig int) string {
	if n, ok := signalNames[sig]; ok {
		return n
	}
	return fmt.Sprintf("Unknown signal %d", sig)
}

// selfExecutable returns the path that starts this executable again.
func selfExecutable() (string, error) {
	if _, err := os.Stat("/proc/self/exe"); err == nil {
		return "/proc/self/exe", nil
	}
	return os.Executable()
}

// builtinCommand returns the program and arguments that run the builtin
// builder of cmd, which reads cmd.Builtin on its standard input.
func builtinCommand(self string) (string, []string) {
	return self, []string{BuiltinArg0}
}
