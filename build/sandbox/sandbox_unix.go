// This file starts builders on Unix systems other than Linux (macOS, the
// BSDs): unsandboxed, in a new session, their output through a pipe.

//go:build unix && !linux

package sandbox

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
)

// Start starts cmd. Chroot is not supported here.
func Start(cmd *Command) (*Process, error) {
	if cmd.Chroot != nil {
		return nil, errors.New("sandboxing builds is not supported on this platform")
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	path, args := cmd.Path, cmd.Args
	var stdin io.Reader
	if cmd.Builtin != "" {
		self, err := selfExecutable()
		if err != nil {
			r.Close()
			w.Close()
			return nil, err
		}
		path, args = builtinCommand(self)
		stdin = strings.NewReader(cmd.Builtin)
	}
	c := &exec.Cmd{
		Path:        path,
		Args:        args,
		Env:         cmd.Env,
		Stdin:       stdin,
		Dir:         cmd.Dir,
		Stdout:      w,
		Stderr:      w,
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
	}
	err = c.Start()
	w.Close()
	if err != nil {
		r.Close()
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("executing '%s': %s", cmd.Path, capitalise(err.Error()))
	}
	var once sync.Once
	return &Process{
		out: r,
		wait: func() (Status, error) {
			err := c.Wait()
			if c.ProcessState == nil {
				return Status{}, err
			}
			ws, ok := c.ProcessState.Sys().(syscall.WaitStatus)
			if !ok {
				return Status{Exited: true, Code: c.ProcessState.ExitCode()}, nil
			}
			if ws.Signaled() {
				return Status{Signal: int(ws.Signal())}, nil
			}
			return Status{Exited: true, Code: ws.ExitStatus()}, nil
		},
		kill: func() { once.Do(func() { syscall.Kill(-c.Process.Pid, syscall.SIGKILL) }) },
	}, nil
}

// Supported reports that this platform has no sandbox.
func Supported() error { return errors.New("sandboxing builds is not supported on this platform") }

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
