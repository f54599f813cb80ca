// This file starts builders on Windows: the process is created suspended
// with CreateProcess, assigned to a Job Object that kills all its
// processes when the job's last handle is closed, then resumed, so that
// the builder cannot escape the job before it is in it. Only the output
// pipe and NUL (as standard input) are inherited. There is no sandbox.

package sandbox

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"unicode/utf16"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Start starts cmd in a new job.
func Start(cmd *Command) (*Process, error) {
	if cmd.Chroot != nil {
		return nil, errors.New("sandboxing builds is not supported on this platform")
	}
	path, args, env := cmd.Path, cmd.Args, cmd.Env
	if cmd.Builtin != "" {
		self, err := os.Executable()
		if err != nil {
			return nil, err
		}
		path, args = builtinCommand(self)
	}
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return nil, fmt.Errorf("creating job object: %w", err)
	}
	info := windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION{}
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(job)
		return nil, fmt.Errorf("configuring job object: %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		windows.CloseHandle(job)
		return nil, err
	}
	defer w.Close()
	var nul *os.File
	var reqW *os.File
	if cmd.Builtin != "" {
		// A builtin builder reads its request on standard input.
		nul, reqW, err = os.Pipe()
	} else {
		nul, err = os.Open(os.DevNull)
	}
	if err != nil {
		windows.CloseHandle(job)
		r.Close()
		return nil, err
	}
	defer nul.Close()
	pi, err := createSuspended(path, args, env, cmd.Dir, windows.Handle(nul.Fd()), windows.Handle(w.Fd()))
	if err != nil {
		windows.CloseHandle(job)
		r.Close()
		return nil, fmt.Errorf("executing '%s': %v", cmd.Path, err)
	}
	if err := windows.AssignProcessToJobObject(job, pi.Process); err != nil {
		windows.TerminateProcess(pi.Process, 1)
		windows.CloseHandle(pi.Process)
		windows.CloseHandle(pi.Thread)
		windows.CloseHandle(job)
		r.Close()
		return nil, fmt.Errorf("assigning the builder to its job: %w", err)
	}
	windows.ResumeThread(pi.Thread)
	windows.CloseHandle(pi.Thread)
	if reqW != nil {
		go func() {
			reqW.WriteString(cmd.Builtin)
			reqW.Close()
		}()
	}
	var once sync.Once
	closeJob := func() { once.Do(func() { windows.CloseHandle(job) }) }
	return &Process{
		out: r,
		wait: func() (Status, error) {
			defer windows.CloseHandle(pi.Process)
			if _, err := windows.WaitForSingleObject(pi.Process, windows.INFINITE); err != nil {
				return Status{}, err
			}
			var code uint32
			if err := windows.GetExitCodeProcess(pi.Process, &code); err != nil {
				return Status{}, err
			}
			// The builder's children die with the job.
			closeJob()
			return Status{Exited: true, Code: int(code)}, nil
		},
		kill: func() {
			windows.TerminateJobObject(job, 1)
			closeJob()
		},
	}, nil
}

// createSuspended creates the process with only stdin and out inherited.
func createSuspended(path string, args, env []string, dir string, stdin, out windows.Handle) (*windows.ProcessInformation, error) {
	for _, h := range []windows.Handle{stdin, out} {
		if err := windows.SetHandleInformation(h, windows.HANDLE_FLAG_INHERIT, windows.HANDLE_FLAG_INHERIT); err != nil {
			return nil, err
		}
	}
	attrs, err := windows.NewProcThreadAttributeList(1)
	if err != nil {
		return nil, err
	}
	defer attrs.Delete()
	handles := []windows.Handle{stdin, out}
	if err := attrs.Update(windows.PROC_THREAD_ATTRIBUTE_HANDLE_LIST, unsafe.Pointer(&handles[0]), uintptr(len(handles))*unsafe.Sizeof(handles[0])); err != nil {
		return nil, err
	}
	si := &windows.StartupInfoEx{ProcThreadAttributeList: attrs.List()}
	si.Cb = uint32(unsafe.Sizeof(*si))
	si.Flags = windows.STARTF_USESTDHANDLES
	si.StdInput, si.StdOutput, si.StdErr = stdin, out, out
	app, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	cmdLine, err := windows.UTF16PtrFromString(windows.ComposeCommandLine(args))
	if err != nil {
		return nil, err
	}
	var dirp *uint16
	if dir != "" {
		if dirp, err = windows.UTF16PtrFromString(dir); err != nil {
			return nil, err
		}
	}
	block := envBlock(withSystemRoot(env))
	pi := &windows.ProcessInformation{}
	flags := uint32(windows.CREATE_SUSPENDED | windows.CREATE_UNICODE_ENVIRONMENT | windows.EXTENDED_STARTUPINFO_PRESENT | windows.CREATE_NEW_PROCESS_GROUP)
	if err := windows.CreateProcess(app, cmdLine, nil, nil, true, flags, &block[0], dirp, &si.StartupInfo, pi); err != nil {
		return nil, err
	}
	return pi, nil
}

// withSystemRoot adds the host's SystemRoot and windir to a builder's
// environment that lacks them: Windows programs need them to load system
// libraries (Winsock among others), and Nix's environment has no
// counterpart.
func withSystemRoot(env []string) []string {
	has := map[string]bool{}
	for _, e := range env {
		if i := strings.IndexByte(e, '='); i > 0 {
			has[strings.ToUpper(e[:i])] = true
		}
	}
	for _, name := range []string{"SystemRoot", "windir"} {
		if v := os.Getenv(name); v != "" && !has[strings.ToUpper(name)] {
			env = append(env, name+"="+v)
		}
	}
	return env
}

// envBlock returns a Unicode environment block, sorted as Windows expects.
func envBlock(env []string) []uint16 {
	env = append([]string(nil), env...)
	sort.Slice(env, func(i, j int) bool { return strings.ToUpper(env[i]) < strings.ToUpper(env[j]) })
	var b []uint16
	for _, e := range env {
		b = append(b, utf16.Encode([]rune(e))...)
		b = append(b, 0)
	}
	if len(b) == 0 {
		b = append(b, 0)
	}
	return append(b, 0)
}

// Supported reports that Windows has no sandbox yet.
func Supported() error { return errors.New("sandboxing builds is not supported on this platform") }
